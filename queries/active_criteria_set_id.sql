-- The id of the criteria set in force (the one new self-assessments are scored against).
-- params: (none)
-- grain: at most one row
select id
from criteria_set
where active
