"""Tổng quan page body (kept in the package so app.py stays a thin entry point).

One column of sections, so it reads on a ≈390 px phone: the unit's deadline banner, the key
figures, tasks by status, this week's reporting grid, and the weekly trends.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.accounts.auth import User
from tracker.catalogue import periods
from tracker.metrics import difficulties, progress, reporting
from tracker.text import fmt_datetime, fmt_pct
from tracker.ui import charts, filters, tables

GRID_STATES = (reporting.ON_TIME, reporting.LATE, reporting.MISSING)
OPEN_SHOWN = 5  # open difficulties listed on Tổng quan; the rest are on Vướng mắc


def reporting_grid(status: pd.DataFrame) -> pd.DataFrame:
    """One row per unit: code, this week's state (Đúng hạn / Trễ hạn / Chưa nộp), name, time.

    The code and the state come first: on a ≈390 px phone the table shows two columns, and
    three tick-box columns after the unit's full name were off screen.
    """
    return pd.DataFrame(
        {
            "Đơn vị": status["unit_code"],
            "Tình trạng": status["state"],
            "Tên đơn vị": status["unit_name"],
            "Nộp lần đầu lúc": [
                fmt_datetime(t.to_pydatetime()) if pd.notna(t) else ""
                for t in status["first_upload"]
            ],
        }
    )


def open_difficulties(items: pd.DataFrame) -> pd.DataFrame:
    """The newest open difficulties for Tổng quan: unit, task, content, when (short on a phone)."""
    items = items.head(OPEN_SHOWN)
    return pd.DataFrame(
        {
            "Đơn vị": items["unit_code"],
            "Nhiệm vụ": items["task_code"].fillna("—"),
            "Khó khăn, vướng mắc": items["content"],
            "Ngày nêu": [
                fmt_datetime(pd.Timestamp(t).to_pydatetime()) for t in items["reported_at"]
            ],
        }
    )


def render(user: User) -> None:
    week = filters.select_week()
    st.title("Tổng quan")
    st.caption(
        "Kế hoạch công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở năm 2026 - "
        f"Văn phòng UBND thành phố Cần Thơ · số liệu đến hết {periods.label(week)}"
    )
    if user.role == "don_vi" and user.unit_code:
        _banner(user.unit_code, week)
    plan = progress.plan_completion(week)
    _key_figures(week, plan)
    if plan.has_data:
        _status_section(week, plan)
    else:
        st.info(
            f"{progress.NO_DATA}: chưa đơn vị nào nộp báo cáo tiến độ đến hết "
            f"{periods.short_label(week).lower()}.",
            icon=":material/info:",
        )
    _reporting_section(week)
    _difficulties_section(week)
    if plan.has_data:
        _trend_section(week, plan)


def _banner(unit_code: str, week: str) -> None:
    text = reporting.deadline_banner(unit_code, week)
    if "chưa nộp" in text:
        st.warning(text, icon=":material/schedule:")
    else:
        st.success(text, icon=":material/task_alt:")


def _key_figures(week: str, plan: progress.PlanCompletion) -> None:
    rates = reporting.rates(week)
    cols = st.columns(3)
    cols[0].metric(
        "Hoàn thành Kế hoạch",
        fmt_pct(plan.value) if plan.has_data else "—",
        help="Bình quân có trọng số tỷ lệ hoàn thành các nhiệm vụ (đơn vị tự đánh giá).",
    )
    cols[1].metric(
        f"Đơn vị đã nộp {periods.short_label(week).lower()}",
        f"{rates['reported']}/{rates['expected']}" if rates["expected"] else "Không yêu cầu",
        help="Đơn vị có báo cáo được chấp nhận cho tuần đang xem / đơn vị phải báo cáo.",
    )
    cols[2].metric("Vướng mắc chưa xử lý", difficulties.open_count(week))
    st.caption(
        f"{progress.SELF_REPORTED} "
        f"{tables.basis(week, plan.units_reported, plan.active_units)}; "
        f"{plan.tasks_reported}/{plan.tasks} nhiệm vụ có báo cáo."
    )


def _status_section(week: str, plan: progress.PlanCompletion) -> None:
    counts = progress.status_counts(week)
    fig = charts.status_bars(counts, tables.basis(week, plan.units_reported, plan.active_units))
    st.plotly_chart(fig, width="stretch", key="overview_status_chart")


def _reporting_section(week: str) -> None:
    st.subheader(f"Tình hình nộp báo cáo {periods.short_label(week).lower()}")
    status = reporting.week_status(week)
    if status.empty:
        st.info(f"{progress.NO_DATA}: chưa có đơn vị nào trong danh mục.")
        return
    if not status["expected"].any():
        st.info("Tuần này không yêu cầu báo cáo (tuần nghỉ hoặc trước tuần báo cáo đầu tiên).")
        return
    counts = status["state"].value_counts()
    st.caption(
        " · ".join(f"{s}: {int(counts.get(s, 0))}" for s in GRID_STATES)
        + f" (trên {int(status['expected'].sum())} đơn vị phải báo cáo)"
    )
    st.dataframe(
        reporting_grid(status),
        hide_index=True,
        width="stretch",
        height="content",  # every unit at once: ten rows cut the eleventh off
        key="overview_grid",
    )


def _difficulties_section(week: str) -> None:
    st.subheader("Vướng mắc chưa xử lý")
    items = difficulties.open_list(week)
    if items.empty:
        st.caption(f"Không có vướng mắc nào chờ xử lý đến hết {periods.short_label(week).lower()}.")
        return
    st.dataframe(
        open_difficulties(items), hide_index=True, width="stretch", key="overview_difficulties"
    )
    more = (
        f"{OPEN_SHOWN} vướng mắc mới nhất trong số {len(items)}. "
        if len(items) > OPEN_SHOWN
        else ""
    )
    st.caption(f"{more}Xem đầy đủ và đánh dấu đã xử lý ở trang Vướng mắc.")
    st.page_link("pages/vuong_mac.py", label="Mở trang Vướng mắc", icon=":material/report:")


def _trend_section(week: str, plan: progress.PlanCompletion) -> None:
    st.subheader("Diễn biến theo tuần")
    trend = progress.plan_trend(week)
    if not trend.empty:
        fig = charts.trend_line(
            trend["week"],
            trend["plan_completion"],
            title="Tỷ lệ hoàn thành Kế hoạch",
            basis=tables.basis(week, plan.units_reported, plan.active_units),
            name="Hoàn thành Kế hoạch",
        )
        st.plotly_chart(fig, width="stretch", key="overview_plan_trend")
    rates = reporting.trend(week)
    if not rates.empty:
        last = reporting.rates(week)
        basis = (
            f"{last['reported']}/{last['expected']} đơn vị đã báo cáo, số liệu đến hết "
            f"{periods.short_label(week).lower()}; tuần không yêu cầu báo cáo để trống"
        )
        fig = charts.trend_line(
            rates["period"],
            rates["reporting_rate"],
            title="Tỷ lệ đơn vị nộp báo cáo",
            basis=basis,
            name="Tỷ lệ nộp báo cáo",
        )
        st.plotly_chart(fig, width="stretch", key="overview_reporting_trend")
