"""Nhiệm vụ: completion per task with the expected marker and coverage, unit × task heatmap,
and a drill-down into one task (per-unit history with the texts units wrote)."""

import streamlit as st

from tracker.catalogue import periods
from tracker.ingest.contract import TASK_KIND_LABELS
from tracker.metrics import progress
from tracker.text import fmt_pct
from tracker.ui import charts, filters, shell

user = shell.frame("nhiem_vu")
week = filters.select_week()
unit = filters.select_unit(user, default_own=False)
group = filters.select(
    "Nhóm nhiệm vụ",
    [filters.ALL, *progress.task_groups()],
    key="group",
    format_func=lambda g: "Tất cả nhóm" if g == filters.ALL else f"Mục {g}",
)
status = filters.select(
    "Trạng thái",
    [filters.ALL, *progress.STATUSES],
    key="status",
    format_func=lambda s: "Tất cả trạng thái" if s == filters.ALL else s,
)

st.title("Nhiệm vụ")
st.caption(f"Số liệu đến hết {periods.label(week)}. {progress.SELF_REPORTED}")

all_tasks = progress.task_completion(week)
tasks = progress.filter_tasks(
    all_tasks,
    group=None if group == filters.ALL else group,
    status=None if status == filters.ALL else status,
)
if not progress.plan_completion(week).has_data:
    st.info(
        f"{progress.NO_DATA}: chưa đơn vị nào nộp báo cáo tiến độ đến hết "
        f"{periods.short_label(week).lower()}. Các nhiệm vụ của Kế hoạch ở trang Kế hoạch.",
        icon=":material/info:",
    )
elif tasks.empty:
    st.info("Không có nhiệm vụ nào khớp bộ lọc đang chọn.", icon=":material/filter_alt_off:")
else:
    st.plotly_chart(charts.completion_bars(tasks, week), width="stretch", key="task_bars")
    st.caption(
        "Vạch đỏ: tiến độ kỳ vọng theo thời gian (nhiệm vụ khi có yêu cầu không có). "
        "Nhiệm vụ có đơn vị chủ trì lấy tỷ lệ của đơn vị chủ trì; nhiệm vụ không có chủ trì lấy "
        "bình quân các đơn vị được giao, đơn vị chưa báo cáo tính 0%."
    )
    st.dataframe(
        progress.task_table(tasks),
        hide_index=True,
        width="stretch",
        height="content",
        key="task_table",
    )

    st.subheader("Tiến độ theo đơn vị")
    grid = progress.heatmap_frame(week, unit=unit)
    if grid.empty:
        st.info("Đơn vị đang chọn không được giao nhiệm vụ nào.")
    else:
        grid = grid[tasks["code"].tolist()]
        assigned = progress.heatmap_assigned(week, unit=unit)[tasks["code"].tolist()]
        reported = int(grid.notna().any(axis=1).sum())
        st.plotly_chart(
            charts.progress_heatmap(grid, assigned, progress.basis(week, reported, len(grid))),
            width="stretch",
            key="task_heatmap",
        )

st.subheader("Chi tiết một nhiệm vụ")
titles = dict(zip(all_tasks["code"], all_tasks["short_title"], strict=True))
# Every task is offered (the filters above narrow the chart, not the drill-down), so a shared
# link's ?task= is kept whatever the status filter; the default is the first task shown.
task = filters.select(
    "Chọn nhiệm vụ",
    list(titles),
    key="task",
    default=tasks["code"].iloc[0] if not tasks.empty else None,
    format_func=lambda c: f"{c} — {titles[c]}",
    sidebar=False,
)
if task:
    row = all_tasks[all_tasks["code"] == task].iloc[0]
    st.markdown(f"**{task} — {row['short_title']}**")
    st.caption(
        f"Chủ trì: {progress.lead_label(row['lead_unit'])} · "
        f"Loại: {TASK_KIND_LABELS[row['kind']]} · "
        f"Hoàn thành: {fmt_pct(row['completion'])} · "
        f"Kỳ vọng: {fmt_pct(row['expected']) or 'không áp dụng'} · "
        f"Trạng thái: {row['status']} · "
        f"{progress.coverage(row['reported_units'], row['assigned_units'])}"
    )
    current = progress.task_units(task, week, unit=unit)
    st.dataframe(
        progress.current_units_table(current),
        hide_index=True,
        width="stretch",
        key="task_units",
    )
    history = progress.task_history(task, week, unit=unit)
    if history.empty:
        st.info(f"{progress.NO_DATA}: chưa đơn vị nào báo cáo nhiệm vụ {task}.")
    else:
        st.markdown("**Lịch sử báo cáo** (mới nhất trước)")
        st.dataframe(
            progress.history_table(history), hide_index=True, width="stretch", key="task_history"
        )
