-- One account's details (never its password hash) with its last successful login.
-- params: $username
-- grain: one row per account (at most one)
select
    u.username,
    u.full_name,
    u.role,
    u.unit_code,
    u.active,
    u.sample,
    u.created_at,
    u.password_changed_at,
    (
        select max(a.logged_at)
        from audit_log as a
        where a.username = u.username and a.action = 'login'
    ) as last_login
from app_user as u
where u.username = $username
