-- Unit, task, indicator, model-field and task-group codes other rows still use, with what uses them: a code in use cannot be removed from its catalogue. Tasks and task groups are those of the plan of year $year (a code another plan uses stays there).
-- params: $year
-- grain: one row per (catalogue, use, code)
select distinct 'units' as catalogue, 'task_lead' as use, lead_unit as code
from task where lead_unit is not null and not retired
union all
select distinct 'units', 'task_coordinating', unnest(string_split(coordinating, ';'))
from task where coordinating <> '*' and not retired
union all
select distinct 'units', 'account', unit_code from app_user where unit_code is not null
union all
select distinct 'units', 'submission', unit_code from submission where unit_code is not null
union all
select distinct 'units', 'criterion', responsible_unit
from criterion where set_id in (select id from criteria_set where active)
union all
select distinct 'tasks', 'indicator', task_code from indicator where task_code is not null
union all
select distinct 'tasks', 'progress', pr.task_code
from progress_row as pr
inner join submission as s on pr.submission_id = s.id
where cast(substr(s.period, 1, 4) as integer) = $year
union all
select distinct 'tasks', 'difficulty', task_code from difficulty
where task_code is not null and plan_year = $year
union all
select distinct 'indicators', 'indicator_value', indicator_code from indicator_value
union all
select distinct 'model_fields', 'model', f.code
from model_field as f inner join model_row as m on m.field = f.name
union all
select distinct 'task_groups', 'task', group_code from task where plan_year = $year and not retired
