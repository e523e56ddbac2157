"""Importing many workbooks at once: `python -m tracker import …` and the admin's bulk import."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.ingest import markup, submissions
from tracker.ingest.parsed import Problem
from tracker.store import db

Progress = Callable[[int, int, str], None]


def marked_name(filename: str) -> str:
    return f"{Path(filename).stem}.loi.xlsx"


def import_one(
    file: Path, user: User, *, dry_run: bool = False, marked_out: Path | None = None
) -> submissions.Result:
    """Check (dry run) or submit one file from disk; a missing file is a rejection."""
    if not file.is_file():
        problem = Problem(
            "", "", "file_not_found", f"Không tìm thấy tệp {file}.", "Kiểm tra lại đường dẫn tệp."
        )
        return submissions.Result(str(file), "rejected", errors=[problem])
    data = file.read_bytes()
    run = submissions.check if dry_run else submissions.submit
    result = run(data, file.name, user)
    result.file = str(file)
    if marked_out is not None and result.status == "rejected":
        marked_out.mkdir(parents=True, exist_ok=True)
        (marked_out / marked_name(file.name)).write_bytes(
            markup.mark_isolated(data, result.errors + result.warnings)
        )
    return result


def import_files(
    files: Iterable[Path],
    user: User,
    *,
    dry_run: bool = False,
    marked_out: Path | None = None,
    progress: Progress | None = None,
) -> list[submissions.Result]:
    auth.require(user, "upload")
    files = list(files)
    results = []
    for i, file in enumerate(files, start=1):
        results.append(import_one(file, user, dry_run=dry_run, marked_out=marked_out))
        if progress:
            progress(i, len(files), file.name)
    return results


def _stderr_bar(done: int, total: int, name: str) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cli_user(as_unit: str | None) -> User:
    """Without --as-unit the command line acts as an admin; with it, as that unit's officer."""
    if not as_unit:
        return auth.SYSTEM
    if not db.scalar("select count(*) from unit where code = $c", {"c": as_unit}):
        raise SystemExit(f"Lỗi: không có đơn vị '{as_unit}'.")
    return User(f"dong_lenh:{as_unit}", "don_vi", as_unit, f"Dòng lệnh ({as_unit})")


def cli_import(args: argparse.Namespace) -> int:
    """JSON Lines on stdout; exit 0 when all accepted/duplicate, 1 when any is rejected."""
    try:
        user = cli_user(args.as_unit)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    files = [Path(f) for f in args.files]
    progress = _stderr_bar if len(files) > 1 else None
    marked = Path(args.marked_out) if args.marked_out else None
    results = import_files(files, user, dry_run=args.dry_run, marked_out=marked, progress=progress)
    for result in results:
        print(json.dumps(result.as_json(dry_run=args.dry_run), ensure_ascii=False), flush=True)
    return 1 if any(r.status == "rejected" for r in results) else 0
