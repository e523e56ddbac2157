-- The exempt weeks (no report expected), as is_exempt (migrations 006-007) decides them: the weeks listed in setting exempt_weeks and the weeks of the working-day calendar without a working day.
-- params: (none)
-- grain: one row per exempt week, in week order
select week
from (select unnest(exempt_weeks()) as week)
where week <> ''
union
select week
from calendar_week
where working_days = 0
order by week
