-- The failed-login counter of one (username, client) pair, if any: failures, lock, refusals.
-- params: $username, $client
-- grain: one row per (username, client) pair (at most one)
select failures, locked_until, refusals
from login_throttle
where username = $username and client = $client
