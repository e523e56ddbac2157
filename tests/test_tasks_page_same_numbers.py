"""Nhiệm vụ shows the same numbers as before it was rebuilt for speed (issue 13).

tests/test_tasks_page_same_numbers/ holds what the page showed, before the change, on the office-scale
sample (demo.build_office, seed 7, to 2026-W10: the catalogue's 10 units): every metric, table
cell, chart series (heatmap values included), chart title and text, for a leader, a unit and a
few filters, a file per view. The page must still show exactly those, its four tabs opened one
after another (issue 35: a closed tab is not drawn) and read in order. Re-freeze (only from
code known to be right) with `pytest --force-regen` (tests/frozen.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import scoring_snapshot as snap
from tests.apptest_helpers import each_tab, joined, open_page
from tests.conftest import OFFICE_NOW, OFFICE_UNTIL
from tests.frozen import frozen
from tracker.accounts import auth
from tracker.ui import tasks_view

UNTIL, NOW = OFFICE_UNTIL, OFFICE_NOW  # the shared office sample (tests/conftest.py)
pytestmark = pytest.mark.now(NOW)

# name -> (username, role, unit, query): the views frozen.
VIEWS: dict[str, tuple[str, str, str | None, dict[str, str]]] = {
    "leader": ("lanhdao", "lanh_dao", None, {"week": UNTIL}),
    "leader_task": ("lanhdao", "lanh_dao", None, {"week": UNTIL, "task": "II.4"}),
    "leader_first_week": ("lanhdao", "lanh_dao", None, {"week": "2026-W07"}),
    "leader_group": ("lanhdao", "lanh_dao", None, {"week": "2026-W09", "group": "II.3"}),
    "leader_status": ("lanhdao", "lanh_dao", None, {"week": UNTIL, "status": "Chậm tiến độ"}),
    "admin_unit": ("quantri", "quan_tri", None, {"week": UNTIL, "unit": "BTCD", "task": "II.3"}),
    "unit": ("hctc", "don_vi", "HCTC", {"week": UNTIL}),
}


@pytest.fixture
def office(office_w10: Path) -> Path:
    return office_w10


def _series(value: Any) -> list[Any]:
    """A plotly array, 1-D or 2-D (the heatmap's z and text are lists of rows; a one-column
    heatmap's rows of one read as a flat list, as snapshot's _array reads them)."""
    rows = isinstance(value, list) and bool(value)
    rows = rows and all(isinstance(r, dict) or (isinstance(r, list) and len(r) != 1) for r in value)
    if rows:
        return [snap._array(r) for r in value]
    if isinstance(value, dict) and "bdata" in value and "shape" in value:
        flat = snap._array({"dtype": value["dtype"], "bdata": value["bdata"]})
        width = int(str(value["shape"]).split(",")[-1])
        return [flat[i : i + width] for i in range(0, len(flat), width)]
    return snap._array(value)


def _chart(element: Any) -> dict[str, Any]:
    """A chart's title, subtitle and every trace's series (the heatmap's values too)."""
    spec = json.loads(element.proto.spec)
    title = spec["layout"].get("title", {})
    traces = []
    for t in spec["data"]:
        trace = {"type": t.get("type"), "name": t.get("name")}
        for axis in ("x", "y", "z", "text"):
            if axis in t:
                trace[axis] = _series(t[axis])
        traces.append(trace)
    return {
        "title": title.get("text"),
        "subtitle": title.get("subtitle", {}).get("text"),
        "traces": traces,
    }


def page_snapshot(at: Any) -> dict[str, Any]:
    """Every metric, table, chart and text the page (or one of its tabs) drew, in page order."""
    shot = snap.snapshot(at)
    words = {
        kind: [str(e.value) for e in getattr(at, kind)]
        for kind in ("title", "subheader", "caption", "markdown", "info")
    }
    return {
        "metrics": shot["metrics"],
        "tables": shot["tables"],
        "charts": [_chart(e) for e in at.get("plotly_chart")],
        "texts": words,
    }


def open_view(
    office: Path, monkeypatch: pytest.MonkeyPatch, view: str, more: dict[str, str] | None = None
) -> Any:
    """The view opened as its link does (with `more` in the link)."""
    username, role, unit, query = VIEWS[view]
    monkeypatch.setenv("TRACKER_DB", str(office))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    epoch = int((auth.account(username, office) or {}).get("session_epoch") or 0)
    user = auth.User(username, role, unit, session_epoch=epoch)
    at = open_page(user, "nhiem_vu", {**query, **(more or {})})
    assert not at.exception, at.exception
    # A task's report history is drawn when its expander is opened (issue 35): open it, as the
    # frozen views showed it.
    at.session_state[tasks_view.HISTORY_OPEN] = True
    at.run()
    assert not at.exception, at.exception
    return at


def whole_page(at: Any) -> dict[str, Any]:
    """What the page shows over its four tabs, each opened in turn, in page order."""
    history = {tasks_view.TAB_DETAIL: {tasks_view.HISTORY_OPEN: True}}  # opened, as frozen
    return joined(each_tab(at, tasks_view.TAB_KEY, TABS, page_snapshot, history))


TABS = [tasks_view.TAB_TASKS, tasks_view.TAB_BARS, tasks_view.TAB_UNITS, tasks_view.TAB_DETAIL]


@pytest.mark.parametrize("view", list(VIEWS))
def test_page_shows_the_frozen_numbers(
    office: Path, monkeypatch, view: str, data_regression: Any
) -> None:
    data_regression.check(whole_page(open_view(office, monkeypatch, view)), basename=view)


def test_the_fixture_is_not_trivial() -> None:
    """The frozen office views cover 10 units, blank cells of both kinds and a drill-down."""
    views = {
        view: frozen(__file__, view) for view in ("leader", "leader_first_week", "leader_task")
    }
    texts = []
    for view in ("leader", "leader_first_week"):
        heatmap = next(c for c in views[view]["charts"] if c["traces"][0]["type"] == "heatmap")
        assert len(heatmap["traces"][0]["y"]) == 10
        texts += [t for row in heatmap["traces"][0]["text"] for t in row]
    assert "Chưa báo cáo" in texts and None in texts  # not reported; not assigned
    assert len(views["leader_task"]["tables"]) >= 3  # tasks, the task's units, its history


def _charts(node: Any) -> list[str]:
    return [json.loads(e.proto.spec)["data"][0]["type"] for e in node.get("plotly_chart")]


def test_a_closed_tab_is_not_drawn(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 35: each chart's mount costs the browser about 90 ms, opened or not, so the page
    sends the open tab's section only: first the task table, no chart, no task detail; the
    bars, then the heatmap, once their tab is opened, without the table."""
    at = open_view(office, monkeypatch, "leader")
    assert [t.label for t in at.tabs] == TABS
    assert not _charts(at) and len(at.dataframe) == 1  # the task table
    assert not [s for s in at.selectbox if s.label == "Chọn nhiệm vụ"]
    assert not [t for t in at.tabs if t.label != tasks_view.TAB_TASKS and len(t.children)]
    at.session_state[tasks_view.TAB_KEY] = tasks_view.TAB_BARS  # what a click on it sets
    at.run()
    assert _charts(at) == ["bar"] and not at.dataframe
    at.session_state[tasks_view.TAB_KEY] = tasks_view.TAB_UNITS
    at.run()
    assert _charts(at) == ["heatmap"] and not at.dataframe


def test_a_link_opens_the_tab_that_shows_it(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A link to a task (?task=) opens its detail; while another tab is open the task leaves the
    URL (a copied link opens that tab) and comes back with its tab. ?xem= names a tab."""
    at = open_view(office, monkeypatch, "leader_task")
    assert at.session_state[tasks_view.TAB_KEY] == tasks_view.TAB_DETAIL
    assert next(s for s in at.selectbox if s.label == "Chọn nhiệm vụ").value == "II.4"
    assert not _charts(at)
    at.session_state[tasks_view.TAB_KEY] = tasks_view.TAB_TASKS
    at.run()
    assert "task" not in at.query_params and not _charts(at) and len(at.dataframe) == 1
    at.session_state[tasks_view.TAB_KEY] = tasks_view.TAB_DETAIL
    at.run()
    assert at.query_params["task"] == "II.4"
    assert next(s for s in at.selectbox if s.label == "Chọn nhiệm vụ").value == "II.4"
    linked = open_view(office, monkeypatch, "leader", {"xem": tasks_view.TAB_UNITS})
    assert linked.session_state[tasks_view.TAB_KEY] == tasks_view.TAB_UNITS
    assert _charts(linked) == ["heatmap"]
