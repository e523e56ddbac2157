"""Which tests can depend on the suite's date, recorded while they run (.ci/run uses it).

The suite runs once in full at its default instant; at the other dates .ci/run reruns only the
tests whose outcome could change with $TRACKER_TEST_NOW. A test is recorded as one when, in any of
its phases or in the set-up of any fixture it uses (at any scope), while the clock in force was
made from the suite's date (pinned_clock without a `now` marker, or pinned() without a date):
- the product read the clock (settings.now(), the one place it is read, tests/test_clock.py);
- a process was started with that clock in its environment (a server, a command-line run);
- the test or fixture asked for the suite's date itself (suite_now(), or the pinned_clock value).
A test that never does any of these runs the same code on the same data at every date, so
rerunning it would only repeat the first result. tests/test_clock_selection.py runs this plugin
on a file of sample tests and checks it selects exactly the date-dependent ones.

Options: --clock-record FILE writes the selected node ids (one per line) after the run;
--clock-only FILE runs only the tests listed in FILE. Both work under pytest-xdist (the flag
travels in each report's user_properties).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from tracker import settings

PROPERTY = "reads_suite_clock"


class _Spy:
    """What the running test and the fixtures being set up have done with the suite's clock."""

    def __init__(self) -> None:
        self.suite_values: set[str] = set()  # $TRACKER_NOW values made from the suite's date
        self.item_read = False
        self.fixture_stack: list[str] = []
        self.flagged_fixtures: set[str] = set()

    def suite_clock_in_force(self, env: Any = None) -> bool:
        value = (os.environ if env is None else env).get("TRACKER_NOW")
        return value is not None and value in self.suite_values

    def note(self) -> None:
        """The suite's date was used: by the running test and every fixture being set up."""
        self.item_read = True
        self.flagged_fixtures.update(self.fixture_stack)


SPY = _Spy()
SELECTED: set[str] = set()  # node ids reported as date-dependent in this run


def register_suite_value(value: str) -> str:
    """Record that $TRACKER_NOW `value` was made from the suite's date; returns it."""
    SPY.suite_values.add(value)
    return value


def note_suite_date_read() -> None:
    SPY.note()


def _spying_now(real: Callable[[], Any]) -> Callable[[], Any]:
    def now() -> Any:
        if SPY.suite_clock_in_force():
            SPY.note()
        return real()

    now.__wrapped__ = real  # type: ignore[attr-defined]
    return now


def _spying_popen_init(real: Callable[..., None]) -> Callable[..., None]:
    def init(self: subprocess.Popen, *args: Any, **kwargs: Any) -> None:
        if SPY.suite_clock_in_force(kwargs.get("env")):
            SPY.note()
        real(self, *args, **kwargs)

    init.__wrapped__ = real  # type: ignore[attr-defined]
    return init


def install() -> None:
    """Wrap settings.now and subprocess.Popen once per process (idempotent)."""
    if not hasattr(settings.now, "__wrapped__"):
        settings.now = _spying_now(settings.now)
    if not hasattr(subprocess.Popen.__init__, "__wrapped__"):
        subprocess.Popen.__init__ = _spying_popen_init(subprocess.Popen.__init__)


# --- hooks (imported by tests/conftest.py) ----------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("clock selection")
    group.addoption(
        "--clock-record",
        metavar="FILE",
        help="write the node ids of the tests that can depend on the suite's date to FILE",
    )
    group.addoption(
        "--clock-only",
        metavar="FILE",
        help="run only the tests listed in FILE (written by --clock-record)",
    )


def pytest_configure(config: pytest.Config) -> None:
    install()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    only = config.getoption("--clock-only")
    if not only:
        return
    wanted = set(Path(only).read_text(encoding="utf-8").split("\n")) - {""}
    keep = [item for item in items if item.nodeid in wanted]
    dropped = [item for item in items if item.nodeid not in wanted]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest) -> Any:
    SPY.fixture_stack.append(fixturedef.argname)
    if "pinned_clock" in fixturedef.argnames and SPY.suite_clock_in_force():
        SPY.note()  # a fixture computing with the suite's instant itself
    try:
        return (yield)
    finally:
        SPY.fixture_stack.pop()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    SPY.item_read = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    asked = getattr(item, "_fixtureinfo", None)
    if asked and "pinned_clock" in asked.argnames and SPY.suite_clock_in_force():
        SPY.note()  # the test computes with the suite's instant it was given


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Generator:
    if call.when == "teardown":
        uses = set(getattr(item, "fixturenames", ()))
        if SPY.item_read or uses & SPY.flagged_fixtures:
            item.user_properties.append((PROPERTY, True))
    return (yield)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # On the controller under xdist: the workers' reports arrive here with their properties.
    if report.when == "teardown" and (PROPERTY, True) in report.user_properties:
        SELECTED.add(report.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    record = config.getoption("--clock-record")
    if not record or hasattr(config, "workerinput"):  # the controller writes the file
        return
    selected = sorted(SELECTED)
    Path(record).write_text("".join(f"{nodeid}\n" for nodeid in selected), encoding="utf-8")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"clock selection: {len(selected)} tests can depend on the date")
