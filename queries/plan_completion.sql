-- Plan completion as of ISO week $week (PRODUCT.md §6): sum(weight * task completion) / sum(weight) over every task of the plan, with full precision.
-- Task completion is defined in task_completion.sql (lead's progress, else the mean with non-reporters at 0; progress carried forward from current accepted sheets of weeks <= $week); the same rule is repeated here so the figure is one query, and tests check both agree.
-- tasks_reported = tasks with at least one assigned unit reporting; units_reported = distinct assigned units with a counted progress row, out of active_units; last_update = latest uploaded_at counted.
-- params: $week
-- grain: one row
with latest as (
    select
        cs.unit_code,
        pr.task_code,
        pr.percent,
        s.uploaded_at
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    inner join progress_row as pr on cs.submission_id = pr.submission_id
    where cs.sheet = 'progress' and cs.period <= $week
    qualify row_number() over (partition by cs.unit_code, pr.task_code order by cs.period desc) = 1
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
