"""Kế hoạch: the plan itself, its tasks, who directs, leads and coordinates, and the seed's text."""

from __future__ import annotations

import streamlit as st

from tracker import wording
from tracker.catalogue import plan, plans
from tracker.scope import Scope
from tracker.ui import shell, tables


def render(scope: Scope) -> None:
    path, year = scope.db, scope.year
    shown = plans.require(year, path)
    st.title(f"Kế hoạch năm {year}")
    st.caption(
        f"{shown.label}: {shown.title} của {shell.body_name(scope.body)}"
        + ("" if shown.number else " (Kế hoạch chưa ghi số, ngày ban hành)")
    )
    st.caption(tables.reporting_weeks_text(year, path))

    st.dataframe(
        plan.plan_table(path, year=year),
        hide_index=True,
        width="stretch",
        height="content",
        key="plan_table",
    )
    words = wording.of_file(path)
    st.caption(plan.INFERRED_NOTE if words is wording.OFFICE else plan.INFERRED_NOTE_BODY)
    if plan.sample_units(path):
        st.caption(
            f"Tên đơn vị có “{plan.SAMPLE_MARK}” là đơn vị mẫu, chưa phải danh sách chính thức của "
            f"{words.body}; Quản trị thay bằng danh sách chính thức ở danh mục Đơn vị."
        )
    _outline(scope)


def _outline(scope: Scope) -> None:
    """The plan as the document reads: headings, then each task (its detail drawn on a click)."""
    st.subheader("Nội dung chi tiết")
    st.caption("Theo bố cục của Kế hoạch: tiêu đề mục, rồi từng nhiệm vụ (bấm để xem toàn văn).")
    path, year = scope.db, scope.year
    assignments = plan.assignments(path, year=year)
    labels = plan.unit_labels(path)
    for entry in plan.outline(path, year=year):
        if entry["kind"] == "section":
            st.markdown(f"#### {entry['number']} {entry['text']}")
            continue
        if entry["kind"] == "group":
            st.markdown(f"**{entry['number']} {entry['text']}**")
            continue
        task = entry["task"]
        # Drawn only when opened (a click reruns the page): the city's plan had a grid in every
        # closed expander, each mounted by the browser on every visit (issue 35).
        box = st.expander(
            f"{task.code} — {task.short_title}", key=f"plan_task_{task.code}", on_change="rerun"
        )
        if not box.open:
            continue
        with box:
            directing = plan.directing_label(task.directing, task.assignment_inferred)
            st.markdown(f"**Chỉ đạo:** {directing}")
            rows = assignments[assignments["task_code"] == task.code]
            st.dataframe(
                {
                    "Đơn vị": rows["unit_code"].map(labels).fillna(rows["unit_name"]),
                    "Vai trò": rows["role"].map(plan.role_label),
                },
                hide_index=True,
                key=f"plan_units_{task.code}",
            )
            st.text(task.full_text)
