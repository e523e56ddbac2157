-- Whether an account is an active account of a role, and how many other active accounts have it
-- (the city keeps one active administrator: tracker/accounts/last_admin.py).
-- params: $role, $username
-- grain: one row (two counts)
select
    count(*) filter (where username = $username) as is_one,
    count(*) filter (where username <> $username) as others
from app_user
where role = $role and active
