-- 003: the carry-forward rule of unit-task progress (PRODUCT.md §6), defined once.
-- progress_as_of(w): for each (unit, task), the row of the unit's most recent accepted progress
-- sheet for a week <= w that contains the task. Only the sheet that currently stands for a
-- (unit, week) counts (current_sheet), so superseded versions are never used; a current sheet that
-- omits a task leaves the earlier week's value carried forward. Weeks compare as 'YYYY-Www' text.
create macro progress_as_of(w) as table
    select
        cs.unit_code,
        pr.task_code,
        cs.period,
        pr.percent,
        pr.status as sheet_status,
        pr.result_text,
        pr.evidence,
        pr.difficulty,
        pr.proposal,
        s.id as submission_id,
        s.uploaded_at,
        s.reporter
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    inner join progress_row as pr on cs.submission_id = pr.submission_id
    where cs.sheet = 'progress' and cs.period <= w
    qualify row_number() over (partition by cs.unit_code, pr.task_code order by cs.period desc) = 1;
