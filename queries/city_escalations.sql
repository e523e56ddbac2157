-- The difficulties bodies escalated to Sở Nội vụ that are still open, under plans of year $year, from the rollup (city registry, issue 34): which body, unit and task (with its city item), the difficulty's text and what the body asks.
-- params: $year
-- grain: one row per open escalated difficulty, oldest escalation first
select
    e.body,
    b.name as body_name,
    b.kind,
    e.escalation_id,
    e.unit_code,
    e.unit_name,
    e.task_code,
    e.city_item,
    e.content,
    e.note,
    e.escalated_at
from rollup_escalation as e
inner join body as b on b.code = e.body and b.active
where e.year = $year
order by e.escalated_at, e.body, e.escalation_id
