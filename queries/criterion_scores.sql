-- Criterion × unit lines for a year: self score, reviewed score and comment, final score, and
-- evidence, for every unit with a standing 'Tự chấm điểm' sheet plus the Office's assessment
-- ('VP', whose "self" is the responsible unit's final score and "reviewed" HCTC's adjustment).
-- Lines and edge cases are defined in the macros score_lines / vp_lines (queries/rules.sql):
-- a criterion missing from a sheet scores 0; *_na marks "không áp dụng" (leaves both sums).
-- ratio = final_score / max_points (for colour bands; penalties give ratios ≤ 0).
-- missing_evidence = positive final score with an empty "Tài liệu kiểm chứng".
-- params: $year
-- grain: one row per (unit or 'VP', criterion of the set the unit scored under)
with lines as (
    select * from score_lines($year)
    union all by name
    select * from vp_lines($year)
)

select
    l.unit_code,
    case
        -- the body's own name (setting report_issuer_text), the Office's before that setting
        when l.unit_code = 'VP' then coalesce(
            (select nullif(trim(value), '') from setting where key = 'report_issuer_text'),
            'Văn phòng UBND thành phố'
        ) || ' (đánh giá chung)'
        else coalesce(u.name, l.unit_code)
    end as unit_name,
    l.year,
    l.set_id,
    l.criterion_code,
    l.sort_order,
    l.group_code,
    l.group_name,
    l.title,
    l.kind,
    l.max_points,
    l.responsible_unit,
    l.source_unit,
    l.in_sheet,
    l.self_na,
    l.self_score,
    l.evidence,
    l.explanation,
    l.reviewed,
    l.review_score,
    l.review_comment,
    l.reviewed_by,
    l.reviewed_at,
    l.final_na,
    l.final_score,
    case when not l.final_na then l.final_score / l.max_points end as ratio,
    (not l.final_na and l.final_score > 0 and coalesce(trim(l.evidence), '') = '')
        as missing_evidence
from lines as l
left join unit as u on l.unit_code = u.code
order by l.unit_code = 'VP' desc, coalesce(u.sort_order, 0), l.unit_code, l.sort_order
