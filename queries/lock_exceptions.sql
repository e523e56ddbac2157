-- Lock exceptions granted by admins: a unit may upload to a locked week until expires_at.
-- params: (none)
-- grain: one row per exception, newest grant first
select
    e.id,
    e.unit_code,
    u.name as unit_name,
    e.period,
    e.reason,
    e.expires_at,
    e.granted_by,
    e.granted_at
from lock_exception as e
left join unit as u on u.code = e.unit_code
order by e.granted_at desc, e.id desc
