-- The reporting calendar of ISO year $year: per ISO week its Monday and Sunday, the nominal deadline day (deadline_day, queries/rules.sql), the deadline and lock time (week_deadline, week_lock_time), whether it is exempt (is_exempt) and the facts behind it.
-- listed = the week is in the plan's setting exempt_weeks; working_days / week_reason from calendar_week (NULL outside the calendar's years; week_reason says why a week without a working day is off); nominal_working / nominal_reason from calendar_day for the nominal deadline day (why it is off, when it is).
-- params: $year
-- grain: one row per ISO week of $year, in order
with weeks as (
    select strftime(d, '%G-W%V') as week
    from range(
        week_start(printf('%04d-W01', $year::integer)),
        week_start(printf('%04d-W01', $year::integer + 1)),
        interval 7 day
    ) as r (d)
)

select
    w.week,
    week_start(w.week) as week_start,
    week_end(w.week) as week_end,
    deadline_day(w.week) as nominal_day,
    week_deadline(w.week) as deadline,
    week_lock_time(w.week) as lock_time,
    is_exempt(w.week) as exempt,
    list_contains(exempt_weeks($year::integer), w.week) as listed,
    c.working_days,
    c.reason as week_reason,
    d.working as nominal_working,
    d.reason as nominal_reason
from weeks as w
left join calendar_week as c on w.week = c.week
left join calendar_day as d on deadline_day(w.week) = d.day
order by w.week
