"""Kế hoạch: the plan itself, its tasks, who directs, leads and coordinates, and the seed's text."""

import streamlit as st

from tracker.catalogue import plan
from tracker.ui import shell

shell.frame("ke_hoach")
st.title("Kế hoạch năm 2026")
st.caption(
    "Kế hoạch thực hiện công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở năm 2026 "
    "của Văn phòng UBND thành phố Cần Thơ"
)

st.dataframe(
    plan.plan_table(), hide_index=True, width="stretch", height="content", key="plan_table"
)
st.caption(
    "“Phân công suy ra”: Kế hoạch chỉ nêu phân công chung cho mục 1; phân công của 1.a và 1.b "
    "được suy ra từ mục 1.c."
)

st.subheader("Nội dung chi tiết")
tasks = plan.tasks()
assignments = plan.assignments()
for task in tasks.itertuples():
    with st.expander(f"{task.code} — {task.short_title}"):
        st.markdown(f"**Chỉ đạo:** {task.directing}")
        rows = assignments[assignments["task_code"] == task.code]
        st.dataframe(
            {"Đơn vị": rows["unit_name"], "Vai trò": rows["role"].map(plan.role_label)},
            hide_index=True,
            key=f"plan_units_{task.code}",
        )
        st.text(task.full_text)
