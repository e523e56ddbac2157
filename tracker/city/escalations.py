"""A body sends a difficulty up to Sở Nội vụ (kiến nghị lên Sở Nội vụ): one of its open difficulties,
chosen as the Vướng mắc page lists them (source and ref), with what it asks of the city. Kept in
the body's own file (table escalation, migration 015); the city rollup lists those still open,
so Sở Nội vụ sees them without reading the body's file itself. Audited.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tracker import settings
from tracker.catalogue import periods, plans
from tracker.metrics import difficulties
from tracker.roles import User, require
from tracker.store import audit, db
from tracker.text import nfc

MAX_NOTE = 2000


class EscalationError(ValueError):
    """A difficulty that cannot be sent up as asked; the message is Vietnamese."""


def escalate(
    user: User,
    source: str,
    ref: str,
    note: str,
    *,
    week: str | None = None,
    path: Path | None = None,
) -> int:
    """Send the open difficulty (source, ref) as of `week` (default: this week) up to Sở Nội vụ
    with `note` (what the body asks); its escalation id."""
    require(user, "escalate_difficulty")
    week = week or periods.week_id(settings.now().date())
    note = nfc(note)
    if not note or len(note) > MAX_NOTE:
        raise EscalationError(
            f"Hãy ghi nội dung kiến nghị gửi Sở Nội vụ (tối đa {MAX_NOTE} ký tự)."
        )
    found = difficulties.open_list(week, path)
    found = found[(found["source"] == source) & (found["ref"] == nfc(ref))]
    if found.empty:
        raise EscalationError("Không tìm thấy vướng mắc đang chờ xử lý này.")
    row = found.iloc[0]
    with db.transaction(path) as tx:
        if tx.scalar(
            "select count(*) from escalation where source = $s and ref = $r and content = $c "
            "and withdrawn_at is null",
            {"s": source, "r": row["ref"], "c": row["content"]},
        ):
            raise EscalationError("Vướng mắc này đã được gửi Sở Nội vụ.")
        new_id = tx.insert(
            "escalation",
            "(plan_year, source, ref, content, unit_code, task_code, note, escalated_at, "
            "escalated_by) values ($y, $s, $r, $c, $u, $t, $n, $at, $by) returning id",
            {
                "y": plans.of_week(week),
                "s": source,
                "r": row["ref"],
                "c": row["content"],
                "u": row["unit_code"],
                "t": None if pd.isna(row["task_code"]) else row["task_code"],
                "n": note,
                "at": settings.now(),
                "by": user.username,
            },
        )[0][0]
        audit.record(
            "difficulty_escalate",
            username=user.username,
            role=user.role,
            target=f"{source}|{row['ref']}",
            detail={"escalation": new_id, "note": note},
            tx=tx,
        )
    return new_id


def withdraw(user: User, escalation_id: int, *, path: Path | None = None) -> None:
    """Take an escalation back (the body solved it itself)."""
    require(user, "escalate_difficulty")
    with db.transaction(path) as tx:
        standing = {"id": int(escalation_id)}
        if not tx.scalar(
            "select count(*) from escalation where id = $id and withdrawn_at is null", standing
        ):
            raise EscalationError(f"Không có kiến nghị số {escalation_id} đang chờ.")
        tx.update(
            "escalation",
            "set withdrawn_at = $at, withdrawn_by = $by where id = $id",
            standing | {"at": settings.now(), "by": user.username},
        )
        audit.record(
            "difficulty_escalation_withdraw",
            username=user.username,
            role=user.role,
            target=str(escalation_id),
            tx=tx,
        )


def open_escalations(week: str, path: Path | None = None) -> pd.DataFrame:
    """The body's escalated difficulties still open as of `week` (queries/escalated_difficulties.sql)."""
    return db.query("escalated_difficulties", path, week=week)
