-- The weeks of ISO year $year that have at least one accepted submission (a plan's first reporting week cannot move past them).
-- params: $year
-- grain: one row per week with an accepted submission, in week order
select distinct period as week
from submission
where status = 'accepted' and week_year(period) = $year
order by week
