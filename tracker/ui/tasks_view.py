"""The Nhiệm vụ page body, in four lazy tabs (issue 35: only the open one is built and sent):
completion per task (the table, the first view; the bars), the unit × task heatmap
(tracker.ui.heatmap_view) and one task's detail.

tracker/ui/pages/nhiem_vu.py reads the filters and calls `sections`, with the database of the
page's scope (`path`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from tracker.catalogue import periods
from tracker.catalogue.plan import TASK_KIND_LABELS
from tracker.metrics import cache, progress
from tracker.text import fmt_pct
from tracker.ui import charts, display, filters, heatmap_view, lazy_tabs, tables

# A task's history, a page at a time: its rows carry four long texts each; 200 of them were
# 150 KB and a quarter of the page's time in the browser (office scale).
HISTORY_ROWS = 50
HISTORY_LABEL = "Lịch sử báo cáo (mới nhất trước)"
HISTORY_OPEN = "task_history_open"  # its expander's open state
# The page's tabs. Each chart's mount was about 90 ms in the browser at city scale and every
# tab's content was sent, opened or not; the first tab, the task table (completion, planned
# progress, status of every task), answers "how far along are the tasks" without a chart: with
# the bars in it the page measured 1.15-1.75x Tài khoản (median 1.44x), at or over the 1.5x bar.
TAB_TASKS, TAB_BARS = "Tiến độ các nhiệm vụ", "Biểu đồ tiến độ"
TAB_UNITS, TAB_DETAIL = "Theo đơn vị", "Một nhiệm vụ"
TAB_KEY = "xem"  # the open tab, also in the URL (?xem=Theo đơn vị) so a view can be shared
# The URL parameters each tab's section reads: a link with ?task= opens the task's detail.
TAB_PARAMS = {TAB_DETAIL: ("task",), TAB_UNITS: ("unit_groups", "unit_group")}


def sections(
    week: str, unit: str | None, all_tasks: pd.DataFrame, tasks: pd.DataFrame, path: Path
) -> None:
    """The tabs, and the open tab's section (the filtered `tasks`; the detail offers all)."""
    tabs = (TAB_TASKS, TAB_BARS, TAB_UNITS, TAB_DETAIL)
    chosen, box = lazy_tabs.open_tab(tabs, key=TAB_KEY, owns=TAB_PARAMS, link=True)
    with box:
        if chosen == TAB_DETAIL:
            detail(week, unit, all_tasks, tasks, path)
        elif not _has_rows(week, tasks, path):
            return
        elif chosen == TAB_TASKS:
            task_table(week, tasks, path)
        elif chosen == TAB_BARS:
            completion_bars(week, tasks, path)
        else:
            heatmap_view.show(week, unit, list(tasks["code"]), path)


def _has_rows(week: str, tasks: pd.DataFrame, path: Path) -> bool:
    """Whether there is progress to chart; else why not, said once in the tab."""
    if not progress.plan_completion(week, path).has_data:
        st.info(
            f"{progress.NO_DATA}: chưa đơn vị nào nộp báo cáo tiến độ đến hết "
            f"{periods.short_label(week).lower()}. Các nhiệm vụ của Kế hoạch ở trang Kế hoạch.",
            icon=":material/info:",
        )
        return False
    if tasks.empty:
        st.info("Không có nhiệm vụ nào khớp bộ lọc đang chọn.", icon=":material/filter_alt_off:")
        return False
    return True


def task_table(week: str, tasks: pd.DataFrame, path: Path) -> None:
    """The table of the filtered tasks (not empty), with the rules of its statuses and rates."""
    display.show(
        tables.task_table(tasks, path),
        height="content",
        key="task_table",
        share=(week, tuple(tasks["code"])),
        audience=display.EVERYONE,
        path=path,
    )
    st.caption(f"{tables.status_rule(week, path)} {COMPLETION_RULE}")


# How a task's completion is taken (under the table and under the bars).
COMPLETION_RULE = (
    "Nhiệm vụ có đơn vị chủ trì lấy tỷ lệ của đơn vị chủ trì; nhiệm vụ không có chủ trì lấy "
    "bình quân các đơn vị được giao, đơn vị chưa báo cáo tính 0%."
)


def completion_bars(week: str, tasks: pd.DataFrame, path: Path) -> None:
    """The completion bars of the filtered tasks (not empty), with the planned-progress marker."""
    codes = tuple(tasks["code"])
    # Drawn once per data version and replayed to every session (the rows follow from the codes).
    display.shared(
        "tasks_view.bars",
        week,
        codes,
        audience=display.EVERYONE,
        draw=lambda: st.plotly_chart(
            charts.completion_bars(tasks, week), width="stretch", key="task_bars"
        ),
        path=path,
    )
    st.caption(
        "Vạch đỏ: tiến độ theo kế hoạch, tính theo thời gian (nhiệm vụ khi có yêu cầu không có). "
        f"{tables.status_rule(week, path)} {COMPLETION_RULE}"
    )


def detail(
    week: str, unit: str | None, all_tasks: pd.DataFrame, tasks: pd.DataFrame, path: Path
) -> None:
    """One task chosen in its tab: its figures, each unit's standing value, its history."""
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
    if not task:
        return
    row = all_tasks[all_tasks["code"] == task].iloc[0]
    st.markdown(f"**{task} — {row['short_title']}**")
    st.caption(
        f"Chủ trì: {tables.lead_label(row['lead_unit'], tables.samples(path))} · "
        f"Loại: {TASK_KIND_LABELS[row['kind']]} · "
        f"Hoàn thành: {fmt_pct(row['completion'])} · "
        f"{tables.PLANNED}: {fmt_pct(row['expected']) or 'không áp dụng'} · "
        f"Trạng thái: {row['status']} · "
        f"{tables.coverage(row['reported_units'], row['assigned_units'])}"
    )
    current = cache.derived(
        "tasks_view.units",
        lambda: tables.current_units_table(progress.task_units(task, week, path, unit=unit), path),
        path,
        task,
        week,
        unit,
    )
    display.show(
        current,
        key="task_units",
        share=(task, week, unit),
        audience=display.EVERYONE,
        path=path,
    )
    _history(task, week, unit, path)


def _history(task: str, week: str, unit: str | None, path: Path) -> None:
    # Built once per data version and shared by every session (city scale: 35,000 rows).
    history = cache.derived(
        "tasks_view.history",
        lambda: tables.history_table(progress.task_history(task, week, path, unit=unit), path),
        path,
        task,
        week,
        unit,
    )
    if history.empty:
        st.info(f"{progress.NO_DATA}: chưa đơn vị nào báo cáo nhiệm vụ {task}.")
        return
    # Drawn only when opened (a click reruns the page; it stays open from task to task): its
    # long texts were the page's heaviest grid for the browser, drawn on every visit (issue 35).
    box = st.expander(HISTORY_LABEL, key=HISTORY_OPEN, on_change="rerun")
    if not box.open:
        return
    with box:
        display.show(
            history,
            key="task_history",
            share=(task, week, unit),
            audience=display.EVERYONE,
            path=path,
            rows=HISTORY_ROWS,
        )
