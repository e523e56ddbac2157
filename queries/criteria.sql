-- The criteria of one set, in sheet order (codes, groups, maxima, kind, evidence hint,
-- responsible unit with its name).
-- params: $set_id
-- grain: one row per criterion of the set
select
    c.set_id,
    c.code,
    c.sort_order,
    c.group_code,
    c.group_name,
    c.title,
    c.max_points,
    c.kind,
    c.evidence_hint,
    c.responsible_unit,
    u.name as responsible_name
from criterion as c
left join unit as u on c.responsible_unit = u.code
where c.set_id = $set_id
order by c.sort_order
