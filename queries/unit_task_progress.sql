-- Unit-task progress as of ISO week $week (PRODUCT.md §6): for every task of $week's plan and every unit assigned to it, the percent in the unit's most recent accepted progress sheet for a week <= $week that contains the task, carried forward; NULL = not reported.
-- Decisions: only the sheet that currently stands for a (unit, week) counts (table current_sheet, sheet 'progress'), so a superseded version is never used; a current sheet that omits the task does not hide the value of an earlier week (that value carries forward); rows for tasks the unit is not (or no longer) assigned are ignored; weeks compare as 'YYYY-Www' text. `period` is the week the value comes from; texts come from that same row.
-- params: $week
-- grain: one row per (task, assigned unit), tasks in plan order, then lead first, then units in catalogue order
with latest as (
    -- the carry-forward rule, defined once in queries/rules.sql (within $week's plan year)
    select
        unit_code,
        task_code,
        period,
        percent,
        sheet_status,
        result_text,
        evidence,
        difficulty,
        proposal,
        submission_id,
        uploaded_at,
        reporter
    from progress_as_of($week)
)

select
    a.task_code,
    t.short_title,
    a.unit_code,
    u.name as unit_name,
    a.role,
    l.period,
    l.percent,
    l.sheet_status,
    l.result_text,
    l.evidence,
    l.difficulty,
    l.proposal,
    l.submission_id,
    l.uploaded_at,
    l.reporter
from assignments_of(week_year($week)) as a
inner join task as t on a.task_code = t.code and a.plan_year = t.plan_year
inner join unit as u on a.unit_code = u.code
left join latest as l on a.unit_code = l.unit_code and a.task_code = l.task_code
order by t.sort_order, case a.role when 'chu_tri' then 0 else 1 end, u.sort_order
