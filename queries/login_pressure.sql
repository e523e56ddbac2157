-- Failed-login counters still counting or locked: which accounts are being guessed at, from
-- which client (an address, every browser that never signed in to the account, or one device).
-- params: $since (failures before it are forgotten), $now
-- grain: one row per (account, counter)
select
    username,
    client,
    failures,
    locked_until,
    refusals,
    last_failed_at
from login_throttle
where last_failed_at > $since or locked_until > $now
order by locked_until is null, username, last_failed_at desc
