"""Đơn vị: one unit's tasks with its progress, its reporting history by week, its indicators,
its "Dân vận khéo" models and its self-score."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from tracker import wording
from tracker.catalogue import periods, plan, year_start
from tracker.metrics import progress, scoring
from tracker.scope import Scope
from tracker.ui import display, filters, tables


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

    # One committed state for the sections below; the tables are the same for every viewer of
    # this unit and week: drawn once per data version and replayed (styling them was most of a
    # view).
    with display.consistent(path):
        _tasks(unit, week, path)
        _history(unit, week, path)
        _indicators(unit, week, path)
        _models(unit, week, path)
        _score(unit, week, path)


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


def _tasks(unit: str, week: str, path: Path) -> None:
    tasks = progress.unit_tasks(unit, week, path)
    reported = int(tasks["percent"].notna().sum())
    cols = st.columns(3)
    cols[0].metric("Nhiệm vụ được giao", len(tasks))
    cols[1].metric("Nhiệm vụ đã báo cáo", f"{reported}/{len(tasks)}")
    cols[2].metric(
        f"Nộp báo cáo {periods.short_label(week).lower()}",
        progress.unit_week_state(unit, week, path),
    )

    st.subheader("Nhiệm vụ của đơn vị")
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
    st.subheader("Lịch sử nộp báo cáo")
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
    st.subheader("Chỉ số")
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
    st.subheader("Mô hình “Dân vận khéo”")
    models = progress.unit_models(unit, week, path)
    if models.empty:
        st.info(f"{progress.NO_DATA}: đơn vị chưa đăng ký mô hình nào.")
    else:
        st.dataframe(
            tables.models_table(models), hide_index=True, width="stretch", key="unit_models"
        )


def _score(unit: str, week: str, path: Path) -> None:
    st.subheader("Tự chấm điểm")
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
