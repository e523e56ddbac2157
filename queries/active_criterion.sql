-- One criterion of the criteria set in force for the plan of year $year: its set, kind and maximum (the VP adjustment's bounds).
-- params: $year, $criterion
-- grain: at most one row
select
    c.set_id,
    c.kind,
    c.max_points
from criterion as c
inner join criteria_set as s on c.set_id = s.id
where s.active and s.plan_year = $year and c.code = $criterion
