-- Self-score totals per unit for a year, plus the Office's assessment as unit 'VP' (PRODUCT.md §6).
-- Lines come from the macros score_lines / vp_lines (queries/rules.sql, which documents the edge
-- cases); totals use score_total(), grades grade_of() on the plan's setting grade_bands. self_total uses the units'
-- own scores; reviewed_total (NULL when nothing was reviewed) and final_total use the reviewed
-- score per criterion where one exists. applicable_points = Σ maxima of the applicable ordinary
-- criteria (after review). rank: among real units (not VP) with applicable_points ≥ the plan's
-- setting rank_min_points, by final_total descending, ties sharing a rank (1, 1, 3); NULL otherwise.
-- gap_to_next = points missing to the next grade band (NULL at the top band).
-- missing_evidence = criteria with a positive final score and an empty "Tài liệu kiểm chứng".
-- $week (an ISO week of $year, or NULL): the totals as of that week (score_lines / vp_lines with w:
-- each unit's latest sheet up to $week, the reviews and the criteria set of its end), for the Báo
-- cáo and the scores export of a week; NULL gives the whole year, as the Tự chấm điểm page shows it.
-- params: $year, $week
-- grain: one row per unit with a standing 'Tự chấm điểm' sheet in the year, plus one 'VP' row
with lines as (
    select * from score_lines($year, w := $week)
    union all by name
    select * from vp_lines($year, w := $week)
),

sums as (
    select
        unit_code,
        year,
        any_value(set_id) as set_id,
        max(period) as period,
        max(uploaded_at) as uploaded_at,
        sum(self_score) filter (where kind = 'ordinary' and not self_na) as self_ord,
        sum(max_points) filter (where kind = 'ordinary' and not self_na) as self_max,
        sum(self_score) filter (where kind = 'bonus' and not self_na) as self_bonus,
        sum(self_score) filter (where kind = 'penalty' and not self_na) as self_penalty,
        sum(final_score) filter (where kind = 'ordinary' and not final_na) as final_ord,
        coalesce(sum(max_points) filter (where kind = 'ordinary' and not final_na), 0)
            as applicable_points,
        sum(final_score) filter (where kind = 'bonus' and not final_na) as final_bonus,
        sum(final_score) filter (where kind = 'penalty' and not final_na) as final_penalty,
        count(*) filter (where reviewed) as reviewed_count,
        count(*) filter (
            where not final_na and final_score > 0 and coalesce(trim(evidence), '') = ''
        ) as missing_evidence
    from lines
    group by unit_code, year
),

totals as (
    select
        s.*,
        score_total(s.self_ord, s.self_max, s.self_bonus, s.self_penalty) as self_total,
        score_total(s.final_ord, s.applicable_points, s.final_bonus, s.final_penalty)
            as final_total
    from sums as s
),

ranked as (
    select
        unit_code,
        rank() over (order by final_total desc) as rank
    from totals
    where
        unit_code <> 'VP'
        and applicable_points >= plan_setting_number($year, 'rank_min_points')
)

select
    t.unit_code,
    case
        -- the body's own name (setting report_issuer_text), the Office's before that setting
        when t.unit_code = 'VP' then coalesce(
            (select nullif(trim(value), '') from setting where key = 'report_issuer_text'),
            'Văn phòng UBND thành phố'
        ) || ' (đánh giá chung)'
        else coalesce(u.name, t.unit_code)
    end as unit_name,
    t.year,
    t.set_id,
    cs.label as set_label,
    cs.provisional,
    t.period,
    t.uploaded_at,
    t.self_total,
    case when t.reviewed_count > 0 then t.final_total end as reviewed_total,
    t.final_total,
    grade_of($year, t.final_total) as grade,
    r.rank,
    t.applicable_points,
    next_grade_of($year, t.final_total) as next_grade,
    next_threshold_of($year, t.final_total) - t.final_total as gap_to_next,
    t.reviewed_count,
    t.missing_evidence
from totals as t
left join unit as u on t.unit_code = u.code
left join criteria_set as cs on t.set_id = cs.id
left join ranked as r on t.unit_code = r.unit_code
order by t.unit_code = 'VP' desc, r.rank nulls last, coalesce(u.sort_order, 0), t.unit_code
