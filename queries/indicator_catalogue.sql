-- The indicator catalogue in order: code, name, measure, kind (flow summed, stock latest), task.
-- params: (none)
-- grain: one row per indicator
select code, name, measure, kind, task_code, sort_order
from indicator
order by sort_order
