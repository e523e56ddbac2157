"""Plotly figures for the scoring and Dân vận khéo pages (no Streamlit here).

Each figure states its basis in a subtitle, so a screenshot still says what it shows. They leave
the template to Streamlit's theme (light or dark) instead of charts.style's "plotly_white",
whose white paper would sit on a dark page.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from tracker.text import fmt_number
from tracker.ui.charts import style

GRADE_COLOURS = ("#2e7d32", "#66bb6a", "#ffa726", "#e53935", "#8d6e63")
STATUS_COLOURS = ("#90caf9", "#42a5f5", "#2e7d32", "#ab47bc", "#bdbdbd")


def ranking_bars(scores: pd.DataFrame, bands: pd.DataFrame, basis: str) -> go.Figure:
    """Units' final totals as horizontal bars coloured by grade, with the band thresholds."""
    units = scores[scores["unit_code"] != "VP"].sort_values("final_total")
    grades = bands.sort_values("threshold", ascending=False)["grade"].tolist()
    colours = dict(zip(grades, GRADE_COLOURS, strict=False))
    fig = go.Figure()
    for grade in grades:
        part = units[units["grade"] == grade]
        if part.empty:
            continue
        fig.add_bar(
            x=part["final_total"],
            y=part["unit_code"],
            orientation="h",
            name=grade,
            marker_color=colours.get(grade),
            customdata=part[["unit_name"]],
            hovertemplate="%{customdata[0]}: %{x:.1f} điểm<extra>" + grade + "</extra>",
            text=[fmt_number(v, 1) for v in part["final_total"]],
            textposition="inside",
            insidetextanchor="end",
        )
    # Each dotted line says which grade it opens ("Khá ≥ 70"), so the chart reads on its own.
    for grade, threshold in zip(bands["grade"], bands["threshold"], strict=True):
        if threshold > 0:
            fig.add_vline(
                x=threshold,
                line_dash="dot",
                line_color="#607d8b",
                annotation_text=f"{grade} ≥ {fmt_number(float(threshold), 0)}",
                annotation_position="top",
                annotation_font_size=11,
            )
    fig.update_xaxes(range=[0, 100], dtick=10, title="Điểm (thang 100)")
    fig.update_yaxes(
        categoryorder="array", categoryarray=units["unit_code"].tolist(), automargin=True
    )
    # The band labels sit above the plot: room for them under the subtitle.
    style(fig, "Điểm và xếp loại của các đơn vị", basis, 160 + 28 * len(units), top=95, right=30)
    return themed(fig)


def themed(fig: go.Figure) -> go.Figure:
    """No template of its own: plotly's default (Streamlit's theme in the app) applies."""
    fig.layout.template = None
    return fig


def models_by_field(matrix: pd.DataFrame, basis: str) -> go.Figure:
    """Models per field, stacked by status in the movement's order."""
    fig = go.Figure()
    for status, colour in zip(matrix.columns, STATUS_COLOURS, strict=False):
        fig.add_bar(
            x=matrix[status],
            y=matrix.index,
            orientation="h",
            name=status,
            marker_color=colour,
            hovertemplate="%{y}: %{x} mô hình<extra>" + status + "</extra>",
        )
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(barmode="stack")
    style(fig, "Mô hình “Dân vận khéo” theo lĩnh vực và trạng thái", basis, 340, right=30)
    # Stacked bars list their legend bottom-up by default; keep the movement's order.
    fig.update_layout(legend={"traceorder": "normal", "y": -0.22})
    return themed(fig)
