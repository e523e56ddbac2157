"""Tabs whose closed sections are not built (issue 35).

In the browser each plotly chart or grid a page sends costs its mount (about 90 ms a chart at
city scale), also inside a tab nobody opens. Streamlit 1.67's stateful tabs
(`st.tabs(..., key=..., on_change="rerun")`) rerun the page on a click and say which tab is open
(`.open`), so a page draws only that tab's section.

A tab may own query parameters (Nhiệm vụ's detail owns ?task=): a link carrying one opens that
tab, and while another tab is open they leave the URL (kept in the session and put back when
the tab opens again), so a copied link lands on the tab it was copied from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator


def open_tab(
    labels: Sequence[str],
    *,
    key: str,
    owns: Mapping[str, Sequence[str]] | None = None,
    link: bool = False,
) -> tuple[str, DeltaGenerator]:
    """Draw the tabs `labels` (the first open by default) and return the open one's label and
    container; the caller draws only into it. `owns` maps a label to the query parameters that
    belong to its section; `link` keeps the open tab in the URL as ?key=label."""
    owns = owns or {}
    labels = list(labels)
    if key not in st.session_state and key not in st.query_params:
        linked = [t for t, params in owns.items() if any(p in st.query_params for p in params)]
        if linked and linked[0] in labels:
            st.session_state[key] = linked[0]  # a deep link opens the tab showing what it names
    boxes = st.tabs(labels, key=key, on_change="rerun", bind="query-params" if link else None)
    chosen = next(label for label, box in zip(labels, boxes, strict=True) if box.open)
    _keep_params(chosen, key, owns)
    return chosen, boxes[labels.index(chosen)]


def _keep_params(chosen: str, key: str, owns: Mapping[str, Sequence[str]]) -> None:
    """The open tab's parameters back in the URL, the closed tabs' kept aside."""
    kept: dict[str, str] = st.session_state.setdefault(f"{key}_kept_params", {})
    for label, params in owns.items():
        for param in params:
            if label == chosen and param not in st.query_params and param in kept:
                st.query_params[param] = kept.pop(param)
            elif label != chosen and param in st.query_params:
                kept[param] = st.query_params[param]
                del st.query_params[param]
