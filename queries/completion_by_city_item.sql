-- Completion of each item of the city's Kế hoạch 52 that the body's plan carries out, as of ISO week $week (issue 34, for Sở Nội vụ's rollup): the weight-weighted mean of the task completion (PRODUCT.md §6, the macro task_completion_as_of of queries/rules.sql) of the plan's tasks naming that item in task.city_item, with full precision.
-- Tasks naming no item are counted under city_item ''.
-- params: $week
-- grain: one row per city item named by a task of $week's plan ('' for the tasks naming none), in item order
select
    coalesce(t.city_item, '') as city_item,
    count(*) as tasks,
    sum(t.weight * c.completion) / nullif(sum(t.weight), 0) as completion
from plan_tasks_of(week_year($week)) as t
inner join task_completion_as_of($week) as c on t.code = c.task_code
group by all
order by min(t.sort_order)
