-- Each active body's weekly reporting in its data week of year $year (the latest week whose figures its plan reports), from the rollup (city registry, issue 34): the units expected to report that week, those that reported and those on time; Sở Nội vụ's view of this week's reporting discipline.
-- params: $year
-- grain: one row per active body with a rolled-up data week in $year
select
    y.body,
    y.data_week,
    w.expected,
    w.reported,
    w.on_time
from rollup_year as y
inner join body as b on b.code = y.body and b.active
inner join rollup_week as w on w.body = y.body and w.week = y.data_week
where y.year = $year
order by b.sort_order, b.code
