-- One submission's unit, week, status and which sheets it carried (for restoring it).
-- params: $submission_id
-- grain: at most one row
select
    unit_code,
    period,
    status,
    has_progress,
    has_indicators,
    has_scores,
    has_models
from submission
where id = $submission_id
