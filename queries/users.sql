-- Every account (never its password hash) with its unit's name and its last successful login.
-- params: (none)
-- grain: one row per account
select
    u.username,
    u.full_name,
    u.role,
    u.unit_code,
    n.name as unit_name,
    u.active,
    u.sample,
    u.failed_logins,
    u.locked_until,
    u.created_at,
    u.password_changed_at,
    l.last_login
from app_user as u
left join unit as n on n.code = u.unit_code
left join (
    select username, max(logged_at) as last_login
    from audit_log
    where action = 'login'
    group by username
) as l on l.username = u.username
order by
    case u.role when 'quan_tri' then 1 when 'lanh_dao' then 2 else 3 end,
    u.unit_code nulls first,
    u.username
