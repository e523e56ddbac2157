-- A unit's latest accepted self-scores for the year of $week, under the criteria set in force for that year's plan.
-- params: $unit, $week
-- grain: one row per criterion scored in that sheet
with latest as (
    select cs.submission_id
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id
    where cs.unit_code = $unit
        and cs.sheet = 'scores'
        and cs.period <= $week
        and substr(cs.period, 1, 4) = substr($week, 1, 4)
        and s.criteria_set_id = (
            select id from criteria_set where active and plan_year = week_year($week)
        )
    order by cs.period desc
    limit 1
)

select
    r.criterion_code,
    r.not_applicable,
    r.score,
    r.evidence,
    r.explanation
from score_row as r
inner join latest as l on r.submission_id = l.submission_id
order by r.row_no
