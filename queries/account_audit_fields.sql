-- One account's fields that an admin's change is audited with (before and after).
-- params: $username
-- grain: one row per account (at most one)
select username, role, unit_code, full_name, active, failed_logins, locked_until
from app_user
where username = $username
