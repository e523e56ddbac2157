-- Every account (never its password hash) with its login-lock summary, by role then username.
-- params: (none)
-- grain: one row per account
select
    username, full_name, role, unit_code, active, sample, failed_logins, locked_until, created_at
from app_user
order by role, username
