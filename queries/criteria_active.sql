-- The criteria of the set in force for the plan of year $year, in order, with the set's label and provisional flag.
-- params: $year
-- grain: one row per criterion of that set
select
    s.id as set_id,
    s.label as set_label,
    s.provisional,
    c.code,
    c.sort_order,
    c.group_code,
    c.group_name,
    c.title,
    c.max_points,
    c.kind,
    c.evidence_hint,
    c.responsible_unit
from criteria_set as s
inner join criterion as c on s.id = c.set_id
where s.active and s.plan_year = $year
order by c.sort_order
