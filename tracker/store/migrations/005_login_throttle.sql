-- 005: login throttling per (account, client) and revocable sessions (issue 10).
--
-- * login_throttle counts failed logins per (username, client), where client is the browser's
--   IP address ('' when unknown: command line, tests, a local connection). A lock applies to
--   that pair only, so a storm of wrong passwords from one machine cannot lock the real user
--   out from another. Usernames that have no account are counted the same way (a stranger
--   must not see a difference), which also bounds their audit rows. Rows whose failures and
--   lock have expired are deleted by the next failed login.
-- * app_user.failed_logins / locked_until are kept as a per-account summary of these rows for
--   the admin's table (sum of recent failures, latest lock on any client); they are no longer
--   what login checks.
-- * app_user.session_epoch is bumped by a password change or reset, a disable/enable and a role
--   or unit change; a session remembers the value at login and ends when it differs.

create table login_throttle (
    username varchar not null,
    client varchar not null,
    failures integer not null default 0,    -- failed attempts since the last success or lock
    last_failed_at timestamp not null,
    locked_until timestamp,
    refusals integer not null default 0,    -- attempts refused during the current lock
    primary key (username, client)
);

alter table app_user add column session_epoch integer not null default 0;
