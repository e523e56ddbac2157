-- Plan completion as of ISO week $week (PRODUCT.md §6): sum(weight * task completion) / sum(weight) over every task of the plan, with full precision.
-- Task completion is defined in task_completion.sql (lead's progress, else the mean with non-reporters at 0; progress carried forward from current accepted sheets of weeks <= $week); the completion rule is repeated here so the figure is one query (tests check both agree); the carry-forward comes from the progress_as_of macro (migration 003), as in task_completion.sql.
-- tasks_reported = tasks with at least one assigned unit reporting; units_reported = distinct assigned units with a counted progress row, out of active_units; last_update = latest uploaded_at counted.
-- params: $week
-- grain: one row
with latest as (
    -- the carry-forward rule, defined once in migration 003
    select
        unit_code,
        task_code,
        percent,
        uploaded_at
    from progress_as_of($week)
),

counted as (
    select a.task_code, a.role, l.unit_code, l.percent, l.uploaded_at
    from assignment as a
    left join latest as l on a.unit_code = l.unit_code and a.task_code = l.task_code
),

per_task as (
    select
        t.code,
        t.weight,
        case
            when nullif(t.lead_unit, '') is not null
                then coalesce(max(c.percent) filter (where c.role = 'chu_tri'), 0)
            else coalesce(avg(coalesce(c.percent, 0)), 0)
        end as completion,
        count(c.percent) as reported_units
    from task as t
    left join counted as c on t.code = c.task_code
    group by t.code, t.weight, t.lead_unit
)

select
    sum(p.weight * p.completion) / nullif(sum(p.weight), 0) as plan_completion,
    sum(p.weight) as total_weight,
    count(*) as tasks,
    count(*) filter (where p.reported_units > 0) as tasks_reported,
    (select count(distinct unit_code) from counted where percent is not null) as units_reported,
    (select count(*) from unit where active) as active_units,
    (select max(uploaded_at) from counted) as last_update
from per_task as p
