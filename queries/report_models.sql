-- The "Dân vận khéo" register as of ISO week $week: for each unit, the rows of its latest standing 'Dân vận khéo' sheet for a week <= $week of the same year (a later sheet replaces the unit's list; units without one are absent).
-- params: $week
-- kind … sent_date: the Office's record of the model (model_recognition, migration 008; NULL / false
-- when none), matched by the model's identity (NFC, lower case, single spaces).
-- grain: one row per model row, units in catalogue order, then sheet order
with latest as (
    -- the latest-sheet rule, defined once in queries/rules.sql (weeks of $week's plan year)
    select
        unit_code,
        period,
        submission_id
    from latest_models_sheet($week)
)

select
    l.unit_code,
    u.name as unit_name,
    l.period,
    m.row_no,
    m.name,
    m.field,
    m.content,
    m.timeframe,
    m.outcome,
    m.status,
    r.kind,
    r.decision_no,
    r.decision_date,
    coalesce(r.sent_to_snv, false) as sent_to_snv,
    r.sent_date
from latest as l
inner join model_row as m on l.submission_id = m.submission_id
inner join unit as u on l.unit_code = u.code
left join model_recognition as r
    on
        l.unit_code = r.unit_code
        and lower(regexp_replace(trim(nfc_normalize(m.name)), '\s+', ' ', 'g')) = r.model_key
order by u.sort_order, m.row_no
