-- Every plan's own settings (plan_setting: first reporting week, exempt weeks, deadline, lock days, tolerance, grade bands, ranking threshold); a key a plan does not set takes the Office-wide value (settings.sql).
-- params: (none)
-- grain: one row per (plan year, key)
select plan_year, key, value
from plan_setting
order by plan_year, key
