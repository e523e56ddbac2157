-- The progress rows currently standing for one unit and week (what a new upload would replace).
-- params: $unit, $week
-- grain: one row per task in the unit's current progress sheet for $week
select p.task_code, p.status, p.percent, c.submission_id
from current_sheet as c
inner join progress_row as p on c.submission_id = p.submission_id
where c.sheet = 'progress' and c.unit_code = $unit and c.period = $week
order by p.row_no
