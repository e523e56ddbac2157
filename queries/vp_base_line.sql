-- The Office's assessment (VP) of one criterion for a year before HCTC's adjustment: the
-- responsible unit's not-applicable mark and score, and which unit that is (audit "before").
-- params: $year, $criterion
-- grain: at most one row
select
    self_na,
    self_score,
    source_unit
from vp_lines($year)
where criterion_code = $criterion
