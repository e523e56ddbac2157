"""Trusted browsers: the device cookie (OWASP "device cookie" against online password guessing,
issue 27), kept across the owner's password changes and listed for them (issue 32, table
auth_device of migration 013).

When an account's owner signs in from a browser that holds no device cookie for the account, the
browser receives one: a random token, stored as its SHA-256 (the browser's id) with the account,
the browser's name and the address it signed in from. At the next login to that account, a
browser presenting a live one is "a browser the owner signed in from": its wrong passwords are
counted on their own (auth.py), so a stranger's guessing, which can lock the account for every
new browser, cannot lock the owner out.

The cookie is not a credential (the password still decides), so a password change or reset
leaves it: the owner keeps the browsers they use, the one the change was made in included. It
ends after settings.DEVICE_COOKIE_DAYS, or when the owner revokes it on Tài khoản, or HCTC on
Quản trị (after a reset for a stolen password, say).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from tracker import settings
from tracker.accounts import directory
from tracker.roles import User
from tracker.store import audit, db

COOKIE_PREFIX = "tracker_device_"
_MAX_LENGTH = 200
# (what the User-Agent contains, the name shown), first match wins: Edge and Opera also say
# Chrome, Chrome also says Safari, Android also says Linux, an iPhone also says Mac OS X.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("coc_coc_browser", "Cốc Cốc"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def cookie_name(username: str) -> str:
    """One cookie per account (two people sharing an office computer keep theirs apart); the
    name does not show the username."""
    return COOKIE_PREFIX + hashlib.sha256(username.encode("utf-8")).hexdigest()[:16]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def browser_label(user_agent: str | None) -> str:
    """A browser as its owner would name it ("Chrome trên Windows") from its User-Agent."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "Trình duyệt khác")
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    return f"{browser} trên {system}" if system else browser


def issue(
    username: str, *, client: str | None, user_agent: str | None, path: Path | None = None
) -> str | None:
    """A new device cookie value for the browser `username`'s owner has just signed in from
    (at `client`, None when unknown); None when there is no such account."""
    if not db.query_rows("account_session", path, username=username):
        return None
    token = secrets.token_urlsafe(32)
    now = settings.now()
    with db.transaction(path) as tx:
        tx.delete("auth_device", "where expires_at <= $now", {"now": now})
        tx.insert(
            "auth_device",
            "(token_hash, username, browser, issued_at, issued_client, last_used_at, "
            "last_client, expires_at) values ($h, $u, $b, $t, $c, $t, $c, $x)",
            {
                "h": _digest(token),
                "u": username,
                "b": browser_label(user_agent)[:100],
                "t": now,
                "c": (client or None) and client[:100],
                "x": now + timedelta(days=settings.DEVICE_COOKIE_DAYS),
            },
        )
    return token


def trusted(value: str | None, username: str, path: Path | None = None) -> str | None:
    """The id of the trusted browser of `username` holding the cookie `value`, else None."""
    if not value or len(value) > _MAX_LENGTH:
        return None
    found = db.query_rows(
        "trusted_browser", path, token_hash=_digest(value), username=username, now=settings.now()
    )
    return found[0][0] if found else None


def note_sign_in(tx: db.Tx, device_id: str, client: str, now: datetime) -> None:
    """Inside a login's transaction: the trusted browser `device_id` has just signed in."""
    tx.update(
        "auth_device",
        "set last_used_at = $t, last_client = $c where token_hash = $h",
        {"t": now, "c": client or None, "h": device_id},
    )


def browsers(username: str, path: Path | None = None) -> pd.DataFrame:
    """The account's trusted browsers (queries/trusted_browsers.sql), latest sign-in first."""
    return db.query("trusted_browsers", path, username=username, now=settings.now())


def revoke(
    username: str, device_ids: list[str] | None, *, by: User, path: Path | None = None
) -> int:
    """Stop trusting some of an account's browsers (every one when `device_ids` is None): its
    owner for their own, whoever manages the store's accounts for any (a body's administrator in
    their body, the city administrator in the registry). Audited; returns how many."""
    if by.username != username:
        directory.roles_for(path, by)
    with db.transaction(path) as tx:
        where = "where username = $u" + (
            "" if device_ids is None else " and list_contains($ids, token_hash)"
        )
        params = {"u": username} | ({} if device_ids is None else {"ids": list(device_ids)})
        revoked = tx.delete("auth_device", f"{where} returning token_hash", params)
        if not revoked:
            return 0
        audit.record(
            "device_revoke",
            username=by.username,
            role=by.role,
            target=username,
            detail={"browsers": [row[0][:8] for row in revoked]},
            tx=tx,
        )
    return len(revoked)
