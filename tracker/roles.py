"""Who may do what: the roles, the permission table every domain action checks through
require(), the signed-in user as the domain sees it, and the two refusals (PermissionDenied,
AdminError). Below every domain package: catalogue, ingest, metrics, exports and accounts all
check roles, and none of them has to import another to do it (tests/test_layers.py)."""

from __future__ import annotations

from dataclasses import dataclass

# A body's roles (the Office is one body; every sở, ban, ngành and xã, phường another): each
# account of a body acts inside that body only.
ROLES = {"don_vi": "Đơn vị", "lanh_dao": "Lãnh đạo", "quan_tri": "Quản trị"}
ALL_ROLES = frozenset(ROLES)
# The city's roles (issue 34), whose accounts live in the city registry: Sở Nội vụ's officers
# and leaders read every body and edit none of their data; the city administrator keeps the
# body catalogue, the city plan's items, the shared criteria set and the city's accounts.
CITY_ROLES = {
    "so_noi_vu": "Sở Nội vụ",
    "lanh_dao_snv": "Lãnh đạo Sở Nội vụ",
    "quan_tri_tp": "Quản trị thành phố",
}
ALL_CITY_ROLES = frozenset(CITY_ROLES)
ROLE_LABELS = {**ROLES, **CITY_ROLES}
# Who reads a body's pages and exports: its own accounts, and the city's (Sở Nội vụ's officers
# and leaders read every body; the city administrator keeps catalogues, not bodies' data).
BODY_READERS = ALL_ROLES | {"so_noi_vu", "lanh_dao_snv"}

# Where a permission acts: inside one body's database (BODY: the body's own accounts, and for
# reading, the city's readers), or on the city's own records in the registry (CITY).
BODY, CITY = "body", "city"

# Who may do what. Every domain action calls require() with one of these names.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": BODY_READERS,
    "export": BODY_READERS,
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
    # A body's side of the city's records (tracker/city): its leader approves its periodic Báo
    # cáo, its administrator submits the approved snapshot to Sở Nội vụ and escalates a
    # difficulty; both answer Sở Nội vụ's requests.
    "approve_body_report": frozenset({"lanh_dao"}),
    "submit_body_report": frozenset({"quan_tri"}),
    "escalate_difficulty": frozenset({"lanh_dao", "quan_tri"}),
    "answer_city_request": frozenset({"lanh_dao", "quan_tri"}),
    # The city's own records and catalogues (the registry).
    "view_city": frozenset({"so_noi_vu", "lanh_dao_snv", "quan_tri_tp"}),
    "send_city_request": frozenset({"so_noi_vu", "lanh_dao_snv"}),
    "review_body_score": frozenset({"so_noi_vu", "lanh_dao_snv"}),
    # Sở Nội vụ's Báo cáo to UBND thành phố, compiled from the bodies' submitted snapshots.
    "export_city": frozenset({"so_noi_vu", "lanh_dao_snv"}),
    "approve_city_ranking": frozenset({"lanh_dao_snv"}),
    "edit_bodies": frozenset({"quan_tri_tp"}),
    "edit_city_items": frozenset({"quan_tri_tp"}),
    "edit_city_criteria": frozenset({"quan_tri_tp"}),
    "edit_city_settings": frozenset({"quan_tri_tp"}),  # Sở Nội vụ's Báo cáo: number, signer
    "manage_city_accounts": frozenset({"quan_tri_tp"}),
}

# The scope each permission acts in (tests/test_roles_city.py: every permission has one; a
# body role holds no CITY permission, a city role no BODY permission that writes).
PERMISSION_SCOPE: dict[str, str] = {
    **{action: BODY for action in PERMISSIONS},
    **{
        action: CITY
        for action in (
            "view_city",
            "send_city_request",
            "review_body_score",
            "export_city",
            "approve_city_ranking",
            "edit_bodies",
            "edit_city_items",
            "edit_city_criteria",
            "edit_city_settings",
            "manage_city_accounts",
        )
    },
}
# BODY permissions a city role holds: reading only.
CITY_READS_IN_BODIES = frozenset({"view", "export"})


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
        return ROLE_LABELS[self.role]

    @property
    def is_city(self) -> bool:
        """A city account (Sở Nội vụ, the city administrator): its home is the registry."""
        return self.role in CITY_ROLES


SYSTEM = User("he_thong", "quan_tri", None, "Hệ thống (dòng lệnh)")
# The command line acting on the city's own records and accounts (the registry).
CITY_SYSTEM = User("he_thong", "quan_tri_tp", None, "Hệ thống (dòng lệnh)")


def scope_of(action: str) -> str:
    """BODY or CITY: where `action` acts."""
    return PERMISSION_SCOPE[action]


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
