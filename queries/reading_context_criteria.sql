-- Criteria of the active criteria set with their authoritative maxima and kind, for the reader.
-- params: (none)
-- grain: one row per criterion of the active set
select
    c.set_id,
    c.code,
    c.max_points,
    c.kind,
    c.title
from criterion as c
inner join criteria_set as s on c.set_id = s.id
where s.active
order by c.sort_order
