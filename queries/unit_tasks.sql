-- The tasks of the plan of year $year assigned to one unit, in plan order, with its role (chủ trì, phối hợp, thực hiện).
-- params: $unit, $year
-- grain: one row per task assigned to $unit
select
    t.code,
    t.short_title,
    t.kind,
    a.role
from assignments_of($year) as a
inner join task as t on a.task_code = t.code and a.plan_year = t.plan_year
where a.unit_code = $unit
order by t.sort_order
