-- Every setting (first reporting week, exempt weeks, deadline, lock days, tolerance, bands).
-- params: (none)
-- grain: one row per setting key
select key, value, description
from setting
order by key
