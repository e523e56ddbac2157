-- Task completion, coverage, expected progress and status as of ISO week $week (PRODUCT.md §6); the one place for per-task results (pages, summary CSV).
-- completion, assigned_units (m, every assigned unit, lead included), reported_units (n, those with a known progress as of $week) and last_update come from the task_completion_as_of macro (queries/rules.sql: the lead's progress, else the mean with non-reporters at 0, over progress carried forward by progress_as_of within $week's plan year); the tasks are those of $week's plan.
-- expected: the expected_pace macro (queries/rules.sql), NULL for theo_yeu_cau.
-- status, first rule that holds: 'Hoàn thành' (completion = 100); 'Chưa có báo cáo' (no assigned unit reported); 'Quá hạn' (week_end($week) > due_date, this applies to theo_yeu_cau too); 'Đang thực hiện' (theo_yeu_cau); 'Chậm tiến độ' (completion < expected - the plan's setting tolerance, default 10); else 'Đúng tiến độ'. Decision: a lead task whose lead has not reported while coordinating units have is not 'Chưa có báo cáo': its completion is 0 and the status rules go on.
-- last_update = latest uploaded_at among the submissions whose rows are counted in the task's figures (completion and coverage, i.e. every assigned unit's carried-forward row); NULL when none.
-- Requests from Sở Nội vụ (migration 009): a theo_yeu_cau task with a request unanswered past its deadline as of $week (the overdue_requests macro) is 'Quá hạn' before any other rule, whatever its completion (PRODUCT.md §6: the open request gives the task that deadline as its due date; an earlier request's 100% does not answer a new one); answering the request clears it.
-- params: $week
-- grain: one row per task, in plan order
with measured as (
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
        c.assigned_units,
        c.reported_units,
        c.completion,
        expected_pace(t.kind, t.start_date, t.due_date, $week) as expected,
        plan_setting_number(week_year($week), 'tolerance')
            as tolerance,
        week_end($week) > t.due_date as past_due,
        t.kind = 'theo_yeu_cau' and coalesce(o.overdue, 0) > 0 as request_overdue,
        c.last_update
    from plan_tasks_of(week_year($week)) as t
    left join unit as lead on t.lead_unit = lead.code
    inner join task_completion_as_of($week) as c on t.code = c.task_code
    left join overdue_requests($week) as o on t.code = o.task_code
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
        when request_overdue then 'Quá hạn'
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
