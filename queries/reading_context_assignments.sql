-- Which tasks each active unit must report on and in what role, in every plan, for the workbook reader.
-- params: (none)
-- grain: one row per (plan year, unit, task)
select
    a.plan_year,
    a.unit_code,
    a.task_code,
    a.role
from assignment as a
inner join task as t on a.task_code = t.code and a.plan_year = t.plan_year
order by a.plan_year, a.unit_code, t.sort_order
