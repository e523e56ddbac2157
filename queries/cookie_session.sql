-- One signed-in browser (by the SHA-256 of its cookie token) with what its account is now.
-- params: $token_hash
-- grain: one row per session (at most one); account columns null when the account is gone
select
    s.username,
    s.session_epoch,
    s.created_at,
    s.last_seen_at,
    u.role,
    u.unit_code,
    u.full_name,
    u.active,
    u.session_epoch as account_epoch
from auth_session as s
left join app_user as u on u.username = s.username
where s.token_hash = $token_hash
