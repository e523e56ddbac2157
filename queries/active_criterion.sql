-- One criterion of the active criteria set: its set, kind and maximum (the VP adjustment's bounds).
-- params: $criterion
-- grain: at most one row
select
    c.set_id,
    c.kind,
    c.max_points
from criterion as c
inner join criteria_set as s on c.set_id = s.id
where s.active and c.code = $criterion
