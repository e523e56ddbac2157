"""The last stage of the one way in (submissions.submit_many): checked files stored, a batch
in one transaction. Every submission (uploaded on the page, imported by the CLI or by Quản
trị, or made for the sample data) is recorded here and only here: its submission row (built by
_submission_row, nowhere else), its sheets' rows, the current sheet of each (unit, week,
sheet) it supersedes, and its audit row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tracker.catalogue import periods
from tracker.ingest.parsed import ParsedWorkbook
from tracker.ingest.result import Result
from tracker.roles import User
from tracker.store import audit, db, queries
from tracker.text import fmt_datetime

SHEET_FLAGS = {
    "progress": "has_progress",
    "indicators": "has_indicators",
    "scores": "has_scores",
    "models": "has_models",
}

ROW_TABLES = {
    "progress": "progress_row",
    "indicators": "indicator_value",
    "scores": "score_row",
    "models": "model_row",
}


@dataclass
class Staged:
    """A checked file waiting to be stored: its outcome so far ('checked' is stored as
    accepted; 'rejected' and 'duplicate' are recorded only), its SHA-256 (the file is kept
    under it before this stage) and when it was sent."""

    result: Result
    digest: str
    sent_at: datetime
    duplicate_of: int | None = None


def store(batch: list[Staged], user: User, path: Path | None = None) -> None:
    """Record the batch in one transaction, in order: a later file of the same (unit, week,
    sheet) supersedes an earlier one, and the same bytes accepted twice are a duplicate."""
    if not batch:
        return
    with db.transaction(path) as tx:
        ids = [
            r[0]
            for r in tx.rows(
                "select nextval('submission_id_seq') from range($count)", {"count": len(batch)}
            )
        ]
        set_ids = _criteria_set_ids(tx, batch)
        accepted_here: dict[str, tuple[int, datetime]] = {}
        subs, rows, audits = [], {t: [] for t in ROW_TABLES.values()}, []
        current: dict[tuple[str, str, str], int] = {}
        for sid, item in zip(ids, batch, strict=True):
            _settle_status(item, sid, accepted_here)
            result = item.result
            if result.status == "accepted":
                for table, part in _row_dicts(sid, result.parsed).items():
                    rows[table] += part
                for sheet in _sheets(result.parsed):
                    current[(result.unit, result.period, sheet)] = sid
            subs.append(_submission_row(item, user, set_ids))
            audits.append(_audit_row(item, user))
        # One insert per table for the whole batch: many small ones are the slow part.
        tx.insert_frame("submission", pd.DataFrame(subs))
        for table, part in rows.items():
            if part:
                tx.insert_frame(table, pd.DataFrame(part))
        if current:
            tx.insert_frame(
                "current_sheet",
                pd.DataFrame(
                    [
                        {"unit_code": u, "period": p, "sheet": s, "submission_id": i}
                        for (u, p, s), i in current.items()
                    ]
                ),
                replace=True,
            )
        audit.record_many(audits, tx=tx)


def _settle_status(item: Staged, sid: int, accepted_here: dict[str, tuple[int, datetime]]) -> None:
    """The file's final status and message, now that it has an id."""
    result = item.result
    result.submission_id = sid
    if result.status != "checked":
        return
    first = accepted_here.get(item.digest)
    if first is not None:  # the same bytes earlier in this batch
        result.status, item.duplicate_of = "duplicate", first[0]
        result.message = duplicate_message(first[1])
        return
    result.status = "accepted"
    result.message = f"Đã nhận báo cáo {periods.short_label(result.period)} của {result.unit}."
    accepted_here[item.digest] = (sid, item.sent_at)


def duplicate_message(first_at: datetime) -> str:
    return f"Tệp này đã được nộp lúc {fmt_datetime(first_at)}; không có gì thay đổi."


def _sheets(parsed: ParsedWorkbook | None) -> list[str]:
    """The sheets a workbook contains (those it supersedes when accepted)."""
    return [s for s in SHEET_FLAGS if parsed is not None and getattr(parsed, s) is not None]


def _criteria_set_ids(tx: db.Tx, batch: list[Staged]) -> dict[int, int | None]:
    """The criteria set in force for each plan year the batch scores, read inside its
    transaction, so the set recorded is the one in force then."""
    years = {int(s.result.period[:4]) for s in batch if s.result.period and _has_scores(s)}
    sql = queries.load("active_criteria_set_id").sql
    return {year: tx.scalar(sql, {"year": year}) for year in years}


def _has_scores(item: Staged) -> bool:
    return item.result.parsed is not None and item.result.parsed.scores is not None


def _submission_row(item: Staged, user: User, set_ids: dict[int, int | None]) -> dict[str, Any]:
    result = item.result
    header = result.parsed.header if result.parsed is not None else None
    sheets = _sheets(result.parsed)
    return {
        "id": result.submission_id,
        "sha256": item.digest,
        "filename": result.file,
        "unit_code": result.unit,
        "period": result.period,
        "status": result.status,
        "uploaded_at": item.sent_at,
        "uploaded_by": user.username,
        "uploader_role": user.role,
        "on_behalf": user.role == "quan_tri",
        "reporter": header.reporter if header else None,
        "phone": header.phone if header else None,
        "report_date": header.report_date if header else None,
        **{flag: sheet in sheets for sheet, flag in SHEET_FLAGS.items()},
        "criteria_set_id": (
            set_ids.get(int(result.period[:4])) if result.period and _has_scores(item) else None
        ),
        "errors_json": _problems_json(result.errors),
        "warnings_json": _problems_json(result.warnings),
        "duplicate_of": item.duplicate_of,
    }


def _problems_json(problems: list) -> str:
    return json.dumps([p.as_json() for p in problems], ensure_ascii=False)


def _audit_row(item: Staged, user: User) -> dict[str, Any]:
    result = item.result
    return audit.entry(
        "upload",
        at=item.sent_at,
        username=user.username,
        role=user.role,
        target=f"{result.unit or '?'}|{result.period or '?'}",
        detail={
            "file": result.file,
            "status": result.status,
            "sha256": item.digest,
            "submission_id": result.submission_id,
            "errors": len(result.errors),
            "warnings": len(result.warnings),
        },
    )


def _row_dicts(submission_id: int, parsed: ParsedWorkbook) -> dict[str, list[dict[str, Any]]]:
    """The parsed rows as plain dicts named like their tables' columns."""
    return {
        table: [{"submission_id": submission_id, **vars(r)} for r in getattr(parsed, sheet) or []]
        for sheet, table in ROW_TABLES.items()
    }
