"""Plotly figures for the dashboards (no Streamlit here), all in one shared style.

No plotly template is set: Streamlit's own theme (light or dark) colours the background, grid
and text; the data colours below read on both.

Every figure carries its basis ("n/m đơn vị đã báo cáo, số liệu đến hết tuần W") as a subtitle,
so a screenshot of a chart still says what it shows. Numbers use the Vietnamese separators.
"""

from __future__ import annotations

import math
import re
import textwrap
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from tracker.catalogue import periods
from tracker.metrics import progress
from tracker.text import fmt_pct
from tracker.ui import tables

if TYPE_CHECKING:
    from tracker.metrics.heatmap import Grouped

FONT = "Roboto, 'Segoe UI', Arial, sans-serif"
PRIMARY = "#1f5fa8"
EXPECTED = "#d62728"
MUTED = "#9aa5b1"
STATUS_COLORS = {
    progress.DONE: "#2e7d32",
    progress.ON_TRACK: "#66bb6a",
    progress.ON_REQUEST: "#42a5f5",
    progress.BEHIND: "#ffa726",
    progress.OVERDUE: "#e53935",
    progress.NO_REPORT: "#bdbdbd",
}
# Blue scale for progress 0..100 (white = 0), shared by the heatmap.
PROGRESS_SCALE = [[0.0, "#f7fbff"], [0.5, "#6baed6"], [1.0, "#08306b"]]


# Plotly never wraps a subtitle: a long basis ran off a 390 px phone screen. Break it into
# lines this long (about what a phone shows at the subtitle's font size).
SUBTITLE_WIDTH = 58
LINE_PX = 16


_KEEP_TOGETHER = re.compile(r"đến hết tuần \d+/\d{4}")


def wrap_basis(basis: str) -> tuple[str, int]:
    """The basis with '<br>' line breaks for plotly, and how many lines it takes.

    "đến hết tuần 10/2026" is never split (textwrap does not break at a no-break space).
    """
    kept = _KEEP_TOGETHER.sub(lambda m: m.group(0).replace(" ", "\u00a0"), basis)
    lines = textwrap.wrap(kept, SUBTITLE_WIDTH) or [""]
    return "<br>".join(line.replace("\u00a0", " ") for line in lines), len(lines)


def style(
    fig: go.Figure, title: str, basis: str, height: int, top: int = 70, right: int = 10
) -> go.Figure:
    """The one chart style: title, the basis as a wrapped subtitle, Vietnamese separators."""
    subtitle, lines = wrap_basis(basis)  # plotly does not wrap: a long basis ran off a phone
    extra = LINE_PX * (lines - 1)
    fig.update_layout(
        title={"text": title, "subtitle": {"text": subtitle}, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": 13},
        separators=",.",
        # No template: st.plotly_chart's theme="streamlit" colours the figure for the light or
        # the dark theme (a forced "plotly_white" left a white chart on a dark page).
        height=height + extra,
        margin={"l": 10, "r": right, "t": top + extra, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
    )
    return fig


def completion_bars(tasks: pd.DataFrame, week: str) -> go.Figure:
    """Horizontal bars of task completion with the expected-progress marker and coverage.

    One bar trace per status, so the legend explains the colours (a single "completion" legend
    entry in one colour misread as "every bar is that"); the category order stays plan order.
    """
    df = tasks.iloc[::-1]  # plotly draws the first category at the bottom
    labels = df["code"].tolist()
    fig = go.Figure()
    for status in [s for s in progress.STATUSES if s in set(df["status"])]:
        part = df[df["status"] == status]
        coverage = [
            tables.coverage(n, m)
            for n, m in zip(part["reported_units"], part["assigned_units"], strict=True)
        ]
        fig.add_bar(
            y=part["code"].tolist(),
            x=part["completion"],
            orientation="h",
            marker_color=STATUS_COLORS.get(status, PRIMARY),
            text=[
                f"{fmt_pct(c)} · {cov}" for c, cov in zip(part["completion"], coverage, strict=True)
            ],
            # Short bars cannot hold their label: put it outside so 0% tasks still say so.
            textposition=["inside" if c >= 45 else "outside" for c in part["completion"]],
            customdata=list(zip(part["short_title"], part["status"], coverage, strict=True)),
            hovertemplate="<b>%{y}</b> %{customdata[0]}<br>Hoàn thành: %{x:.1f}%"
            "<br>%{customdata[1]} · %{customdata[2]}<extra></extra>",
            name=status,
        )
    has_expected = df["expected"].notna()
    fig.add_scatter(
        y=[code for code, ok in zip(labels, has_expected, strict=True) if ok],
        x=df.loc[has_expected, "expected"],
        mode="markers",
        marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": EXPECTED}},
        hovertemplate="<b>%{y}</b><br>Tiến độ theo kế hoạch: %{x:.1f}%<extra></extra>",
        name="Tiến độ theo kế hoạch",
    )
    fig.update_xaxes(range=[0, 105], ticksuffix="%", title=None)
    fig.update_yaxes(type="category", title=None, categoryorder="array", categoryarray=labels)
    fig.update_traces(cliponaxis=False, selector={"type": "bar"})
    reported = int((tasks["reported_units"] > 0).sum())
    basis = tables.task_basis(week, reported, len(tasks))
    return style(
        fig, "Tỷ lệ hoàn thành theo nhiệm vụ (đơn vị tự đánh giá)", basis, 160 + 34 * len(df)
    )


def status_bars(counts: pd.DataFrame, basis: str) -> go.Figure:
    """Number of tasks in each status."""
    fig = go.Figure(
        go.Bar(
            x=counts["tasks"],
            y=counts["status"],
            orientation="h",
            marker_color=[STATUS_COLORS[s] for s in counts["status"]],
            text=counts["tasks"],
            textposition="auto",
            hovertemplate="%{y}: %{x} nhiệm vụ<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title="Số nhiệm vụ", dtick=1, rangemode="tozero")
    return style(fig, "Nhiệm vụ theo trạng thái", basis, 320)


def progress_heatmap(grid: pd.DataFrame, assigned: pd.DataFrame, basis: str) -> go.Figure:
    """Unit × task heatmap of unit-task progress; blank cells say why (not assigned/reported)."""
    fig = _progress_grid(grid, assigned, hovertemplate="%{y} · %{x}: %{text}<extra></extra>")
    # The task codes sit above the grid: leave them room under the title and subtitle.
    return style(fig, "Tiến độ đơn vị × nhiệm vụ", basis, 190 + 36 * len(grid.index), top=100)


def _progress_grid(
    values: pd.DataFrame, assigned: pd.DataFrame, *, hovertemplate: str, customdata: Any = None
) -> go.Figure:
    """Row × task heatmap on the 0–100 progress scale, task codes on top; a blank cell says
    "Chưa báo cáo" where the task is assigned, nothing where it is not."""
    text = [
        [
            fmt_pct(v, 0) if pd.notna(v) else ("Chưa báo cáo" if a else "")
            for v, a in zip(values.loc[r], assigned.loc[r], strict=True)
        ]
        for r in values.index
    ]
    fig = go.Figure(
        go.Heatmap(
            z=values.to_numpy(dtype=float),
            x=list(values.columns),
            y=list(values.index),
            zmin=0,
            zmax=100,
            colorscale=PROGRESS_SCALE,
            text=text,
            texttemplate="%{text}",
            customdata=customdata,
            hovertemplate=hovertemplate,
            colorbar={"ticksuffix": "%", "thickness": 12},
            xgap=2,
            ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="top")
    return fig


def group_heatmap(grouped: Grouped, basis: str) -> go.Figure:
    """Unit-group × task heatmap: each cell the mean of the values the group's units reported,
    its hover how many of them reported (blank cells say why, as in progress_heatmap)."""
    mean, reported, assigned = grouped.mean, grouped.reported, grouped.assigned
    cover = [
        [
            f"{n}/{a} đơn vị đã báo cáo" if a else "không đơn vị nào được giao"
            for n, a in zip(reported.loc[g], assigned.loc[g], strict=True)
        ]
        for g in mean.index
    ]
    fig = _progress_grid(
        mean,
        assigned,
        hovertemplate="%{y} · %{x}: %{text}<br>%{customdata}<extra></extra>",
        customdata=cover,
    )
    # Short, as the unit heatmap's title (plotly does not wrap a title on a phone); the caption
    # under the chart says how a cell is computed.
    title = "Tiến độ nhóm đơn vị × nhiệm vụ"
    return style(fig, title, basis, 190 + 36 * len(mean.index), top=100)


def trend_line(
    weeks: pd.Series,
    values: pd.Series,
    *,
    title: str,
    basis: str,
    name: str,
    previous: pd.DataFrame | None = None,
) -> go.Figure:
    """A weekly line (0..100%); `previous` (columns week, value), last year's same weeks, is
    drawn as a second, dashed line over the same week numbers (year over year).

    Weeks of one year go on a numeric axis of week numbers, so plotly thins the ticks to the
    width (40+ rotated "Tuần n/2026" labels were unreadable, worst on a phone); the hover keeps
    the full "Tuần 10/2026 (02/03 - 08/03/2026)". A span over two years keeps category labels.
    """
    weeks = list(weeks)
    years = {periods.parse_week_id(w)[0] for w in weeks}
    one_year = len(years) == 1
    x = (
        [periods.parse_week_id(w)[1] for w in weeks]
        if one_year
        else [periods.short_label(w) for w in weeks]
    )
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=list(values),
            mode="lines+markers",
            line={"color": PRIMARY, "width": 2},
            connectgaps=False,
            name=name,
            customdata=[periods.label(w) for w in weeks],
            hovertemplate="%{customdata}: %{y:.1f}%<extra></extra>",
        )
    )
    if one_year and previous is not None and not previous.empty:
        last_year = periods.parse_week_id(previous["week"].iloc[0])[0]
        fig.data[0].name = f"Năm {next(iter(years))}"
        fig.add_trace(
            go.Scatter(
                x=[periods.parse_week_id(w)[1] for w in previous["week"]],
                y=list(previous["value"]),
                mode="lines",
                line={"color": MUTED, "width": 2, "dash": "dash"},
                connectgaps=False,
                name=f"Năm {last_year}",
                customdata=[periods.label(w) for w in previous["week"]],
                hovertemplate="%{customdata}: %{y:.1f}%<extra></extra>",
            )
        )
        fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.25})
    fig.update_yaxes(range=[0, 105], ticksuffix="%", title=None)
    if one_year:
        # Whole weeks only: left to itself plotly put ticks at half weeks ("7 8 8 9 9").
        step = max(1, math.ceil(len(weeks) / 12))
        fig.update_xaxes(
            title=f"Tuần (năm {next(iter(years))})",
            tickformat="d",
            tick0=x[0] if x else 1,
            dtick=step,
            rangemode="normal",
        )
    else:
        fig.update_xaxes(type="category", title=None)
    return style(fig, title, basis, 300)
