-- History of one task $task up to ISO week $week: every current accepted progress row of a unit assigned the task in $week's plan for a week of that year <= $week, with its texts (results, evidence, difficulties, proposals) and who reported it.
-- Decision: only the sheet that currently stands for each (unit, week) appears (a superseded version is history of the upload, kept on the admin page, not of the task); weeks in which a unit did not report the task have no row.
-- params: $task, $week
-- grain: one row per (assigned unit, week with a current progress row for the task), newest week first, then units in catalogue order
select
    cs.period,
    a.unit_code,
    u.name as unit_name,
    a.role,
    pr.status as sheet_status,
    pr.percent,
    pr.result_text,
    pr.evidence,
    pr.difficulty,
    pr.proposal,
    s.uploaded_at,
    s.reporter,
    s.phone
from current_sheet as cs
inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
inner join progress_row as pr on cs.submission_id = pr.submission_id
inner join assignments_of(week_year($week)) as a
    on cs.unit_code = a.unit_code and pr.task_code = a.task_code
inner join unit as u on a.unit_code = u.code
where cs.sheet = 'progress' and pr.task_code = $task and cs.period <= $week
    and week_year(cs.period) = week_year($week)
order by cs.period desc, u.sort_order
