-- 010: sign-ins that survive a reload, a new tab and a server restart (issue 12).
--
-- * auth_session is one signed-in browser. The browser holds a random token in an HttpOnly,
--   SameSite=Strict cookie; only its SHA-256 is stored, so a copy of the database (a backup)
--   cannot be replayed as a cookie. A session ends on logout, after
--   TRACKER_SESSION_TIMEOUT_MINUTES without use (last_seen_at), TRACKER_SESSION_MAX_HOURS after
--   it began (created_at), and when app_user.session_epoch moves on from session_epoch
--   (password change or reset, disable, role or unit change: see migration 005).
-- * auth_login_code is the one-time, short-lived code a successful login form hands to the
--   browser, which trades it at /auth/session for the cookie. It is stored hashed and bound to
--   the browser that signed in (the SHA-256 of its Streamlit XSRF token), so a code taken
--   elsewhere cannot sign that other browser in (login CSRF).

create table auth_session (
    token_hash varchar primary key,
    username varchar not null,
    session_epoch integer not null,
    created_at timestamp not null,
    last_seen_at timestamp not null
);

create table auth_login_code (
    code_hash varchar primary key,
    username varchar not null,
    session_epoch integer not null,
    binding varchar not null,
    expires_at timestamp not null
);
