-- Open difficulties as of ISO week $week (PRODUCT.md §6): what still waits for the Office's leaders.
-- Sheet difficulties: for each (unit, task), the row of the unit's latest standing progress sheet for a week <= $week that contains the task (carried forward exactly like unit-task progress); open when its 'Khó khăn, vướng mắc' (trimmed) is not empty and no difficulty_handled row has source 'sheet', ref 'UNIT|TASK' and text_handled = that text. A later report with a different text is therefore open again; a later report with an empty cell closes it.
-- App difficulties: rows of table difficulty of $week's plan raised up to the end of $week (raised_at < week_end + 1 day) with no difficulty_handled row (source 'app', ref = id).
-- Only active units count (an inactive unit's difficulties stay in the register, difficulties.sql).
-- Decision: a handling mark counts whenever it was made (this list answers "what still needs action", not a historical snapshot).
-- reported_at = upload time of the sheet row shown (sheet) or raised_at (app); period = the week of that sheet row (NULL for app).
-- params: $week
-- grain: one row per open difficulty, newest first
with latest as (
    -- the carry-forward rule, defined once in queries/rules.sql (within $week's plan year)
    select
        unit_code,
        task_code,
        period,
        trim(coalesce(difficulty, '')) as content,
        nullif(trim(coalesce(proposal, '')), '') as proposal,
        uploaded_at,
        reporter
    from progress_as_of($week)
),

open_items as (
    select
        'sheet' as source,
        l.unit_code || '|' || l.task_code as ref,
        l.unit_code,
        l.task_code,
        l.content,
        l.proposal,
        l.period,
        l.uploaded_at as reported_at,
        l.reporter as raised_by
    from latest as l
    where l.content <> ''
        and not exists (
            select 1
            from difficulty_handled as h
            where h.source = 'sheet'
                and h.ref = l.unit_code || '|' || l.task_code
                and h.text_handled = l.content
        )
    union all
    select
        'app' as source,
        cast(d.id as varchar) as ref,
        d.unit_code,
        d.task_code,
        d.content,
        nullif(trim(coalesce(d.proposal, '')), '') as proposal,
        null as period,
        d.raised_at as reported_at,
        d.raised_by
    from difficulty as d
    where d.plan_year = week_year($week)
        and d.raised_at < week_end($week) + 1
        and not exists (
            select 1
            from difficulty_handled as h
            where h.source = 'app' and h.ref = cast(d.id as varchar)
        )
)

select
    o.source,
    o.ref,
    o.unit_code,
    u.name as unit_name,
    o.task_code,
    t.short_title as task_title,
    o.content,
    o.proposal,
    o.period,
    o.reported_at,
    o.raised_by
from open_items as o
inner join unit as u on o.unit_code = u.code and u.active
left join task as t on o.task_code = t.code and t.plan_year = week_year($week)
order by o.reported_at desc, o.source, o.ref
