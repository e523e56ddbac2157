-- A unit's latest accepted status and percent per task from weeks of $week's plan year before $week (carried forward; a new plan starts afresh).
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
    and week_year(c.period) = week_year($week)
group by p.task_code
