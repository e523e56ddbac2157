"""Submissions: accept, reject (nothing stored), duplicate, supersede per sheet, restore, locks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.workbook_factory import Book
from tracker.accounts import auth
from tracker.ingest import kept, locks, submissions
from tracker.store import audit, db

ON_TIME = datetime(2026, 3, 5, 10, 0)  # Thursday of week 10, before Friday 16:30
W10 = "2026-W10"


def counts() -> dict[str, int]:
    tables = (
        "submission",
        "progress_row",
        "indicator_value",
        "score_row",
        "model_row",
        "current_sheet",
    )
    return {t: db.scalar(f"select count(*) from {t}") for t in tables}


def data_counts() -> dict[str, int]:
    return {k: v for k, v in counts().items() if k != "submission"}


def current(sheet: str, unit: str = "HCTC", period: str = W10) -> int | None:
    return db.scalar(
        "select submission_id from current_sheet where unit_code = $u and period = $p "
        "and sheet = $s",
        {"u": unit, "p": period, "s": sheet},
    )


def test_valid_workbook_is_accepted_and_kept(users: dict) -> None:
    data = Book().to_bytes()
    result = submissions.submit(data, "hctc-w10.xlsx", users["don_vi"], now=ON_TIME)
    assert result.status == "accepted", result.errors
    assert (result.unit, result.period) == ("HCTC", W10)
    assert result.rows == {
        "progress": 11,
        "indicators": 5,  # blank values are skipped
        "scores": result.rows["scores"],
        "models": 2,
    }
    assert kept.kept_file(kept.sha256(data)) == data
    for sheet in ("progress", "indicators", "scores", "models"):
        assert current(sheet) == result.submission_id
    row = db.rows(
        "select status, percent, difficulty from progress_row where submission_id = $i "
        "and task_code = 'II.6'",
        {"i": result.submission_id},
    )[0]
    assert row == ("Đang thực hiện", 30.0, "Một số đơn vị nộp báo cáo chậm")
    sub = db.rows(
        "select uploaded_by, on_behalf, reporter from submission where id = $i",
        {"i": result.submission_id},
    )[0]
    assert sub == ("hctc", False, "Nguyễn Thị Lan")
    assert db.scalar("select count(*) from audit_log where action = 'upload'") == 1


def test_rejected_workbook_changes_no_data_but_is_kept(users: dict) -> None:
    book = Book()
    book.progress[0]["percent"] = 140
    book.progress[3]["status"] = "Đang thực hiện"  # II.2 at 100 without Hoàn thành
    data = book.to_bytes()
    before = data_counts()
    result = submissions.submit(data, "sai.xlsx", users["don_vi"], now=ON_TIME)
    assert result.status == "rejected"
    codes = {(p.code, p.cell) for p in result.errors}
    assert len(result.errors) >= 2
    assert any(cell == book.cell("II.1.a", "percent") for _, cell in codes)
    assert data_counts() == before
    stored = db.rows(
        "select status, errors_json from submission where id = $i", {"i": result.submission_id}
    )[0]
    assert stored[0] == "rejected"
    assert len(json.loads(stored[1])) == len(result.errors)
    assert kept.kept_file(kept.sha256(data)) == data


def test_same_bytes_are_a_duplicate(users: dict) -> None:
    data = Book().to_bytes()
    first = submissions.submit(data, "a.xlsx", users["don_vi"], now=ON_TIME)
    before = data_counts()
    again = submissions.submit(data, "a-copy.xlsx", users["don_vi"], now=ON_TIME)
    assert again.status == "duplicate"
    assert "đã được nộp lúc 05/03/2026 10:00" in again.message
    assert data_counts() == before
    assert (
        db.scalar("select duplicate_of from submission where id = $i", {"i": again.submission_id})
        == first.submission_id
    )


def test_rejected_bytes_are_checked_again(users: dict) -> None:
    book = Book()
    book.progress[0]["percent"] = "abc"
    data = book.to_bytes()
    assert submissions.submit(data, "x.xlsx", users["don_vi"], now=ON_TIME).status == "rejected"
    assert submissions.submit(data, "x.xlsx", users["don_vi"], now=ON_TIME).status == "rejected"
    assert db.scalar("select count(*) from submission where status = 'rejected'") == 2


def test_resubmission_supersedes_only_its_sheets_and_restore(users: dict) -> None:
    first = submissions.submit(Book().to_bytes(), "v1.xlsx", users["don_vi"], now=ON_TIME)
    book = Book(scores=None, models=None)
    book.progress[0]["percent"] = 35
    second = submissions.submit(book.to_bytes(), "v2.xlsx", users["don_vi"], now=ON_TIME)
    assert second.status == "accepted"
    assert current("progress") == current("indicators") == second.submission_id
    assert current("scores") == current("models") == first.submission_id
    with pytest.raises(auth.PermissionDenied):
        submissions.restore(first.submission_id, users["don_vi"])
    assert submissions.restore(first.submission_id, users["quan_tri"]) == [
        "progress",
        "indicators",
        "scores",
        "models",
    ]
    assert current("progress") == first.submission_id
    audit = db.rows(
        "select before_value, after_value from audit_log where action = 'submission_restore'"
    )
    assert json.loads(audit[0][0])["progress"] == second.submission_id


def test_check_shows_changes_against_the_week(users: dict) -> None:
    submissions.submit(Book().to_bytes(), "v1.xlsx", users["don_vi"], now=ON_TIME)
    book = Book()
    book.progress[0]["percent"] = 35
    checked = submissions.check(book.to_bytes(), "v2.xlsx", users["don_vi"], now=ON_TIME)
    assert checked.status == "checked"
    assert checked.changes.to_dict("records") == [
        {
            "Mã nhiệm vụ": "II.1.a",
            "Trước": "Đang thực hiện - 20,0%",
            "Sau": "Đang thực hiện - 35,0%",
        }
    ]


def test_unit_user_cannot_upload_for_another_unit(users: dict) -> None:
    result = submissions.submit(Book().to_bytes(), "hctc.xlsx", users["don_vi_btcd"], now=ON_TIME)
    assert result.status == "rejected"
    wrong = [p for p in result.errors if p.code == "wrong_unit"]
    assert (
        wrong and wrong[0].sheet == "Tiến độ" and wrong[0].cell == Book().header_cell("Mã đơn vị")
    )
    assert current("progress") is None


def test_leader_cannot_upload_at_all(users: dict) -> None:
    with pytest.raises(auth.PermissionDenied):
        submissions.submit(Book().to_bytes(), "x.xlsx", users["lanh_dao"], now=ON_TIME)


def test_admin_upload_is_recorded_on_behalf(users: dict) -> None:
    result = submissions.submit(Book().to_bytes(), "x.xlsx", users["quan_tri"], now=ON_TIME)
    assert db.scalar("select on_behalf from submission where id = $i", {"i": result.submission_id})


def test_late_upload_is_accepted_with_a_warning(users: dict) -> None:
    result = submissions.submit(
        Book().to_bytes(), "x.xlsx", users["don_vi"], now=datetime(2026, 3, 6, 16, 31)
    )
    assert result.status == "accepted"
    assert [p.code for p in result.warnings if p.code == "late"] == ["late"]


def test_locked_week_and_exception(users: dict) -> None:
    after_lock = datetime(2026, 3, 20, 17, 0)  # deadline 06/03 16:30 + 14 days
    locked = submissions.submit(Book().to_bytes(), "x.xlsx", users["don_vi"], now=after_lock)
    assert "week_locked" in {p.code for p in locked.errors}
    with pytest.raises(auth.PermissionDenied):
        locks.grant_exception(
            "HCTC", W10, "Quên nộp", datetime(2026, 3, 25), users["don_vi"], now=after_lock
        )
    locks.grant_exception(
        "HCTC", W10, "Đơn vị đi công tác", datetime(2026, 3, 25), users["quan_tri"], now=after_lock
    )
    book = Book(reporter="Trần Văn Bình")  # different bytes: the locked one was rejected anyway
    assert (
        submissions.submit(book.to_bytes(), "x.xlsx", users["don_vi"], now=after_lock).status
        == "accepted"
    )
    late_admin = Book(reporter="Lê Hoa")
    assert (
        submissions.submit(
            late_admin.to_bytes(), "y.xlsx", users["quan_tri"], now=datetime(2026, 6, 1)
        ).status
        == "accepted"
    )
    assert db.scalar("select count(*) from audit_log where action = 'lock_exception'") == 1


def test_lower_progress_than_an_earlier_week_warns(users: dict) -> None:
    week9 = submissions.submit(
        Book(period="Tuần 9/2026", meta=None).to_bytes(),
        "w9.xlsx",
        users["don_vi"],
        now=datetime(2026, 2, 27, 9),
    )
    assert week9.status == "accepted", week9.errors
    book = Book()
    book.progress[5]["percent"] = 10  # II.4 was 20 in week 9
    result = submissions.submit(book.to_bytes(), "w10.xlsx", users["don_vi"], now=ON_TIME)
    assert result.status == "accepted"
    dec = [p for p in result.warnings if p.code == "progress_decreased"]
    assert len(dec) == 1
    assert dec[0].cell == book.cell("II.4", "percent")
    assert "Tuần 9/2026" in dec[0].message


def test_unsafe_file_is_rejected_and_recorded(users: dict) -> None:
    before = data_counts()
    result = submissions.submit(b"a,b,c\n1,2,3\n", "bao-cao.xlsx", users["don_vi"], now=ON_TIME)
    assert result.status == "rejected"
    assert result.errors[0].code == "file_not_xlsx"
    assert data_counts() == before
    assert (
        db.scalar("select status from submission where id = $i", {"i": result.submission_id})
        == "rejected"
    )


def test_twenty_simultaneous_uploads_are_all_stored(users: dict) -> None:
    """20 threads (as 20 browser sessions would) upload different weeks at once."""
    admin = users["quan_tri"]
    books = [Book(period=f"2026-W{w:02d}", meta=None).to_bytes() for w in range(10, 30)]
    results: list = [None] * len(books)
    after_them = datetime(2026, 7, 20, 10, 0)  # every week has started (W30)

    def upload(i: int) -> None:
        results[i] = submissions.submit(books[i], f"w{i}.xlsx", admin, now=after_them)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(len(books))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status for r in results] == ["accepted"] * 20
    assert (
        db.scalar("select count(distinct period) from current_sheet where sheet = 'progress'") == 20
    )


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    from datetime import datetime
    from pathlib import Path
    from tracker.accounts import auth
    from tracker.ingest import submissions
    from tracker.store import audit
    original = audit.record_many
    def slow(rows, *, tx=None, path=None):
        original(rows, tx=tx, path=path)
        print("inside", flush=True)
        time.sleep(60)  # killed here: rows written, transaction not committed
    audit.record_many = slow
    data = Path(sys.argv[1]).read_bytes()
    submissions.submit(data, "kill.xlsx", auth.SYSTEM, now=datetime(2026, 3, 5, 10))
""")


def test_killed_import_leaves_a_consistent_database(tmp_db: Path, tmp_path: Path) -> None:
    file = tmp_path / "kill.xlsx"
    data = Book().to_bytes()
    file.write_bytes(data)
    before = data_counts()
    db.close_all()  # let the child process own the database file
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(file)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TRACKER_DB": str(tmp_db)},
    )
    assert proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(0.2)
    assert data_counts() == before
    assert db.scalar("select count(*) from submission") == 0
    assert kept.kept_file(kept.sha256(data)) == data  # the file was kept before the import


def run_cli(*args: str, db_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(db_path), "import", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.now("2026-03-11T10:00:00")  # W10 has begun (a week not begun is refused)
def test_cli_import_json_lines_and_exit_codes(tmp_path: Path) -> None:
    path = tmp_path / "cli.duckdb"
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(Book().to_bytes())
    broken = Book()
    broken.progress[0]["percent"] = 140
    bad.write_bytes(broken.to_bytes())
    ok = run_cli(str(good), db_path=path)
    assert ok.returncode == 0, ok.stderr
    record = json.loads(ok.stdout.splitlines()[0])
    assert record["status"] == "accepted" and record["unit"] == "HCTC" and record["period"] == W10
    assert record["rows"]["progress"] == 11 and isinstance(record["submission_id"], int)
    again = run_cli(
        str(good),
        str(bad),
        str(tmp_path / "missing.xlsx"),
        "--marked-out",
        str(tmp_path / "marked"),
        db_path=path,
    )
    assert again.returncode == 1
    lines = [json.loads(line) for line in again.stdout.splitlines()]
    assert [r["status"] for r in lines] == ["duplicate", "rejected", "rejected"]
    assert lines[1]["errors"][0]["cell"] == broken.cell("II.1.a", "percent")
    assert set(lines[1]["errors"][0]) == {"sheet", "cell", "code", "message"}
    assert lines[2]["errors"][0]["code"] == "file_not_found"
    assert (tmp_path / "marked" / "bad.loi.xlsx").exists()
    assert "3/3" not in again.stderr  # no progress bar in a pipe (issue 36): JSON Lines only
    usage = run_cli(db_path=path)
    assert usage.returncode == 2


@pytest.mark.now("2026-03-11T10:00:00")  # W10 has begun (a week not begun is refused)
def test_cli_import_as_unit_and_dry_run(tmp_path: Path) -> None:
    path = tmp_path / "cli.duckdb"
    file = tmp_path / "hctc.xlsx"
    file.write_bytes(Book().to_bytes())
    refused = run_cli(str(file), "--as-unit", "BTCD", db_path=path)
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["errors"][0]["code"] == "wrong_unit"
    dry = run_cli(str(file), "--dry-run", db_path=path)
    assert dry.returncode == 0
    assert json.loads(dry.stdout)["submission_id"] is None
    db.close_all()
    assert db.scalar("select count(*) from progress_row", path=path) == 0
    db.close_all()


def test_untouched_scoring_sheet_keeps_earlier_scores(users: dict) -> None:
    first = submissions.submit(Book().to_bytes(), "v1.xlsx", users["don_vi"], now=ON_TIME)
    blank = Book(reporter="Người khác")
    blank.scores = [{**row, "score": None, "not_applicable": None} for row in blank.scores]
    second = submissions.submit(blank.to_bytes(), "v2.xlsx", users["don_vi"], now=ON_TIME)
    assert second.status == "accepted", second.errors
    assert second.rows["scores"] == 0
    assert current("scores") == first.submission_id
    assert current("progress") == second.submission_id


def test_duplicates_are_recognised_after_reopening_the_database(users: dict, tmp_db: Path) -> None:
    """The in-memory list of accepted hashes is rebuilt from the database on a new connection."""
    data = Book().to_bytes()
    first = submissions.submit(data, "a.xlsx", users["don_vi"], now=ON_TIME)
    db.close_all()
    again = submissions.submit(data, "a.xlsx", users["don_vi"], now=ON_TIME)
    assert again.status == "duplicate"
    assert "05/03/2026 10:00" in again.message
    assert (
        db.scalar("select duplicate_of from submission where id = $i", {"i": again.submission_id})
        == first.submission_id
    )


def test_a_rejected_file_with_scores_and_no_week_is_recorded(users: dict) -> None:
    """Its criteria set cannot be known without a week: recorded without one (the store stage
    once failed on it, and the upload page showed a traceback)."""
    data = Book(period="", meta=None).to_bytes()
    result = submissions.submit(data, "khong-tuan.xlsx", users["quan_tri"], now=ON_TIME)
    assert result.status == "rejected" and result.period is None
    stored = db.rows(
        "select status, has_scores, criteria_set_id from submission where id = $i",
        {"i": result.submission_id},
    )
    assert stored == [("rejected", True, None)]


def test_a_failed_import_does_not_count_as_accepted(users: dict, monkeypatch) -> None:
    data = Book().to_bytes()

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("mất điện")

    # monkeypatch.context(), not undo(): undo() would also drop tmp_db's TRACKER_DB (the rest of
    # the test then wrote into data/tracker.duckdb).
    with monkeypatch.context() as patch:
        patch.setattr(audit, "record_many", boom)  # the store stage's last write
        with pytest.raises(RuntimeError):
            submissions.submit(data, "a.xlsx", users["don_vi"], now=ON_TIME)
    assert submissions.submit(data, "a.xlsx", users["don_vi"], now=ON_TIME).status == "accepted"
