"""The date sweep, first half (tests/sweep.py): an empty database, and the office sample before
the first reporting week and at mid-year; every page for every role, every export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import sweep
from tracker.ui import shell

INSTANTS = {
    sweep.EMPTY: "2026-03-04T09:00:00",
    "before the first reporting week": "2026-01-20T09:00:00",
    "mid-year": "2026-06-15T15:00:00",
}


@pytest.fixture(scope="module", params=list(INSTANTS))
def state(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    key = request.param
    for path in sweep.database(tmp_path_factory, key, INSTANTS[key]):
        yield path, INSTANTS[key]


@pytest.mark.parametrize("page_key", list(shell.PAGES))
@pytest.mark.parametrize("role", list(sweep.ROLES))
def test_every_page(state: tuple[Path, str], role: str, page_key: str, monkeypatch) -> None:
    sweep.open_every_page(*state, role, page_key, monkeypatch)


def test_every_export(state: tuple[Path, str], monkeypatch) -> None:
    sweep.make_every_export(*state, monkeypatch)
