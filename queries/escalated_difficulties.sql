-- The difficulties this body sent up to Sở Nội vụ (table escalation, migration 015; issue 34) that are still open as of ISO week $week by the rule of open_difficulties.sql (the macro open_difficulties_as_of: the same source, ref and text still reported and not marked handled), not withdrawn, with the unit's name, the task's short title and the city item it carries out (null when the difficulty names no task).
-- params: $week
-- grain: one row per open escalated difficulty, oldest escalation first
select
    e.id,
    e.plan_year,
    e.source,
    e.ref,
    e.unit_code,
    u.name as unit_name,
    e.task_code,
    t.short_title as task_title,
    t.city_item,
    e.content,
    e.note,
    e.escalated_at,
    e.escalated_by
from escalation as e
inner join open_difficulties_as_of($week, null) as o
    on o.source = e.source and o.ref = e.ref and o.content = e.content
left join unit as u on u.code = e.unit_code
left join task as t on t.plan_year = e.plan_year and t.code = e.task_code
where e.withdrawn_at is null and e.plan_year = week_year($week)
order by e.escalated_at, e.id
