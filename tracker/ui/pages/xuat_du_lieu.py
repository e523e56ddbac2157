"""Xuất dữ liệu: the CSV exports as of a week (scores and models too), the Báo cáo tổng hợp (.xlsx)
for a report period or date range and, for leaders and admins, the Báo cáo (.docx) to Sở Nội vụ
with its annex workbook; files are built only when a button is clicked. Inside a city (issue 34)
the body's leader approves and its administrator submits its periodic Báo cáo to Sở Nội vụ, and
both answer Sở Nội vụ's requests (tracker/ui/city_reports_view.py)."""

from __future__ import annotations

import streamlit as st

from tracker import wording
from tracker.catalogue import criteria, periods
from tracker.exports import export
from tracker.metrics import progress
from tracker.scope import Scope
from tracker.ui import city_reports_view, filters, report_range_view, requests_view

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(scope: Scope) -> None:
    week = filters.select_week(scope)

    st.title("Xuất dữ liệu")
    st.info(
        "Tệp CSV mã hóa UTF-8, phân cách bằng dấu phẩy, số thập phân dùng dấu chấm. Excel cài đặt "
        "vùng Việt Nam tách cột bằng dấu chấm phẩy (;) nên có thể dồn mọi cột vào một cột: khi đó "
        "hãy dùng tệp .xlsx (Báo cáo tổng hợp), hoặc mở CSV qua Dữ liệu > Từ Văn bản/CSV (Data > From Text/CSV) và chọn dấu phẩy. "
        "Để Excel không chạy nội dung như công thức, đoạn văn bản bắt đầu bằng =, +, -, @ (kể cả "
        "đoạn sau dấu ; hoặc dấu tab) được thêm dấu nháy ' ở đầu.",
        icon=":material/info:",
    )

    def button(label: str, kind: str, mime: str, key: str, **options: object) -> None:
        """A download of export `kind` of the scope's database, built only on a click."""
        st.download_button(
            label,
            data=lambda: export.download(scope.user, kind, path=scope.db, **options),
            file_name=export.file_name(kind, **options, path=scope.db),
            mime=mime,
            key=key,
            on_click="ignore",
            icon=":material/download:",
        )

    _week_exports(scope, week, button)
    dates = report_range_view.report_section(scope.user, week, button, XLSX, CSV, scope.db)
    if dates:
        requests_view.requests_section(scope, button, *dates)
    city_reports_view.section(scope)  # only inside a city (a registry), for its two actors


def _week_exports(scope: Scope, week: str, button: report_range_view.Button) -> None:
    """The CSV files as of `week`, or why that week cannot be exported yet."""
    st.subheader(f"Số liệu đến hết {periods.label(week)}")
    st.caption(
        "Tỷ lệ hoàn thành do đơn vị tự đánh giá; mỗi đơn vị lấy báo cáo gần nhất đến hết tuần."
    )
    if refusal := export.week_refusal(week, scope.db):  # a week still being reported is not data
        st.warning(refusal, icon=":material/event_busy:")
    else:
        button("Tổng hợp theo nhiệm vụ (CSV)", "summary", CSV, "dl_summary", week=week)
        button("Chi tiết đơn vị × nhiệm vụ (CSV)", "detail", CSV, "dl_detail", week=week)
        button("Chỉ số từ đầu năm (CSV)", "indicators", CSV, "dl_indicators", week=week)
        button("Điểm tự chấm đến hết tuần (CSV)", "scores", CSV, "dl_scores", week=week)
        button('Mô hình "Dân vận khéo" đến hết tuần (CSV)', "models", CSV, "dl_models", week=week)
    # Wherever scores appear, say the set is provisional.
    if criteria.active_set(scope.db, year=scope.year)["provisional"]:
        loader = wording.of_file(scope.db).criteria_loader
        st.caption(
            progress.PROVISIONAL_NOTE.format(loader=loader)
            + " Điểm trong tệp chỉ có tính tham khảo."
        )
