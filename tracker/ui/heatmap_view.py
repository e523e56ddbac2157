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
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from tracker.metrics import cache, heatmap
from tracker.metrics.heatmap import Grid
from tracker.text import fmt_number
from tracker.ui import charts, display, filters, tables

FULL_UNITS = 40  # up to this many units every unit has its own row
NO_GROUP = "-"  # the drill-down's "no group chosen" option


def grid(week: str, unit: str | None, codes: tuple[str, ...]) -> Grid:
    """The heatmap's grid (heatmap.unit_grid), built once per data version."""
    return cache.derived(
        "heatmap_view.grid", lambda: heatmap.unit_grid(week, unit, codes), None, week, unit, codes
    )


def _full_figure(week: str, unit: str | None, codes: tuple[str, ...], units: tuple) -> go.Figure:
    """The heatmap of every unit of `units` (all units when empty), built once per version."""

    def build() -> go.Figure:
        full = grid(week, unit, codes)
        part = full.rows(list(units)) if units else full
        basis = tables.basis(week, part.reported, len(part.values))
        return charts.progress_heatmap(part.values, part.assigned, basis)

    return cache.derived("heatmap_view.full", build, None, week, unit, codes, units)


def _grouped_figure(week: str, unit: str | None, codes: tuple[str, ...]) -> go.Figure:
    def build() -> go.Figure:
        full = grid(week, unit, codes)
        basis = tables.basis(week, full.reported, len(full.values))
        return charts.group_heatmap(heatmap.grouped(full), basis)

    return cache.derived("heatmap_view.grouped", build, None, week, unit, codes)


def show(week: str, unit: str | None, codes: list[str]) -> None:
    """The heatmap section: every unit, or the groups and one group's units in full."""
    st.subheader("Tiến độ theo đơn vị")
    key = tuple(codes)
    full = grid(week, unit, key)
    if full.values.empty:
        st.info("Đơn vị đang chọn không được giao nhiệm vụ nào.")
        return
    if len(full.values) <= FULL_UNITS:
        _chart("full", lambda: _full_figure(week, unit, key, ()), week, unit, key)
        return
    _chart("grouped", lambda: _grouped_figure(week, unit, key), week, unit, key)
    st.caption(
        f"{fmt_number(len(full.values), 0)} đơn vị, xếp theo danh mục thành nhóm {heatmap.GROUP_UNITS} đơn vị: mỗi ô là "
        "bình quân tỷ lệ các đơn vị trong nhóm đã báo cáo (đơn vị chưa báo cáo không tính). "
        "Chọn một nhóm bên dưới để xem từng đơn vị, hoặc chọn một đơn vị ở thanh bên."
    )
    _drill_down(week, unit, key, full)


def _drill_down(week: str, unit: str | None, codes: tuple[str, ...], full: Grid) -> None:
    members = heatmap.groups(list(full.values.index))
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
        lambda: _full_figure(week, unit, codes, units),
        week,
        unit,
        codes,
        units,
        key="task_heatmap_group",
    )


def _chart(
    name: str, figure: Callable[[], go.Figure], *parts: Any, key: str = "task_heatmap"
) -> None:
    """The heatmap drawn once per data version and replayed to every session (display.shared):
    serialising a figure of hundreds of cells every view was most of the page's server time."""
    display.shared(
        f"heatmap_view.{name}",
        *parts,
        audience=display.EVERYONE,
        draw=lambda: st.plotly_chart(figure(), width="stretch", key=key),
    )
