-- The plan's task codes in document order, for the workbook reader.
-- params: (none)
-- grain: one row per task
select code
from task
order by sort_order
