"""Nhiệm vụ: completion per task with the expected marker and coverage, unit × task heatmap,
and a drill-down into one task (per-unit history with the texts units wrote)."""

import streamlit as st

from tracker.catalogue import periods
from tracker.metrics import progress
from tracker.ui import display, filters, shell, tasks_view

user = shell.frame("nhiem_vu")
with display.consistent():  # every section reads the same committed state
    week = filters.select_week()
    unit = filters.select_unit(user, default_own=False)
    group = filters.select_any(
        "Nhóm nhiệm vụ",
        progress.task_groups(year=filters.plan_year()),
        key="group",
        all_label=f"{filters.ALL_LABEL} nhóm",
        format_func=lambda g: f"Mục {g}",
    )
    status = filters.select_any(
        "Trạng thái", progress.STATUSES, key="status", all_label=f"{filters.ALL_LABEL} trạng thái"
    )

    st.title("Nhiệm vụ")
    st.caption(f"Số liệu đến hết {periods.label(week)}. {progress.SELF_REPORTED}")

    all_tasks = progress.task_completion(week)
    tasks = progress.filter_tasks(all_tasks, group=group, status=status)
    tasks_view.completion(week, unit, tasks)
    tasks_view.detail(week, unit, all_tasks, tasks)
