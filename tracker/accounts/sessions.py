"""Server-side sign-in sessions carried by a cookie, so a sign-in survives a reload, a new tab
and a server restart (issue 12; tables in migration 010).

The browser holds a random token; the database keeps only its SHA-256 (`Session.id`), so
neither a backup nor a look at the table can be replayed as a cookie. A session ends on logout,
after settings.SESSION_TIMEOUT_MINUTES without use, settings.SESSION_MAX_HOURS after it began,
and as soon as the account's session_epoch moves on (password change or reset, disable, role or
unit change: see auth._END_SESSIONS), or the account is gone.

A cookie is only ever handed out in exchange for a one-time sign-in code (issue_code, after the
login form checked the password; redeem_code, in the /auth/session route). The code lives
CODE_SECONDS, is stored hashed and is bound to the browser that signed in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tracker import settings
from tracker.roles import User
from tracker.store import db, queries

COOKIE = "tracker_session"
CODE_SECONDS = 60
# last_seen_at is written at most this often (each page run reads it; a write per run is waste).
TOUCH_SECONDS = 60


@dataclass(frozen=True)
class Session:
    """One signed-in browser as the server knows it."""

    id: str  # the SHA-256 of the browser's token; the token itself is never stored
    user: User
    created_at: datetime
    last_seen_at: datetime


def digest(secret: str) -> str:
    """The SHA-256 (hex) under which a token or a code is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def max_age_ended() -> str:
    return (
        f"Phiên đăng nhập đã quá thời hạn tối đa {settings.SESSION_MAX_HOURS} giờ. "
        "Vui lòng đăng nhập lại."
    )


def idle_ended() -> str:
    return "Phiên làm việc đã hết hạn do không hoạt động. Vui lòng đăng nhập lại."


def account_ended() -> str:
    return "Tài khoản đã thay đổi hoặc bị vô hiệu hóa. Vui lòng đăng nhập lại."


def signed_out() -> str:
    return "Phiên đăng nhập đã kết thúc (đã đăng xuất). Vui lòng đăng nhập lại."


def end_reason(
    *,
    created_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    session_epoch: int | None,
    account: tuple | None,
) -> str | None:
    """Why a session must end now (Vietnamese), or None while it stands.

    `account` is (active, session_epoch) of the account now, None when it no longer exists.
    """
    if now - created_at > timedelta(hours=settings.SESSION_MAX_HOURS):
        return max_age_ended()
    if now - last_seen_at > timedelta(minutes=settings.SESSION_TIMEOUT_MINUTES):
        return idle_ended()
    if account is None or not account[0] or account[1] != session_epoch:
        return account_ended()
    return None


def lookup(session_id: str, path: Path | None = None) -> tuple[Session | None, str | None]:
    """The session stored under `session_id` and, when it has just ended, why (it is then
    deleted). (None, None) when there is no such session (never was, or already ended)."""
    found = db.query_rows("cookie_session", path, token_hash=session_id)
    if not found:
        return None, None
    username, epoch, created, seen, role, unit, name, active, account_epoch = found[0]
    now = settings.now()
    reason = end_reason(
        created_at=created,
        last_seen_at=seen,
        now=now,
        session_epoch=epoch,
        account=None if role is None else (active, account_epoch),
    )
    if reason:
        end(session_id, path)
        return None, reason
    if now - seen >= _touch_interval():
        with db.transaction(path) as tx:
            tx.update(
                "auth_session",
                "set last_seen_at = $t where token_hash = $h",
                {"t": now, "h": session_id},
            )
        seen = now
    return Session(session_id, User(username, role, unit, name, epoch), created, seen), None


def resume(token: str | None, path: Path | None = None) -> Session | None:
    """The live session a browser's cookie token stands for, or None."""
    return resume_with_reason(token, path)[0]


def resume_with_reason(
    token: str | None, path: Path | None = None
) -> tuple[Session | None, str | None]:
    """resume(), and when the session has just ended, why (Vietnamese, to show once)."""
    if not token or len(token) > 200:
        return None, None
    return lookup(digest(token), path)


def _touch_interval() -> timedelta:
    # Well inside the idle timeout, however short it is configured.
    timeout = timedelta(minutes=settings.SESSION_TIMEOUT_MINUTES)
    return min(timedelta(seconds=TOUCH_SECONDS), timeout / 4)


def issue_code(user: User, binding: str, path: Path | None = None) -> str:
    """A one-time sign-in code for `user`, who has just passed the login form in the browser
    whose XSRF token hashes to `binding`; only that browser can trade it for a cookie."""
    code = secrets.token_urlsafe(32)
    now = settings.now()
    with db.transaction(path) as tx:
        tx.delete("auth_login_code", "where expires_at < $now", {"now": now})
        tx.insert(
            "auth_login_code",
            "(code_hash, username, session_epoch, binding, expires_at) values ($h, $u, $e, $b, $x)",
            {
                "h": digest(code),
                "u": user.username,
                "e": user.session_epoch,
                "b": binding,
                "x": now + timedelta(seconds=CODE_SECONDS),
            },
        )
    return code


def redeem_code(
    code: str, binding: str | None, replaces: str | None = None, path: Path | None = None
) -> str | None:
    """Trade a sign-in code for a new session; returns the cookie's token, or None when the code
    is unknown, used, expired, from another browser, or its account changed since.

    The code is spent whatever the outcome. `replaces` is the token the browser still holds, if
    any: that session ends, so one browser holds one sign-in (and a planted token is dropped).
    """
    if not code or len(code) > 200 or not binding:
        return None
    now = settings.now()
    with db.transaction(path) as tx:
        found = tx.rows(queries.load("login_code").sql, {"code_hash": digest(code)})
        tx.delete("auth_login_code", "where code_hash = $h", {"h": digest(code)})
        if not found:
            return None
        username, epoch, bound_to, expires = found[0]
        account = tx.rows(queries.load("account_session").sql, {"username": username})
        if (
            expires < now
            or not hmac.compare_digest(bound_to, binding)
            or not account
            or not account[0][2]
            or account[0][3] != epoch
        ):
            return None
        if replaces:
            tx.delete("auth_session", "where token_hash = $h", {"h": digest(replaces)})
        _purge(tx, now)
        token = secrets.token_urlsafe(32)
        tx.insert(
            "auth_session",
            "(token_hash, username, session_epoch, created_at, "
            "last_seen_at) values ($h, $u, $e, $t, $t)",
            {"h": digest(token), "u": username, "e": epoch, "t": now},
        )
    return token


def _purge(tx: db.Tx, now: datetime) -> None:
    """Drop sessions past their idle or absolute limit: the table stays as small as its users."""
    tx.delete(
        "auth_session",
        "where last_seen_at < $idle or created_at < $oldest",
        {
            "idle": now - timedelta(minutes=settings.SESSION_TIMEOUT_MINUTES),
            "oldest": now - timedelta(hours=settings.SESSION_MAX_HOURS),
        },
    )


def end(session_id: str, path: Path | None = None) -> None:
    """End one session (logout): its cookie is refused from now on, in every tab."""
    with db.transaction(path) as tx:
        tx.delete("auth_session", "where token_hash = $h", {"h": session_id})


def rebind(session_id: str, user: User, path: Path | None = None) -> None:
    """Keep this browser's session after its own password change (the User returned by
    auth.change_own_password carries the new epoch); the account's other sessions stay ended."""
    with db.transaction(path) as tx:
        tx.update(
            "auth_session",
            "set session_epoch = $e where token_hash = $h and username = $u",
            {"e": user.session_epoch, "h": session_id, "u": user.username},
        )
