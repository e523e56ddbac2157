"""Đôn đốc (HCTC, leaders): the requests of Sở Nội vụ still unanswered (when any), units missing
or late for the week, with their contacts, and a reminder text ready to copy into Zalo or e-mail."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from tracker import settings
from tracker.catalogue import periods
from tracker.metrics import reporting
from tracker.scope import Scope
from tracker.text import fmt_deadline, fmt_pct
from tracker.ui import charts, display, filters, requests_view, shell, tables

ALL_UNITS_OPEN = "don_doc_all_units"  # the expander of every unit's state (its open state)


def render(scope: Scope) -> None:
    path = scope.db
    week = filters.select_week(scope, "Tuần báo cáo", while_waiting="begun")

    st.title("Đôn đốc")
    deadline = fmt_deadline(reporting.deadline(week, path))
    st.caption(f"{periods.label(week)} · hạn nộp {deadline}")
    requests_view.due_section(scope, key="don_doc_requests")

    status = reporting.week_status(week, path)
    rates = reporting.rates(week, path)
    if status.empty:
        st.info("Chưa có dữ liệu: danh mục chưa có đơn vị nào đang hoạt động.")
        st.stop()
    if not rates["expected"]:
        st.info(
            "Tuần này không yêu cầu báo cáo (tuần nghỉ hoặc trước tuần báo cáo đầu tiên).",
            icon=":material/event_busy:",
        )
        st.stop()

    _counts(week, status, rates)
    # Another body's reminder is signed with its name, never the Office's (issue 34).
    signer = None if scope.body in ("", settings.HOME_BODY) else shell.body_name(scope.body)
    _follow_up(week, status, path, signer)
    _trend(week, rates, path)


def _counts(week: str, status: pd.DataFrame, rates: dict) -> None:
    """How many reported, on time, late, missing, and what they are counted on."""
    counts = status["state"].value_counts()
    cols = st.columns(4)
    cols[0].metric(
        "Đã nộp",
        f"{rates['reported']}/{rates['expected']}",
        help=f"Tỷ lệ nộp {fmt_pct(rates['reporting_rate'])}, "
        f"nộp đúng hạn {fmt_pct(rates['on_time_rate'])}",
    )
    cols[1].metric(reporting.ON_TIME, int(counts.get(reporting.ON_TIME, 0)))
    cols[2].metric(reporting.LATE, int(counts.get(reporting.LATE, 0)))
    cols[3].metric(reporting.MISSING, int(counts.get(reporting.MISSING, 0)))
    st.caption(
        f"Tỷ lệ nộp {fmt_pct(rates['reporting_rate'])}, đúng hạn {fmt_pct(rates['on_time_rate'])}. "
        f"Cơ sở: {rates['expected']} đơn vị đang hoạt động phải báo cáo {periods.short_label(week).lower()}; "
        "đúng hạn = lần nộp được chấp nhận đầu tiên không muộn hơn hạn nộp (nộp bổ sung sau vẫn giữ "
        "đúng hạn). Người lập, điện thoại lấy từ báo cáo được chấp nhận gần nhất của đơn vị."
    )


def _follow_up(week: str, status: pd.DataFrame, path: Path, signer: str | None) -> None:
    """The units to remind, the reminder text, every unit's state."""
    st.subheader("Đơn vị cần đôn đốc")
    follow = reporting.follow_up(week, path)
    if follow.empty:
        st.success("Tất cả các đơn vị đã nộp báo cáo đúng hạn.", icon=":material/task_alt:")
    else:
        display.show(tables.status_table(follow, path), key="follow_table")

    st.subheader("Nội dung nhắc (sao chép vào Zalo hoặc thư điện tử)")
    st.code(reporting.reminder_text(week, path=path, signer=signer), language=None, wrap_lines=True)

    # Drawn only when opened (a click reruns the page): a grid in a closed expander is still
    # built and drawn by the browser on every visit, here every unit of the scope (issue 35).
    box = st.expander("Tình hình nộp của tất cả đơn vị", key=ALL_UNITS_OPEN, on_change="rerun")
    if box.open:
        with box:
            display.show(tables.status_table(status, path), key="status_table")


def _trend(week: str, rates: dict, path: Path) -> None:
    """The on-time rate week by week, once there are two weeks to draw."""
    trend = reporting.trend(week, path=path)
    if len(trend) <= 1:
        return
    basis = tables.reporting_basis(week, rates)
    st.plotly_chart(
        charts.trend_line(
            trend["period"],
            trend["on_time_rate"],
            title="Tỷ lệ đơn vị nộp đúng hạn theo tuần",
            basis=basis,
            name="Nộp đúng hạn",
        ),
        width="stretch",
        key="on_time_trend",
    )
