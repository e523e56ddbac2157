"""The audit log: one function writes to it, inside the caller's transaction when there is one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.store import db


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(
    action: str,
    *,
    username: str | None,
    role: str | None,
    target: str | None = None,
    detail: Any = None,
    before: Any = None,
    after: Any = None,
    tx: db.Tx | None = None,
    path: Path | None = None,
) -> None:
    """Append one audit row: who, when, what, and before/after values where they apply."""
    params = {
        "t": settings.now(),
        "u": username,
        "r": role,
        "a": action,
        "tg": target,
        "d": _text(detail),
        "b": _text(before),
        "af": _text(after),
    }
    sql = (
        "insert into audit_log (logged_at, username, role, action, target, detail, before_value, "
        "after_value) values ($t, $u, $r, $a, $tg, $d, $b, $af)"
    )
    if tx is not None:
        tx.execute(sql, params)
        return
    with db.transaction(path) as own:
        own.execute(sql, params)
