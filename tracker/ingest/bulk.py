"""Importing many workbooks at once: `python -m tracker import …` and the admin's bulk import."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from tracker import roles
from tracker.ingest import markup, submissions
from tracker.problems import Problem
from tracker.roles import User

Progress = Callable[[int, int, str], None]


def marked_name(filename: str) -> str:
    return f"{Path(filename).stem}.loi.xlsx"


def import_files(
    files: Iterable[Path],
    user: User,
    *,
    dry_run: bool = False,
    marked_out: Path | None = None,
    progress: Progress | None = None,
    path: Path | None = None,
) -> list[submissions.Result]:
    """Check (dry run) or submit files from disk into the database at `path`, in order; a
    missing file is a rejection. Submitted through submissions.submit_many, the one way in, one
    file at a time (a file's bytes are read when its turn comes, not all at once)."""
    roles.require(user, "upload")
    files = list(files)
    results = []
    for i, file in enumerate(files, start=1):
        results.append(_import_one(file, user, dry_run, marked_out, path))
        if progress:
            progress(i, len(files), file.name)
    return results


def _import_one(
    file: Path, user: User, dry_run: bool, marked_out: Path | None, path: Path | None
) -> submissions.Result:
    if not file.is_file():
        problem = Problem(
            "", "", "file_not_found", f"Không tìm thấy tệp {file}.", "Kiểm tra lại đường dẫn tệp."
        )
        return submissions.Result(str(file), "rejected", errors=[problem])
    data = file.read_bytes()
    if dry_run:
        result = submissions.check(data, file.name, user, path=path)
    else:
        (result,) = submissions.submit_many([submissions.Upload(data, file.name)], user, path=path)
    result.file = str(file)
    if marked_out is not None and result.status == "rejected":
        marked_out.mkdir(parents=True, exist_ok=True)
        (marked_out / marked_name(file.name)).write_bytes(
            markup.mark_isolated(data, result.errors + result.warnings)
        )
    return result
