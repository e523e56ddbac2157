"""Quản trị › Danh mục: the year's reporting calendar (week, deadline, exempt or not, why) and
the Office's days off and working days added to the public holidays (data/calendar.csv).

The data and the checks live in tracker/catalogue/calendar.py and workdays.py; saving is checked
again there (role, validation, audit), so this module only lays out widgets, for the database
of the page's scope.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from tracker.accounts.auth import User
from tracker.catalogue import calendar, catalogues, workdays
from tracker.scope import Scope
from tracker.ui import admin_tables, flash

SAVED = "calendar_saved"  # flash key: the save message, shown after the rerun
DAY = "DD/MM/YYYY"
CALENDAR_COLUMNS = {
    "Thứ Hai": st.column_config.DateColumn(format=DAY),
    "Chủ nhật": st.column_config.DateColumn(format=DAY),
    "Hạn nộp": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm"),
    "Khóa tuần từ": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm"),
    "Lý do": st.column_config.TextColumn(width="large"),
}


def calendar_section(scope: Scope) -> None:
    """The reporting calendar of a year, then the override table with its save button."""
    st.subheader("Lịch báo cáo và ngày nghỉ")
    st.caption(
        "Hạn nộp rơi vào ngày nghỉ (lễ, Tết, nghỉ bù) được dời sang ngày làm việc kế tiếp, cùng "
        "giờ (Bộ luật Dân sự 2015, Điều 148 khoản 5). Tuần không có ngày làm việc nào (như Tết) "
        "tự được miễn báo cáo; tham số exempt_weeks miễn thêm tuần khác. Ngày lễ theo quy định "
        "của Nhà nước; ngày nghỉ bù, ngày làm việc bù theo quyết định hằng năm của Chính phủ "
        "thì thêm ở bảng bên dưới."
    )
    year = st.number_input(
        "Năm",
        min_value=2000,
        max_value=2100,
        value=scope.year,
        step=1,
        key="calendar_year",
    )
    table = calendar.year_calendar(int(year), scope.db)
    if not table["known"].all():
        st.warning(calendar.UNKNOWN_NOTE)
    st.dataframe(
        admin_tables.calendar_view(table),
        hide_index=True,
        width="stretch",
        column_config=CALENDAR_COLUMNS,
        key="calendar_table",
    )
    _overrides(scope.user, scope.db)


def _overrides(user: User, path: Path) -> None:
    st.markdown("**Ngày nghỉ, ngày làm việc bổ sung** (tệp data/calendar.csv)")
    st.caption(
        "Loại 'nghi': thêm một ngày nghỉ (nghỉ bù); 'lam_viec': thêm một ngày làm việc (làm việc "
        "bù vào thứ Bảy, hoặc đi làm vào một ngày lễ). Mỗi dòng một ngày, ghi lý do (ví dụ số "
        "văn bản). Lưu xong, lịch báo cáo ở trên được tính lại."
    )
    # A new editor key after each save: the widget's pending edits must not be applied twice.
    version = st.session_state.setdefault("calendar_version", 0)
    edited = st.data_editor(
        calendar.override_frame(path),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"calendar_editor_{version}",
        column_config={
            "date": st.column_config.DateColumn(
                "Ngày", format=DAY, help="Cột `date` trong tệp calendar.csv"
            ),
            "kind": st.column_config.SelectboxColumn(
                "Loại",
                options=list(workdays.KINDS),
                format_func=workdays.KINDS.get,
                help="Cột `kind` trong tệp calendar.csv",
            ),
            "reason": st.column_config.TextColumn(
                "Lý do", width="large", help="Cột `reason` trong tệp calendar.csv"
            ),
        },
    )
    flash.show(SAVED)
    left, right = st.columns(2)
    if left.button("Lưu ngày nghỉ, ngày làm việc", type="primary", key="save_calendar"):
        _save(user, edited, version, path)
    right.download_button(
        "Tải tệp calendar.csv",
        calendar.export_overrides(user, path),
        file_name=workdays.FILE,
        mime="text/csv",
        on_click="ignore",
        key="export_calendar",
        icon=":material/download:",
    )


def _save(user: User, edited: pd.DataFrame, version: int, path: Path) -> None:
    try:
        changed = calendar.save_overrides(edited, user, path)
    except catalogues.CatalogueError as exc:
        st.error("Chưa lưu vì có lỗi. Sửa các dòng sau rồi lưu lại:")
        st.dataframe({"Lỗi": exc.problems}, hide_index=True, key="calendar_problems")
        return
    if changed:
        st.session_state["calendar_version"] = version + 1
        flash.keep(
            SAVED, f"Đã lưu {changed} ngày thay đổi và tính lại lịch báo cáo (đã ghi nhật ký)."
        )
        st.rerun()
    st.info("Không có thay đổi nào để lưu.")
