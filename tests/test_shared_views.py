"""Shared views cannot leak (issue 25): every page that replays shared views (display.shared)
is rendered as two unit officers of different units and as a leader, one after the other with
the replay cache shared, and each must see exactly the picture drawn for them alone (the page
rendered with every cache empty). A view filed for the wrong audience shows the next viewer
the previous viewer's picture, and the seeded violation below proves the check sees it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st

from tests.apptest_helpers import open_page, picture
from tests.conftest import OFFICE_NOW, OFFICE_UNTIL
from tracker.roles import User
from tracker.store import db
from tracker.ui import display, shell
from tracker.ui.pages import don_vi

pytestmark = pytest.mark.now(OFFICE_NOW)

VIEWERS = {
    "don_vi_hctc": User("hctc", "don_vi", "HCTC", "Cán bộ HCTC"),
    "don_vi_btcd": User("btcd", "don_vi", "BTCD", "Cán bộ BTCD"),
    "lanh_dao": User("lanhdao", "lanh_dao", None, "Lãnh đạo"),
}
# The pages that draw shared views (grep "display.shared\|share=" in tracker/ui and pages),
# with their filters (Đơn vị opens on each officer's own unit, the leader's on the first).
PAGES = {
    "tong_quan": {"week": OFFICE_UNTIL},
    "nhiem_vu": {"week": OFFICE_UNTIL},
    "tu_cham_diem": {},
    "don_vi": {"week": OFFICE_UNTIL},
}


@pytest.fixture
def office(office_w10: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKER_DB", str(office_w10))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")  # its log is a write: a new data version
    return office_w10


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts shared() calls and the draws they ran (the rest were replays)."""
    counts = {"calls": 0, "drawn": 0}
    original = display.shared

    def counting(name: str, *parts, audience, draw: Callable[[], None], path: Path) -> None:
        counts["calls"] += 1

        def drawing() -> None:
            counts["drawn"] += 1
            draw()

        original(name, *parts, audience=audience, draw=drawing, path=path)

    monkeypatch.setattr(display, "shared", counting)
    return counts


def _empty_caches() -> None:
    st.cache_data.clear()
    db.close_all()  # the query and derived-value caches go with the connection


def _alone(page: str, query: dict) -> dict[str, list]:
    pictures = {}
    for name, user in VIEWERS.items():
        _empty_caches()
        pictures[name] = picture(open_page(user, page, query))
    return pictures


# Đơn vị's shared tables behind a closed tab (issue 35), each opened by its link (?xem=).
UNIT_TABS = [
    {**PAGES["don_vi"], don_vi.TAB_KEY: tab} for tab in (don_vi.TAB_HISTORY, don_vi.TAB_INDICATORS)
]


@pytest.mark.parametrize(("page", "query"), [*PAGES.items(), *(("don_vi", q) for q in UNIT_TABS)])
def test_each_viewer_gets_their_own_picture(
    office: Path, draws: dict, page: str, query: dict
) -> None:
    alone = _alone(page, query)
    _empty_caches()
    draws.update(calls=0, drawn=0)
    for name, user in VIEWERS.items():
        assert picture(open_page(user, page, query)) == alone[name], name
    assert draws["calls"] > draws["drawn"] > 0  # views were drawn, and replayed to others


def test_a_view_filed_for_the_wrong_audience_is_caught(
    office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeded violation: Tổng quan's status chart also names the viewer's unit. Filed for
    EVERYONE, the second officer sees the first one's unit; for the viewer, their own."""
    original = display.shared

    def naming_the_viewer(audience_for: Callable[[User], display.Audience]):
        def shared(name: str, *parts, audience, draw: Callable[[], None], path: Path) -> None:
            user = st.session_state[shell.SESSION_USER]

            def draw_with_unit() -> None:
                draw()
                st.caption(f"Đơn vị xem: {user.unit_code}")

            original(name, *parts, audience=audience_for(user), draw=draw_with_unit, path=path)

        return shared

    query = PAGES["tong_quan"]
    monkeypatch.setattr(display, "shared", naming_the_viewer(lambda _: display.EVERYONE))
    alone = _alone("tong_quan", query)
    _empty_caches()
    shown = {name: picture(open_page(u, "tong_quan", query)) for name, u in VIEWERS.items()}
    assert shown["don_vi_hctc"] == alone["don_vi_hctc"]
    assert shown["don_vi_btcd"] != alone["don_vi_btcd"]  # BTCD was shown HCTC's picture

    monkeypatch.setattr(display, "shared", naming_the_viewer(display.viewer))
    _empty_caches()
    for name, user in VIEWERS.items():
        assert picture(open_page(user, "tong_quan", query)) == alone[name], name


def test_shared_requires_an_audience() -> None:
    with pytest.raises(TypeError):
        display.shared("x", draw=lambda: None, path=Path("x"))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="audience"):
        display.shared("x", audience="everyone", draw=lambda: None, path=Path("x"))  # type: ignore[arg-type]
