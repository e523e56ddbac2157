"""Device cookies (OWASP "device cookie" against online password guessing).

When an account's owner signs in, the browser receives a cookie for that account: a random
device id and an HMAC-SHA256 over (username, device id, the account's password hash) with a key
kept beside the database (settings.device_key_path). At the next login to that account, a browser
presenting a valid one is "a browser the owner signed in from": its wrong passwords are counted
on their own (auth.py), so a stranger's guessing, which can lock the account for every new
browser, cannot lock the owner out. A password change or reset changes the hash, which revokes
every device cookie of the account at once.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from pathlib import Path

from tracker import settings
from tracker.store import db, fileperms, keys

COOKIE_PREFIX = "tracker_device_"
_MAX_LENGTH = 200


def cookie_name(username: str) -> str:
    """One cookie per account (two people sharing an office computer keep theirs apart); the
    name does not show the username."""
    return COOKIE_PREFIX + hashlib.sha256(username.encode("utf-8")).hexdigest()[:16]


@functools.cache
def _key(key_file: Path) -> bytes:
    keys.make(key_file)
    fileperms.private_file(key_file)
    return keys.read(key_file) or keys.replace(key_file)


def _signature(username: str, device_id: str, password_hash: str, path: Path | None) -> str:
    key = _key(settings.device_key_path(path or settings.db_path()))
    message = "\n".join((username, device_id, password_hash)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def issue(username: str, path: Path | None = None) -> str | None:
    """A new device cookie value for `username` (None when the account is gone)."""
    found = db.query_rows("account_credentials", path, username=username)
    if not found:
        return None
    device_id = secrets.token_urlsafe(16)
    return f"{device_id}.{_signature(username, device_id, found[0][0], path)}"


def verify(
    value: str | None, username: str, password_hash: str | None, path: Path | None = None
) -> str | None:
    """The device id of a valid cookie for this account and its current password, else None."""
    if not value or not password_hash or len(value) > _MAX_LENGTH or "." not in value:
        return None
    device_id, signature = value.rsplit(".", 1)
    expected = _signature(username, device_id, password_hash, path)
    return device_id if hmac.compare_digest(expected, signature) else None
