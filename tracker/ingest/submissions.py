"""Submissions: check a workbook, keep every file, store accepted data, supersede, restore.

Nothing is ever lost: every upload's bytes are kept (content-addressed by SHA-256) and its
outcome recorded, rejected files included. An accepted submission replaces, for its (unit,
week), only the sheets it contains; earlier versions stay in history and can be restored.
Each import is one database transaction.
"""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import roles, settings
from tracker.catalogue import calendar, periods
from tracker.ingest import isolation, reader
from tracker.ingest.contract import SHEET_PROGRESS
from tracker.ingest.kept import keep_file, sha256
from tracker.ingest.parsed import ParsedWorkbook
from tracker.problems import MORE_PROBLEMS, Problem
from tracker.roles import User
from tracker.store import audit, db, queries
from tracker.text import fmt_datetime, fmt_number

SHEET_FLAGS = {
    "progress": "has_progress",
    "indicators": "has_indicators",
    "scores": "has_scores",
    "models": "has_models",
}


@dataclass
class Result:
    """The outcome of checking or submitting one file."""

    file: str
    status: str  # 'checked' (dry run passed), 'accepted', 'rejected', 'duplicate'
    unit: str | None = None
    period: str | None = None
    submission_id: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    parsed: ParsedWorkbook | None = None
    changes: pd.DataFrame | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("checked", "accepted", "duplicate")

    def as_json(self, dry_run: bool = False) -> dict[str, Any]:
        """The CLI's JSON Lines record (PRODUCT.md §9)."""
        status = self.status
        if status == "checked":
            status = "accepted"
        out = {
            "file": self.file,
            "status": status,
            "unit": self.unit,
            "period": self.period,
            "submission_id": self.submission_id,
            "rows": self.rows or {"progress": 0, "indicators": 0, "scores": 0, "models": 0},
            "errors": [p.as_json() for p in self.errors],
            "warnings": [p.as_json() for p in self.warnings],
        }
        if dry_run:
            out["dry_run"] = True
        return out


# --- rules that need the database ---------------------------------------------------------


def lock_time(period: str, path: Path | None = None) -> datetime:
    """When a week locks for unit users: its deadline plus `lock_days` (the calendar rules)."""
    return calendar.lock_time(period, path)


def has_exception(unit: str, period: str, now: datetime, path: Path | None = None) -> bool:
    # Uncached: `now` differs on every call, so a cached result would never be reused.
    found = db.query_rows("unit_week_lock_exceptions", path=path, unit=unit, week=period, now=now)
    return bool(found[0][0])


def is_locked(unit: str, period: str, user: User, now: datetime, path: Path | None = None) -> bool:
    """Unit users are refused after the lock unless an admin granted an exception."""
    if user.role == "quan_tri":
        return False
    return now > lock_time(period, path) and not has_exception(unit, period, now, path)


def _header_cell(parsed: ParsedWorkbook, name: str) -> str:
    return parsed.header.cells.get(name, "")


def _percent_cell(parsed: ParsedWorkbook, row_no: int) -> str:
    column = parsed.columns.get(SHEET_PROGRESS, {}).get("percent", "")
    return f"{column}{row_no}" if column else ""


def database_problems(
    parsed: ParsedWorkbook,
    user: User,
    now: datetime,
    path: Path | None = None,
    *,
    regressions: bool = True,
) -> list[Problem]:
    """The §4 rules that depend on who uploads, when, and what was accepted before (last)."""
    unit, period = parsed.header.unit_code, parsed.header.period
    if not unit or not period:
        return []
    problems: list[Problem] = []
    if user.role == "don_vi" and user.unit_code != unit:
        problems.append(
            Problem(
                SHEET_PROGRESS,
                _header_cell(parsed, "unit_code") or _header_cell(parsed, "unit"),
                "wrong_unit",
                f"Tài khoản của đơn vị {user.unit_code} không được nộp báo cáo của đơn vị {unit}.",
                "Kiểm tra ô Đơn vị/Mã đơn vị, hoặc nhờ Phòng Hành chính - Tổ chức nộp thay.",
            )
        )
    if is_locked(unit, period, user, now, path):
        problems.append(
            Problem(
                SHEET_PROGRESS,
                _header_cell(parsed, "period"),
                "week_locked",
                f"{periods.short_label(period)} đã khóa từ {fmt_datetime(lock_time(period, path))}.",
                "Liên hệ Phòng Hành chính - Tổ chức để được mở khóa (ngoại lệ) cho tuần này.",
            )
        )
    deadline = calendar.deadline(period, path)
    if now > deadline:
        problems.append(
            Problem(
                SHEET_PROGRESS,
                _header_cell(parsed, "period"),
                "late",
                f"Nộp sau hạn ({fmt_datetime(deadline)}).",
                "",
                "warning",
            )
        )
    if regressions:
        problems += _regressions(parsed, unit, period, path)
    return problems


def _regressions(
    parsed: ParsedWorkbook, unit: str, period: str, path: Path | None
) -> list[Problem]:
    before = {
        task: (percent, week)
        for task, _status, percent, week in db.query_rows(
            "unit_progress_before_week", path=path, unit=unit, week=period
        )
    }
    out = []
    for row in parsed.progress or []:
        if row.task_code in before and row.percent < before[row.task_code][0]:
            old, week = before[row.task_code]
            out.append(
                Problem(
                    SHEET_PROGRESS,
                    _percent_cell(parsed, row.row_no),
                    "progress_decreased",
                    f"Nhiệm vụ {row.task_code}: tỷ lệ {fmt_number(row.percent)}% thấp hơn "
                    f"{fmt_number(old)}% đã báo cáo ở {periods.short_label(week)}.",
                    "Kiểm tra lại số liệu; nếu đúng, ghi lý do vào cột Khó khăn, vướng mắc.",
                    "warning",
                )
            )
    return out


def changes_against_current(parsed: ParsedWorkbook, path: Path | None = None) -> pd.DataFrame:
    """Per task: the status/percent standing now for (unit, week) and what this file would set."""
    unit, period = parsed.header.unit_code, parsed.header.period
    if not unit or not period or parsed.progress is None:
        return pd.DataFrame()
    current = db.query("unit_week_progress", path=path, unit=unit, week=period)
    old = {r.task_code: (r.status, r.percent) for r in current.itertuples()}
    rows = []
    for row in parsed.progress:
        before = old.get(row.task_code)
        if before is None or before != (row.status, row.percent):
            rows.append(
                {
                    "Mã nhiệm vụ": row.task_code,
                    "Trước": f"{before[0]} - {fmt_number(before[1])}%" if before else "(chưa có)",
                    "Sau": f"{row.status} - {fmt_number(row.percent)}%",
                }
            )
    return pd.DataFrame(rows, columns=["Mã nhiệm vụ", "Trước", "Sau"])


# --- check and submit ------------------------------------------------------------------------


def _accepted_hashes(path: Path | None) -> dict[str, tuple[int, datetime]]:
    """SHA-256 of every accepted upload -> (first submission id, its time), kept in memory:
    loaded once per connection, extended by submit() after each accepting commit."""
    memo = db.memo(path)
    if "accepted_sha256" not in memo:
        memo["accepted_sha256"] = {
            digest: (sid, at)
            for digest, sid, at in db.query_rows("accepted_upload_hashes", path=path)
        }
    return memo["accepted_sha256"]


def check(
    data: bytes,
    filename: str,
    user: User,
    *,
    now: datetime | None = None,
    path: Path | None = None,
    with_changes: bool = True,
) -> Result:
    """Dry run: every problem in the file, the preview and the changes; records nothing."""
    roles.require(user, "upload")
    result, regressions = _checked(data, filename, user, now or settings.now(), path, sha256(data))
    if with_changes and result.status == "checked":
        result.changes = changes_against_current(result.parsed, path)  # meanwhile: regressions
    _add_regressions(result, regressions)
    return result


# For the upload's waits that need not take turns: the kept file's fsync runs while the worker
# reads, the regressions query (warnings only) beside the rest. DuckDB and fsync free the GIL.
_BACKGROUND = ThreadPoolExecutor(max_workers=4, thread_name_prefix="upload")


def _checked(
    data: bytes, filename: str, user: User, now: datetime, path: Path | None, digest: str
) -> tuple[Result, Future[list[Problem]] | None]:
    """check() without the changes; _add_regressions() must join its regressions (warnings)."""
    name = Path(filename).name
    parsed = read_isolated(data, reader.Context.load(path), name)
    unit, period = parsed.header.unit_code, parsed.header.period
    regressions = None
    if unit and period:  # database_problems()' last ones, its regressions, run beside the rest
        regressions = _BACKGROUND.submit(_regressions, parsed, unit, period, path)
    parsed.problems += database_problems(parsed, user, now, path, regressions=False)
    result = Result(
        name,
        "rejected" if parsed.errors else "checked",
        parsed.header.unit_code,
        parsed.header.period,
        rows=parsed.row_counts(),
        errors=parsed.errors,
        warnings=parsed.warnings,
        parsed=parsed,
    )
    previous = _accepted_hashes(path).get(digest)
    if previous and not parsed.errors:
        result.status = "duplicate"
        result.submission_id = previous[0]
        result.message = (
            f"Tệp này đã được nộp lúc {fmt_datetime(previous[1])}; không có gì thay đổi."
        )
    else:
        result.message = _summary(result.errors) if result.errors else "Tệp hợp lệ, sẵn sàng nộp."
    return result, regressions


def _settle(work: Future | None) -> None:
    """Wait for background work that is no longer wanted, whatever its outcome."""
    if work is not None:
        wait([work])


def _add_regressions(result: Result, regressions: Future[list[Problem]] | None) -> None:
    """Append the regression warnings (the status, errors and message do not depend on them)."""
    if regressions is not None and result.parsed is not None:
        found = regressions.result()
        result.warnings += found
        result.parsed.problems += found


def read_isolated(data: bytes, context: reader.Context, name: str) -> ParsedWorkbook:
    """reader.read() (file safety first, then the sheets) in an isolated worker process:
    a file that crashes it or overruns its memory or time is rejected with a message."""
    try:
        return isolation.run(reader.read, data, context, name)
    except isolation.WorkerFailed as failure:
        problem = Problem(
            "",
            "",
            "reader_failed",
            str(failure),
            "Mở tệp bằng Excel, xóa các dòng, cột và trang tính thừa (Ctrl+End chỉ ô cuối cùng có "
            "dữ liệu), lưu lại dưới dạng .xlsx rồi tải lên lại; hoặc tải biểu mẫu mới và chép "
            "số liệu sang.",
        )
        return ParsedWorkbook(problems=[problem])


def _summary(errors: list[Problem]) -> str:
    if any(e.code == MORE_PROBLEMS for e in errors):
        return f"Tệp bị từ chối: hơn {len(errors) - 1} lỗi cần sửa."
    return f"Tệp bị từ chối: {len(errors)} lỗi cần sửa."


def submit(
    data: bytes,
    filename: str,
    user: User,
    *,
    now: datetime | None = None,
    path: Path | None = None,
    rejected: Result | None = None,
) -> Result:
    """Check and, when valid, store the workbook; the file and the outcome are always kept.

    `rejected` is the caller's own check of these bytes that rejected them: it is recorded as
    it is, so a slow hostile file is not read twice (a rejection cannot turn into acceptance).
    """
    now = now or settings.now()
    digest = sha256(data)
    if rejected is not None and rejected.status == "rejected":
        result, regressions = rejected, None
        keep_file(data, path, digest)
    else:
        roles.require(user, "upload")  # before anything is kept, as when check() came first
        # Written and fsynced while the worker reads the file; joined before the transaction
        # opens, so the file is durably kept before its submission is recorded.
        kept = _BACKGROUND.submit(keep_file, data, path, digest)
        result, regressions = _checked(data, filename, user, now, path, digest)
        try:
            kept.result()
        except BaseException:
            _settle(regressions)  # no query of this upload outlives it (a restore may close)
            raise
    duplicate_of = result.submission_id if result.status == "duplicate" else None
    with db.transaction(path) as tx:
        # The id first, so the rows are written while the regressions query may still run; the
        # submission row, which records their warnings, follows them.
        result.submission_id = tx.scalar("select nextval('submission_id_seq')")
        if result.status == "checked":
            result.status = "accepted"
            _store_rows(tx, result.submission_id, result.parsed)
            _make_current(tx, result.submission_id, result.parsed)
            result.message = (
                f"Đã nhận báo cáo {periods.short_label(result.period)} của {result.unit}."
            )
        _add_regressions(result, regressions)
        _insert_submission(tx, result, digest, user, now, duplicate_of)
        audit.record(
            "upload",
            username=user.username,
            role=user.role,
            target=f"{result.unit or '?'}|{result.period or '?'}",
            detail={
                "file": result.file,
                "status": result.status,
                "sha256": digest,
                "submission_id": result.submission_id,
                "errors": len(result.errors),
                "warnings": len(result.warnings),
            },
            tx=tx,
        )
    if result.status == "accepted":  # committed: later uploads of these bytes are duplicates
        _accepted_hashes(path).setdefault(digest, (result.submission_id, now))
    return result


def _insert_submission(
    tx: db.Tx,
    result: Result,
    digest: str,
    user: User,
    now: datetime,
    duplicate_of: int | None = None,
) -> None:
    parsed = result.parsed
    header = parsed.header if parsed else None
    flags = {
        flag: bool(parsed is not None and getattr(parsed, sheet) is not None)
        for sheet, flag in SHEET_FLAGS.items()
    }
    params = {
        "id": result.submission_id,
        "sha256": digest,
        "filename": result.file,
        "unit": result.unit,
        "week": result.period,
        "status": result.status,
        "uploaded_at": now,
        "uploaded_by": user.username,
        "uploader_role": user.role,
        "on_behalf": user.role == "quan_tri",
        "reporter": header.reporter if header else None,
        "phone": header.phone if header else None,
        "report_date": header.report_date if header else None,
        **flags,
        "criteria_set_id": (
            _criteria_set_id(tx, result.period) if flags["has_scores"] and result.period else None
        ),
        "errors_json": json.dumps([p.as_json() for p in result.errors], ensure_ascii=False),
        "warnings_json": json.dumps([p.as_json() for p in result.warnings], ensure_ascii=False),
        "duplicate_of": duplicate_of,
    }
    tx.execute(
        "insert into submission (id, sha256, filename, unit_code, period, status, uploaded_at, "
        "uploaded_by, uploader_role, on_behalf, reporter, phone, report_date, has_progress, "
        "has_indicators, has_scores, has_models, criteria_set_id, errors_json, warnings_json, "
        "duplicate_of) values ($id, $sha256, $filename, $unit, $week, $status, $uploaded_at, "
        "$uploaded_by, $uploader_role, $on_behalf, $reporter, $phone, $report_date, "
        "$has_progress, $has_indicators, $has_scores, $has_models, $criteria_set_id, "
        "$errors_json, $warnings_json, $duplicate_of)",
        params,
    )


def _criteria_set_id(tx: db.Tx, period: str) -> int | None:
    """The criteria set in force for the week's plan. Read inside the submission's transaction,
    so the set recorded is the one in force then."""
    return tx.scalar(queries.load("active_criteria_set_id").sql, {"year": int(period[:4])})


ROW_TABLES = {
    "progress": "progress_row",
    "indicators": "indicator_value",
    "scores": "score_row",
    "models": "model_row",
}


def _row_dicts(submission_id: int, parsed: ParsedWorkbook) -> dict[str, list[dict[str, Any]]]:
    """The parsed rows as plain dicts named like their tables' columns."""
    return {
        table: [{"submission_id": submission_id, **vars(r)} for r in getattr(parsed, sheet) or []]
        for sheet, table in ROW_TABLES.items()
    }


def _store_rows(tx: db.Tx, submission_id: int, parsed: ParsedWorkbook) -> None:
    for table, rows in _row_dicts(submission_id, parsed).items():
        tx.insert_rows(table, rows)


def _current_rows(submission_id: int, parsed: ParsedWorkbook) -> list[dict[str, Any]]:
    return [
        {
            "unit_code": parsed.header.unit_code,
            "period": parsed.header.period,
            "sheet": sheet,
            "submission_id": submission_id,
        }
        for sheet in SHEET_FLAGS
        if getattr(parsed, sheet) is not None
    ]


def _make_current(tx: db.Tx, submission_id: int, parsed: ParsedWorkbook) -> None:
    """Point (unit, week, sheet) at this submission for each sheet it contains."""
    rows = _current_rows(submission_id, parsed)
    # delete + insert: measured 3x cheaper in DuckDB than "insert or replace" on this table.
    tx.execute(
        "delete from current_sheet where unit_code = $unit and period = $week "
        "and list_contains($sheets, sheet)",
        {
            "unit": parsed.header.unit_code,
            "week": parsed.header.period,
            "sheets": [r["sheet"] for r in rows],
        },
    )
    tx.insert_rows("current_sheet", rows)


# --- fast path, restore, history, exceptions ----------------------------------------------


def store_batch(
    items: list[tuple[ParsedWorkbook, datetime]], user: User, *, path: Path | None = None
) -> int:
    """Store already-validated parsed workbooks in one transaction (sample data, benchmarks).

    Items must be in upload order; later items for the same (unit, week, sheet) supersede.
    """
    roles.require(user, "bulk_import")
    if not items:
        return 0
    with db.transaction(path) as tx:
        ids = [
            r[0]
            for r in tx.rows(
                "select nextval('submission_id_seq') from range($count)", {"count": len(items)}
            )
        ]
        set_ids = {
            p.header.period[:4]: _criteria_set_id(tx, p.header.period)
            for p, _ in items
            if p.header.period
        }
        subs: list[dict[str, Any]] = []
        rows: dict[str, list[dict[str, Any]]] = {t: [] for t in ROW_TABLES.values()}
        current: dict[tuple[str, str, str], int] = {}
        for sid, (parsed, at) in zip(ids, items, strict=True):
            h = parsed.header
            subs.append(
                {
                    "id": sid,
                    "sha256": f"batch-{sid}",
                    "filename": f"{h.unit_code}_{h.period}.xlsx",
                    "unit_code": h.unit_code,
                    "period": h.period,
                    "status": "accepted",
                    "uploaded_at": at,
                    "uploaded_by": user.username,
                    "uploader_role": user.role,
                    "on_behalf": user.role == "quan_tri",
                    "reporter": h.reporter,
                    "phone": h.phone,
                    "report_date": h.report_date,
                    **{flag: getattr(parsed, s) is not None for s, flag in SHEET_FLAGS.items()},
                    "criteria_set_id": set_ids.get(h.period[:4])
                    if parsed.scores is not None
                    else None,
                    "errors_json": "[]",
                    "warnings_json": "[]",
                }
            )
            for table, part in _row_dicts(sid, parsed).items():
                rows[table] += part
            for row in _current_rows(sid, parsed):  # later items supersede earlier ones
                current[(row["unit_code"], row["period"], row["sheet"])] = sid
        # One DataFrame per table for the whole batch: building many small ones is the slow part.
        tx.insert_frame("submission", pd.DataFrame(subs))
        for table, part in rows.items():
            if part:
                tx.insert_frame(table, pd.DataFrame(part))
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
    return len(items)


def restore(submission_id: int, user: User, path: Path | None = None) -> list[str]:
    """Make an earlier accepted submission current again for the sheets it contains."""
    roles.require(user, "restore_submission")
    with db.transaction(path) as tx:
        found = tx.rows(queries.load("submission_sheets").sql, {"submission_id": submission_id})
        if not found or found[0][2] != "accepted":
            raise ValueError(f"Bản nộp số {submission_id} không tồn tại hoặc không được chấp nhận.")
        unit, period, _, *flags = found[0]
        sheets = [s for s, on in zip(SHEET_FLAGS, flags, strict=True) if on]
        before = dict(
            tx.rows(queries.load("unit_week_current_sheets").sql, {"unit": unit, "week": period})
        )
        for sheet in sheets:
            tx.execute(
                "insert or replace into current_sheet values ($unit, $week, $sheet, $submission_id)",
                {"unit": unit, "week": period, "sheet": sheet, "submission_id": submission_id},
            )
        audit.record(
            "submission_restore",
            username=user.username,
            role=user.role,
            target=f"{unit}|{period}",
            before=before,
            after={s: submission_id for s in sheets},
            tx=tx,
        )
    return sheets


def history(
    unit: str | None = None, period: str | None = None, path: Path | None = None
) -> pd.DataFrame:
    return db.query("submission_history", path=path, unit=unit, period=period)
