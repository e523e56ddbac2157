-- The id of the criteria set in force for the plan of year $year (the one new self-assessments of that year are scored against).
-- params: $year
-- grain: at most one row
select id
from criteria_set
where active and plan_year = $year
