-- Every active body's standing in year $year, from the rollup (city registry, issue 34; tracker/city/rollup.py): units, the plan's data week, tasks and plan completion, weekly reporting over the plan's weeks up to the data week (expected reports, reported, on time, and the rates, NULL when none was expected), the body's own assessment (self_score, self_grade), Sở Nội vụ's thẩm định (reviewed_score) and the score that ranks it (final_score: the reviewed one where there is one), open difficulties and those escalated to Sở Nội vụ.
-- A body without a plan for $year (or not rolled up yet) has NULL figures.
-- With $upto (an ISO week of $year, else NULL) the figures are as of the end of that week when it is before the body's data week: weekly reporting over the weeks up to it, plan completion at it (rollup_week), the self-score as of it (rollup_score; rollup_year's when the data week is not later), data_week the earlier of the two. Thành phố compares the year before with the chosen year so, at the same week (never a full past year against a partial current one).
-- params: $year, $upto
-- grain: one row per active body, in catalogue order
with weeks as (
    select
        body,
        sum(expected) as expected_reports,
        sum(reported) as reported,
        sum(on_time) as on_time
    from rollup_week
    where cast(substr(week, 1, 4) as integer) = $year and ($upto is null or week <= $upto)
    group by body
),

upto as (
    select cast($upto as varchar) as week
),

escalated as (
    select body, count(*) as escalated
    from rollup_escalation
    where year = $year
    group by body
)

select
    b.code as body,
    b.name as body_name,
    b.kind,
    b.sample,
    b.home,
    r.units,
    r.refreshed_at,
    case when y.data_week > u.week then u.week else y.data_week end as data_week,
    y.tasks,
    case when y.data_week > u.week then p.plan_completion else y.plan_completion end
        as plan_completion,
    coalesce(w.expected_reports, 0) as expected_reports,
    coalesce(w.reported, 0) as reported,
    coalesce(w.on_time, 0) as on_time,
    100.0 * w.reported / nullif(w.expected_reports, 0) as reporting_rate,
    100.0 * w.on_time / nullif(w.expected_reports, 0) as on_time_rate,
    case when y.data_week > u.week then s.self_score else y.self_score end as self_score,
    case when y.data_week > u.week then null else y.self_grade end as self_grade,
    v.score as reviewed_score,
    v.comment as review_comment,
    coalesce(v.score, y.self_score) as final_score,
    coalesce(y.open_difficulties, 0) as open_difficulties,
    coalesce(e.escalated, 0) as escalated
from body as b
left join rollup_body as r on r.body = b.code
cross join upto as u
left join rollup_year as y on y.body = b.code and y.year = $year
left join rollup_week as p on p.body = b.code and p.week = u.week
left join rollup_score as s on s.body = b.code and s.year = $year and s.week = u.week
left join weeks as w on w.body = b.code
left join escalated as e on e.body = b.code
left join body_review as v on v.body = b.code and v.year = $year
where b.active
order by b.sort_order, b.code
