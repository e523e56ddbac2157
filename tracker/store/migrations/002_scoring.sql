-- 002: self-scoring metrics (PRODUCT.md §6), defined once here and aggregated by
-- queries/unit_scores.sql, criterion_scores.sql and vp_assessment.sql.
--
-- Decisions (edge cases):
-- * A unit's scores for a year come from its standing 'scores' sheet (current_sheet) of the
--   latest ISO week of that year, scored against the criteria set of that submission
--   (submission.criteria_set_id; when empty, the set that was active at upload time).
-- * A criterion missing from the sheet, or present without a score, scores 0 and still counts
--   its maximum. A "không áp dụng" row leaves both sums.
-- * A reviewed score (review_score) replaces the self score; a review with an empty score means
--   the reviewer judged the criterion not applicable (it then leaves both sums); a review of a
--   criterion the unit had marked not applicable makes it applicable with the reviewer's score.
-- * The Office's assessment (unit 'VP') uses the active criteria set: per criterion, the final
--   line (reviewed if reviewed) of the criterion's responsible unit for that set and year. A
--   responsible unit that marked it not applicable makes it not applicable for VP; a responsible
--   unit with no standing sheet under the active set scores 0 there (like a missing row).
--   HCTC's adjustments (review_score with unit_code 'VP') then take precedence, the same way.

-- Grade bands from the setting grade_bands, e.g. 'Tốt:90;Khá:70;Trung bình:50;Yếu:0'.
create macro grade_bands() as table
    select
        trim(split_part(band, ':', 1)) as grade,
        cast(trim(split_part(band, ':', 2)) as double) as threshold
    from (select unnest(string_split(setting_value('grade_bands'), ';')) as band)
    where trim(band) <> '';

-- Total = 100 × Σ ordinary / Σ applicable ordinary maxima + Σ bonus + Σ penalty (≤ 0), clamped to
-- 0–100. No applicable ordinary points → the ordinary part is 0. Rounded to 9 decimals only to
-- absorb binary floating-point noise (so 69.99999999997 grades as 70); display rounds to one.
create macro score_total(ord_score, ord_max, bonus, penalty) as
    least(
        100.0,
        greatest(
            0.0,
            round(
                case
                    when coalesce(ord_max, 0) > 0 then 100.0 * coalesce(ord_score, 0) / ord_max
                    else 0.0
                end
                + coalesce(bonus, 0.0)
                + coalesce(penalty, 0.0),
                9
            )
        )
    );

-- The band a total falls in (highest threshold ≤ total; below every threshold → lowest band).
create macro grade_of(total) as coalesce(
    (select arg_max(grade, threshold) from grade_bands() where threshold <= total),
    (select arg_min(grade, threshold) from grade_bands())
);

-- The next band up and its threshold (NULL at the top band).
create macro next_grade_of(total) as
    (select arg_min(grade, threshold) from grade_bands() where threshold > total);

create macro next_threshold_of(total) as
    (select min(threshold) from grade_bands() where threshold > total);

-- One line per (unit, year, criterion of the set the unit scored under): self and final scores.
create view score_line as
with latest as (
    select
        unit_code,
        cast(substr(period, 1, 4) as integer) as year,
        max(period) as period,
        arg_max(submission_id, period) as submission_id
    from current_sheet
    where sheet = 'scores'
    group by unit_code, cast(substr(period, 1, 4) as integer)
),

sheet as (
    select
        l.*,
        s.uploaded_at,
        coalesce(
            s.criteria_set_id,
            (select max(cs.id) from criteria_set as cs where cs.loaded_at <= s.uploaded_at)
        ) as set_id
    from latest as l
    inner join submission as s on l.submission_id = s.id
),

lines as (
    select
        sh.unit_code,
        sh.year,
        sh.period,
        sh.submission_id,
        sh.uploaded_at,
        c.set_id,
        c.code as criterion_code,
        c.sort_order,
        c.group_code,
        c.group_name,
        c.title,
        c.kind,
        c.max_points,
        c.responsible_unit,
        sh.unit_code as source_unit,
        sr.criterion_code is not null as in_sheet,
        coalesce(sr.not_applicable, false) as self_na,
        case when coalesce(sr.not_applicable, false) then null else coalesce(sr.score, 0.0) end
            as self_score,
        sr.evidence,
        sr.explanation,
        rv.criterion_code is not null as reviewed,
        rv.score as review_score,
        rv.comment as review_comment,
        rv.reviewed_by,
        rv.reviewed_at
    from sheet as sh
    inner join criterion as c on sh.set_id = c.set_id
    left join score_row as sr
        on sh.submission_id = sr.submission_id and c.code = sr.criterion_code
    left join review_score as rv
        on c.set_id = rv.set_id
        and sh.year = rv.year
        and sh.unit_code = rv.unit_code
        and c.code = rv.criterion_code
)

select
    *,
    case when reviewed then review_score is null else self_na end as final_na,
    case when reviewed then review_score else self_score end as final_score
from lines;

-- The Office's assessment (unit 'VP'), one line per (year, criterion of the active set), shaped
-- like score_line: "self" = the responsible unit's final line, "final" = after HCTC's adjustment.
create view vp_line as
with active_set as (
    select id from criteria_set where active
),

years as (
    select distinct year from score_line
    union
    select distinct year from review_score
    where unit_code = 'VP' and set_id in (select id from active_set)
),

lines as (
    select
        'VP' as unit_code,
        y.year,
        r.period,
        r.submission_id,
        r.uploaded_at,
        c.set_id,
        c.code as criterion_code,
        c.sort_order,
        c.group_code,
        c.group_name,
        c.title,
        c.kind,
        c.max_points,
        c.responsible_unit,
        c.responsible_unit as source_unit,
        r.unit_code is not null as in_sheet,
        coalesce(r.final_na, false) as self_na,
        case when coalesce(r.final_na, false) then null else coalesce(r.final_score, 0.0) end
            as self_score,
        r.evidence,
        r.explanation,
        v.criterion_code is not null as reviewed,
        v.score as review_score,
        v.comment as review_comment,
        v.reviewed_by,
        v.reviewed_at
    from years as y
    cross join criterion as c
    inner join active_set as a on c.set_id = a.id
    left join score_line as r
        on c.responsible_unit = r.unit_code
        and y.year = r.year
        and c.set_id = r.set_id
        and c.code = r.criterion_code
    left join review_score as v
        on c.set_id = v.set_id
        and y.year = v.year
        and v.unit_code = 'VP'
        and c.code = v.criterion_code
)

select
    *,
    case when reviewed then review_score is null else self_na end as final_na,
    case when reviewed then review_score else self_score end as final_score
from lines;
