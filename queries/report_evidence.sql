-- The documents and evidence units cited ('Văn bản, minh chứng') per task over the dates $date_from..$date_to, for the Báo cáo's "documents cited".
-- Weeks belong to the range by their Thursday (as in report_results.sql and indicator_totals.sql); only standing progress sheets of accepted submissions count, each row under the task of its week's plan; a text repeated in several weeks appears once. Splitting a cell into several documents and deduplicating across units is done in tracker/exports/baocao_text.py.
-- params: $date_from, $date_to
-- grain: one row per (task, unit, trimmed evidence text); plan order, then catalogue order, then first week
select
    pr.task_code,
    cs.unit_code,
    trim(pr.evidence) as evidence,
    min(cs.period) as first_period
from current_sheet as cs
inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
inner join progress_row as pr on cs.submission_id = pr.submission_id
inner join task as t on pr.task_code = t.code and t.plan_year = week_year(cs.period)
inner join unit as u on cs.unit_code = u.code
where cs.sheet = 'progress'
    and week_start(cs.period) + 3 between cast($date_from as date) and cast($date_to as date)
    and trim(coalesce(pr.evidence, '')) <> ''
group by pr.task_code, cs.unit_code, trim(pr.evidence), t.sort_order, u.sort_order
order by t.sort_order, u.sort_order, first_period, evidence
