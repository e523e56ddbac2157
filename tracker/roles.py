"""Who may do what: the roles, the permission table every domain action checks through
require(), the signed-in user as the domain sees it, and the two refusals (PermissionDenied,
AdminError). Below every domain package: catalogue, ingest, metrics, exports and accounts all
check roles, and none of them has to import another to do it (tests/test_layers.py)."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = {"don_vi": "Đơn vị", "lanh_dao": "Lãnh đạo", "quan_tri": "Quản trị"}
ALL_ROLES = frozenset(ROLES)

# Who may do what. Every domain action calls require() with one of these names.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": ALL_ROLES,
    "export": ALL_ROLES,
    "upload": frozenset({"don_vi", "quan_tri"}),
    "upload_any_unit": frozenset({"quan_tri"}),
    "upload_locked_week": frozenset({"quan_tri"}),  # after the lock, without an exception
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


class PermissionDenied(PermissionError):
    """The user's role does not allow the action; the message is Vietnamese."""


class AdminError(ValueError):
    """An admin action that cannot be done as asked; the message is Vietnamese."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    unit_code: str | None = None
    full_name: str | None = None
    session_epoch: int = 0  # app_user.session_epoch at login; a mismatch ends the session

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
