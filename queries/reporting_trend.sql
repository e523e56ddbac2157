-- Reporting rate and on-time rate for every ISO week from $first_week to $week (PRODUCT.md §6), the same rules as reporting_status.sql.
-- expected_units = active units when the week expects reports, else 0 (a week of a year without a plan, before its plan's first reporting week, or exempt); reporting_rate = 100 * reported / expected_units and on_time_rate = 100 * on_time / expected_units, NULL when the week expects nothing (excluded, not 0%).
-- reported / on_time count active units with an accepted submission for the week / whose first accepted upload was at or before that week's deadline.
-- params: $first_week, $week
-- grain: one row per ISO week, oldest first
with weeks as (
    select strftime(d, '%G-W%V') as period
    from range(week_start($first_week), week_start($week) + 1, interval 7 day) as r (d)
),

calendar as (
    -- the week rules, defined once in queries/rules.sql
    select
        period,
        expects_report(period) as expected,
        week_deadline(period) as deadline,
        (select count(*) from unit where active) as active_units
    from weeks
),

firsts as (
    select
        s.period,
        s.unit_code,
        min(s.uploaded_at) as first_upload
    from submission as s
    inner join unit as u on s.unit_code = u.code and u.active
    where s.status = 'accepted'
    group by s.period, s.unit_code
),

per_week as (
    select
        w.period,
        week_start(w.period) as week_start,
        w.expected,
        w.active_units,
        w.deadline,
        count(f.unit_code) as reported,
        count(f.unit_code) filter (where f.first_upload <= w.deadline) as on_time
    from calendar as w
    left join firsts as f on w.period = f.period
    group by all
)

select
    period,
    week_start,
    expected,
    deadline,
    case when expected then active_units else 0 end as expected_units,
    reported,
    on_time,
    case when expected then 100.0 * reported / nullif(active_units, 0) end as reporting_rate,
    case when expected then 100.0 * on_time / nullif(active_units, 0) end as on_time_rate
from per_week
order by period
