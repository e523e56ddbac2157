-- The register of requests from Sở Nội vụ (migration 009) with the Office's answer and the plan each belongs to, newest first; the state against today's date is worked out in tracker/metrics/requests_register.py.
-- task_title is the plan's short title of the on-request task the request asks for; the answer columns are NULL while unanswered.
-- params: (none)
-- grain: one row per request, newest document first
select
    r.id,
    r.plan_year,
    r.task_code,
    t.short_title as task_title,
    r.doc_number,
    r.doc_date,
    r.issuer,
    r.subject,
    r.content,
    r.due_date,
    r.period_from,
    r.period_to,
    r.registered_by,
    r.registered_at,
    a.report_number,
    a.sent_date,
    a.file_sha256,
    a.file_name,
    a.answered_by,
    a.answered_at
from report_request as r
left join report_answer as a on r.id = a.request_id
left join task as t on r.task_code = t.code and r.plan_year = t.plan_year
order by r.doc_date desc, r.id desc
