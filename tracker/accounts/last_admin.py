"""The city keeps an administrator (issue 34): the last active city administrator (quan_tri_tp,
in the registry) may not be disabled nor given another role, by anyone (another city
administrator, or the command line), else nobody could sign in to manage the city's bodies and
accounts. Checked inside the write's own transaction (auth._update_user), so two administrators
disabling each other at once cannot both succeed. A body keeps its own rule: its administrator
cannot disable themselves or change their own role (tracker/accounts/auth.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tracker.store import db, queries

CITY_ADMIN = "quan_tri_tp"

# Inside a write's transaction: the reason it must not go ahead, or None.
Guard = Callable[[db.Tx], str | None]


def guard(username: str, doing: str, path: Path | None) -> Guard | None:
    """The check for a write that makes `username` stop being an active city administrator
    (`doing`: "vô hiệu hóa", "đổi vai trò của"); None outside the registry."""
    if not db.is_city(path):
        return None

    def check(tx: db.Tx) -> str | None:
        is_one, others = tx.rows(
            queries.load("city_admins_left").sql, {"role": CITY_ADMIN, "username": username}
        )[0]
        if not is_one or others:
            return None
        return (
            f"Không thể {doing} tài khoản '{username}': đây là tài khoản quản trị thành phố cuối "
            "cùng đang hoạt động. Hãy tạo hoặc kích hoạt một tài khoản quản trị thành phố khác "
            "trước."
        )

    return check
