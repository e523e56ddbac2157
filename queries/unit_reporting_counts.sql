-- Reporting discipline of each active unit over the ISO weeks $first_week..$week (the Báo cáo's "units late most often"), the same rules as reporting_status.sql and reporting_trend.sql.
-- Only weeks that expect reports count (the expects_report macro, queries/rules.sql). on_time = the unit's first accepted upload for the week at or before week_deadline (queries/rules.sql); late = after it; missing = no accepted submission.
-- params: $first_week, $week
-- grain: one row per active unit, most late-or-missing weeks first, then catalogue order
with weeks as (
    select strftime(d, '%G-W%V') as period
    from range(week_start($first_week), week_start($week) + 1, interval 7 day) as r (d)
),

expected as (
    -- the week rules, defined once in queries/rules.sql
    select
        period,
        week_deadline(period) as deadline
    from weeks
    where expects_report(period)
),

firsts as (
    select
        period,
        unit_code,
        min(uploaded_at) as first_upload
    from submission
    where status = 'accepted'
    group by period, unit_code
),

per_unit as (
    select
        u.code as unit_code,
        u.name as unit_name,
        u.sort_order,
        count(w.period) as expected_weeks,
        count(f.first_upload) filter (where f.first_upload <= w.deadline) as on_time,
        count(f.first_upload) filter (where f.first_upload > w.deadline) as late,
        count(w.period) - count(f.first_upload) as missing
    from unit as u
    left join expected as w on true
    left join firsts as f on w.period = f.period and u.code = f.unit_code
    where u.active
    group by u.code, u.name, u.sort_order
)

select
    unit_code,
    unit_name,
    expected_weeks,
    on_time,
    late,
    missing
from per_unit
order by late + missing desc, sort_order
