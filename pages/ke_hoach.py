"""Kế hoạch: the plan itself, its tasks, who directs, leads and coordinates, and the seed's text."""

import streamlit as st

from tracker.catalogue import plan, plans
from tracker.ui import filters, shell, tables

shell.frame("ke_hoach")
year = filters.plan_year()
shown = plans.require(year)
st.title(f"Kế hoạch năm {year}")
st.caption(
    f"{shown.label}: {shown.title} của Văn phòng UBND thành phố Cần Thơ"
    + ("" if shown.number else " (Kế hoạch chưa ghi số, ngày ban hành)")
)
st.caption(tables.reporting_weeks_text(year))

st.dataframe(
    plan.plan_table(year=year), hide_index=True, width="stretch", height="content", key="plan_table"
)
st.caption(plan.INFERRED_NOTE)
if plan.sample_units():
    st.caption(
        f"Tên đơn vị có “{plan.SAMPLE_MARK}” là đơn vị mẫu, chưa phải danh sách chính thức của "
        "Văn phòng; Quản trị thay bằng danh sách chính thức ở danh mục Đơn vị."
    )

st.subheader("Nội dung chi tiết")
st.caption("Theo bố cục của Kế hoạch: tiêu đề mục, rồi từng nhiệm vụ (bấm để xem toàn văn).")
assignments = plan.assignments(year=year)
labels = plan.unit_labels()
for entry in plan.outline(year=year):
    if entry["kind"] == "section":
        st.markdown(f"#### {entry['number']} {entry['text']}")
        continue
    if entry["kind"] == "group":
        st.markdown(f"**{entry['number']} {entry['text']}**")
        continue
    task = entry["task"]
    with st.expander(f"{task.code} — {task.short_title}"):
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
