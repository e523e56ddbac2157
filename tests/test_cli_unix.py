"""The command line as a Unix tool (issue 36): every command ends with a Vietnamese message and
a non-zero exit on a busy database, a closed pipe or a bad argument, never a traceback; long work
shows progress on a terminal and stays quiet in a pipe."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, child_env
from tracker.store import db
from tracker.tools import cli, demo, terminal

HOLD = (
    "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True); "
    "time.sleep(60)"
)


def run_cli(*args: str, db_path: Path, **kw) -> subprocess.CompletedProcess:
    """`python -m tracker --db db_path *args` in a child process, as a shell runs it."""
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(db_path), *args],
        cwd=ROOT,
        env=child_env(TRACKER_DAILY_BACKUP="0"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kw,
    )


def test_a_busy_database_is_said_in_vietnamese(tmp_db: Path) -> None:
    db.close_all()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        for args in (("plan", "list"), ("users", "list"), ("calendar",), ("init",)):
            ran = run_cli(*args, db_path=tmp_db)
            assert ran.returncode == 3, (args, ran.stderr)
            assert ran.stderr.startswith("Máy chủ đang chạy"), args
            assert "Traceback" not in ran.stderr + ran.stdout
    finally:
        holder.kill()
        holder.wait()


def test_a_write_conflict_is_busy_too() -> None:
    """DuckDB reports a writer that lost a conflict with a TransactionException; the command
    line says so as a busy database (exit 3), not as a traceback."""
    busy = db.busy_error(duckdb.TransactionException("Conflict on tuple deletion!"))
    assert busy is not None and "đang bận" in str(busy)
    lock = db.busy_error(duckdb.IOException('Could not set lock on file "x.duckdb"'))
    assert lock is not None and str(lock).startswith("Máy chủ đang chạy")
    assert db.busy_error(ValueError("x")) is None


def test_a_closed_pipe_ends_quietly_with_a_message(tmp_db: Path) -> None:
    db.close_all()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", str(tmp_db), "calendar", "--year", "2026"],
        cwd=ROOT,
        env=child_env(TRACKER_DAILY_BACKUP="0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # `… | head` gone before the first line
    _, err = proc.communicate(timeout=120)
    text = err.decode("utf-8")
    assert proc.returncode == terminal.CLOSED_PIPE_EXIT
    assert text.strip() == terminal.CLOSED_PIPE and "Traceback" not in text


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("calendar", "--year", "abc"), "Lỗi: tham số --year: 'abc' không phải là số nguyên."),
        (("plan", "copy", "--from", "2026"), "Lỗi: thiếu tham số bắt buộc: --to."),
        (("frob",), "Lỗi: tham số LỆNH: không có lựa chọn 'frob'"),
        (("plan", "list", "--bogus"), "Lỗi: không hiểu tham số: --bogus."),
    ],
)
def test_a_bad_argument_is_said_in_vietnamese(tmp_path: Path, args: tuple, said: str) -> None:
    ran = run_cli(*args, db_path=tmp_path / "x.duckdb")
    assert ran.returncode == terminal.USAGE_EXIT
    assert said in ran.stderr and ran.stderr.startswith("Cách dùng: ")
    assert "Traceback" not in ran.stderr and "error:" not in ran.stderr


def test_anything_else_is_one_vietnamese_line(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setitem(cli.HANDLERS, "calendar", broken)
    monkeypatch.delenv("TRACKER_DEBUG", raising=False)
    assert cli.main(["--db", str(tmp_db), "calendar"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Lỗi không mong đợi (RuntimeError): ổ đĩa đầy.")
    assert "Traceback" not in err


def _with_terminal_stderr(*args: str, db_path: Path) -> tuple[int, str, str]:
    """Run a command with stderr on a pseudo-terminal (as a person at a terminal sees it)."""
    controller, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", str(db_path), *args],
        cwd=ROOT,
        env=child_env(TRACKER_DAILY_BACKUP="0"),
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(controller)
    return proc.returncode, out.decode("utf-8"), seen.decode("utf-8", "replace")


def test_long_work_shows_progress_on_a_terminal_only(tmp_db: Path, tmp_path: Path) -> None:
    db.close_all()
    code, out, err = _with_terminal_stderr("backup", "--out", str(tmp_path / "b1"), db_path=tmp_db)
    assert code == 0 and out.startswith("Đã sao lưu vào")
    assert "Đang sao lưu cơ sở dữ liệu và các tệp đã nộp: xong (" in err
    piped = run_cli("backup", "--out", str(tmp_path / "b2"), db_path=tmp_db)
    assert piped.returncode == 0 and "xong (" not in piped.stderr


def test_the_sample_reports_its_weeks_as_it_goes(tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    started = time.monotonic()
    demo.build_office(
        tmp_path / "s.duckdb", seed=3, until="2026-W09", progress=lambda *a: seen.append(a)
    )
    assert [s[:2] for s in seen] == [(1, 2), (2, 2)]  # W07 and W09 (W08 is Tết)
    assert [s[2] for s in seen] == ["Tuần 7/2026", "Tuần 9/2026"]
    assert time.monotonic() - started < 120
    db.close_all()


def test_an_import_of_several_files_shows_its_bar_on_a_terminal(
    tmp_db: Path, tmp_path: Path
) -> None:
    db.close_all()
    files = []
    for n in (1, 2):
        file = tmp_path / f"w{n}.xlsx"
        file.write_bytes(b"not a workbook")  # refused, but counted: the bar is about files
        files.append(str(file))
    code, out, err = _with_terminal_stderr("import", "--dry-run", *files, db_path=tmp_db)
    assert code == 1 and out.count('"status": "rejected"') == 2
    assert "2/2" in err
    piped = run_cli("import", "--dry-run", *files, db_path=tmp_db)
    assert "2/2" not in piped.stderr
