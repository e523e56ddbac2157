-- The active sample accounts the login page lists while the demo data is loaded.
-- params: (none)
-- grain: one row per sample account
select username, role, unit_code
from app_user
where sample and active
order by role, username
