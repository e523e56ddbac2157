-- The difficulties bodies escalated to Sở Nội vụ that are still open, under plans of year $year, from the rollup (city registry, issue 34): which body, unit and task (its code and short title, and the item of the city's plan it carries out with the item's title when the year's list has it), the difficulty's text and what the body asks.
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
    e.task_title,
    e.city_item,
    i.title as city_item_title,
    e.content,
    e.note,
    e.escalated_at
from rollup_escalation as e
inner join body as b on b.code = e.body and b.active
left join city_item as i on i.year = e.year and i.code = e.city_item
where e.year = $year
order by e.escalated_at, e.body, e.escalation_id
