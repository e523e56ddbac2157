"""Shared fixtures: a pinned clock, a throwaway DuckDB per test pointed to by TRACKER_DB (a copy
of one template), cheap password hashing, and clean caches."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from argon2 import PasswordHasher

from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import catalogues
from tracker.store import db
from tracker.tools import demo

# The suite's own plugins: which tests depend on the date (.ci/run reruns them at other dates),
# the guard that no test writes under data/, and the city-shaped sample (issue 34).
pytest_plugins = ["tests.clock_selection", "tests.data_guard", "tests.city_fixture"]

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-2026"

# The instant every test starts at, unless $TRACKER_TEST_NOW says otherwise (.ci/run also runs
# the suite at a date before the first reporting week and at one in the following year): a
# working Wednesday of 2026-W48, mid-plan, far from any deadline. A test that needs a given
# date says so: @pytest.mark.now("2026-03-04T09:00:00") (module: pytestmark), or set_now().
DEFAULT_NOW = "2026-11-25T10:00:00"


def _suite_now() -> str:
    return os.environ.get("TRACKER_TEST_NOW") or DEFAULT_NOW


def suite_now() -> str:
    """The instant tests start at when they name none: $TRACKER_TEST_NOW, else DEFAULT_NOW.
    A test or fixture calling it depends on the suite's date (tests/clock_selection.py)."""
    from tests import clock_selection  # a plugin of this conftest (pytest_plugins)

    clock_selection.note_suite_date_read()
    return _suite_now()


def suite_clock_value() -> str:
    """$TRACKER_NOW at the suite's instant, registered as made from the suite's date."""
    from tests import clock_selection

    return clock_selection.register_suite_value(clock_value(_suite_now()))


def pytest_configure(config: pytest.Config) -> None:
    try:
        settings.parse_clock(suite_now())
    except ValueError:
        raise pytest.UsageError(
            f"TRACKER_TEST_NOW={_suite_now()!r} is not an ISO date or date-time "
            "(e.g. 2027-01-06T09:00:00, local time)."
        ) from None


def pytest_report_header(config: pytest.Config) -> str:
    return f"clock: every test starts at {_suite_now()} unless it names its own (TRACKER_TEST_NOW)"


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


class StillClock:
    """The clock held still at `when` until the test moves it, for tests that compare times to
    the second or step through a lock window. It is set the one way every test sets the clock,
    $TRACKER_NOW; time-machine stops this process's real clock under it, so settings.now()
    reads exactly `when` (and `when` + each advance()). A subprocess shares the clock, ticking."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, when: str | datetime) -> None:
        real = float(int(time.time()))  # a whole second: the anchor below then reads exactly
        start, _ = settings.parse_clock(when if isinstance(when, str) else when.isoformat())
        self._traveller = time_machine.travel(real, tick=False)
        self._coordinates = self._traveller.start()
        monkeypatch.setenv("TRACKER_NOW", f"{start.isoformat()}@{real:.0f}")

    @property
    def now(self) -> datetime:
        return settings.now()

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock on by `delta`; returns the new time."""
        self._coordinates.shift(delta)
        return self.now

    def stop(self) -> None:
        self._traveller.stop()


@pytest.fixture
def still_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[str | datetime], StillClock]]:
    """`still_clock(when)`: the clock held at `when` for the rest of the test (StillClock)."""
    held: list[StillClock] = []

    def hold(when: str | datetime) -> StillClock:
        if held:  # a later hold replaces an earlier one
            held.pop().stop()
        held.append(StillClock(monkeypatch, when))
        return held[0]

    yield hold
    if held:
        held.pop().stop()


def child_env(**extra: str) -> dict[str, str]:
    """A bare environment for a command-line run in a subprocess, on the test's clock."""
    return {"PATH": "/usr/bin:/bin", "TRACKER_NOW": os.environ["TRACKER_NOW"], **extra}


@contextmanager
def pinned(when: str | datetime | None = None) -> Iterator[str]:
    """The clock for a module-scoped fixture, set up before any test's own clock: `when`, else
    suite_now(), for as long as the fixture lives. Yields the $TRACKER_NOW value."""
    with pytest.MonkeyPatch.context() as mp:
        value = clock_value(when) if when else suite_clock_value()
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
    if marker:
        return set_now(monkeypatch, marker.args[0])
    value = suite_clock_value()
    monkeypatch.setenv("TRACKER_NOW", value)
    return settings.parse_clock(value)[0]


def set_plan_setting(key: str, value: str, year: int = 2026, path: Path | None = None) -> None:
    """Change a plan's own setting (first_week, lock_days, tolerance, …: plans.PLAN_KEYS)."""
    with db.transaction(path) as tx:
        tx.execute(
            "insert or replace into plan_setting values ($y, $k, $v)",
            {"y": year, "k": key, "v": value},
        )


# Argon2 at the production cost (t=2, 19 MiB, p=1) takes ~0.02 s a hash: the suite hashes with
# these instead; a test marked `production_argon2` (the hashing and timing tests) keeps the real
# parameters, which tests/test_auth.py pins.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_argon2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if not request.node.get_closest_marker("production_argon2"):
        monkeypatch.setattr(auth, "_hasher", CHEAP_HASHER)


# Every fresh test database is a copy of one made once per process at this instant (migrated,
# catalogues loaded): 0.02 s instead of 0.2-0.4 s. A fixed instant, before any date a test uses,
# so that a fresh database is the same whatever date the suite runs at.
TEMPLATE_NOW = "2026-01-05T08:00:00"
_templates: dict[str, Path] = {}


@pytest.fixture(scope="session")
def _template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("templates")


def fresh_database(path: Path, template_dir: Path) -> None:
    """Make `path` a fresh database (migrated, seeded from the catalogues in force): a copy of
    the template for that catalogue folder, built the first time it is asked for."""
    source = str(settings.catalogue_dir())
    template = _templates.get(source)
    if template is None:
        template = template_dir / f"fresh-{len(_templates)}.duckdb"
        with pinned(TEMPLATE_NOW), pytest.MonkeyPatch.context() as mp:
            mp.setenv("TRACKER_DAILY_BACKUP", "0")
            catalogues.open_database(template)
            db.checkpoint(template)
        db.close_all()
        _templates[source] = template
    shutil.copyfile(template, path)


@pytest.fixture
def tmp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _template_dir: Path) -> Iterator[Path]:
    """A fresh database (migrated, catalogues loaded) used by the package and the app."""
    path = tmp_path / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")  # no background backup threads in tests
    db.close_all()
    fresh_database(path, _template_dir)
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
