-- The requests from Sở Nội vụ addressed to body $body (city registry, issue 34), with the body's answer: what a body's accounts see of Sở Nội vụ's requests (only its own).
-- params: $body
-- grain: one row per request addressed to $body, newest first
select
    q.id,
    q.year,
    q.number,
    q.issued_on,
    q.subject,
    q.content,
    q.due_on,
    q.sent_at,
    b.answered_at,
    b.answered_by,
    b.answer,
    b.report_id
from city_request_body as b
inner join city_request as q on q.id = b.request_id
where b.body = $body
order by q.sent_at desc, q.id desc
