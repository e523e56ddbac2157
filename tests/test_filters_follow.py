"""Filters that follow (issue 12): the sidebar's links carry the week and unit to the next page,
and leaders open on the latest week whose deadline has passed, the current week one click away."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import open_page, page_scope, texts
from tests.conftest import ROOT
from tracker import settings
from tracker.catalogue import calendar, periods
from tracker.ui import filters, shell


def _links(at) -> dict[str, str]:
    """Each sidebar link's label -> its query string (AppTest keeps page_link's proto)."""
    out = {}
    for node in at.get("page_link"):
        out[node.proto.label] = node.proto.query_string
    return out


def _expected_closed() -> str:
    """Recomputed from the calendar's deadline(): the newest offered week whose deadline passed."""
    now = settings.now()
    passed = [w for w in filters.week_options(page_scope()) if calendar.deadline(w) <= now]
    return passed[0] if passed else filters.week_options(page_scope())[-1]


def test_closed_week_is_the_latest_week_whose_deadline_passed(tmp_db) -> None:
    week = filters.closed_week(page_scope())
    assert week == _expected_closed()
    assert week in filters.week_options(page_scope())
    later = [w for w in filters.week_options(page_scope()) if w > week]
    # Every newer week offered is still open: its deadline is after now.
    assert all(calendar.deadline(w) > settings.now() for w in later)


@pytest.mark.now("2026-11-25T10:00:00")  # Wednesday of W48: W48's deadline is Friday
def test_on_a_wednesday_the_default_is_last_week(tmp_db) -> None:
    assert filters.current_week(page_scope()) == "2026-W48"
    assert filters.closed_week(page_scope()) == "2026-W47"


@pytest.mark.now("2026-11-28T10:00:00")  # Saturday of W48: its deadline has passed
def test_after_the_deadline_the_default_is_this_week(tmp_db) -> None:
    assert filters.closed_week(page_scope()) == "2026-W48"


@pytest.mark.parametrize("page", ["tong_quan", "nhiem_vu", "don_doc"])
def test_leaders_open_on_the_closed_week_with_the_current_week_one_click_away(
    users, page: str
) -> None:
    at = open_page(users["lanh_dao"], page)
    assert not at.exception
    closed, current = filters.closed_week(page_scope()), filters.current_week(page_scope())
    assert at.selectbox(key="filter_week").value == closed
    assert at.query_params["week"] in (closed, [closed])
    due = texts(at)
    deadline = calendar.deadline(current)
    assert f"{deadline:%H:%M}" in due and f"{deadline:%d/%m/%Y}" in due
    # This week is named so only when it is this week (issue 36): a past plan's is its last
    # week, a plan not begun's its first.
    today = periods.week_id(settings.now().date())
    name = (
        "tuần hiện tại"
        if current == today
        else "tuần cuối của Kế hoạch"
        if current < today
        else "tuần báo cáo đầu tiên"
    )
    if closed == current:
        assert f"Đang xem {name}" in due
        return
    button = at.button(key="current_week")
    assert periods.short_label(current) in button.label and name in button.label
    button.click().run()
    assert not at.exception
    assert at.selectbox(key="filter_week").value == current
    assert f"Đang xem {name}" in texts(at)


def test_unit_officers_report_on_the_current_week(users) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[shell.SESSION_USER] = users["don_vi"]
    at.run()
    at.query_params.clear()  # as the sidebar's link opens it: without Tổng quan's week
    at.switch_page(shell.PAGES["nop_bao_cao"].path).run()
    assert not at.exception
    assert at.selectbox(key="filter_week").value == filters.current_week(page_scope())


def test_sidebar_links_carry_the_week_and_unit(users) -> None:
    weeks = filters.week_options(page_scope())
    chosen = weeks[-1]  # the oldest week: never a default
    at = open_page(users["lanh_dao"], "nhiem_vu", {"week": chosen, "unit": "HCTC"})
    assert not at.exception
    links = _links(at)
    assert f"week={chosen}" in links["Tổng quan"] and "unit=HCTC" in links["Tổng quan"]
    assert f"week={chosen}" in links["Đơn vị"]


def test_a_week_just_picked_is_carried_by_the_links(users) -> None:
    weeks = filters.week_options(page_scope())
    at = open_page(users["quan_tri"], "tong_quan")
    picked = weeks[-1]
    at.selectbox(key="filter_week").set_value(picked).run()
    assert not at.exception
    links = _links(at)
    assert f"week={picked}" in links["Nhiệm vụ"]
    # Nộp báo cáo keeps its own week (the one being reported).
    assert "week=" not in links["Nộp báo cáo"]
