-- One unused sign-in code (by its SHA-256): whose it is, the browser it is bound to, until when.
-- params: $code_hash
-- grain: one row per code (at most one)
select username, session_epoch, binding, expires_at
from auth_login_code
where code_hash = $code_hash
