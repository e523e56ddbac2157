-- Every difficulty raised under the plan of $week's year by the end of ISO week $week, with what had become of it by then (the Báo cáo's account: raised = handled + no longer raised + still open).
-- Raised: sheet difficulties are the distinct (unit, task, trimmed 'Khó khăn, vướng mắc' text) of the standing progress sheets of the weeks of $week's plan year up to $week (raised_at = upload time of the first sheet that states it, first_period/last_period = the first and latest such week); app difficulties are those of table difficulty of that plan raised by the end of $week. Active units only, as open_difficulties.sql.
-- state as of $week, first rule that holds: 'Đã xử lý' when the Office's leaders marked it handled by the end of $week (difficulty_handled: sheet by ref 'UNIT|TASK' and the same text, app by id); 'Chưa xử lý' when it is in open_difficulties_as_of($week, end of $week) (queries/rules.sql: the text of the (unit, task)'s latest report up to $week, or an app difficulty); else 'Không còn nêu' (the unit's latest report on that task up to $week leaves the cell empty or states another text). Marks and reports after $week do not count: a report on a past week reads the same whenever it is made.
-- params: $week
-- grain: one row per difficulty raised by the end of $week, in plan order of its task, then catalogue order of its unit, then first raised
with sheet_rows as (
    select
        cs.unit_code,
        pr.task_code,
        cs.period,
        trim(coalesce(pr.difficulty, '')) as content,
        nullif(trim(coalesce(pr.proposal, '')), '') as proposal,
        s.uploaded_at
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    inner join progress_row as pr on cs.submission_id = pr.submission_id
    where cs.sheet = 'progress'
        and cs.period >= substr($week, 1, 4) || '-W01'
        and cs.period <= $week
),

raised as (
    select
        'sheet' as source,
        unit_code || '|' || task_code as ref,
        unit_code,
        task_code,
        content,
        arg_max(proposal, period) as proposal,
        min(uploaded_at) as raised_at,
        min(period) as first_period,
        max(period) as last_period
    from sheet_rows
    where content <> ''
    group by unit_code, task_code, content
    union all
    select
        'app' as source,
        cast(id as varchar) as ref,
        unit_code,
        task_code,
        content,
        nullif(trim(coalesce(proposal, '')), '') as proposal,
        raised_at,
        null as first_period,
        null as last_period
    from difficulty
    where plan_year = week_year($week) and raised_at < week_end($week) + 1
),

marks as (
    select source, ref, text_handled, handled_at, note
    from difficulty_handled
    where handled_at < week_end($week) + 1
),

still_open as (
    select source, ref, content
    from open_difficulties_as_of($week, week_end($week) + 1)
)

select
    r.source,
    r.ref,
    r.unit_code,
    u.name as unit_name,
    r.task_code,
    t.short_title as task_title,
    r.content,
    r.proposal,
    r.raised_at,
    r.first_period,
    r.last_period,
    case
        when m.ref is not null then 'Đã xử lý'
        when o.ref is not null then 'Chưa xử lý'
        else 'Không còn nêu'
    end as state,
    m.handled_at,
    m.note as handled_note
from raised as r
inner join unit as u on r.unit_code = u.code and u.active
left join task as t on r.task_code = t.code and t.plan_year = week_year($week)
left join marks as m
    on r.source = m.source
    and r.ref = m.ref
    and m.text_handled = case when r.source = 'sheet' then r.content else '' end
left join still_open as o
    on r.source = o.source and r.ref = o.ref and r.content = o.content
order by t.sort_order nulls last, u.sort_order, r.raised_at, r.source, r.ref
