"""Submissions: the one way in (check a workbook, keep every file, store accepted data,
supersede), and restore and history.

Nothing is ever lost: every upload's bytes are kept (content-addressed by SHA-256) and its
outcome recorded, rejected files included. An accepted submission replaces, for its (unit,
week), only the sheets it contains; earlier versions stay in history and can be restored.
Each batch of files (one upload, one import) is one database transaction (ingest/storing.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from tracker import roles, settings
from tracker.ingest import checks, isolation, reader, storing
from tracker.ingest.kept import keep_file, sha256
from tracker.ingest.parsed import ParsedWorkbook
from tracker.ingest.result import Result
from tracker.problems import MORE_PROBLEMS, Problem
from tracker.roles import User
from tracker.store import audit, db, queries

Progress = Callable[[int, int, str], None]  # (done, of, file name)


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
        result.changes = checks.changes_against_current(
            result.parsed, path
        )  # meanwhile: regressions
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
        regressions = _BACKGROUND.submit(checks.regressions, parsed, unit, period, path)
    parsed.problems += checks.database_problems(parsed, user, now, path, regressions=False)
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
        result.message = storing.duplicate_message(previous[1])
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


@dataclass(frozen=True)
class Upload:
    """A file to submit. `rejected`: the caller's own check() of these bytes that rejected them,
    recorded as it is, so a slow hostile file is not read twice (a rejection cannot turn into
    acceptance)."""

    data: bytes
    filename: str
    rejected: Result | None = None


def submit(
    data: bytes,
    filename: str,
    user: User,
    *,
    now: datetime | None = None,
    path: Path | None = None,
    rejected: Result | None = None,
) -> Result:
    """Check and, when valid, store one workbook (submit_many() of one file)."""
    (result,) = submit_many([Upload(data, filename, rejected)], user, now=now, path=path)
    return result


def submit_many(
    uploads: Iterable[Upload],
    user: User,
    *,
    action: str = "upload",
    now: datetime | None = None,
    path: Path | None = None,
    progress: Progress | None = None,
) -> list[Result]:
    """The one way in for files (the upload page, the CLI import, Quản trị's bulk import, the
    office sample): each file is kept, checked and stored (storing.store) before the next is
    checked, so its warnings compare with the files before it. The file and the outcome are
    always kept. `action`: the permission the caller's door needs besides "upload"."""
    roles.require(user, action)
    roles.require(user, "upload")  # before anything is kept, as when check() came first
    uploads = list(uploads)
    results = []
    for i, upload in enumerate(uploads, start=1):
        item = _staged(upload, user, now or settings.now(), path)
        store([item], user, path)
        results.append(item.result)
        if progress:
            progress(i, len(uploads), upload.filename)
    return results


def store(batch: list[storing.Staged], user: User, path: Path | None = None) -> None:
    """Store checked files in one transaction; what is accepted is then known as accepted
    (the same bytes again are a duplicate). The sample data's generated weeks, already
    checked, enter here in batches."""
    storing.store(batch, user, path)
    for item in batch:  # committed
        if item.result.status == "accepted":
            _accepted_hashes(path).setdefault(
                item.digest, (item.result.submission_id, item.sent_at)
            )


def _staged(upload: Upload, user: User, now: datetime, path: Path | None) -> storing.Staged:
    """Keep the file and check it: ready to be stored."""
    digest = sha256(upload.data)
    if upload.rejected is not None and upload.rejected.status == "rejected":
        keep_file(upload.data, path, digest)
        return storing.Staged(upload.rejected, digest, now)
    # Written and fsynced while the worker reads the file; joined before storing, so the file
    # is durably kept before its submission is recorded.
    kept = _BACKGROUND.submit(keep_file, upload.data, path, digest)
    result, regressions = _checked(upload.data, upload.filename, user, now, path, digest)
    try:
        kept.result()
    except BaseException:
        _settle(regressions)  # no query of this upload outlives it (a restore may close)
        raise
    duplicate_of = result.submission_id if result.status == "duplicate" else None
    warnings = regressions.result if regressions is not None and result.parsed else None
    return storing.Staged(result, digest, now, duplicate_of, warnings)


def restore(submission_id: int, user: User, path: Path | None = None) -> list[str]:
    """Make an earlier accepted submission current again for the sheets it contains."""
    roles.require(user, "restore_submission")
    with db.transaction(path) as tx:
        found = tx.rows(queries.load("submission_sheets").sql, {"submission_id": submission_id})
        if not found or found[0][2] != "accepted":
            raise ValueError(f"Bản nộp số {submission_id} không tồn tại hoặc không được chấp nhận.")
        unit, period, _, *flags = found[0]
        sheets = [s for s, on in zip(storing.SHEET_FLAGS, flags, strict=True) if on]
        before = dict(
            tx.rows(queries.load("unit_week_current_sheets").sql, {"unit": unit, "week": period})
        )
        for sheet in sheets:
            tx.insert(
                "current_sheet",
                "values ($unit, $week, $sheet, $submission_id)",
                {"unit": unit, "week": period, "sheet": sheet, "submission_id": submission_id},
                replace=True,
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
