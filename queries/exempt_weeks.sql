-- The exempt weeks of the plan of year $year (no report expected), as is_exempt (queries/rules.sql) decides them: the weeks the plan lists in its setting exempt_weeks and the weeks of the working-day calendar without a working day.
-- params: $year
-- grain: one row per exempt week of ISO year $year, in week order
select week
from (select unnest(exempt_weeks($year)) as week)
where week <> ''
union
select week
from calendar_week
where working_days = 0 and week_year(week) = $year
order by week
