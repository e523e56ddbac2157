"""Đơn vị: one unit's key figures, then in lazy tabs (issue 35: only the open one is built and
sent) its tasks with their progress, its reporting history by week, its indicators, its "Dân vận
khéo" models and its self-score."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from tracker import wording
from tracker.catalogue import periods, plan, year_start
from tracker.metrics import progress, scoring
from tracker.scope import Scope
from tracker.ui import display, filters, lazy_tabs, tables

# The sections, each in a tab drawn only when open: every grid the page sent cost its mount in
# the browser, opened or not (1.56x Tài khoản at city scale with all five). The tasks come first:
# what the unit has to do and how far it is. The open tab is in the URL (?xem=Chỉ số), as on
# Nhiệm vụ (tracker/ui/tasks_view.py), so a link opens it.
TAB_TASKS, TAB_HISTORY, TAB_INDICATORS = "Nhiệm vụ của đơn vị", "Lịch sử nộp báo cáo", "Chỉ số"
TAB_MODELS, TAB_SCORE = "Mô hình “Dân vận khéo”", "Tự chấm điểm"
TABS = (TAB_TASKS, TAB_HISTORY, TAB_INDICATORS, TAB_MODELS, TAB_SCORE)
TAB_KEY = "xem"


def render(scope: Scope) -> None:
    path = scope.db
    week = filters.select_week(scope, while_waiting="page")
    unit = filters.select_unit(scope, allow_all=False)

    if unit is None:
        st.title("Đơn vị")
        st.info(f"{progress.NO_DATA}: danh mục chưa có đơn vị nào đang hoạt động.")
        st.stop()

    st.title(f"Đơn vị: {plan.unit_labels(path).get(unit, unit)}")  # sample units "(mẫu)"
    if notice := year_start.waiting_notice(scope.year, path):
        _assigned_while_waiting(unit, notice, scope)
        return
    st.caption(
        f"Mã đơn vị {unit} · số liệu đến hết {periods.label(week)}. {progress.SELF_REPORTED}"
    )

    # One committed state for the figures and the open tab; the tables are the same for every
    # viewer of this unit and week: drawn once per data version and replayed (styling them was
    # most of a view).
    with display.consistent(path):
        tasks = progress.unit_tasks(unit, week, path)
        _key_figures(unit, week, tasks, path)
        chosen, box = lazy_tabs.open_tab(TABS, key=TAB_KEY, link=True)
        with box:
            if chosen == TAB_TASKS:
                _tasks(unit, week, tasks, path)
            else:
                _SECTIONS[chosen](unit, week, path)


def _assigned_while_waiting(unit: str, notice: str, scope: Scope) -> None:
    """A new plan before its first deadline: the one sentence, then what the unit is to report
    on (its tasks and role in each), with no figure, status or pace (issue 36)."""
    st.info(notice, icon=":material/event_upcoming:")
    st.subheader("Nhiệm vụ của đơn vị")
    tasks = plan.unit_assignments(unit, scope.db, year=scope.year)
    if tasks.empty:
        st.info("Đơn vị chưa được giao nhiệm vụ nào trong Kế hoạch.")
        return
    st.dataframe(
        tables.unit_assignment_table(tasks), hide_index=True, width="stretch", key="unit_assigned"
    )


def _key_figures(unit: str, week: str, tasks: pd.DataFrame, path: Path) -> None:
    """Above the tabs: tasks assigned, tasks reported, this week's report."""
    reported = int(tasks["percent"].notna().sum())
    cols = st.columns(3)
    cols[0].metric("Nhiệm vụ được giao", len(tasks))
    cols[1].metric("Nhiệm vụ đã báo cáo", f"{reported}/{len(tasks)}")
    cols[2].metric(
        f"Nộp báo cáo {periods.short_label(week).lower()}",
        progress.unit_week_state(unit, week, path),
    )


def _tasks(unit: str, week: str, tasks: pd.DataFrame, path: Path) -> None:
    reported = int(tasks["percent"].notna().sum())
    if tasks.empty:
        st.info("Đơn vị chưa được giao nhiệm vụ nào trong Kế hoạch.")
        return
    if reported == 0:
        st.info(f"{progress.NO_DATA}: đơn vị chưa báo cáo tiến độ nhiệm vụ nào.")
    display.show(
        tables.unit_task_table(tasks),
        height="content",
        key="unit_tasks",
        share=(unit, week),
        audience=display.EVERYONE,
        path=path,
    )
    st.caption(
        f"{tables.task_basis(week, reported, len(tasks))}; "
        "tỷ lệ của đơn vị là số liệu mới nhất đơn vị báo cáo, giữ nguyên qua các tuần không báo cáo."
    )


def _history(unit: str, week: str, path: Path) -> None:
    history = tables.unit_reporting_history(unit, week, path)
    if history.empty:
        st.info("Chưa đến tuần báo cáo đầu tiên.")
    else:
        display.show(
            history,
            key="unit_history",
            share=(unit, week),
            audience=display.EVERYONE,
            path=path,
        )


def _indicators(unit: str, week: str, path: Path) -> None:
    indicators = progress.unit_indicators(unit, week, path)
    if indicators["value"].notna().any():
        display.show(
            tables.indicator_table(indicators),
            key="unit_indicators",
            share=(unit, week),
            audience=display.EVERYONE,
            path=path,
        )
    else:
        st.info(f"{progress.NO_DATA}: đơn vị chưa báo cáo chỉ số nào trong năm.")


def _models(unit: str, week: str, path: Path) -> None:
    models = progress.unit_models(unit, week, path)
    if models.empty:
        st.info(f"{progress.NO_DATA}: đơn vị chưa đăng ký mô hình nào.")
    else:
        st.dataframe(
            tables.models_table(models), hide_index=True, width="stretch", key="unit_models"
        )


def _score(unit: str, week: str, path: Path) -> None:
    total = scoring.unit_total(unit, periods.parse_week_id(week)[0], path)
    if total is None:
        st.info(f"{progress.NO_DATA}: đơn vị chưa nộp bảng tự chấm điểm.")
        return
    if total.get("provisional"):
        st.warning(
            progress.PROVISIONAL_NOTE.format(loader=wording.of_file(path).criteria_loader),
            icon=":material/warning:",
        )
    st.dataframe(tables.score_summary(total), hide_index=True, width="stretch", key="unit_score")


# The tabs after the first, by label: each reads the unit and the week.
_SECTIONS: dict[str, Callable[[str, str, Path], None]] = {
    TAB_HISTORY: _history,
    TAB_INDICATORS: _indicators,
    TAB_MODELS: _models,
    TAB_SCORE: _score,
}
