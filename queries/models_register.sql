-- The "Dân vận khéo" register of the plan of year $year: every unit's models as its latest standing
-- 'Dân vận khéo' sheet of a week of that year lists them (the latest_models_sheet macro of
-- queries/rules.sql: current_sheet of the unit's latest ISO week of the year with that sheet; a resubmission without the sheet leaves the earlier one standing). model_key identifies a model across submissions
-- (NFC, lower case, single spaces); first_period is the first week of the year any accepted submission of the
-- unit listed it. status_order follows Đăng ký (1) → Đang thực hiện → Được công nhận → Nhân rộng
-- (4); an empty or unknown status sorts last (9). kind, decision_no, decision_date, sent_to_snv and
-- sent_date are what the Office recorded for the model on the Dân vận khéo page
-- (model_recognition, migration 008; NULL / false when nothing is recorded).
-- $week (an ISO week of $year, or NULL): the register as of that week (each unit's latest sheet of
-- a week <= $week, first_period among those weeks), for the models export of a week and the Báo
-- cáo; NULL gives every week of the year, as the Dân vận khéo page shows it.
-- params: $year, $week
-- grain: one row per (unit, model row of that unit's latest standing models sheet)
with latest as (
    -- the latest-sheet rule, defined once in queries/rules.sql ('YYYY-W53': every week of the year)
    select unit_code, period, submission_id
    from latest_models_sheet(coalesce($week, cast($year as varchar) || '-W53'))
),

year_rows as (
    -- the model rows of the year's accepted submissions (the register never reads other years)
    select m.*, s.unit_code, s.period
    from model_row as m
    inner join submission as s on m.submission_id = s.id
    where s.status = 'accepted'
        and s.period >= cast($year as varchar) || '-W01'
        and s.period <= coalesce($week, cast($year as varchar) || '-W53')
),

keyed as (
    select
        r.* exclude (unit_code, period),
        lower(regexp_replace(trim(nfc_normalize(r.name)), '\s+', ' ', 'g')) as model_key
    from year_rows as r
),

first_seen as (
    select unit_code, lower(regexp_replace(trim(nfc_normalize(name)), '\s+', ' ', 'g')) as model_key,
        min(period) as first_period
    from year_rows
    group by all
)

select
    l.unit_code,
    u.name as unit_name,
    l.period,
    s.uploaded_at,
    k.submission_id,
    k.row_no,
    k.model_key,
    k.name,
    k.field,
    k.content,
    k.timeframe,
    k.outcome,
    k.status,
    case k.status
        when 'Đăng ký' then 1
        when 'Đang thực hiện' then 2
        when 'Được công nhận' then 3
        when 'Nhân rộng' then 4
        else 9
    end as status_order,
    f.first_period,
    r.kind,
    r.decision_no,
    r.decision_date,
    coalesce(r.sent_to_snv, false) as sent_to_snv,
    r.sent_date
from latest as l
inner join keyed as k on l.submission_id = k.submission_id
inner join submission as s on l.submission_id = s.id
left join unit as u on l.unit_code = u.code
left join first_seen as f on l.unit_code = f.unit_code and k.model_key = f.model_key
left join model_recognition as r on l.unit_code = r.unit_code and k.model_key = r.model_key
order by coalesce(u.sort_order, 0), l.unit_code, k.row_no
