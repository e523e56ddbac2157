"""The date sweep, second half (tests/sweep.py): the office sample in the year's last weeks and
after the plan's year; every page for every role, every export.

One sample serves both: built on 21/12/2026 and looked at then, and again on 06/01/2027, when
the units have not reported the year's last weeks yet (late and missing weeks, as in January)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import sweep
from tracker.ui import shell

INSTANTS = {
    "the last weeks of the year": "2026-12-21T09:30:00",
    "after the plan's year": "2027-01-06T09:00:00",
}


BUILT_AT = INSTANTS["the last weeks of the year"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from sweep.database(tmp_path_factory, "office", BUILT_AT)


@pytest.fixture(scope="module", params=list(INSTANTS))
def state(request: pytest.FixtureRequest, sample: Path) -> tuple[Path, str]:
    return sample, INSTANTS[request.param]


@pytest.mark.parametrize("page_key", list(shell.PAGES))
@pytest.mark.parametrize("role", list(sweep.ROLES))
def test_every_page(state: tuple[Path, str], role: str, page_key: str, monkeypatch) -> None:
    sweep.open_every_page(*state, role, page_key, monkeypatch)


def test_every_export(state: tuple[Path, str], monkeypatch) -> None:
    sweep.make_every_export(*state, monkeypatch)
