"""One scope, passed explicitly (issue 34): a page shows the database of the scope the shell
hands it, not the default one.

Two copies of the office sample: `home` (TRACKER_DB, where sign-in finds the accounts) whose data
are changed so that every page shows them differently, and `other`, at another path. Every page,
as an admin and as a unit officer, is rendered with shell.place() choosing `other` (as a city
role's ?co_quan= will): its picture must be the picture of `other` served as the home database,
and not the picture of `home`. A domain call that forgot `path=` would read `home` and change
the picture; the seeded violation makes one forget it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import streamlit as st

from tests.apptest_helpers import open_page, picture
from tests.conftest import OFFICE_NOW, OFFICE_UNTIL, set_plan_setting
from tracker.accounts import auth
from tracker.catalogue import plan, plans
from tracker.metrics import difficulties
from tracker.metrics import requests_register as rr
from tracker.roles import SYSTEM, User
from tracker.scope import home_db
from tracker.store import db
from tracker.ui import shell

pytestmark = pytest.mark.now(OFFICE_NOW)

ADMIN = User("quantri", "quan_tri", None, "Quản trị")
OFFICER = User("hctc", "don_vi", "HCTC", "Cán bộ HCTC")
WEEK = {"week": OFFICE_UNTIL}
# Every body's page for the admin (who may open them all; Tài khoản shows the admin nothing of the
# body; the city's pages are Sở Nội vụ's: tests/test_city_shell.py), the officer's own views.
CASES = [
    (ADMIN, page)
    for page, shown in shell.PAGES.items()
    if page != "tai_khoan" and ADMIN.role in shown.roles
] + [
    (OFFICER, page) for page in ("tong_quan", "don_vi", "tu_cham_diem", "nop_bao_cao", "tai_khoan")
]
HOME = " [cơ quan nhà]"  # what the home copy's names carry


@pytest.fixture(scope="module")
def bodies(office_w10: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """{'home': the changed copy, 'other': the copy at another path}, built once."""
    root = tmp_path_factory.mktemp("bodies")
    copies = {name: root / name / "tracker.duckdb" for name in ("home", "other")}
    db.close_all()
    for copy in copies.values():
        copy.parent.mkdir()
        shutil.copyfile(office_w10, copy)
    _change(copies["home"])
    db.close_all()
    yield copies
    db.close_all()


def _change(path: Path) -> None:
    """What every page shows of its database, changed: the units' and the plan's names, the
    first reporting week, the tolerance, the criteria set, a difficulty, a request of Sở Nội
    vụ and an account (each audited)."""
    with db.transaction(path) as tx:
        tx.update("unit", "set name = name || $m", {"m": HOME})
        tx.update("plan", "set title = title || $m", {"m": HOME})
        tx.update(
            "criteria_set", "set label = label || $m, provisional = not provisional", {"m": HOME}
        )
    set_plan_setting("first_week", "2026-W06", 2026, path)
    set_plan_setting("tolerance", "12", 2026, path)
    difficulties.raise_difficulty(
        SYSTEM, "HCTC", None, "Chỉ có ở cơ quan nhà", path=path, year=2026
    )
    request = rr.Request(
        "III.2.a", "9/SNV", date(2026, 3, 2), "Sở Nội vụ", "Chỉ ở cơ quan nhà", date(2026, 3, 20)
    )
    rr.register(SYSTEM, request, path=path, year=2026)
    auth.create_user("chi_o_nha", "lanh_dao", "mat-khau-2026", path=path)


def _rendered(
    user: User, page: str, monkeypatch: pytest.MonkeyPatch, *, home: Path, shown: Path
) -> list:
    """The page's picture, signed in at `home`, with the shell's place() choosing `shown`;
    every cache empty first (a replay must not stand in for the page's own reads)."""
    monkeypatch.setenv("TRACKER_DB", str(home))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    monkeypatch.setattr(shell, "place", lambda _user, _home: (plans.BODY, shown.resolve()))
    st.cache_data.clear()
    db.close_all()
    return picture(open_page(user, page, WEEK), _downloads)


def _downloads(proto: Any) -> None:
    """A download as its label and file name: a file built on a click has a new id every run,
    and a workbook's bytes carry the time they were written (openpyxl's document properties),
    so its address changes from one run to the next whatever the data; a CSV keeps its own."""
    proto.ClearField("deferred_file_id")
    if proto.url.endswith(".bin"):
        proto.ClearField("url")


@pytest.mark.parametrize(("user", "page"), CASES, ids=lambda v: getattr(v, "username", v))
def test_a_page_shows_the_database_of_its_scope(
    bodies: dict, monkeypatch: pytest.MonkeyPatch, user: User, page: str
) -> None:
    home, other = bodies["home"], bodies["other"]
    scoped = _rendered(user, page, monkeypatch, home=home, shown=other)
    assert home_db() == home.resolve()  # the default database was `home` all along
    alone = _rendered(user, page, monkeypatch, home=other, shown=other)
    at_home = _rendered(user, page, monkeypatch, home=home, shown=home)
    assert at_home != alone, "the page shows nothing that differs between the two databases"
    assert scoped == alone


def test_a_call_that_forgets_its_path_is_seen(
    bodies: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeded violation: unit names read from the default database (a call without path=)
    put the home copy's names on the page rendered for the other one."""
    home, other = bodies["home"], bodies["other"]
    alone = _rendered(ADMIN, "ke_hoach", monkeypatch, home=other, shown=other)
    labels = plan.unit_labels
    monkeypatch.setattr(plan, "unit_labels", lambda path=None: labels(None))
    scoped = _rendered(ADMIN, "ke_hoach", monkeypatch, home=home, shown=other)
    assert scoped != alone
    assert any(HOME.encode() in message for _, message in scoped)
