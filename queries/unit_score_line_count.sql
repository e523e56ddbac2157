-- How many criteria a unit's standing 'Tự chấm điểm' sheet for a year has (0: no sheet).
-- params: $unit, $year
-- grain: one row
select count(*) as lines
from score_lines($year)
where unit_code = $unit
