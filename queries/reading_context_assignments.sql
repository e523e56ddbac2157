-- Which tasks each active unit must report on and in what role, for the workbook reader.
-- params: (none)
-- grain: one row per (unit, task)
select
    a.unit_code,
    a.task_code,
    a.role
from assignment as a
inner join task as t on a.task_code = t.code
order by a.unit_code, t.sort_order
