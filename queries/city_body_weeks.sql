-- One body's weekly reporting in year $year from the rollup (city registry, issue 34): per ISO week of the body's plan up to its data week, the units expected to report, those that reported and those on time (the body's reporting_trend.sql), for Sở Nội vụ's drill-down city → body.
-- params: $body, $year
-- grain: one row per week, oldest first
select week, expected, reported, on_time
from rollup_week
where body = $body and cast(substr(week, 1, 4) as integer) = $year
order by week
