-- The tasks assigned to one unit, in plan order, with its role (chủ trì, phối hợp, thực hiện).
-- params: $unit
-- grain: one row per task assigned to $unit
select
    t.code,
    t.short_title,
    t.kind,
    a.role
from assignment as a
inner join task as t on a.task_code = t.code
where a.unit_code = $unit
order by t.sort_order
