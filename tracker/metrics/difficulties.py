"""Difficulties (vướng mắc): raised in the weekly sheet or directly in the app, marked handled by
the Office's leaders with a note. The open/handled rules are in queries/open_difficulties.sql and
queries/difficulties.sql; this module writes the two tables behind them, audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from tracker import roles, settings
from tracker.catalogue import catalogues, plans
from tracker.roles import User
from tracker.store import audit, db, queries
from tracker.text import nfc

SOURCES = {"sheet": "Biểu mẫu báo cáo", "app": "Nêu trên ứng dụng"}
OPEN = "Chưa xử lý"
HANDLED = "Đã xử lý"
DROPPED = "Không còn nêu"
STATES = (OPEN, HANDLED, DROPPED)
MAX_TEXT = 4000


class DifficultyError(ValueError):
    """Invalid input for a difficulty; the message is Vietnamese."""


def _task_exists(task_code: str, path: Path | None, year: int | None = None) -> bool:
    # The task catalogue is cached until a catalogue write: no round trip per check. Without a
    # year, a code of any plan (a sheet difficulty's task may be of last year's plan).
    years = [year] if year else plans.years(path)
    return any(
        code == task_code
        for y in years
        for (code,) in db.cached_rows("task_codes", path=path, year=y)
    )


def raise_difficulty(
    user: User,
    unit_code: str,
    task_code: str | None,
    content: str,
    proposal: str = "",
    *,
    path: Path | None = None,
    year: int,
) -> int:
    """Record a difficulty raised in the app under the plan of `year`; a unit user only for
    their own unit. Returns its id."""
    roles.require(user, "raise_difficulty")
    if user.role == "don_vi" and user.unit_code != unit_code:
        raise roles.PermissionDenied(
            f"Tài khoản đơn vị {user.unit_code} chỉ được nêu vướng mắc của đơn vị mình."
        )
    content, proposal = nfc(content), nfc(proposal)
    task_code = nfc(task_code) or None
    if not content:
        raise DifficultyError("Hãy nhập nội dung khó khăn, vướng mắc.")
    if len(content) > MAX_TEXT or len(proposal) > MAX_TEXT:
        raise DifficultyError(f"Nội dung quá dài (tối đa {MAX_TEXT} ký tự mỗi ô).")
    if not catalogues.unit_exists(unit_code, path, active_only=True):
        raise DifficultyError(f"Không có đơn vị đang hoạt động với mã '{unit_code}'.")
    if task_code and not _task_exists(task_code, path, year):
        raise DifficultyError(f"Không có nhiệm vụ mã '{task_code}' trong Kế hoạch năm {year}.")
    with db.transaction(path) as tx:
        new_id = tx.insert_row(
            "difficulty",
            {
                "plan_year": year,
                "unit_code": unit_code,
                "task_code": task_code,
                "content": content,
                "proposal": proposal or None,
                "raised_by": user.username,
                "raised_at": settings.now(),
            },
        )
        audit.record(
            "difficulty_raise",
            username=user.username,
            role=user.role,
            target=f"app|{new_id}",
            after={"unit": unit_code, "task": task_code, "content": content, "proposal": proposal},
            tx=tx,
        )
    return int(new_id)


def _check_target(source: str, ref: str, text: str, path: Path | None) -> str:
    """Validate what is being marked; return the text key stored with the mark."""
    if source == "app":
        if not ref.isdigit() or not db.query_rows(
            "difficulty_by_id", path=path, difficulty_id=int(ref)
        ):
            raise DifficultyError(f"Không tìm thấy vướng mắc số {ref}.")
        return ""
    if source == "sheet":
        unit, _, task = ref.partition("|")
        if not (unit and task and catalogues.unit_exists(unit, path) and _task_exists(task, path)):
            raise DifficultyError(
                f"Tham chiếu vướng mắc '{ref}' không hợp lệ (cần MÃ_ĐƠN_VỊ|MÃ_NV)."
            )
        if not text:
            raise DifficultyError("Thiếu nội dung vướng mắc cần đánh dấu đã xử lý.")
        return text
    raise DifficultyError(f"Nguồn vướng mắc '{source}' không hợp lệ.")


def mark_handled(
    user: User, source: str, ref: str, text: str, note: str, *, path: Path | None = None
) -> None:
    """Mark a difficulty handled (leaders and admins), with a note; audited.

    For a sheet difficulty the mark holds for this exact text: a later report stating a different
    difficulty for the same unit and task is open again.
    """
    roles.require(user, "handle_difficulty")
    ref, note = nfc(ref), nfc(note)
    key = _check_target(source, ref, nfc(text), path)
    if not note:
        raise DifficultyError("Hãy ghi nội dung xử lý (ghi chú) trước khi đánh dấu đã xử lý.")
    with db.transaction(path) as tx:
        handled = queries.load("difficulty_already_handled").sql
        if tx.scalar(handled, {"source": source, "ref": ref, "text_handled": key}):
            raise DifficultyError("Vướng mắc này đã được đánh dấu xử lý trước đó.")
        tx.insert(
            "difficulty_handled",
            "(source, ref, text_handled, handled_by, handled_at, note) "
            "values ($s, $r, $t, $by, $at, $n)",
            {"s": source, "r": ref, "t": key, "by": user.username, "at": settings.now(), "n": note},
        )
        audit.record(
            "difficulty_handle",
            username=user.username,
            role=user.role,
            target=f"{source}|{ref}",
            detail={"text": key, "note": note},
            tx=tx,
        )


def open_list(week: str, path: Path | None = None) -> pd.DataFrame:
    """Open difficulties as of `week` (sheet and app), newest first."""
    return db.query("open_difficulties", path=path, week=week)


def open_count(week: str, path: Path | None = None) -> int:
    return len(open_list(week, path))


def open_by_task(week: str, path: Path | None = None) -> dict[str, int]:
    """Open difficulties per task code (those raised without a task are not counted here)."""
    df = open_list(week, path)
    counts = df["task_code"].dropna().value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def all(
    filters: Mapping[str, str | None] | None = None,
    path: Path | None = None,
    *,
    year: int,
) -> pd.DataFrame:
    """The register of the plan of `year`, newest first; filters: unit, task, state, source
    (None = any)."""
    df = db.query("difficulties", path=path, year=year)
    for column, key in (
        ("unit_code", "unit"),
        ("task_code", "task"),
        ("state", "state"),
        ("source", "source"),
    ):
        value = (filters or {}).get(key)
        if value:
            df = df[df[column] == value]
    return df.reset_index(drop=True)
