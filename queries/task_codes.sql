-- The code of every task of the plan of year $year, in plan order (retired tasks left out).
-- params: $year
-- grain: one row per task
select code
from plan_tasks_of($year)
order by sort_order
