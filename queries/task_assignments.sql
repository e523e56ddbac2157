-- Which units are assigned to which task of the plan of year $year and in what role (chủ trì, phối hợp, thực hiện).
-- params: $year
-- grain: one row per (task, unit)
select
    a.task_code,
    a.unit_code,
    u.name as unit_name,
    a.role
from assignments_of($year) as a
inner join task as t on a.task_code = t.code and a.plan_year = t.plan_year
inner join unit as u on a.unit_code = u.code
order by t.sort_order, case a.role when 'chu_tri' then 0 else 1 end, u.sort_order
