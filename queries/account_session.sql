-- What a logged-in session must still match for one account: role, unit, active, session epoch.
-- params: $username
-- grain: one row per account (at most one)
select role, unit_code, active, session_epoch
from app_user
where username = $username
