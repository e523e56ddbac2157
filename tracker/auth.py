"""Accounts, password hashing (argon2), login throttling and the role rules for every action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tracker import audit, db, settings
from tracker.text import nfc

ROLES = {"don_vi": "Đơn vị", "lanh_dao": "Lãnh đạo", "quan_tri": "Quản trị"}
ALL_ROLES = frozenset(ROLES)

# Who may do what. Every domain action calls require() with one of these names.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": ALL_ROLES,
    "export": ALL_ROLES,
    "upload": frozenset({"don_vi", "quan_tri"}),
    "upload_any_unit": frozenset({"quan_tri"}),
    "raise_difficulty": frozenset({"don_vi", "quan_tri"}),
    "handle_difficulty": frozenset({"lanh_dao", "quan_tri"}),
    "review": frozenset({"quan_tri"}),
    "edit_catalogue": frozenset({"quan_tri"}),
    "manage_users": frozenset({"quan_tri"}),
    "grant_exception": frozenset({"quan_tri"}),
    "restore_submission": frozenset({"quan_tri"}),
    "bulk_import": frozenset({"quan_tri"}),
    "backup": frozenset({"quan_tri"}),
    "restore_backup": frozenset({"quan_tri"}),
    "view_audit": frozenset({"quan_tri"}),
    "remind": frozenset({"quan_tri"}),
}

MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


class PermissionDenied(PermissionError):
    """The user's role does not allow the action; the message is Vietnamese."""


class AccountError(ValueError):
    """A problem with an account operation; the message is Vietnamese."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    unit_code: str | None = None
    full_name: str | None = None

    @property
    def role_label(self) -> str:
        return ROLES[self.role]


SYSTEM = User("he_thong", "quan_tri", None, "Hệ thống (dòng lệnh)")


def can(user: User | None, action: str) -> bool:
    return user is not None and user.role in PERMISSIONS[action]


def require(user: User | None, action: str) -> User:
    """Raise PermissionDenied unless `user` may do `action`."""
    if user is None:
        raise PermissionDenied("Bạn cần đăng nhập để thực hiện thao tác này.")
    if not can(user, action):
        raise PermissionDenied(
            f"Tài khoản '{user.username}' (vai trò {user.role_label}) không có quyền thực hiện thao tác này."
        )
    return user


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_new_password(password: str) -> None:
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
    require(by, "manage_users")
    username = nfc(username).lower()
    if not username or any(ch.isspace() for ch in username):
        raise AccountError("Tên đăng nhập không được trống và không chứa khoảng trắng.")
    if role not in ROLES:
        raise AccountError(f"Vai trò '{role}' không hợp lệ; chọn một trong: {', '.join(ROLES)}.")
    unit_code = _valid_unit(role, unit_code, path)
    _check_new_password(password)
    if db.scalar("select count(*) from app_user where username = $u", {"u": username}, path):
        raise AccountError(f"Tên đăng nhập '{username}' đã tồn tại.")
    with db.transaction(path) as tx:
        tx.execute(
            "insert into app_user (username, full_name, password_hash, role, unit_code, sample, "
            "created_at, password_changed_at) values ($u, $f, $h, $r, $c, $s, $t, $t)",
            {
                "u": username,
                "f": full_name,
                "h": hash_password(password),
                "r": role,
                "c": unit_code,
                "s": sample,
                "t": settings.now(),
            },
        )
        audit.record(
            "user_create",
            username=by.username,
            role=by.role,
            target=username,
            after={"role": role, "unit_code": unit_code},
            tx=tx,
        )
    return User(username, role, unit_code, full_name)


def authenticate(username: str, password: str, path: Path | None = None) -> User:
    """Check a login; failures are counted and lock the account for a while after too many."""
    username = nfc(username).lower()
    found = db.rows(
        "select password_hash, role, unit_code, full_name, active, failed_logins, locked_until "
        "from app_user where username = $u",
        {"u": username},
        path,
    )
    now = settings.now()
    generic = AccountError("Tên đăng nhập hoặc mật khẩu không đúng.")
    if not found:
        audit.record(
            "login_failed", username=username, role=None, detail="không có tài khoản", path=path
        )
        raise generic
    pw_hash, role, unit_code, full_name, active, failed, locked_until = found[0]
    if locked_until is not None and locked_until > now:
        audit.record("login_refused_locked", username=username, role=role, path=path)
        raise AccountError(
            f"Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau {locked_until:%H:%M %d/%m/%Y}."
        )
    if not active:
        audit.record("login_refused_disabled", username=username, role=role, path=path)
        raise AccountError("Tài khoản đã bị vô hiệu hóa. Liên hệ Phòng Hành chính - Tổ chức.")
    try:
        _hasher.verify(pw_hash, password)
    except (VerificationError, InvalidHashError):
        failed += 1
        lock = (
            now + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
            if failed >= settings.MAX_FAILED_LOGINS
            else None
        )
        with db.transaction(path) as tx:
            tx.execute(
                "update app_user set failed_logins = $f, locked_until = $l where username = $u",
                {"f": 0 if lock else failed, "l": lock, "u": username},
            )
            audit.record(
                "login_failed",
                username=username,
                role=role,
                detail={"failed_logins": failed, "locked": lock is not None},
                tx=tx,
            )
        raise generic from None
    with db.transaction(path) as tx:
        tx.execute(
            "update app_user set failed_logins = 0, locked_until = null where username = $u",
            {"u": username},
        )
        audit.record("login", username=username, role=role, tx=tx)
    return User(username, role, unit_code, full_name)


def set_password(username: str, new_password: str, *, by: User, path: Path | None = None) -> None:
    """Reset another user's password (admin) or change one's own."""
    if by.username != username:
        require(by, "manage_users")
    _check_new_password(new_password)
    _update_user(
        username,
        "password_reset" if by.username != username else "password_change",
        by,
        "password_hash = $h, password_changed_at = $t, failed_logins = 0, locked_until = null",
        {"h": hash_password(new_password), "t": settings.now()},
        path,
    )


def change_own_password(
    user: User, old_password: str, new_password: str, path: Path | None = None
) -> None:
    pw_hash = db.scalar(
        "select password_hash from app_user where username = $u", {"u": user.username}, path
    )
    try:
        _hasher.verify(pw_hash or "", old_password)
    except (VerificationError, InvalidHashError):
        raise AccountError("Mật khẩu hiện tại không đúng.") from None
    set_password(user.username, new_password, by=user, path=path)


def set_active(username: str, active: bool, *, by: User, path: Path | None = None) -> None:
    require(by, "manage_users")
    if not active and username == by.username:
        raise AccountError("Không thể tự vô hiệu hóa tài khoản đang dùng.")
    _update_user(
        username,
        "user_enable" if active else "user_disable",
        by,
        "active = $a",
        {"a": active},
        path,
        fields=("active",),
    )


def unlock(username: str, *, by: User, path: Path | None = None) -> None:
    """Lift a temporary lock after failed logins before it expires."""
    require(by, "manage_users")
    _update_user(
        username,
        "user_unlock",
        by,
        "failed_logins = 0, locked_until = null",
        {},
        path,
        fields=("failed_logins", "locked_until"),
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
    """Change an account's role, unit and name (audited with before/after)."""
    require(by, "manage_users")
    if role not in ROLES:
        raise AccountError(f"Vai trò '{role}' không hợp lệ; chọn một trong: {', '.join(ROLES)}.")
    if username == by.username and role != by.role:
        raise AccountError("Không thể tự đổi vai trò của tài khoản đang dùng.")
    unit_code = _valid_unit(role, unit_code, path)
    _update_user(
        username,
        "user_update",
        by,
        "role = $r, unit_code = $c, full_name = $f",
        {"r": role, "c": unit_code, "f": nfc(full_name) or None},
        path,
        fields=("role", "unit_code", "full_name"),
    )


def _valid_unit(role: str, unit_code: str | None, path: Path | None) -> str | None:
    """A unit account needs a unit of the catalogue; other roles have none."""
    if role != "don_vi":
        return None
    if (
        not unit_code
        or db.scalar("select count(*) from unit where code = $c", {"c": unit_code}, path) == 0
    ):
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
) -> None:
    cols = ", ".join(("username", *fields))
    with db.transaction(path) as tx:
        found = tx.rows(f"select {cols} from app_user where username = $u", {"u": username})
        if not found:
            raise AccountError(f"Không có tài khoản '{username}'.")
        tx.execute(
            f"update app_user set {assignments} where username = $u", {**params, "u": username}
        )
        after = tx.rows(f"select {cols} from app_user where username = $u", {"u": username})
        audit.record(
            action,
            username=by.username,
            role=by.role,
            target=username,
            before=dict(zip(fields, found[0][1:], strict=True)) if fields else None,
            after=dict(zip(fields, after[0][1:], strict=True)) if fields else None,
            tx=tx,
        )


_ACCOUNT_FIELDS = (
    "username",
    "full_name",
    "role",
    "unit_code",
    "active",
    "sample",
    "created_at",
    "password_changed_at",
)


def account(username: str, path: Path | None = None) -> dict | None:
    """One account's details (no password hash) with its last successful login (None if never)."""
    found = db.rows(
        f"select {', '.join(_ACCOUNT_FIELDS)}, (select max(logged_at) from audit_log as a "
        "where a.username = u.username and a.action = 'login') from app_user as u "
        "where username = $u",
        {"u": username},
        path,
    )
    if not found:
        return None
    return dict(zip((*_ACCOUNT_FIELDS, "last_login"), found[0], strict=True))


def session_valid(user: User, path: Path | None = None) -> bool:
    """Whether a logged-in session still stands: the account exists, is active, same role/unit."""
    found = db.rows(
        "select role, unit_code, active from app_user where username = $u",
        {"u": user.username},
        path,
    )
    return bool(found) and found[0] == (user.role, user.unit_code, True)


def list_users(path: Path | None = None) -> list[dict]:
    df = db.frame(
        "select username, full_name, role, unit_code, active, sample, failed_logins, locked_until, "
        "created_at from app_user order by role, username",
        path=path,
    )
    return df.to_dict("records")


def user_count(path: Path | None = None) -> int:
    return db.scalar("select count(*) from app_user", path=path)
