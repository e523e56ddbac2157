-- Task completion, coverage, expected progress and status as of ISO week $week (PRODUCT.md §6); the one place for per-task results (pages, summary CSV).
-- Unit-task progress is carried forward by the progress_as_of macro (migration 003), as in unit_task_progress.sql.
-- completion: the lead unit's (chủ trì) progress when the task has one, a lead that has not reported counting 0; otherwise the mean over all assigned units, a unit that has not reported counting 0.
-- assigned_units (m) = every assigned unit, lead included; reported_units (n) = those with a known progress as of $week.
-- expected (thuong_xuyen, san_pham) = 100 * (days from start_date to week_end($week), inclusive) / (days from start_date to due_date, inclusive), clamped to 0..100; NULL for theo_yeu_cau.
-- status, first rule that holds: 'Hoàn thành' (completion = 100); 'Chưa có báo cáo' (no assigned unit reported); 'Quá hạn' (week_end($week) > due_date, this applies to theo_yeu_cau too); 'Đang thực hiện' (theo_yeu_cau); 'Chậm tiến độ' (completion < expected - setting tolerance, default 10); else 'Đúng tiến độ'. Decision: a lead task whose lead has not reported while coordinating units have is not 'Chưa có báo cáo': its completion is 0 and the status rules go on.
-- last_update = latest uploaded_at among the submissions whose rows are counted in the task's figures (completion and coverage, i.e. every assigned unit's carried-forward row); NULL when none.
-- params: $week
-- grain: one row per task, in plan order
with latest as (
    -- the carry-forward rule, defined once in migration 003
    select
        unit_code,
        task_code,
        percent,
        uploaded_at
    from progress_as_of($week)
),

per_task as (
    select
        a.task_code,
        count(*) as assigned_units,
        count(l.percent) as reported_units,
        max(l.percent) filter (where a.role = 'chu_tri') as lead_percent,
        avg(coalesce(l.percent, 0)) as mean_percent,
        max(l.uploaded_at) as last_update
    from assignment as a
    left join latest as l on a.unit_code = l.unit_code and a.task_code = l.task_code
    group by a.task_code
),

measured as (
    select
        t.code,
        t.sort_order,
        t.group_code,
        t.short_title,
        t.kind,
        nullif(t.lead_unit, '') as lead_unit,
        lead.name as lead_name,
        t.weight,
        t.start_date,
        t.due_date,
        coalesce(p.assigned_units, 0) as assigned_units,
        coalesce(p.reported_units, 0) as reported_units,
        case
            when nullif(t.lead_unit, '') is not null then coalesce(p.lead_percent, 0)
            else coalesce(p.mean_percent, 0)
        end as completion,
        case
            when t.kind <> 'theo_yeu_cau' then greatest(0, least(100,
                100.0 * (datediff('day', t.start_date, week_end($week)) + 1)
                / nullif(datediff('day', t.start_date, t.due_date) + 1, 0)
            ))
        end as expected,
        coalesce(try_cast(setting_value('tolerance') as double), 10) as tolerance,
        week_end($week) > t.due_date as past_due,
        p.last_update
    from task as t
    left join unit as lead on t.lead_unit = lead.code
    left join per_task as p on t.code = p.task_code
)

select
    code,
    group_code,
    short_title,
    kind,
    lead_unit,
    lead_name,
    weight,
    start_date,
    due_date,
    assigned_units,
    reported_units,
    completion,
    expected,
    case
        when completion >= 100 then 'Hoàn thành'
        when reported_units = 0 then 'Chưa có báo cáo'
        when past_due then 'Quá hạn'
        when kind = 'theo_yeu_cau' then 'Đang thực hiện'
        when completion < expected - tolerance then 'Chậm tiến độ'
        else 'Đúng tiến độ'
    end as status,
    last_update
from measured
order by sort_order
