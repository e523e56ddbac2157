-- Plan completion for every ISO week from the first reporting week of $week's plan to $week (PRODUCT.md §6 trends), computed in one pass: for each week w, each unit-task progress is the unit's latest current accepted progress row of a week <= w (carried forward), then task completion (lead's progress, else the mean with non-reporters at 0) and the weight-weighted plan completion, exactly as task_completion.sql and plan_completion.sql define them (tests check the last week agrees).
-- Computed as running sums of each unit's week-to-week change (equal to carrying every value forward, up to float rounding), so the cost grows with the rows, not rows × weeks.
-- exempt marks the exempt weeks (is_exempt, queries/rules.sql; no report is expected; the values carry forward through them). A $week before first_week gives no rows.
-- params: $week
-- grain: one row per ISO week, oldest first
with bounds as (
    select
        cast(week_start(plan_setting_value(week_year($week), 'first_week')) as timestamp)
            as first_start,
        cast(week_start($week) as timestamp) as last_start
),

weeks as (
    select
        strftime(d, '%G-W%V') as week,
        cast(d as date) + 6 as week_end
    from (select unnest(generate_series(first_start, last_start, interval 7 day)) as d from bounds)
),

assigned as (
    select
        a.task_code,
        a.unit_code,
        a.role = 'chu_tri' as is_lead
    from assignments_of(week_year($week)) as a
),

rows_ as (
    -- Assigned units' current rows; delta = change of the carried-forward value at that week.
    select
        a.task_code,
        a.is_lead,
        greatest(cs.period, plan_setting_value(week_year($week), 'first_week')) as from_week,
        pr.percent - coalesce(
            lag(pr.percent) over (partition by cs.unit_code, pr.task_code order by cs.period), 0
        ) as delta,
        row_number() over (partition by cs.unit_code, pr.task_code order by cs.period) = 1 as first_row
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    inner join progress_row as pr on cs.submission_id = pr.submission_id
    inner join assigned as a on cs.unit_code = a.unit_code and pr.task_code = a.task_code
    where cs.sheet = 'progress' and cs.period <= $week and week_year(cs.period) = week_year($week)
),

changes as (
    select
        task_code,
        from_week,
        sum(delta) as d_sum,
        sum(delta) filter (where is_lead) as d_lead,
        count(*) filter (where first_row) as d_reported
    from rows_
    group by task_code, from_week
),

running as (
    -- Carry forward = running totals of the changes, week by week.
    select
        w.week,
        t.code,
        t.weight,
        nullif(t.lead_unit, '') is not null as has_lead,
        sum(coalesce(c.d_sum, 0)) over running_window as unit_sum,
        sum(coalesce(c.d_lead, 0)) over running_window as lead_percent,
        sum(coalesce(c.d_reported, 0)) over running_window as reported_units
    from weeks as w
    cross join plan_tasks_of(week_year($week)) as t
    left join changes as c on t.code = c.task_code and w.week = c.from_week
    window running_window as (partition by t.code order by w.week)
),

per_task as (
    select
        r.week,
        r.weight,
        r.reported_units,
        case
            when r.has_lead then r.lead_percent
            else coalesce(r.unit_sum / nullif(m.units, 0), 0)
        end as completion
    from running as r
    left join (select task_code, count(*) as units from assigned group by task_code) as m
        on r.code = m.task_code
)

select
    w.week,
    w.week_end,
    is_exempt(w.week) as exempt,
    sum(p.weight * p.completion) / nullif(sum(p.weight), 0) as plan_completion,
    count(*) filter (where p.reported_units > 0) as tasks_reported
from weeks as w
inner join per_task as p on w.week = p.week
group by w.week, w.week_end
order by w.week
