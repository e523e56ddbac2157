"""Nhiệm vụ: completion per task with the expected marker and coverage, unit × task heatmap,
and a drill-down into one task (per-unit history with the texts units wrote), each in a tab
drawn only when open (tracker/ui/tasks_view.py)."""

from __future__ import annotations

import streamlit as st

from tracker.catalogue import periods
from tracker.metrics import progress
from tracker.scope import Scope
from tracker.ui import display, filters, tasks_view


def render(scope: Scope) -> None:
    path = scope.db
    with display.consistent(path):  # every section reads the same committed state
        week = filters.select_week(scope)
        unit = filters.select_unit(scope, default_own=False)
        group = filters.select_any(
            "Nhóm nhiệm vụ",
            progress.task_groups(path, year=scope.year),
            key="group",
            all_label=f"{filters.ALL_LABEL} nhóm",
            format_func=lambda g: f"Mục {g}",
        )
        status = filters.select_any(
            "Trạng thái",
            progress.STATUSES,
            key="status",
            all_label=f"{filters.ALL_LABEL} trạng thái",
        )

        st.title("Nhiệm vụ")
        st.caption(f"Số liệu đến hết {periods.label(week)}. {progress.SELF_REPORTED}")

        all_tasks = progress.task_completion(week, path)
        tasks = progress.filter_tasks(all_tasks, group=group, status=status)
        tasks_view.sections(week, unit, all_tasks, tasks, path)
