"""Sở Nội vụ's Báo cáo to UBND thành phố on the city's page (issue 34): a period of the scope's year
(quý I, 6 tháng, 9 tháng, năm), how many bodies have sent their Báo cáo of it, and the .docx and
its .xlsx annex compiled from the submitted snapshots (tracker/city/baocao_tp.py) to download.

For Sở Nội vụ's officers and leaders only (permission export_city; the domain checks it again):
any other role sees nothing of it. The scope's db is the city registry. The files are made when
asked ("Lập báo cáo": up to a few seconds at the city's 133 bodies) and kept for this session and
period until asked again.
"""

from __future__ import annotations

import streamlit as st

from tracker import roles
from tracker.catalogue import periods
from tracker.city import baocao_tp, baocao_tp_files, reports
from tracker.scope import Scope
from tracker.text import fmt_datetime
from tracker.ui.report_range_view import DOCX, XLSX

TITLE = "Báo cáo gửi UBND thành phố"
MADE = "city_baocao_made"  # session key: {(year, period): (made at, docx, xlsx)}


def _title(period: str, year: int) -> str:
    title = f"{periods.DECREE_TITLES[period]} {year}"
    return title[0].upper() + title[1:]


def section(scope: Scope) -> None:
    """The whole section; nothing at all for a role without export_city."""
    user = scope.user
    if not roles.can(user, "export_city") or scope.year is None:
        return
    year = int(scope.year)
    reg = scope.db
    st.subheader(TITLE)
    st.caption(
        "Tổng hợp chỉ từ các Báo cáo định kỳ các cơ quan đã gửi Sở Nội vụ (bản gửi gần nhất của "
        "mỗi cơ quan); không đọc số liệu đang cập nhật của cơ quan."
    )
    period = st.selectbox(
        "Kỳ báo cáo",
        reports.PERIODS,
        format_func=lambda p: _title(p, year),
        key="city_baocao_period",
    )
    f = baocao_tp.gather_for(user, year, period, reg)
    n = f.by_kind()["all"]
    sent = n[reports.ON_TIME] + n[reports.LATE]
    st.write(
        f"Hạn gửi {f.due:%d/%m/%Y}. Đã gửi {sent}/{n['expected']} cơ quan "
        f"(đúng hạn {n[reports.ON_TIME]}, trễ hạn {n[reports.LATE]}); chưa gửi: "
        f"{n[reports.MISSING]} quá hạn, {n[reports.NOT_DUE]} chưa đến hạn."
    )
    made = st.session_state.setdefault(MADE, {})
    if st.button("Lập báo cáo", key="city_baocao_make"):
        docx, xlsx = baocao_tp_files.report_docx(f), baocao_tp_files.annex_xlsx(f)
        made[(year, period)] = (f.made_at, docx, xlsx)
    if (year, period) not in made:
        return
    when, docx, xlsx = made[(year, period)]
    st.caption(f"Lập lúc {fmt_datetime(when)}.")
    left, right = st.columns(2)
    left.download_button(
        "Báo cáo gửi UBND thành phố (.docx)",
        data=docx,
        file_name=baocao_tp_files.file_name(year, period),
        mime=DOCX,
        key="city_baocao_docx",
    )
    right.download_button(
        "Phụ lục số liệu (.xlsx)",
        data=xlsx,
        file_name=baocao_tp_files.annex_file_name(year, period),
        mime=XLSX,
        key="city_baocao_xlsx",
    )
