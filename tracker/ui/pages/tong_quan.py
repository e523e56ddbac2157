"""Tổng quan: the unit's deadline banner, the key figures, the requests of Sở Nội vụ still
unanswered (inside a city also the Báo cáo the body still owes it), tasks by status, this week's reporting grid, the open difficulties, and the weekly
trends and this year against last in tabs drawn only when open (the sections:
tracker/ui/overview.py)."""

from __future__ import annotations

import streamlit as st

from tracker.catalogue import periods
from tracker.metrics import progress
from tracker.scope import Scope
from tracker.ui import city_reports_view, display, filters, overview, requests_view, shell


def render(scope: Scope) -> None:
    # One committed state for the whole page: the figures, the grid and the charts agree even
    # while a unit uploads, and the shared (replayed) parts are filed under that state.
    with display.consistent(scope.db):
        _render(scope)


def _render(scope: Scope) -> None:
    path, user = scope.db, scope.user
    week = filters.select_week(scope)
    st.title("Tổng quan")
    st.caption(
        "Kế hoạch công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở năm "
        f"{scope.year} - {shell.body_name(scope.body)} · số liệu đến hết "
        f"{periods.label(week)}"
    )
    if user.role == "don_vi" and user.unit_code:
        overview.banner(user.unit_code, week, path)
    plan = progress.plan_completion(week, path)
    overview.key_figures(week, plan, path)
    requests_view.due_section(scope, key="overview_requests")
    city_reports_view.due_section(scope)  # only inside a city, for the body's leaders and admins
    overview.status_section(week, plan, path)
    overview.reporting_section(week, path)
    overview.difficulties_section(week, path, shell.link_params(scope))
    overview.trends_and_year(week, plan, path)
