-- The tasks of the plan of year $year in document order, with directing authority, lead, assigned units and window (retired tasks left out).
-- params: $year
-- grain: one row per task
with assigned as (
    select
        task_code,
        count(*) as assigned_units,
        string_agg(unit_code, ', ' order by unit_code) filter (where role <> 'chu_tri') as other_units
    from assignments_of($year)
    group by task_code
)

select
    t.code,
    t.group_code,
    t.short_title,
    t.full_text,
    t.directing,
    t.lead_unit,
    lead.name as lead_name,
    t.coordinating,
    coalesce(a.assigned_units, 0) as assigned_units,
    a.other_units,
    t.kind,
    t.start_date,
    t.due_date,
    t.weight,
    t.assignment_inferred
from plan_tasks_of($year) as t
left join unit as lead on t.lead_unit = lead.code
left join assigned as a on t.code = a.task_code
order by t.sort_order
