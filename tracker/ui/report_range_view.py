"""The Xuất dữ liệu page's report section: the period (Nghị định 09/2019 presets with a year, the
week's month or week, or any dates), the Báo cáo tổng hợp workbook, and for leaders and admins the
Báo cáo (.docx) to Sở Nội vụ with that workbook as its Phụ lục (a second download, same dates)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from tracker import wording
from tracker.accounts.auth import User
from tracker.catalogue import issuer, periods
from tracker.exports import export
from tracker.ui import filters

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Button = Callable[..., None]


def pick_range(week: str) -> tuple[Any, Any, dict[str, Any]]:
    """The chosen dates and the options naming them (period and year for a decree period)."""
    preset = filters.select(
        "Khoảng thời gian",
        list(periods.PRESETS),
        key="range",
        default="thang",
        format_func=periods.PRESETS.get,
        sidebar=False,
    )
    if preset in periods.DECREE_PERIODS:
        this_year = int(week[:4])
        years = [str(y) for y in range(this_year + 1, this_year - 3, -1)]
        year = filters.select(
            "Năm báo cáo", years, key="report_year", default=str(this_year), sidebar=False
        )
        start, end = periods.preset_range(preset, week, int(year))
        return start, end, {"period": preset, "year": int(year)}
    if preset == "tuy_chon":
        default_from, default_to = periods.preset_range("thang", week)
        cols = st.columns(2)
        start = cols[0].date_input(
            "Từ ngày", value=default_from, format="DD/MM/YYYY", key="report_from"
        )
        end = cols[1].date_input("Đến ngày", value=default_to, format="DD/MM/YYYY", key="report_to")
    else:
        start, end = periods.preset_range(preset or "thang", week)
    return start, end, {"date_from": start, "date_to": end}


def _baocao(user: User, button: Button, start: date, end: date, options: dict, path: Path) -> None:
    st.subheader("Báo cáo gửi Sở Nội vụ (.docx)")
    if user.role not in export.BAOCAO_ROLES:
        st.caption("Báo cáo gửi Sở Nội vụ dành cho tài khoản Lãnh đạo và Quản trị.")
        return
    number = st.text_input(
        "Số báo cáo (để trống để văn thư ghi số khi phát hành)", key="baocao_number", max_chars=6
    ).strip()
    if number and not number.isdigit():
        st.error("Số báo cáo phải là số nguyên dương, ví dụ 25.")
        return
    title = periods.period_title(options.get("period"), options.get("year"), start, end)
    words = wording.of_file(path)
    st.caption(
        f"Báo cáo {title} theo thể thức Nghị định 30/2020/NĐ-CP, soạn sẵn từ số liệu; những chỗ "
        f"[{issuer.of(path).marker} …] (tô vàng) để {words.admin} viết nhận định hoặc kiểm tra "
        "rồi xóa. "
        "Phụ lục I (theo nhiệm vụ) nằm trong Báo cáo; Phụ lục II - V (từng đơn vị, vướng mắc, "
        "mô hình, điểm tự chấm) là tệp Excel kèm theo, cùng số và ngày với Báo cáo. "
        + _setup_note(user, words)
    )
    cols = st.columns(2)
    with cols[0]:
        button(
            "Báo cáo gửi Sở Nội vụ (.docx)", "baocao", DOCX, "dl_baocao", number=number, **options
        )
    with cols[1]:
        button(
            "Phụ lục II - V kèm Báo cáo (.xlsx)",
            "phu_luc",
            XLSX,
            "dl_phu_luc",
            number=number,
            **options,
        )


def _setup_note(user: User, words: wording.Words) -> str:
    """Where the signer, the recipients and the layout come from: for HCTC, which settings and
    file to edit; for a leader, who sets them (no parameter names or file paths)."""
    if user.role == "quan_tri":
        return (
            "Người ký và Nơi nhận lấy từ tham số report_* (Quản trị > Danh mục); mẫu trình bày là "
            "tệp data/bao_cao_mau.docx."
        )
    return f"Người ký, Nơi nhận và mẫu trình bày do {words.admin} thiết lập."


def report_section(
    user: User, week: str, button: Button, xlsx: str, csv: str, path: Path
) -> tuple[date, date] | None:
    """The period picker, the workbook and range CSV, then the Báo cáo (leaders and admins);
    returns the dates chosen (None when they are not valid). Reads the database at `path`."""
    st.subheader("Báo cáo theo kỳ hoặc khoảng thời gian")
    st.caption(
        "Kỳ báo cáo theo Nghị định 09/2019/NĐ-CP (Điều 12): số liệu tính từ ngày 15/12 năm trước "
        "đến ngày 14 của tháng cuối kỳ."
    )
    start, end, options = pick_range(week)
    if not isinstance(start, date) or not isinstance(end, date) or start > end:
        st.error("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
        return None
    stop, note = export.data_until(start, end, path)
    if stop is None:
        st.warning(note, icon=":material/event_busy:")
        return None
    st.caption(
        f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}: kết quả và chỉ số của các tuần có "
        f"ngày thứ Năm trong khoảng; {note}. In khổ A4 ngang, lặp dòng tiêu đề."
    )
    dates = {"date_from": start, "date_to": end}
    button("Báo cáo tổng hợp (.xlsx)", "report", xlsx, "dl_report", **dates)
    button("Chỉ số trong khoảng (CSV)", "indicators", csv, "dl_indicators_range", **dates)
    _baocao(user, button, start, end, options, path)
    return start, end
