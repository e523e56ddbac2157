-- How many usernames one client (IP address) currently has failed-login counters for.
-- params: $client
-- grain: one row (a count)
select count(*) as usernames
from login_throttle
where client = $client
