-- Every difficulty reported or raised under the plan of year $year (its weeks' sheets, the difficulties raised in the app for it), with its handling state, newest first (the Vướng mắc register).
-- Sheet difficulties: each distinct (unit, task, trimmed 'Khó khăn, vướng mắc' text) in the standing progress sheets of any week of year $year; raised_at = upload time of the first sheet that states it, last_period = the latest week that states it.
-- state: 'Đã xử lý' when a difficulty_handled row matches (sheet: ref 'UNIT|TASK' and the same text; app: ref = id); else 'Chưa xử lý' when it is still open (sheet: the text of the (unit, task)'s latest standing row; app: always); else 'Không còn nêu' (a later report of the unit no longer states it). For active units and the latest week, its 'Chưa xử lý' rows are exactly open_difficulties.sql.
-- params: $year
-- grain: one row per difficulty, newest first
with sheet_rows as (
    select
        cs.unit_code,
        pr.task_code,
        cs.period,
        trim(coalesce(pr.difficulty, '')) as content,
        nullif(trim(coalesce(pr.proposal, '')), '') as proposal,
        s.uploaded_at,
        s.reporter
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    inner join progress_row as pr on cs.submission_id = pr.submission_id
    where cs.sheet = 'progress' and week_year(cs.period) = $year
),

latest as (
    select unit_code, task_code, content
    from sheet_rows
    qualify row_number() over (partition by unit_code, task_code order by period desc) = 1
),

sheet_items as (
    select
        unit_code,
        task_code,
        content,
        arg_max(proposal, period) as proposal,
        min(uploaded_at) as raised_at,
        arg_min(reporter, uploaded_at) as raised_by,
        min(period) as first_period,
        max(period) as last_period
    from sheet_rows
    where content <> ''
    group by unit_code, task_code, content
),

items as (
    select
        'sheet' as source,
        i.unit_code || '|' || i.task_code as ref,
        i.unit_code,
        i.task_code,
        i.content,
        i.proposal,
        i.raised_at,
        i.raised_by,
        i.first_period,
        i.last_period,
        l.content is not distinct from i.content as current
    from sheet_items as i
    left join latest as l on i.unit_code = l.unit_code and i.task_code = l.task_code
    union all
    select
        'app' as source,
        cast(id as varchar) as ref,
        unit_code,
        task_code,
        content,
        nullif(trim(coalesce(proposal, '')), '') as proposal,
        raised_at,
        raised_by,
        null as first_period,
        null as last_period,
        true as current
    from difficulty
    where plan_year = $year
)

select
    i.source,
    i.ref,
    i.unit_code,
    u.name as unit_name,
    i.task_code,
    t.short_title as task_title,
    i.content,
    i.proposal,
    i.raised_at,
    i.raised_by,
    i.first_period,
    i.last_period,
    case
        when h.ref is not null then 'Đã xử lý'
        when i.current then 'Chưa xử lý'
        else 'Không còn nêu'
    end as state,
    h.handled_by,
    h.handled_at,
    h.note as handled_note
from items as i
left join difficulty_handled as h
    on i.source = h.source
    and i.ref = h.ref
    and h.text_handled = case when i.source = 'sheet' then i.content else '' end
left join unit as u on i.unit_code = u.code
left join task as t on i.task_code = t.code and t.plan_year = $year
order by i.raised_at desc, i.source, i.ref
