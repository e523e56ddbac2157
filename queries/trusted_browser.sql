-- One trusted browser of an account (migration 013), found by the SHA-256 of its cookie token, while it has not expired.
-- params: $token_hash, $username, $now
-- grain: at most one row
select token_hash
from auth_device
where token_hash = $token_hash
  and username = $username
  and expires_at > $now
