"""The unit × task heatmap of Nhiệm vụ (issue 13).

Up to FULL_UNITS units it shows every unit, as it always has (office scale: 10). Above that a
grid of every unit was unreadable and slow to draw (city scale: 250 rows, 2,750 labels, a chart
9,000 px tall, most of the page's 1.5 s in the browser), so it shows groups of GROUP_UNITS units
in catalogue order, each cell the mean of the values its units reported, and a drill-down draws
one group's units in full: every unit's value is still one choice away (or the sidebar's unit
filter).

Figures are built once per data version and shared by every session (metrics/cache.py derived).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from tracker.metrics import cache, heatmap
from tracker.metrics.heatmap import Grid
from tracker.text import fmt_number
from tracker.ui import charts, display, filters, tables

FULL_UNITS = 40  # up to this many units every unit has its own row
# Groups drawn at once (city scale, 250 units: all 10). At 4,000 units the 160 groups were a chart
# 5,900 px tall whose 1,760 cell labels the browser measured one by one (2 s of a 3 s view);
# above this a selector shows the groups a page at a time, like the scoring matrix's units.
GROUPS_SHOWN = 10
NO_GROUP = "-"  # the drill-down's "no group chosen" option


def grid(week: str, unit: str | None, codes: tuple[str, ...], path: Path) -> Grid:
    """The heatmap's grid (heatmap.unit_grid) of the database at `path`, built once per data
    version."""
    return cache.derived(
        "heatmap_view.grid",
        lambda: heatmap.unit_grid(week, unit, codes, path),
        path,
        week,
        unit,
        codes,
    )


def _full_figure(
    week: str, unit: str | None, codes: tuple[str, ...], units: tuple, path: Path
) -> go.Figure:
    """The heatmap of every unit of `units` (all units when empty), built once per version."""

    def build() -> go.Figure:
        full = grid(week, unit, codes, path)
        part = full.rows(list(units)) if units else full
        basis = tables.basis(week, part.reported, len(part.values))
        return charts.progress_heatmap(part.values, part.assigned, basis)

    return cache.derived("heatmap_view.full", build, path, week, unit, codes, units)


def _grouped_figure(
    week: str, unit: str | None, codes: tuple[str, ...], shown: tuple[int, int], path: Path
) -> go.Figure:
    """The heatmap of the groups numbered shown[0] <= i < shown[1], built once per version."""

    def build() -> go.Figure:
        full = grid(week, unit, codes, path)
        basis = tables.basis(week, full.reported, len(full.values))
        part = heatmap.grouped(full)
        rows = slice(*shown)
        page = heatmap.Grouped(part.mean[rows], part.reported[rows], part.assigned[rows])
        return charts.group_heatmap(page, basis)

    return cache.derived("heatmap_view.grouped", build, path, week, unit, codes, shown)


def show(week: str, unit: str | None, codes: list[str], path: Path) -> None:
    """The heatmap section: every unit, or the groups and one group's units in full."""
    st.subheader("Tiến độ theo đơn vị")
    key = tuple(codes)
    full = grid(week, unit, key, path)
    if full.values.empty:
        st.info("Đơn vị đang chọn không được giao nhiệm vụ nào.")
        return
    if len(full.values) <= FULL_UNITS:
        _chart("full", lambda: _full_figure(week, unit, key, (), path), path, week, unit, key)
        return
    members = heatmap.groups(list(full.values.index))
    shown = _groups_shown(members)
    _chart(
        "grouped",
        lambda: _grouped_figure(week, unit, key, shown, path),
        path,
        week,
        unit,
        key,
        shown,
    )
    st.caption(
        f"{fmt_number(len(full.values), 0)} đơn vị, xếp theo danh mục thành nhóm {heatmap.GROUP_UNITS} đơn vị: mỗi ô là "
        "bình quân tỷ lệ các đơn vị trong nhóm đã báo cáo (đơn vị chưa báo cáo không tính). "
        "Chọn một nhóm bên dưới để xem từng đơn vị, hoặc chọn một đơn vị ở thanh bên."
    )
    _drill_down(week, unit, key, members, path)


def _groups_shown(members: list[list[str]]) -> tuple[int, int]:
    """Which groups the chart draws: all of them, or the page chosen above it (by number,
    first and last: "Nhóm 11–20: P251–P500")."""
    if len(members) <= GROUPS_SHOWN:
        return 0, len(members)
    labels = {}
    for first in range(0, len(members), GROUPS_SHOWN):
        last = min(first + GROUPS_SHOWN, len(members)) - 1
        numbers = f"{first + 1}–{last + 1}" if last > first else f"{first + 1}"
        labels[str(first)] = f"Nhóm {numbers}: {members[first][0]}–{members[last][-1]}"
    chosen = filters.select(
        "Các nhóm trong biểu đồ",
        list(labels),
        key="unit_groups",
        format_func=lambda i: labels.get(i, i),
        sidebar=False,
    )
    first = int(chosen or 0)
    return first, min(first + GROUPS_SHOWN, len(members))


def _drill_down(
    week: str, unit: str | None, codes: tuple[str, ...], members: list[list[str]], path: Path
) -> None:
    labels = {
        str(i + 1): f"{heatmap.group_label(i, m)} ({len(m)} đơn vị)" for i, m in enumerate(members)
    }
    chosen = filters.select(
        "Xem từng đơn vị của nhóm",
        [NO_GROUP, *labels],
        key="unit_group",
        format_func=lambda g: labels.get(g, "Chưa chọn nhóm"),
        sidebar=False,
    )
    if not chosen or chosen == NO_GROUP:
        return
    units = tuple(members[int(chosen) - 1])
    _chart(
        "group",
        lambda: _full_figure(week, unit, codes, units, path),
        path,
        week,
        unit,
        codes,
        units,
        key="task_heatmap_group",
    )


def _chart(
    name: str, figure: Callable[[], go.Figure], path: Path, *parts: Any, key: str = "task_heatmap"
) -> None:
    """The heatmap drawn once per data version and replayed to every session (display.shared):
    serialising a figure of hundreds of cells every view was most of the page's server time."""
    display.shared(
        f"heatmap_view.{name}",
        *parts,
        audience=display.EVERYONE,
        draw=lambda: st.plotly_chart(figure(), width="stretch", key=key),
        path=path,
    )
