-- The code of every task of the plan, in plan order.
-- params: (none)
-- grain: one row per task
select code
from task
order by sort_order
