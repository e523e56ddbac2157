"""The date sweep, second half (tests/sweep.py): the office sample in the year's last weeks, after
the plan's year before the next plan is loaded, and once it is; every page for every role,
every export.

One sample serves all three: built on 21/12/2026 and looked at then, again on 06/01/2027, when
the units have not reported the year's last weeks yet (late and missing weeks, as in January) and
no 2027 plan exists, and on 20/01/2027 in a copy where the 2027 plan is loaded."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import sweep
from tests.conftest import pinned
from tracker.store import db
from tracker.tools.demo import plans as demo_plans
from tracker.ui import shell

INSTANTS = {
    "the last weeks of the year": "2026-12-21T09:30:00",
    "after the plan's year": "2027-01-06T09:00:00",
    "the next plan loaded": "2027-01-20T10:00:00",
}
NEXT_PLAN = "the next plan loaded"


BUILT_AT = INSTANTS["the last weeks of the year"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from sweep.database(tmp_path_factory, "office", BUILT_AT)


@pytest.fixture(scope="module")
def with_next_plan(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the sample where the Office has loaded its 2027 plan (demo/plans.py)."""
    path = tmp_path_factory.mktemp("sweep-next-plan") / "tracker.duckdb"
    db.close_all()
    shutil.copyfile(sample, path)
    with pinned(INSTANTS[NEXT_PLAN]):
        demo_plans.next_year_plan(path, 2027)
    yield path
    db.close_all()


@pytest.fixture(scope="module", params=list(INSTANTS))
def state(request: pytest.FixtureRequest, sample: Path) -> tuple[Path, str]:
    if request.param == NEXT_PLAN:
        return request.getfixturevalue("with_next_plan"), INSTANTS[NEXT_PLAN]
    return sample, INSTANTS[request.param]


@pytest.mark.parametrize("page_key", list(shell.PAGES))
@pytest.mark.parametrize("role", list(sweep.ROLES))
def test_every_page(state: tuple[Path, str], role: str, page_key: str, monkeypatch) -> None:
    sweep.open_every_page(*state, role, page_key, monkeypatch)


def test_every_export(state: tuple[Path, str], monkeypatch) -> None:
    sweep.make_every_export(*state, monkeypatch)
