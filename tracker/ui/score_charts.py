"""Plotly figures for the scoring and Dân vận khéo pages (no Streamlit here).

Each figure states its basis in a subtitle, so a screenshot still says what it shows. They leave
the template to Streamlit's theme (light or dark) instead of charts.style's "plotly_white",
whose white paper would sit on a dark page.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from tracker.ui.charts import style

STATUS_COLOURS = ("#90caf9", "#42a5f5", "#2e7d32", "#ab47bc", "#bdbdbd")


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
