-- How many (account, client) failed-login counters and locks one account has.
-- params: $username
-- grain: one row (a count)
select count(*) as counters
from login_throttle
where username = $username
