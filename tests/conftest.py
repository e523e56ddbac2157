"""Shared fixtures: a pinned clock, a throwaway DuckDB per test pointed to by TRACKER_DB, and
clean caches."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import catalogues
from tracker.store import db
from tracker.tools import demo

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-2026"

# The instant every test starts at, unless $TRACKER_TEST_NOW says otherwise (.ci/run also runs
# the suite at a date before the first reporting week and at one in the following year): a
# working Wednesday of 2026-W48, mid-plan, far from any deadline. A test that needs a given
# date says so: @pytest.mark.now("2026-03-04T09:00:00") (module: pytestmark), or set_now().
DEFAULT_NOW = "2026-11-25T10:00:00"


def suite_now() -> str:
    """The instant tests start at when they name none: $TRACKER_TEST_NOW, else DEFAULT_NOW."""
    return os.environ.get("TRACKER_TEST_NOW") or DEFAULT_NOW


def pytest_configure(config: pytest.Config) -> None:
    try:
        settings.parse_clock(suite_now())
    except ValueError:
        raise pytest.UsageError(
            f"TRACKER_TEST_NOW={suite_now()!r} is not an ISO date or date-time "
            "(e.g. 2027-01-06T09:00:00, local time)."
        ) from None


def pytest_report_header(config: pytest.Config) -> str:
    return f"clock: every test starts at {suite_now()} unless it names its own (TRACKER_TEST_NOW)"


def clock_value(when: str | datetime) -> str:
    """$TRACKER_NOW for a clock reading `when` (local time) from this real instant on; the
    "@<Unix time>" anchor lets every process given it (servers, CLI runs) share that clock."""
    start, _ = settings.parse_clock(when if isinstance(when, str) else when.isoformat())
    return f"{start.isoformat()}@{time.time():.6f}"


def set_now(monkeypatch: pytest.MonkeyPatch, when: str | datetime) -> datetime:
    """Set the clock ($TRACKER_NOW, so subprocesses share it) to `when`; it ticks from here.
    Returns the instant set."""
    value = clock_value(when)
    monkeypatch.setenv("TRACKER_NOW", value)
    return settings.parse_clock(value)[0]


def child_env(**extra: str) -> dict[str, str]:
    """A bare environment for a command-line run in a subprocess, on the test's clock."""
    return {"PATH": "/usr/bin:/bin", "TRACKER_NOW": os.environ["TRACKER_NOW"], **extra}


@contextmanager
def pinned(when: str | datetime | None = None) -> Iterator[str]:
    """The clock for a module-scoped fixture, set up before any test's own clock: `when`, else
    suite_now(), for as long as the fixture lives. Yields the $TRACKER_NOW value."""
    with pytest.MonkeyPatch.context() as mp:
        value = clock_value(when or suite_now())
        mp.setenv("TRACKER_NOW", value)
        yield value


def built_sample(path: Path, when: str, build: Callable[[Path], object]) -> Iterator[Path]:
    """For a module-scoped fixture (`yield from`): `build(path)` fills a sample database with the
    clock at `when` and TRACKER_DB pointing at it; yields the path, closes it after the module."""
    db.close_all()
    with pinned(when), pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRACKER_DB", str(path))
        mp.setenv("TRACKER_DAILY_BACKUP", "0")
        build(path)
    yield path
    db.close_all()


# The office sample several page tests read (Tổng quan, Nhiệm vụ): seed 7, reports up to W10,
# the clock on a Wednesday after W10's late reports (as tests/test_demo.py).
OFFICE_UNTIL = "2026-W10"
OFFICE_NOW = "2026-03-18T10:00:00"


@pytest.fixture(scope="session")
def office_w10(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The office sample up to OFFICE_UNTIL, built once for the session (a few seconds). Tests
    only read it; one that writes works on a copy."""
    path = tmp_path_factory.mktemp("office") / "office.duckdb"
    yield from built_sample(path, OFFICE_NOW, _build_office)


def _build_office(path: Path) -> None:
    demo.build_office(path, seed=7, until=OFFICE_UNTIL, files_dir=path.parent / "files")


@pytest.fixture(autouse=True)
def pinned_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Every test starts at a known instant: its `now` marker, else suite_now()."""
    marker = request.node.get_closest_marker("now")
    return set_now(monkeypatch, marker.args[0] if marker else suite_now())


@pytest.fixture
def tmp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh database (migrated, catalogues loaded) used by the package and the app."""
    path = tmp_path / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")  # no background backup threads in tests
    db.close_all()
    catalogues.open_database(path)
    yield path
    db.close_all()
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def users(tmp_db: Path) -> dict[str, auth.User]:
    """One account per role (the unit account belongs to HCTC, a second one to BTCD)."""
    return {
        "quan_tri": auth.create_user("admin", "quan_tri", PASSWORD, full_name="Quản trị HCTC"),
        "lanh_dao": auth.create_user("lanhdao", "lanh_dao", PASSWORD, full_name="Chánh Văn phòng"),
        "don_vi": auth.create_user("hctc", "don_vi", PASSWORD, unit_code="HCTC"),
        "don_vi_btcd": auth.create_user("btcd", "don_vi", PASSWORD, unit_code="BTCD"),
    }
