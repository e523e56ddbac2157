"""Accounts, password hashing (argon2), login throttling and the role rules for every action."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tracker import settings
from tracker.accounts import devices, directory, last_admin
from tracker.catalogue import catalogues
from tracker.roles import (  # re-exported: the accounts API names them too
    ALL_ROLES as ALL_ROLES,
)
from tracker.roles import PERMISSIONS as PERMISSIONS
from tracker.roles import ROLES as ROLES
from tracker.roles import SYSTEM as SYSTEM
from tracker.roles import PermissionDenied as PermissionDenied
from tracker.roles import User as User
from tracker.roles import can as can
from tracker.roles import require as require
from tracker.store import audit, db, queries
from tracker.text import nfc

MIN_PASSWORD_LENGTH = 8
# OWASP Password Storage Cheat Sheet, argon2id's first configuration: 19 MiB, 2 passes, 1 lane
# (about 20 ms a hash on the server; argon2-cffi's default, 64 MiB, 3 passes, 4 lanes, took
# 175 ms, twice on a process's first sign-in). A hash made with other parameters still
# verifies, and is replaced at its account's next successful login (authenticate).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class AccountError(ValueError):
    """A problem with an account operation; the message is Vietnamese."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_new_password(password: str) -> None:
    """AccountError when `password` may not be set (too short)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")


def create_user(
    username: str,
    role: str,
    password: str,
    *,
    unit_code: str | None = None,
    full_name: str | None = None,
    sample: bool = False,
    by: User = SYSTEM,
    path: Path | None = None,
) -> User:
    roles_here = directory.roles_for(path, by)  # a body's, or the city's in the registry
    username = nfc(username).lower()
    if not username or any(ch.isspace() for ch in username):
        raise AccountError("Tên đăng nhập không được trống và không chứa khoảng trắng.")
    _check_role(role, roles_here)
    unit_code = _valid_unit(role, unit_code, path)
    check_new_password(password)
    if db.query_rows("account_session", path, username=username):
        raise AccountError(f"Tên đăng nhập '{username}' đã tồn tại.")
    if directory.reserve(username, path) is not None:  # unique city-wide (issue 34)
        raise AccountError(f"Tên đăng nhập '{username}' đã được dùng ở cơ quan khác.")
    row = {"u": username, "f": full_name, "r": role, "c": unit_code, "s": sample}
    try:
        _insert_user(row | {"h": hash_password(password), "t": settings.now()}, by, path)
    except BaseException:
        directory.release(username, path)
        raise
    return User(username, role, unit_code, full_name)


def _check_role(role: str, allowed: dict[str, str]) -> None:
    if role not in allowed:
        raise AccountError(f"Vai trò '{role}' không hợp lệ; chọn một trong: {', '.join(allowed)}.")


def _insert_user(row: dict, by: User, path: Path | None) -> None:
    with db.transaction(path) as tx:
        tx.insert(
            "app_user",
            "(username, full_name, password_hash, role, unit_code, sample, "
            "created_at, password_changed_at) values ($u, $f, $h, $r, $c, $s, $t, $t)",
            row,
        )
        audit.record(
            "user_create",
            username=by.username,
            role=by.role,
            target=row["u"],
            after={"role": row["r"], "unit_code": row["c"]},
            tx=tx,
        )


def login_error() -> AccountError:
    """The one answer to every failed login: unknown, disabled, throttled or wrong password."""
    return AccountError(
        "Tên đăng nhập hoặc mật khẩu không đúng. Sau "
        f"{settings.MAX_FAILED_LOGINS} lần nhập sai từ một máy, việc đăng nhập vào tài khoản "
        f"từ máy đó tạm bị khóa {settings.LOGIN_LOCK_MINUTES} phút; sau "
        f"{settings.MAX_FAILED_LOGINS_NEW_BROWSERS} lần nhập sai từ các máy chưa từng đăng nhập "
        "tài khoản này, mọi máy mới đều phải chờ như vậy (máy đã đăng nhập trước đây vẫn đăng "
        "nhập được). Chủ tài khoản: hãy đăng nhập từ máy đã dùng trước đây, hoặc nhờ Phòng Hành "
        "chính - Tổ chức mở khóa."
    )


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a random secret, verified when the username is unknown so that the answer
    takes as long as for a real account. Keyed by the hasher so it has the same parameters."""
    return hasher.hash(secrets.token_urlsafe(16))


def _upgrade_hash(username: str, pw_hash: str, password: str, path: Path | None) -> None:
    """After a successful login: a hash made with other parameters is replaced by today's (same
    password, sessions untouched). Only then, so that a refused attempt never takes longer for
    being the right password; hashed before the write lock is taken."""
    if not _hasher.check_needs_rehash(pw_hash):
        return
    new = hash_password(password)
    with db.transaction(path) as tx:
        tx.update(
            "app_user",
            "set password_hash = $new where username = $u and password_hash = $old",
            {"new": new, "u": username, "old": pw_hash},
        )


def _verify(pw_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(pw_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Where failed logins are counted (login_throttle.client): every browser that has never signed
# in to the account shares NEW_BROWSERS; a browser holding the account's device cookie counts
# under DEVICE + its id; a known client address counts under the address as well.
NEW_BROWSERS = "*"
DEVICE = "thiet-bi:"


def authenticate(
    username: str,
    password: str,
    path: Path | None = None,
    client: str | None = None,
    device: str | None = None,
) -> User:
    """Check a login from `client` (the browser's IP address as the server can trust it; None =
    unknown) presenting `device` (its device cookie for this account, if any).

    Every attempt costs exactly one argon2 verification (against a dummy hash for an unknown
    username) and every refusal raises login_error(), so neither the answer nor its timing
    tells a stranger whether the account exists, is disabled or is locked. Failures are counted
    inside the write transaction: see _settle_login.
    """
    username = login_name(username)
    dummy = _dummy_hash(_hasher)  # the first call pays for it, whatever the username
    found = db.query_rows("account_credentials", path, username=username)
    # argon2 runs before the write lock is taken: a slow hash must not hold up other writers.
    password_ok = _verify(found[0][0] if found else dummy, password) and bool(found)
    device_id = devices.trusted(device, username, path)  # one lookup, account or not
    with db.transaction(path) as tx:
        attempt = _Attempt(
            username,
            (client or "")[:100],
            device_id,
            found[0][1:] if found else None,
            password_ok,
            settings.now(),
        )
        user = _settle_login(tx, attempt)
    if user is None:  # raised after the commit, so the counted failure stays counted
        raise login_error()
    _upgrade_hash(username, found[0][0], password, path)
    return user


def counter_label(key: str) -> str:
    """What a login_throttle counter counts, in words for the Quản trị page."""
    if key == NEW_BROWSERS:
        return "Mọi máy chưa từng đăng nhập tài khoản này"
    if key.startswith(DEVICE):
        return f"Máy đã đăng nhập trước đây (mã {key[len(DEVICE) :][:8]}…)"
    return f"Địa chỉ {key}" if key else "Không rõ địa chỉ"


def login_name(typed: str) -> str:
    """The username a login form's text stands for (NFC, lower case)."""
    return nfc(typed).lower()


def sample_accounts(path: Path | None = None) -> list[tuple[str, str, str | None]]:
    """The active sample accounts (username, role, unit): present only in a sample database.
    Cached until the next write (every page shows the banner, every request from another
    machine is checked: tracker/ui/sample_guard.py)."""
    return [tuple(row) for row in db.cached_rows("sample_accounts", path)]


@dataclass(frozen=True)
class _Attempt:
    """One login attempt as the throttle sees it."""

    username: str
    client: str  # '' when unknown (command line, tests, a local or untrusted-proxy connection)
    device: str | None  # the id of a valid device cookie for this account
    account: tuple | None  # (role, unit_code, full_name, active, session_epoch); None: unknown
    password_ok: bool
    now: datetime

    @property
    def counters(self) -> dict[str, int]:
        """The counters this attempt is judged by and counted in, each with its limit."""
        if self.device:
            return {DEVICE + self.device: settings.MAX_FAILED_LOGINS}
        found = {NEW_BROWSERS: settings.MAX_FAILED_LOGINS_NEW_BROWSERS}
        if self.client:
            found[self.client] = settings.MAX_FAILED_LOGINS
        return found

    @property
    def since(self) -> datetime:
        """Failures before this are forgotten (the lock window, counted from the last one)."""
        return self.now - timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def _settle_login(tx: db.Tx, a: _Attempt) -> User | None:
    """Decide the attempt and record it in one transaction (writers take turns, so parallel
    attempts cannot lose a count): refuse while one of its counters is locked, else log in or
    count one failure in each, locking a counter for LOGIN_LOCK_MINUTES at its limit.

    Audit rows stay bounded: a real account gets one row per counted failure (at most the
    limits per window) and one `login_lock` and one `login_refused_locked` per lock; an unknown
    username gets one `login_failed` row per window and client, at its first failure.
    """
    tx.delete(
        "login_throttle",
        "where (locked_until is null or locked_until <= $now) and last_failed_at <= $since",
        {"now": a.now, "since": a.since},
    )
    rows = {
        key: _counter(tx, a.username, key) for key in a.counters
    }  # key → (failures, locked_until, refusals) or None
    locked = [key for key, row in rows.items() if row and row[1] and row[1] > a.now]
    if locked:
        for key in locked:
            _note_refusal(tx, a, key, rows[key])
        return None
    if _over_client_cap(tx, a, rows):
        return None
    if a.password_ok and a.account is not None and a.account[3]:
        return _log_in(tx, a, a.account)
    for key, limit in a.counters.items():
        _count_failure(tx, a, key, limit, rows[key])
    _sync_account_summary(tx, a)
    _audit_failure(tx, a, rows)
    return None


def _counter(tx: db.Tx, username: str, key: str) -> tuple | None:
    found = tx.rows(
        queries.load("login_throttle_counter").sql, {"username": username, "client": key}
    )
    return found[0] if found else None


def _over_client_cap(tx: db.Tx, a: _Attempt, rows: dict) -> bool:
    """A new username from a known client already failing on many: refused, nothing stored."""
    if not a.client or a.device or rows.get(a.client) is not None:
        return False
    tracked = tx.scalar(queries.load("client_throttled_usernames").sql, {"client": a.client})
    return tracked >= settings.LOGIN_MAX_USERNAMES_PER_CLIENT


def _note_refusal(tx: db.Tx, a: _Attempt, key: str, row: tuple) -> None:
    tx.update(
        "login_throttle",
        "set refusals = refusals + 1 where username = $u and client = $c",
        {"u": a.username, "c": key},
    )
    if row[2] == 0 and a.account is not None:
        audit.record(
            "login_refused_locked",
            username=a.username,
            role=a.account[0],
            detail={"client": a.client or None, "counter": key, "locked_until": row[1]},
            tx=tx,
        )


def _log_in(tx: db.Tx, a: _Attempt, account: tuple) -> User:
    """Sign in; the browser's own counters start again (the shared NEW_BROWSERS one does not:
    the owner signing in from a new browser must not hand a guesser a fresh allowance)."""
    role, unit_code, full_name, _, epoch = account
    for key in a.counters:
        if key != NEW_BROWSERS:
            tx.delete(
                "login_throttle",
                "where username = $u and client = $c",
                {"u": a.username, "c": key},
            )
    _sync_account_summary(tx, a)
    if a.device:
        devices.note_sign_in(tx, a.device, a.client, a.now)
    detail = {"client": a.client or None, "device": bool(a.device)}
    audit.record("login", username=a.username, role=role, detail=detail, tx=tx)
    return User(a.username, role, unit_code, full_name, epoch)


def _count_failure(tx: db.Tx, a: _Attempt, key: str, limit: int, row: tuple | None) -> None:
    failures = (row[0] if row else 0) + 1
    locked_until = a.now + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    lock = failures >= limit
    tx.insert(
        "login_throttle",
        "(username, client, failures, last_failed_at, locked_until) "
        "values ($u, $c, $f, $t, $l) on conflict do update set failures = excluded.failures, "
        "last_failed_at = excluded.last_failed_at, locked_until = excluded.locked_until, "
        "refusals = 0",
        {
            "u": a.username,
            "c": key,
            "f": 0 if lock else failures,
            "t": a.now,
            "l": locked_until if lock else None,
        },
    )
    if lock and a.account is not None:
        audit.record(
            "login_lock",
            username=a.username,
            role=a.account[0],
            detail={
                "counter": key,
                "client": a.client or None,
                "failed_logins": failures,
                "locked_until": locked_until,
            },
            tx=tx,
        )


def _audit_failure(tx: db.Tx, a: _Attempt, rows: dict) -> None:
    counts = {key: (row[0] if row else 0) + 1 for key, row in rows.items()}
    shown = a.client if a.client in counts else next(iter(counts))  # the address's, if known
    detail = {
        "failed_logins": counts[shown],
        "locked": any(counts[key] >= limit for key, limit in a.counters.items()),
        "client": a.client or None,
    }
    if NEW_BROWSERS in counts:
        detail["new_browser_failures"] = counts[NEW_BROWSERS]
    if a.account is None:
        if all(row is None for row in rows.values()):  # the first failure of this window
            detail["reason"] = "không có tài khoản"
            audit.record("login_failed", username=a.username, role=None, detail=detail, tx=tx)
        return
    action = "login_failed" if a.account[3] else "login_refused_disabled"
    audit.record(action, username=a.username, role=a.account[0], detail=detail, tx=tx)


def _sync_account_summary(tx: db.Tx, a: _Attempt) -> None:
    """Mirror the account's throttle rows into app_user for the admin's users table."""
    tx.update(
        "app_user",
        "set failed_logins = coalesce((select sum(t.failures) "
        "from login_throttle as t where t.username = $u and t.last_failed_at > $since), 0), "
        "locked_until = (select max(t.locked_until) from login_throttle as t "
        "where t.username = $u and t.locked_until > $now) where username = $u",
        {"u": a.username, "since": a.since, "now": a.now},
    )


# Appended to an account update that must end the account's open sessions (see session_valid).
_END_SESSIONS = "session_epoch = session_epoch + 1"


def set_password(username: str, new_password: str, *, by: User, path: Path | None = None) -> None:
    """Reset another user's password (admin) or change one's own; either ends the account's
    open sessions and lifts its login locks."""
    if by.username != username:
        directory.roles_for(path, by)
    check_new_password(new_password)
    _update_user(
        username,
        "password_reset" if by.username != username else "password_change",
        by,
        "password_hash = $h, password_changed_at = $t, failed_logins = 0, locked_until = null, "
        + _END_SESSIONS,
        {"h": hash_password(new_password), "t": settings.now()},
        path,
        clear_throttle=True,
    )


def change_own_password(
    user: User, old_password: str, new_password: str, path: Path | None = None
) -> User:
    """Change one's own password. Every session of the account ends, this one included,
    unless the caller keeps the returned User (same account, new session epoch)."""
    found = db.query_rows("account_credentials", path, username=user.username)
    pw_hash = found[0][0] if found else None
    if not _verify(pw_hash or "", old_password):
        raise AccountError("Mật khẩu hiện tại không đúng.")
    set_password(user.username, new_password, by=user, path=path)
    found = db.query_rows("account_session", path, username=user.username)
    epoch = found[0][3] if found else None
    return replace(user, session_epoch=epoch)


def set_active(username: str, active: bool, *, by: User, path: Path | None = None) -> None:
    directory.roles_for(path, by)
    if not active and username == by.username:
        raise AccountError("Không thể tự vô hiệu hóa tài khoản đang dùng.")
    _update_user(
        username,
        "user_enable" if active else "user_disable",
        by,
        "active = $a, " + _END_SESSIONS,
        {"a": active},
        path,
        fields=("active",),
        guard=None if active else last_admin.guard(username, "vô hiệu hóa", path),
    )


def unlock(username: str, *, by: User, path: Path | None = None) -> int:
    """Lift the account's login locks and failure counts from every client before they expire;
    returns how many (account, client) counters were cleared."""
    directory.roles_for(path, by)
    return _update_user(
        username,
        "user_unlock",
        by,
        "failed_logins = 0, locked_until = null",
        {},
        path,
        fields=("failed_logins", "locked_until"),
        clear_throttle=True,
    )


def update_user(
    username: str,
    *,
    role: str,
    unit_code: str | None,
    full_name: str | None,
    by: User,
    path: Path | None = None,
) -> None:
    """Change an account's role, unit and name (audited with before/after); a new role or
    unit ends the account's open sessions."""
    _check_role(role, directory.roles_for(path, by))
    if username == by.username and role != by.role:
        raise AccountError("Không thể tự đổi vai trò của tài khoản đang dùng.")
    unit_code = _valid_unit(role, unit_code, path)
    _update_user(
        username,
        "user_update",
        by,
        "role = $r, unit_code = $c, full_name = $f, session_epoch = session_epoch + "
        "case when role <> $r or unit_code is distinct from $c then 1 else 0 end",
        {"r": role, "c": unit_code, "f": nfc(full_name) or None},
        path,
        fields=("role", "unit_code", "full_name"),
        guard=None
        if role == last_admin.CITY_ADMIN
        else last_admin.guard(username, "đổi vai trò của", path),
    )


def _valid_unit(role: str, unit_code: str | None, path: Path | None) -> str | None:
    """A unit account needs a unit of the catalogue; other roles have none."""
    if role != "don_vi":
        return None
    if not unit_code or not catalogues.unit_exists(unit_code, path):
        raise AccountError(
            f"Tài khoản đơn vị cần mã đơn vị có trong danh mục (đang là '{unit_code}')."
        )
    return unit_code


def _update_user(
    username: str,
    action: str,
    by: User,
    assignments: str,
    params: dict,
    path: Path | None,
    fields: tuple[str, ...] = (),
    clear_throttle: bool = False,
    guard: last_admin.Guard | None = None,
) -> int:
    """Update one account and audit it; with clear_throttle, also drop its login counters and
    locks (returns how many); `guard` may refuse it inside the transaction."""
    with db.transaction(path) as tx:
        found = _audit_fields(tx, username, fields)
        if found is None:
            raise AccountError(f"Không có tài khoản '{username}'.")
        if guard is not None and (refused := guard(tx)):
            raise AccountError(refused)
        tx.update("app_user", f"set {assignments} where username = $u", {**params, "u": username})
        cleared = 0
        if clear_throttle:
            cleared = tx.scalar(queries.load("account_login_locks").sql, {"username": username})
            tx.delete("login_throttle", "where username = $u", {"u": username})
        after = _audit_fields(tx, username, fields)
        audit.record(
            action,
            username=by.username,
            role=by.role,
            target=username,
            detail={"cleared_login_locks": cleared} if cleared else None,
            before=found or None,
            after=after or None,
            tx=tx,
        )
    return cleared


# The columns of queries/account_audit_fields.sql, in order.
_AUDIT_FIELDS = (
    "username",
    "role",
    "unit_code",
    "full_name",
    "active",
    "failed_logins",
    "locked_until",
)


def _audit_fields(tx: db.Tx, username: str, fields: tuple[str, ...]) -> dict | None:
    """The account's `fields` as audited (None when there is no such account)."""
    found = tx.rows(queries.load("account_audit_fields").sql, {"username": username})
    if not found:
        return None
    row = dict(zip(_AUDIT_FIELDS, found[0], strict=True))
    return {f: row[f] for f in fields}


_ACCOUNT_FIELDS = (
    "username",
    "full_name",
    "role",
    "unit_code",
    "active",
    "sample",
    "created_at",
    "password_changed_at",
    "last_login",
)


def account(username: str, path: Path | None = None) -> dict | None:
    """One account's details (no password hash) with its last successful login (None if never)."""
    found = db.query_rows("account_details", path, username=username)
    if not found:
        return None
    return dict(zip(_ACCOUNT_FIELDS, found[0], strict=True))


def session_valid(user: User, path: Path | None = None) -> bool:
    """Whether a logged-in session still stands: the account exists, is active, has the same
    role and unit, and no password change, reset, disable or role change happened since the
    login (session_epoch unchanged)."""
    found = db.query_rows("account_session", path, username=user.username)
    return bool(found) and found[0] == (user.role, user.unit_code, True, user.session_epoch)


def list_users(path: Path | None = None) -> list[dict]:
    return db.query("account_list", path).to_dict("records")


def user_count(path: Path | None = None) -> int:
    return db.query_rows("account_count", path)[0][0]
