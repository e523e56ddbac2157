-- The history of a unit's "Dân vận khéo" models: every accepted submission that carried a
-- 'Dân vận khéo' sheet, superseded ones included, with the status and results it reported.
-- model_key is the model's identity (NFC, lower case, single spaces), as in models_register.
-- is_current marks the rows of sheets that currently stand for their week.
-- params: $unit
-- grain: one row per (accepted submission of the unit, model row)
select
    s.unit_code,
    s.period,
    s.id as submission_id,
    s.uploaded_at,
    s.uploaded_by,
    m.row_no,
    lower(regexp_replace(trim(nfc_normalize(m.name)), '\s+', ' ', 'g')) as model_key,
    m.name,
    m.field,
    m.content,
    m.timeframe,
    m.outcome,
    m.status,
    cs.submission_id is not null as is_current
from model_row as m
inner join submission as s on m.submission_id = s.id
left join current_sheet as cs
    on s.unit_code = cs.unit_code
    and s.period = cs.period
    and cs.sheet = 'models'
    and s.id = cs.submission_id
where s.status = 'accepted' and s.unit_code = $unit
order by model_key, s.period, s.uploaded_at, s.id
