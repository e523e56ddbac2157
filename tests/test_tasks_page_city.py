"""Nhiệm vụ at city scale (issue 13): above heatmap_view.FULL_UNITS units the heatmap shows
groups of units, each cell the mean of the cells it covers, and the drill-down shows every
unit's original cells; a leader still reaches every unit's value. Tổng quan's reporting grid
lists every unit in a box that scrolls."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.apptest_helpers import dataframe_heights, open_page
from tests.conftest import built_sample
from tests.test_tasks_page_same_numbers import _series
from tracker import settings
from tracker.accounts import auth
from tracker.metrics import heatmap, progress
from tracker.tools import demo
from tracker.ui import heatmap_view, overview, tasks_view

UNITS = 60  # 3 groups: 25, 25 and a short one of 10
WEEK = "2026-W20"
UNITS_TAB = {tasks_view.TAB_KEY: tasks_view.TAB_UNITS}  # ?xem=: the heatmap's tab (issue 35)
NOW = "2026-05-20T10:00:00"
pytestmark = pytest.mark.now(NOW)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("city") / "city.duckdb"
    yield from built_sample(path, NOW, lambda p: demo.build_city(p, seed=5, units=UNITS, years=1))


@pytest.fixture
def on_city(city: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKER_DB", str(city))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    return city


def _leader(path: Path) -> auth.User:
    epoch = int((auth.account("lanhdao", path) or {}).get("session_epoch") or 0)
    return auth.User("lanhdao", "lanh_dao", None, session_epoch=epoch)


def _heatmaps(at: Any) -> dict[str, dict[str, Any]]:
    """The page's heatmaps by element key: y (rows), x (tasks), z (values), text."""
    out = {}
    for element in at.get("plotly_chart"):
        trace = json.loads(element.proto.spec)["data"][0]
        if trace["type"] == "heatmap":
            key = "group" if "Nhóm" in str(trace["y"][0]) else "units"
            out[key] = {k: _series(trace[k]) for k in ("x", "y", "z", "text")}
    return out


def _same(shown: list[Any], expected: list[float]) -> bool:
    """Plotly's z (None for NaN) against floats, to the spec's precision."""
    return all(
        (a is None and math.isnan(b)) or (a is not None and abs(a - round(b, 1)) < 0.051)
        for a, b in zip(shown, expected, strict=True)
    )


def test_grouped_cells_are_the_mean_of_the_cells_they_cover(on_city: Path) -> None:
    codes = tuple(progress.task_completion(WEEK)["code"])
    full = heatmap_view.grid(WEEK, None, codes, settings.db_path())
    assert len(full.values) == UNITS > heatmap_view.FULL_UNITS
    grouped = heatmap.grouped(full)
    members = heatmap.groups(list(full.values.index))
    assert [len(m) for m in members] == [25, 25, 10]
    assert [u for m in members for u in m] == list(
        full.values.index
    )  # every unit in exactly one group
    for label, units in zip(grouped.mean.index, members, strict=True):
        cells = full.values.loc[units]
        for code in codes:
            reported = cells[code].dropna()
            want = reported.mean() if len(reported) else np.nan
            got = grouped.mean.loc[label, code]
            assert (math.isnan(want) and math.isnan(got)) or got == pytest.approx(want, abs=1e-12)
            assert grouped.reported.loc[label, code] == len(reported)
            assert grouped.assigned.loc[label, code] == int(full.assigned.loc[units, code].sum())
    assert grouped.reported.to_numpy().sum() == full.values.notna().to_numpy().sum()


def test_page_shows_groups_and_every_unit_on_drill_down(on_city: Path) -> None:
    at = open_page(_leader(on_city), "nhiem_vu", {"week": WEEK, **UNITS_TAB})
    assert not at.exception, at.exception
    codes = tuple(progress.task_completion(WEEK)["code"])
    full = heatmap_view.grid(WEEK, None, codes, settings.db_path())
    grouped = heatmap.grouped(full)
    maps = _heatmaps(at)
    assert set(maps) == {"group"}  # no group chosen: no per-unit grid yet
    shown = maps["group"]
    assert shown["y"] == list(grouped.mean.index) and shown["x"] == list(codes)
    for row, label in zip(shown["z"], grouped.mean.index, strict=True):
        assert _same(row, grouped.mean.loc[label].tolist())
    seen: list[str] = []
    for number, units in enumerate(heatmap.groups(list(full.values.index)), start=1):
        at.selectbox(key="filter_unit_group").set_value(str(number)).run()
        assert not at.exception, at.exception
        assert at.query_params["unit_group"] == str(number)  # a shared link keeps the group
        part = _heatmaps(at)["units"]
        assert part["y"] == units
        for row, unit in zip(part["z"], units, strict=True):
            assert _same(row, full.values.loc[unit].tolist())  # the original cells
        seen += part["y"]
    assert seen == list(full.values.index)  # every unit's value is reachable
    # A link to a group's units (no ?xem=) opens the tab that shows them.
    linked = open_page(_leader(on_city), "nhiem_vu", {"week": WEEK, "unit_group": "2"})
    assert _heatmaps(linked)["units"]["y"] == heatmap.groups(list(full.values.index))[1]


def test_many_groups_are_drawn_a_page_at_a_time(
    on_city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above heatmap_view.GROUPS_SHOWN groups (4,000 units: 160) the chart draws one page of
    groups, chosen above it and kept in the link; every group is on some page, with the same
    cells as the whole grouped grid."""
    monkeypatch.setattr(heatmap_view, "GROUPS_SHOWN", 2)  # 60 units: 3 groups, 2 pages
    at = open_page(_leader(on_city), "nhiem_vu", {"week": WEEK, **UNITS_TAB})
    assert not at.exception, at.exception
    full = heatmap_view.grid(WEEK, None, tuple(_heatmaps(at)["group"]["x"]), settings.db_path())
    grouped, members = heatmap.grouped(full), heatmap.groups(list(full.values.index))
    labels = list(grouped.mean.index)
    assert _heatmaps(at)["group"]["y"] == labels[:2]
    picker = at.selectbox(key="filter_unit_groups")
    assert picker.options == [
        f"Nhóm 1–2: {members[0][0]}–{members[1][-1]}",
        f"Nhóm 3: {members[2][0]}–{members[2][-1]}",
    ]
    picker.set_value("2").run()
    assert not at.exception, at.exception
    assert at.query_params["unit_groups"] == "2"
    shown = _heatmaps(at)["group"]
    assert shown["y"] == labels[2:]
    assert _same(shown["z"][0], grouped.mean.loc[labels[2]].tolist())


def test_one_unit_chosen_shows_its_own_row(on_city: Path) -> None:
    unit = "P030"
    at = open_page(_leader(on_city), "nhiem_vu", {"week": WEEK, "unit": unit, **UNITS_TAB})
    assert not at.exception, at.exception
    maps = _heatmaps(at)
    assert set(maps) == {"units"} and maps["units"]["y"] == [unit]
    codes = tuple(progress.task_completion(WEEK)["code"])
    row = heatmap_view.grid(WEEK, None, codes, settings.db_path()).values.loc[unit]
    assert _same(maps["units"]["z"][0], row.tolist())


def test_grouping_keeps_order_and_short_last_group() -> None:
    units = [f"U{i}" for i in range(53)]
    parts = heatmap.groups(units, 25)
    assert [len(p) for p in parts] == [25, 25, 3] and [u for p in parts for u in p] == units
    assert heatmap.group_label(2, parts[2]) == "Nhóm 3: U50–U52"
    values = pd.DataFrame({"T": [10.0, np.nan, 30.0]}, index=["A", "B", "C"])
    full = heatmap.Grid(values, pd.DataFrame({"T": [True, True, False]}, index=values.index))
    g = heatmap.grouped(full, 2)
    assert g.mean["T"].tolist() == [10.0, 30.0]  # B not reported: left out, not counted 0
    assert g.reported["T"].tolist() == [1, 1] and g.assigned["T"].tolist() == [2, 0]


def test_overview_grid_lists_every_unit_in_a_box_that_scrolls(
    on_city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above overview.GRID_ROWS units the grid is a box of that many rows: the difficulties and
    the trends stay near the top instead of 7,000 px down (250 units), and the browser draws
    one box of rows rather than every row of the page."""
    heights = dataframe_heights(monkeypatch)
    at = open_page(_leader(on_city), "tong_quan", {"week": WEEK})
    assert not at.exception, at.exception
    assert heights["overview_grid"] == overview.GRID_HEIGHT
    grid = [d.value for d in at.dataframe if "Tình trạng" in d.value.columns]
    assert len(grid) == 1 and len(grid[0]) == UNITS > overview.GRID_ROWS
