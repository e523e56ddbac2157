"""A long unit list (4,000 units in one body) is searched, not listed whole (issue 35): above
filters.LONG_LIST units the unit selector lists the matches of a search box, at most
filters.MATCHES_SHOWN of them, always with the unit a link or the viewer already chose. Here
with small limits on the catalogue's units."""

from __future__ import annotations

import pytest

from tests.apptest_helpers import open_page
from tracker.catalogue import plan
from tracker.ui import filters


@pytest.fixture
def short_limits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(filters, "LONG_LIST", 3)
    monkeypatch.setattr(filters, "MATCHES_SHOWN", 2)
    return plan.units()["code"].tolist()


def test_the_unit_filter_lists_the_matches_of_a_search(users: dict, short_limits: list) -> None:
    assert "BTCD" not in short_limits[:2]  # past the first matches
    at = open_page(users["lanh_dao"], "don_vi")
    assert not at.exception, at.exception
    picker = at.sidebar.selectbox(key="filter_unit")
    assert len(picker.options) == 2 and picker.value == short_limits[0]
    at.sidebar.text_input(key="unit_search").input("btcd").run()
    assert at.sidebar.selectbox(key="filter_unit").options[-1].startswith("BTCD - ")
    at.sidebar.selectbox(key="filter_unit").set_value("BTCD").run()
    assert at.query_params["unit"] == "BTCD" and not at.exception
    at.sidebar.text_input(key="unit_search").input("").run()  # the chosen unit stays listed
    assert at.sidebar.selectbox(key="filter_unit").value == "BTCD"
    assert "BTCD" in at.title[0].value or "Ban Tiếp công dân" in at.title[0].value


def test_a_link_to_a_unit_past_the_first_matches_keeps_it(users: dict, short_limits: list) -> None:
    far = short_limits[-1]
    at = open_page(users["lanh_dao"], "don_vi", {"unit": far})
    assert not at.exception, at.exception
    assert at.sidebar.selectbox(key="filter_unit").value == far
    assert at.query_params["unit"] == far


def test_short_lists_stay_whole(users: dict) -> None:
    at = open_page(users["lanh_dao"], "don_vi")
    assert not at.exception, at.exception
    assert len(at.sidebar.selectbox(key="filter_unit").options) == len(plan.units())
    assert not [t for t in at.sidebar.text_input if t.key == "unit_search"]
