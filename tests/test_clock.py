"""The clock (PRODUCT.md §10): read in one place, settings.now(), which $TRACKER_NOW moves, and
the calendar edges the moved clock reaches (before the first reporting week, the next year)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from tests.apptest_helpers import page_scope
from tests.conftest import DEFAULT_NOW, ROOT, set_now
from tests.seeded import plant, source_copy
from tracker import settings
from tracker.catalogue import periods
from tracker.tools import demo
from tracker.ui import filters

REAL = datetime(2031, 7, 1, 2, 0, tzinfo=UTC)  # 09:00 in Asia/Ho_Chi_Minh


def test_default_test_clock_is_a_working_wednesday_of_the_plan() -> None:
    start = datetime.fromisoformat(DEFAULT_NOW)
    assert periods.week_id(start.date()) == "2026-W48"
    assert start.isoweekday() == 3
    assert 8 <= start.hour < 17


def test_without_tracker_now_the_clock_is_the_real_local_time(monkeypatch) -> None:
    monkeypatch.delenv("TRACKER_NOW")
    with time_machine.travel(REAL, tick=False):
        assert settings.now() == datetime(2031, 7, 1, 9, 0)


def test_tracker_now_starts_the_clock_which_then_ticks(monkeypatch) -> None:
    with time_machine.travel(REAL, tick=False) as traveller:
        monkeypatch.setenv("TRACKER_NOW", "2026-03-04T09:00:00")
        assert settings.now() == datetime(2026, 3, 4, 9, 0)
        traveller.shift(90.4)
        assert settings.now() == datetime(2026, 3, 4, 9, 1, 30)  # whole seconds, as stored
        traveller.shift(1)
        assert settings.now() == datetime(2026, 3, 4, 9, 1, 31)  # later uploads, later times


def test_a_new_tracker_now_restarts_the_clock(monkeypatch) -> None:
    with time_machine.travel(REAL, tick=False) as traveller:
        monkeypatch.setenv("TRACKER_NOW", "2026-03-04T09:00")
        settings.now()
        traveller.shift(600)
        monkeypatch.setenv("TRACKER_NOW", "2027-01-06")  # a date: midnight, local time
        assert settings.now() == datetime(2027, 1, 6, 0, 0)
        monkeypatch.setenv("TRACKER_NOW", "2026-03-04T02:00:00+00:00")  # an offset: converted
        assert settings.now() == datetime(2026, 3, 4, 9, 0)


def test_an_anchored_tracker_now_is_one_clock_for_every_process(monkeypatch) -> None:
    with time_machine.travel(REAL, tick=False) as traveller:
        monkeypatch.setenv("TRACKER_NOW", f"2026-03-04T09:00:00@{REAL.timestamp() - 75}")
        assert settings.now() == datetime(2026, 3, 4, 9, 1, 15)  # set 75 s ago
        traveller.shift(5)
        assert settings.now() == datetime(2026, 3, 4, 9, 1, 20)


@pytest.mark.parametrize(
    "value", ["04/03/2026", "2026-13-01", "hôm nay", "2026-03-04T25:00", "2026-03-04@x"]
)
def test_an_invalid_tracker_now_is_a_clear_error(monkeypatch, value: str) -> None:
    monkeypatch.setenv("TRACKER_NOW", value)
    with pytest.raises(ValueError, match="TRACKER_NOW không hợp lệ") as error:
        settings.now()
    assert value in str(error.value)
    assert "YYYY-MM-DDTHH:MM:SS" in str(error.value)  # the form expected


def test_a_subprocess_reads_the_same_clock(pinned_clock: datetime) -> None:
    before = settings.now()
    run = subprocess.run(
        [sys.executable, "-c", "from tracker import settings; print(settings.now().isoformat())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert before <= datetime.fromisoformat(run.stdout.strip()) <= settings.now()
    assert before - pinned_clock < timedelta(minutes=1)  # the test's clock, not the real one


# --- the one place ------------------------------------------------------------------------------

CLOCK_READS = re.compile(
    r"\b(?:datetime|date|Timestamp)\.(?:now|today|utcnow)\(|\btime\.(?:time|localtime|gmtime)\("
)
SQL_CLOCK_READS = re.compile(
    r"(?<!\$)\b(?:now|today)\s*\(|\b(?:current_date|current_time|current_timestamp|"
    r"localtime|localtimestamp|get_current_\w+)\b",
    re.IGNORECASE,
)


def clock_reads(root: Path) -> list[str]:
    """Every clock read in the product's Python outside settings.now(), and in its SQL (query
    files and migrations, wherever they sit under tracker/): 'file:line: text'."""
    python = [root / "app.py", *(root / "pages").glob("*.py"), *(root / "tracker").rglob("*.py")]
    sql = [*(root / "queries").rglob("*.sql"), *(root / "tracker").rglob("*.sql")]
    found = [
        f"{path.relative_to(root)}:{no}: {line.strip()}"
        for path in python
        if path != root / "tracker" / "settings.py"
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if CLOCK_READS.search(line)
    ]
    return found + [
        f"{path.relative_to(root)}:{no}: {line.strip()}"
        for path in sql
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SQL_CLOCK_READS.search(line.split("--")[0])
    ]


def test_the_product_reads_the_clock_only_in_settings_now() -> None:
    assert clock_reads(ROOT) == []


def test_the_guard_reads_every_migration() -> None:
    migrations = sorted((ROOT / "tracker" / "store" / "migrations").glob("*.sql"))
    assert len(migrations) >= 10
    assert migrations[0].parent == settings.MIGRATIONS_DIR


def test_the_clock_guard_sees_reads_in_code_queries_and_migrations(tmp_path: Path) -> None:
    root = source_copy(tmp_path)
    plant(
        root, "tracker/metrics/seeded.py", '"""x."""\nfrom datetime import date\nT = date.today()\n'
    )
    plant(
        root, "tracker/store/migrations/099_seeded.sql", "create view v as select current_date;\n"
    )
    plant(root, "queries/seeded.sql", "-- now() in a comment is fine\nselect now() as t\n")
    assert clock_reads(root) == [
        "tracker/metrics/seeded.py:3: T = date.today()",
        "queries/seeded.sql:2: select now() as t",
        "tracker/store/migrations/099_seeded.sql:1: create view v as select current_date;",
    ]


# --- the calendar edges -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "weeks"),
    [
        ("2026-01-20T09:00:00", ["2026-W07"]),  # before the first reporting week: that week
        ("2026-02-16T08:00:00", ["2026-W08", "2026-W07"]),  # Tết: the exempt week is listed
        ("2026-03-04T09:00:00", ["2026-W10", "2026-W09", "2026-W08", "2026-W07"]),
        ("2027-01-06T09:00:00", periods.weeks_between("2026-W07", "2026-W53")[::-1]),
        ("2028-06-01T09:00:00", periods.weeks_between("2026-W07", "2026-W53")[::-1]),
    ],
)
def test_weeks_offered_at_any_date(tmp_db: Path, monkeypatch, now: str, weeks: list[str]) -> None:
    set_now(monkeypatch, now)
    assert filters.week_options(page_scope()) == weeks
    assert filters.current_week(page_scope()) == weeks[0]
    assert demo.current_week(tmp_db) == weeks[0]


def test_a_still_clock_reads_exactly_its_time_and_moves_only_when_told(still_clock) -> None:
    """The fixture for tests that compare times to the second: the real clock stops under
    $TRACKER_NOW, so settings.now() neither ticks nor loses the second to rounding."""
    start = datetime(2026, 4, 1, 8, 15)
    clock = still_clock(start)
    assert settings.now() == start
    time.sleep(1.05)
    assert settings.now() == start
    assert clock.advance(timedelta(minutes=16)) == datetime(2026, 4, 1, 8, 31)
