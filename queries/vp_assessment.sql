-- The Office's assessment (VP) per criterion of the year's active set: the responsible
-- unit's final score (reviewed if reviewed; see vp_lines in queries/rules.sql), HCTC's adjustment
-- with its comment, and the resulting score. has_source is false when the responsible unit has
-- no standing sheet under the active set that year (the criterion then scores 0, like a missing
-- row); base_na true when the responsible unit marked it "không áp dụng" (VP then treats it as
-- not applicable too, unless HCTC adjusts it). Totals: the 'VP' row of unit_scores.
-- params: $year
-- grain: one row per criterion of the active criteria set
select
    v.criterion_code,
    v.sort_order,
    v.group_code,
    v.group_name,
    v.title,
    v.kind,
    v.max_points,
    v.responsible_unit,
    coalesce(u.name, v.responsible_unit) as responsible_name,
    v.in_sheet as has_source,
    v.period as source_period,
    v.self_na as base_na,
    v.self_score as base_score,
    v.evidence,
    v.reviewed as adjusted,
    v.review_score as adjusted_score,
    v.review_comment as adjustment_comment,
    v.reviewed_by as adjusted_by,
    v.reviewed_at as adjusted_at,
    v.final_na,
    v.final_score
from vp_lines($year) as v
left join unit as u on v.responsible_unit = u.code
order by v.sort_order
