-- The stored review (điểm thẩm định, or HCTC's VP adjustment) of one criterion, read inside the
-- write transaction that replaces or clears it (audit "before").
-- params: $set_id, $year, $unit_code, $criterion_code
-- grain: at most one row
select
    score,
    comment,
    reviewed_by
from review_score
where
    set_id = $set_id
    and year = $year
    and unit_code = $unit_code
    and criterion_code = $criterion_code
