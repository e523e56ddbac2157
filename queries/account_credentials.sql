-- One account's password hash and what a login needs from it (no row when there is none).
-- params: $username
-- grain: one row per account (at most one)
select password_hash, role, unit_code, full_name, active, session_epoch
from app_user
where username = $username
