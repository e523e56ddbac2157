-- The Báo cáo snapshots bodies' leaders approved for year $year (city registry, issue 34), without their bytes: which body and period, the data week, when approved and by whom, when submitted to Sở Nội vụ and the number it was received under, the frozen files' SHA-256 and figures.
-- params: $year
-- grain: one row per approved snapshot, newest approval first
select
    r.id,
    r.body,
    b.name as body_name,
    b.kind,
    r.year,
    r.period,
    r.date_from,
    r.date_to,
    r.data_week,
    r.number,
    r.approved_by,
    r.approved_at,
    r.submitted_by,
    r.submitted_at,
    r.received_no,
    r.docx_sha256,
    r.xlsx_sha256,
    r.figures
from body_report as r
left join body as b on b.code = r.body
where r.year = $year
order by r.approved_at desc, r.id desc
