-- 013: the browsers each account's owner signed in from (issue 32). They replace issue 27's device
-- cookie, an HMAC over the password hash (no table), which the owner's own
-- password change revoked, the browser it was made in included.
--
-- * auth_device is one trusted browser. The browser holds a random token in an HttpOnly,
--   SameSite=Strict cookie named after the account (Secure over HTTPS); only its SHA-256 is
--   stored, so a copy of the database (a backup) cannot be replayed as a cookie. It is issued
--   when the owner signs in from a browser without one, lasts TRACKER_DEVICE_COOKIE_DAYS
--   (expires_at), and ends when the owner (Tài khoản) or Quản trị revokes it. A password change
--   or reset leaves it: it grants a separate count of wrong passwords (accounts/auth.py), never
--   a way in without the password.
-- * browser (e.g. "Chrome trên Windows") and issued_client say which browser it is and where
--   it signed in from, for the owner to recognise it; last_used_at and last_client are its
--   latest sign-in. An address is null when the server did not know it.

create table auth_device (
    token_hash varchar primary key,
    username varchar not null,
    browser varchar not null,
    issued_at timestamp not null,
    issued_client varchar,
    last_used_at timestamp not null,
    last_client varchar,
    expires_at timestamp not null
);
