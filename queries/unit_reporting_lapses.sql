-- The weeks each active unit reported late or not at all over the ISO weeks $first_week..$week (the weeks behind P1 "Báo cáo trễ hạn hoặc không báo cáo"), by the rules of unit_reporting_counts.sql.
-- Only weeks that expect reports count (expects_report, queries/rules.sql); late = the unit's first accepted upload for the week after week_deadline; missing = no accepted submission.
-- params: $first_week, $week
-- grain: one row per (active unit, expected week it reported late or not at all), units in catalogue order, then weeks in order
with weeks as (
    select strftime(d, '%G-W%V') as period
    from range(week_start($first_week), week_start($week) + 1, interval 7 day) as r (d)
),

expected as (
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
)

select
    u.code as unit_code,
    w.period,
    case when f.first_upload is null then 'missing' else 'late' end as lapse
from unit as u
cross join expected as w
left join firsts as f on w.period = f.period and u.code = f.unit_code
where u.active and (f.first_upload is null or f.first_upload > w.deadline)
order by u.sort_order, w.period
