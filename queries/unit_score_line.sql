-- One criterion of a unit's standing 'Tự chấm điểm' sheet for a year, as a review checks it:
-- the set the unit scored under, the criterion's kind and maximum, and the unit's own score.
-- params: $unit, $year, $criterion
-- grain: at most one row
select
    set_id,
    kind,
    max_points,
    self_na,
    self_score
from score_lines($year)
where unit_code = $unit and criterion_code = $criterion
