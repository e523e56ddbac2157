"""The week lock, in one place: when a week locks (its deadline plus its plan's lock_days, the
calendar rules in queries/rules.sql), who may still upload to a locked week (the permission
"upload_locked_week" in tracker/roles.py), and the exceptions Quản trị grants a unit (until a
deadline; granted and revoked with an audit row).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from tracker import roles, settings
from tracker.catalogue import calendar, catalogues, setting_rules
from tracker.roles import AdminError, User
from tracker.store import audit, db, queries
from tracker.text import nfc


def lock_time(period: str, path: Path | None = None) -> datetime:
    """When a week locks for unit users: its deadline plus its plan's lock_days."""
    return calendar.lock_time(period, path)


def has_exception(unit: str, period: str, now: datetime, path: Path | None = None) -> bool:
    """Whether an exception in force at `now` lets `unit` upload to the locked `period`."""
    # Uncached: `now` differs on every call, so a cached result would never be reused.
    found = db.query_rows("unit_week_lock_exceptions", path=path, unit=unit, week=period, now=now)
    return bool(found[0][0])


def is_locked(unit: str, period: str, user: User, now: datetime, path: Path | None = None) -> bool:
    """Whether `user` is refused `unit`'s `period` at `now`: after the lock, unless the role may
    upload to locked weeks or an exception is in force."""
    if roles.can(user, "upload_locked_week"):
        return False
    return now > lock_time(period, path) and not has_exception(unit, period, now, path)


def grant_exception(
    unit_code: str,
    period: str,
    reason: str,
    expires_at: datetime,
    user: User,
    *,
    now: datetime | None = None,
    path: Path | None = None,
) -> int:
    """Let a unit upload to a locked week until `expires_at`; audited. Returns the exception id."""
    roles.require(user, "grant_exception")
    now = now or settings.now()
    problems = []
    if not catalogues.unit_exists(unit_code, path):
        problems.append(f"Không có đơn vị '{unit_code}'.")
    if problem := setting_rules.week_problem("Tuần", period or ""):
        problems.append(problem.replace("Tham số Tuần: ", "Tuần: "))
    if not nfc(reason):
        problems.append("Cần ghi lý do cho phép nộp sau khi khóa.")
    if expires_at <= now:
        problems.append("Thời hạn ngoại lệ phải ở sau thời điểm hiện tại.")
    if problems:
        raise AdminError(" ".join(problems))
    with db.transaction(path) as tx:
        new_id = tx.insert_row(
            "lock_exception",
            {
                "unit_code": unit_code,
                "period": period,
                "reason": nfc(reason),
                "expires_at": expires_at,
                "granted_by": user.username,
                "granted_at": now,
            },
        )
        audit.record(
            "lock_exception",
            username=user.username,
            role=user.role,
            target=f"{unit_code}|{period}",
            after={"id": new_id, "reason": nfc(reason), "expires_at": expires_at},
            tx=tx,
        )
    return new_id


def revoke_exception(
    exception_id: int, user: User, *, now: datetime | None = None, path: Path | None = None
) -> None:
    """End an exception now (it stays listed, expired); audited with before/after."""
    roles.require(user, "grant_exception")
    now = now or settings.now()
    with db.transaction(path) as tx:
        found = tx.rows(queries.load("lock_exception_by_id").sql, {"exception_id": exception_id})
        if not found:
            raise AdminError(f"Không có ngoại lệ số {exception_id}.")
        unit_code, period, expires = found[0]
        if expires <= now:
            raise AdminError(f"Ngoại lệ số {exception_id} đã hết hạn.")
        tx.update(
            "lock_exception", "set expires_at = $n where id = $i", {"n": now, "i": exception_id}
        )
        audit.record(
            "lock_exception_revoke",
            username=user.username,
            role=user.role,
            target=f"{unit_code}|{period}",
            before={"id": exception_id, "expires_at": expires},
            after={"id": exception_id, "expires_at": now},
            tx=tx,
        )


def lock_exceptions(
    user: User, *, now: datetime | None = None, path: Path | None = None
) -> pd.DataFrame:
    """Every exception granted, newest first, with whether it is still in force."""
    roles.require(user, "grant_exception")
    df = db.query("lock_exceptions", path=path)
    df["in_force"] = df["expires_at"] > (now or settings.now())
    return df
