-- Plan completion as of ISO week $week (PRODUCT.md §6): sum(weight * task completion) / sum(weight) over every task of $week's plan, with full precision.
-- Task completion comes from the task_completion_as_of macro (queries/rules.sql), the same rule task_completion.sql reports per task (lead's progress, else the mean with non-reporters at 0; progress carried forward from current accepted sheets of weeks <= $week).
-- tasks_reported = tasks with at least one assigned unit reporting; units_reported = distinct assigned units with a counted progress row, out of active_units; last_update = latest uploaded_at counted.
-- params: $week
-- grain: one row
select
    sum(t.weight * c.completion) / nullif(sum(t.weight), 0) as plan_completion,
    sum(t.weight) as total_weight,
    count(*) as tasks,
    count(*) filter (where c.reported_units > 0) as tasks_reported,
    (
        select count(distinct unit_code)
        from assigned_progress_as_of($week)
        where percent is not null
    ) as units_reported,
    (select count(*) from unit where active) as active_units,
    max(c.last_update) as last_update
from plan_tasks_of(week_year($week)) as t
inner join task_completion_as_of($week) as c on t.code = c.task_code
