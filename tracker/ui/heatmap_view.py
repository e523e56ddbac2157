"""The unit × task heatmap of Nhiệm vụ (issue 13).

Up to FULL_UNITS units it shows every unit, as it always has (office scale: 10). Above that a
grid of every unit was unreadable and slow to draw (city scale: 250 rows, 2,750 labels, a chart
9,000 px tall, most of the page's 1.5 s in the browser), so it shows groups of GROUP_UNITS units
in catalogue order, each cell the mean of the values its units reported, and a drill-down draws
one group's units in full: every unit's value is still one choice away (or the sidebar's unit
filter).

Figures are built once per data version and shared by every session (db.derived).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker.metrics import progress
from tracker.store import db
from tracker.text import fmt_number
from tracker.ui import charts, display, filters, tables

FULL_UNITS = 40  # up to this many units every unit has its own row
GROUP_UNITS = 25  # units per row of the grouped heatmap (250 units: 10 rows)
NO_GROUP = "-"  # the drill-down's "no group chosen" option


@dataclass(frozen=True)
class Grid:
    """A unit × task heatmap's values (NaN = not reported) and where units are assigned."""

    values: pd.DataFrame
    assigned: pd.DataFrame

    @property
    def reported(self) -> int:
        """Units with at least one reported value among these tasks."""
        return int(self.values.notna().any(axis=1).sum())

    def rows(self, units: list[str]) -> Grid:
        return Grid(self.values.loc[units], self.assigned.loc[units])


@dataclass(frozen=True)
class Grouped:
    """The grouped heatmap: per group × task, the mean of the reported values and the counts."""

    mean: pd.DataFrame  # NaN where no unit of the group reported the task
    reported: pd.DataFrame  # units of the group that reported the task
    assigned: pd.DataFrame  # units of the group assigned the task


def grid(week: str, unit: str | None, codes: tuple[str, ...]) -> Grid:
    """The heatmap of `codes` (plan order) for every unit, or one, in catalogue order."""

    def build() -> Grid:
        values = progress.heatmap_frame(week, unit=unit)
        if values.empty:
            return Grid(values, values)
        assigned = progress.heatmap_assigned(week, unit=unit)
        return Grid(values[list(codes)], assigned[list(codes)])

    return db.derived("heatmap_view.grid", build, None, week, unit, codes)


def groups(units: list[str], size: int = GROUP_UNITS) -> list[list[str]]:
    """Consecutive runs of `size` units in catalogue order (the last one may be shorter)."""
    return [units[i : i + size] for i in range(0, len(units), size)]


def group_label(index: int, members: list[str]) -> str:
    """'Nhóm 2: P016–P040' (catalogue order, first and last unit code): short, as a chart row."""
    return f"Nhóm {index + 1}: {members[0]}–{members[-1]}"


def grouped(full: Grid, size: int = GROUP_UNITS) -> Grouped:
    """Each group's mean of the values its units reported (not-reported cells are left out,
    as in the full heatmap where they are blank), with how many reported and are assigned."""
    members = groups(list(full.values.index), size)
    labels = [group_label(i, m) for i, m in enumerate(members)]
    key = pd.Series([labels[i] for i, m in enumerate(members) for _ in m], index=full.values.index)

    def by_group(frame: pd.DataFrame, how: str) -> pd.DataFrame:
        return getattr(frame.groupby(key, sort=False), how)().reindex(labels)

    return Grouped(
        mean=by_group(full.values, "mean"),
        reported=by_group(full.values.notna(), "sum").astype(int),
        assigned=by_group(full.assigned, "sum").astype(int),
    )


def _full_figure(week: str, unit: str | None, codes: tuple[str, ...], units: tuple) -> go.Figure:
    """The heatmap of every unit of `units` (all units when empty), built once per version."""

    def build() -> go.Figure:
        full = grid(week, unit, codes)
        part = full.rows(list(units)) if units else full
        basis = tables.basis(week, part.reported, len(part.values))
        return charts.progress_heatmap(part.values, part.assigned, basis)

    return db.derived("heatmap_view.full", build, None, week, unit, codes, units)


def _grouped_figure(week: str, unit: str | None, codes: tuple[str, ...]) -> go.Figure:
    def build() -> go.Figure:
        full = grid(week, unit, codes)
        basis = tables.basis(week, full.reported, len(full.values))
        return charts.group_heatmap(grouped(full), basis)

    return db.derived("heatmap_view.grouped", build, None, week, unit, codes)


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
        f"{fmt_number(len(full.values), 0)} đơn vị, xếp theo danh mục thành nhóm {GROUP_UNITS} đơn vị: mỗi ô là "
        "bình quân tỷ lệ các đơn vị trong nhóm đã báo cáo (đơn vị chưa báo cáo không tính). "
        "Chọn một nhóm bên dưới để xem từng đơn vị, hoặc chọn một đơn vị ở thanh bên."
    )
    _drill_down(week, unit, key, full)


def _drill_down(week: str, unit: str | None, codes: tuple[str, ...], full: Grid) -> None:
    members = groups(list(full.values.index))
    labels = {str(i + 1): f"{group_label(i, m)} ({len(m)} đơn vị)" for i, m in enumerate(members)}
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
        draw=lambda: st.plotly_chart(figure(), width="stretch", key=key),
    )
