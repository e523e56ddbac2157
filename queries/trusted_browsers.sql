-- The browsers an account's owner signed in from that are still trusted (migration 013): which browser, since when and from where, its latest sign-in, until when; latest sign-in first.
-- params: $username, $now
-- grain: one row per trusted browser of the account
select
    token_hash as id,
    browser,
    issued_at,
    issued_client,
    last_used_at,
    last_client,
    expires_at
from auth_device
where username = $username
  and expires_at > $now
order by last_used_at desc, issued_at desc
