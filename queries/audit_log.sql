-- The audit log between two days (inclusive), optionally for one account and one action.
-- params: $date_from, $date_to, $username (NULL = everyone), $action (NULL = every action)
-- grain: one row per audited event, newest first
select
    id,
    logged_at,
    username,
    role,
    action,
    target,
    detail,
    before_value,
    after_value
from audit_log
where logged_at >= cast($date_from as date)
    and logged_at < cast($date_to as date) + interval 1 day
    and ($username is null or username = $username)
    and ($action is null or action = $action)
order by logged_at desc, id desc
