-- A unit's latest accepted status and percent per task from weeks before $week (carried forward).
-- params: $unit, $week
-- grain: one row per task the unit has reported before $week
select
    p.task_code,
    arg_max(p.status, c.period) as status,
    arg_max(p.percent, c.period) as percent,
    max(c.period) as period
from current_sheet as c
inner join progress_row as p on c.submission_id = p.submission_id
where c.sheet = 'progress' and c.unit_code = $unit and c.period < $week
group by p.task_code
