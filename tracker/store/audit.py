"""The audit log: one function writes to it, inside the caller's transaction when there is one."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.store import db


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def entry(
    action: str,
    *,
    username: str | None,
    role: str | None,
    target: str | None = None,
    detail: Any = None,
    before: Any = None,
    after: Any = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """One audit row: who, when (default now), what, and before/after values where they apply."""
    return {
        "logged_at": at or settings.now(),
        "username": username,
        "role": role,
        "action": action,
        "target": target,
        "detail": _text(detail),
        "before_value": _text(before),
        "after_value": _text(after),
    }


def record(
    action: str, *, tx: db.Tx | None = None, path: Path | None = None, **fields: Any
) -> None:
    """Append one audit row: entry(action, **fields), inside `tx` when given."""
    record_many([entry(action, **fields)], tx=tx, path=path)


def record_many(
    rows: list[dict[str, Any]], *, tx: db.Tx | None = None, path: Path | None = None
) -> None:
    """Append entry() rows in one statement, inside `tx` when given."""
    if tx is not None:
        tx.insert_rows("audit_log", rows)
        return
    with db.transaction(path) as own:
        own.insert_rows("audit_log", rows)
