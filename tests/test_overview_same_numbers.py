"""Tổng quan shows the same numbers as before its charts were shared across sessions (issue 16).

tests/test_overview_same_numbers/ holds what the page showed, before the change, on the
office-scale sample (demo.build_office, seed 7, to 2026-W10): every metric, table cell, chart
title and chart series, for a leader on two weeks and for a unit. The page must still show
exactly those. Re-freeze (only from code known to be right) with `pytest --force-regen`
(tests/frozen.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests import scoring_snapshot as snap
from tests.apptest_helpers import dataframe_heights, each_tab, joined, open_page
from tests.conftest import OFFICE_NOW, OFFICE_UNTIL
from tracker.accounts import auth
from tracker.ingest import contract
from tracker.store import db
from tracker.ui import charts, display, overview

UNTIL, NOW = OFFICE_UNTIL, OFFICE_NOW  # the shared office sample (tests/conftest.py)
pytestmark = pytest.mark.now(NOW)

# name -> (user, week): the views frozen.
VIEWS: dict[str, tuple[auth.User, str]] = {
    "leader": (auth.User("lanhdao", "lanh_dao", None, "Lãnh đạo"), UNTIL),
    "leader_first_week": (auth.User("lanhdao", "lanh_dao", None, "Lãnh đạo"), "2026-W07"),
    "unit": (auth.User("hctc", "don_vi", "HCTC", "Cán bộ HCTC"), UNTIL),
}


@pytest.fixture
def office(office_w10: Path) -> Path:
    return office_w10


def _view(path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    user, week = VIEWS[name]
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")  # its log is a write: a new data version
    at = open_page(user, "tong_quan", {"week": week})
    assert not at.exception, at.exception
    # The trends and the year are drawn on request (issue 35): their expander opened, then each
    # of its lazy tabs in turn, read in page order.
    at.session_state[overview.TRENDS_OPEN] = True
    at.run()
    tabs = [t.label for t in at.tabs]
    return joined(each_tab(at, overview.TRENDS_KEY, tabs, _read))


def _read(node: Any) -> dict[str, Any]:
    shot = snap.snapshot(node)
    titles = [json.loads(e.proto.spec)["layout"].get("title", {}) for e in node.get("plotly_chart")]
    return {**shot, "chart_titles": titles}


@pytest.mark.parametrize("name", list(VIEWS))
def test_overview_shows_the_frozen_numbers(
    office: Path, name: str, monkeypatch: pytest.MonkeyPatch, data_regression: Any
) -> None:
    shot = _view(office, name, monkeypatch)
    data_regression.check(shot, basename=name)
    assert shot["charts"] and shot["tables"] and shot["metrics"]  # the view is not empty


def test_office_grid_shows_every_unit_without_scrolling(
    office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    heights = dataframe_heights(monkeypatch)
    shot = _view(office, "leader", monkeypatch)
    assert heights["overview_grid"] == "content"
    grid = [t for t in shot["tables"] if "Tình trạng" in t["columns"]]
    assert grid and 0 < len(grid[0]["rows"]) <= overview.GRID_ROWS


def test_a_shared_chart_follows_a_new_upload(
    office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared figure is filed under the data version: a write makes the next view rebuild it,
    so no leader sees last week's chart after a unit's upload commits."""
    db.close_all()
    copy = tmp_path / "office.duckdb"
    shutil.copyfile(office, copy)
    before = _view(copy, "leader", monkeypatch)
    with db.transaction(copy) as tx:  # as if every unit's W10 report now said "done"
        tx.execute(
            "update progress_row set status = $done, percent = 100 where submission_id in "
            "(select submission_id from current_sheet where period = $p and sheet = 'progress')",
            {"done": contract.STATUS_DONE, "p": UNTIL},
        )
    after = _view(copy, "leader", monkeypatch)
    assert after["charts"] != before["charts"]
    assert after["charts"][0][0]["x"][0] > before["charts"][0][0]["x"][0]  # more tasks done


def test_shared_charts_are_drawn_once_per_data_version(
    office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many leaders on Tổng quan: the status chart is built by the first view of a data version
    and replayed to the others; the next write makes the next view build it again."""
    db.close_all()
    copy = tmp_path / "office.duckdb"
    shutil.copyfile(office, copy)
    built: list[int] = []
    status_bars = charts.status_bars
    monkeypatch.setattr(charts, "status_bars", lambda *a: built.append(1) or status_bars(*a))
    first = _view(copy, "leader", monkeypatch)
    assert _view(copy, "leader", monkeypatch) == first  # a second session, same picture
    assert len(built) == 1
    with db.transaction(copy) as tx:
        tx.execute("delete from difficulty_handled where false")  # any write: a new version
    assert _view(copy, "leader", monkeypatch) == first
    assert len(built) == 2


def test_a_shared_view_outside_a_snapshot_is_refused(tmp_db) -> None:
    """Filed under a version read apart from its data, a picture could outlive an upload."""
    with pytest.raises(RuntimeError, match="consistent"):
        display.shared("loose", audience=display.EVERYONE, draw=lambda: None, path=tmp_db)


def _titles(node: Any) -> list[str]:
    return [json.loads(e.proto.spec)["layout"]["title"]["text"] for e in node.get("plotly_chart")]


def test_a_closed_trend_tab_is_not_drawn(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 35: each chart's mount costs the browser about 90 ms, opened or not, so Tổng quan
    sends the status chart, and the weekly lines only once their expander is opened: the plan's,
    then the reporting rate's once its tab is opened (and then not the plan's)."""
    monkeypatch.setenv("TRACKER_DB", str(office))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    user, week = VIEWS["leader"]
    at = open_page(user, "tong_quan", {"week": week})
    (status,) = _titles(at)
    assert status == "Nhiệm vụ theo trạng thái" and not at.tabs
    assert overview.TRENDS_LABEL in [e.label for e in at.expander]
    assert len(at.dataframe) == 2  # the reporting grid and the difficulties, always shown
    at.session_state[overview.TRENDS_OPEN] = True  # what a click on the expander sets
    at.run()
    assert [t.label for t in at.tabs] == [overview.TAB_PLAN, overview.TAB_REPORTING]
    assert _titles(at) == [status, "Tỷ lệ hoàn thành Kế hoạch"]
    at.session_state[overview.TRENDS_KEY] = overview.TAB_REPORTING  # what a click on it sets
    at.run()
    assert _titles(at) == [status, "Tỷ lệ đơn vị nộp báo cáo"]
