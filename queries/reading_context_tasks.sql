-- Every plan's task codes in document order (retired tasks left out), for the workbook reader.
-- params: (none)
-- grain: one row per (plan year, task)
select plan_year, code
from task
where not retired
order by plan_year, sort_order
