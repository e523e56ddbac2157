"""A body starts using the tracker: the city administrator makes its database file (seeding.py)
and its first administrator's account in it, who then signs in with that account and sets up
units, plan and accounts of the body on its own Quản trị page, as the Office's HCTC does.

The account's name is reserved city-wide and its password checked before the file is made, so a
refusal leaves nothing behind; the start is written to the registry's audit log.
"""

from __future__ import annotations

from pathlib import Path

from tracker import settings
from tracker.accounts import auth, directory
from tracker.city import bodies, seeding
from tracker.city.bodies import BodyError
from tracker.roles import SYSTEM, User, require
from tracker.store import audit
from tracker.text import nfc


def start_body(
    user: User,
    code: str,
    registry: Path,
    *,
    admin_username: str,
    admin_password: str,
    full_name: str | None = None,
) -> Path:
    """Make body `code`'s file and its first administrator (role quan_tri); its path.
    BodyError (unknown, the home body, already started) or AccountError (name, password)."""
    require(user, "edit_bodies")
    body = bodies.find(code, registry)
    if body is None or body.home:
        return seeding.create_body_file(code, registry)  # refused there, with the reason
    target = settings.body_db_path(body.code)
    if target.exists():
        raise BodyError([f"Cơ quan {body.code} đã có cơ sở dữ liệu."])
    username = nfc(admin_username).strip().lower()
    if not username or any(ch.isspace() for ch in username):
        raise auth.AccountError("Tên đăng nhập không được trống và không chứa khoảng trắng.")
    auth.check_new_password(admin_password)
    holder = directory.reserve(username, target)
    if holder is not None:
        raise auth.AccountError(f"Tên đăng nhập '{username}' đã được dùng ở cơ quan khác.")
    try:
        path = seeding.create_body_file(body.code, registry, by=user.username)
    except BaseException:
        directory.release(username, target)
        raise
    # The body has no manager of its own yet: its first account is made as the command line makes
    # the Office's first administrator; the registry's log says who asked.
    auth.create_user(
        username, "quan_tri", admin_password, full_name=full_name, by=SYSTEM, path=path
    )
    audit.record(
        "body_start",
        username=user.username,
        role=user.role,
        target=body.code,
        detail={"admin": username},
        path=registry,
    )
    return path
