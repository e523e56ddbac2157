-- What the Office recorded about one unit's model (kind, recognition decision, sending to Sở Nội
-- vụ): the "before" of a new record and its audit row; no row when nothing is recorded yet.
-- params: $unit, $model_key
-- grain: at most one row
select
    unit_code,
    model_key,
    kind,
    decision_no,
    decision_date,
    sent_to_snv,
    sent_date,
    updated_by,
    updated_at
from model_recognition
where unit_code = $unit and model_key = $model_key
