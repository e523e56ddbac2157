-- One unit's reporting state for every ISO week from $first_week to $week, newest first: the rules of reporting_status.sql in one pass instead of one query per week (expects_report, week_deadline and report_state in queries/rules.sql; first_upload = the week's FIRST accepted upload, superseded versions included).
-- No rows for a unit that is not active (reporting_status.sql lists active units only).
-- params: $unit, $first_week, $week
-- grain: one row per ISO week, newest first
with weeks as (
    select strftime(d, '%G-W%V') as period
    from range(week_start($first_week), week_start($week) + 1, interval 7 day) as r (d)
),

week_sub as (
    select
        period,
        min(uploaded_at) as first_upload,
        max(uploaded_at) as last_upload,
        count(*) as versions
    from submission
    where status = 'accepted' and unit_code = $unit
    group by period
)

select
    w.period,
    report_state(expects_report(w.period), s.first_upload, week_deadline(w.period)) as state,
    s.first_upload,
    s.last_upload,
    coalesce(s.versions, 0) as versions
from weeks as w
left join week_sub as s on w.period = s.period
where exists (select 1 from unit where code = $unit and active)
order by w.period desc
