-- Sở Nội vụ's requests to bodies for year $year (city registry, issue 34) with how many bodies each went to, how many answered, and how many are overdue as of the day $today (due date passed, no answer).
-- params: $year, $today
-- grain: one row per request, newest first
select
    q.id,
    q.year,
    q.number,
    q.issued_on,
    q.subject,
    q.content,
    q.due_on,
    q.sent_at,
    q.sent_by,
    count(b.body) as bodies,
    count(b.answered_at) as answered,
    count(*) filter (where b.answered_at is null and q.due_on < $today) as overdue
from city_request as q
left join city_request_body as b on b.request_id = q.id
where q.year = $year
group by all
order by q.sent_at desc, q.id desc
