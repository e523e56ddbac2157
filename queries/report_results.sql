-- The units' result texts ('Kết quả thực hiện trong kỳ') per task over the dates $date_from..$date_to, for the compiled report (Báo cáo tổng hợp).
-- Weeks belong to the range by their Thursday (as in indicator_totals.sql); only standing progress sheets count, each under the task of its week's plan; a text repeated in several weeks appears once, at its first week; texts of one unit are joined with '; ' in week order.
-- params: $date_from, $date_to
-- grain: one row per (task, unit) with at least one non-empty result text in the range; plan order, then catalogue order
with texts as (
    select
        pr.task_code,
        cs.unit_code,
        trim(pr.result_text) as result_text,
        min(cs.period) as first_period,
        week_year(min(cs.period)) as plan_year
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    inner join progress_row as pr on cs.submission_id = pr.submission_id
    where cs.sheet = 'progress'
        and week_start(cs.period) + 3 between cast($date_from as date) and cast($date_to as date)
        and trim(coalesce(pr.result_text, '')) <> ''
    group by pr.task_code, cs.unit_code, trim(pr.result_text)
)

select
    x.task_code,
    x.unit_code,
    u.name as unit_name,
    string_agg(x.result_text, '; ' order by x.first_period, x.result_text) as results,
    min(x.first_period) as first_period
from texts as x
inner join task as t on x.task_code = t.code and t.plan_year = x.plan_year
inner join unit as u on x.unit_code = u.code
group by x.task_code, x.unit_code, u.name, t.sort_order, u.sort_order
order by t.sort_order, u.sort_order
