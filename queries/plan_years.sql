-- The years that have a plan, oldest first.
-- params: (none)
-- grain: one row per plan
select year
from plan
order by year
