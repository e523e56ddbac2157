"""The selection of date-dependent tests (tests/clock_selection.py) that .ci/run reruns at its
other dates: run on a file of sample tests, it picks exactly the ones whose outcome can change
with $TRACKER_TEST_NOW, alone and under pytest-xdist; with its clock spy removed (a seeded
violation) it misses some, so this test would catch a spy that stopped seeing reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.seeded import run_sample_tests

SAMPLE = """
import subprocess
import sys

import pytest

from tests.conftest import pinned, set_now, suite_now
from tracker import settings
from tracker.accounts import auth


@pytest.fixture(scope="module")
def built_at_suite_date():
    with pinned():
        yield settings.now()  # e.g. a sample database built at the suite's date


@pytest.fixture(scope="module")
def built_on_top(built_at_suite_date):
    return built_at_suite_date


@pytest.fixture(scope="module")
def built_at_fixed_date():
    with pinned("2026-03-04T09:00:00"):
        yield settings.now()


@pytest.fixture
def reads_in_fixture():
    return settings.now()


def test_reads_in_body():
    settings.now()


def test_pure():
    assert 1 + 1 == 2


@pytest.mark.now("2026-03-11T10:00:00")
def test_own_instant_reads():
    settings.now()


def test_uses_module_fixture_a(built_at_suite_date):
    pass


def test_uses_module_fixture_b(built_at_suite_date):
    pass


def test_uses_chained_fixture(built_on_top):
    pass


def test_uses_fixed_date_fixture(built_at_fixed_date):
    pass


def test_starts_a_process():
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_asks_suite_now():
    suite_now()


def test_takes_pinned_clock(pinned_clock):
    pass


def test_fresh_database_only(tmp_db):
    pass


def test_fresh_database_and_a_write(tmp_db):
    auth.create_user("canbo", "don_vi", "mat-khau-2026", unit_code="HCTC")


def test_reads_through_function_fixture(reads_in_fixture):
    pass


def test_sets_its_own_clock_first(monkeypatch):
    set_now(monkeypatch, "2026-05-06T09:00:00")
    settings.now()
"""

EXPECTED = {
    "test_reads_in_body",
    "test_uses_module_fixture_a",
    "test_uses_module_fixture_b",
    "test_uses_chained_fixture",
    "test_starts_a_process",
    "test_asks_suite_now",
    "test_takes_pinned_clock",
    "test_fresh_database_and_a_write",
    "test_reads_through_function_fixture",
}
ALL = EXPECTED | {
    "test_pure",
    "test_own_instant_reads",
    "test_uses_fixed_date_fixture",
    "test_fresh_database_only",
    "test_sets_its_own_clock_first",
}

# The seeded violation: a plugin that takes the spy off settings.now after it is installed.
BREAKER = """
import pytest
from tracker import settings


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    settings.now = getattr(settings.now, "__wrapped__", settings.now)
"""


def _select(tmp_path: Path, *options: str) -> set[str]:
    (tmp_path / "breaker.py").write_text(BREAKER, encoding="utf-8")
    record = tmp_path / "selected.txt"
    run = run_sample_tests(tmp_path, SAMPLE, f"--clock-record={record}", *options)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(ALL)} passed" in run.stdout, run.stdout
    return {line.split("::")[-1] for line in record.read_text(encoding="utf-8").split()}


@pytest.mark.parametrize("options", [(), ("-n", "2")], ids=["one process", "xdist"])
def test_selection_is_exactly_the_date_dependent_tests(
    tmp_path: Path, options: tuple[str, ...]
) -> None:
    assert _select(tmp_path, *options) == EXPECTED


def test_without_the_spy_the_selection_misses_tests(tmp_path: Path) -> None:
    selected = _select(tmp_path, "-p", "breaker")
    missed = EXPECTED - selected
    assert "test_reads_in_body" in missed
    assert "test_fresh_database_and_a_write" in missed
