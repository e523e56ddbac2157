-- The city's shared criteria set of year $year in the city registry (issue 34; QĐ 2579 Phụ lục II, provisional until the city loads the official one): its set and every criterion in order. Loading it copies it into every body's file.
-- params: $year
-- grain: one row per criterion of the year's active city set
select
    s.id as set_id,
    s.label,
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
join criterion as c on c.set_id = s.id
where s.plan_year = $year and s.active
order by c.sort_order
