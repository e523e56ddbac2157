"""Xuất dữ liệu: the CSV exports as of a week (scores and models too), the Báo cáo tổng hợp (.xlsx)
for a report period or date range and, for leaders and admins, the Báo cáo (.docx) to Sở Nội vụ
with its annex workbook; files are built only when a button is clicked."""

import streamlit as st

from tracker.catalogue import criteria, periods
from tracker.exports import export
from tracker.metrics import progress
from tracker.ui import filters, report_range_view, requests_view, shell

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

user = shell.frame("xuat_du_lieu")
week = filters.select_week()

st.title("Xuất dữ liệu")
st.info(
    "Tệp CSV mã hóa UTF-8, phân cách bằng dấu phẩy, số thập phân dùng dấu chấm. Excel cài đặt "
    "vùng Việt Nam tách cột bằng dấu chấm phẩy (;) nên có thể dồn mọi cột vào một cột: khi đó "
    "hãy dùng tệp .xlsx (Báo cáo tổng hợp), hoặc mở CSV qua Dữ liệu > Từ Văn bản/CSV (Data > From Text/CSV) và chọn dấu phẩy. "
    "Để Excel không chạy nội dung như công thức, đoạn văn bản bắt đầu bằng =, +, -, @ (kể cả "
    "đoạn sau dấu ; hoặc dấu tab) được thêm dấu nháy ' ở đầu.",
    icon=":material/info:",
)


def _button(label: str, kind: str, mime: str, key: str, **options: object) -> None:
    st.download_button(
        label,
        data=lambda: export.download(user, kind, **options),
        file_name=export.file_name(kind, **options),
        mime=mime,
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


st.subheader(f"Số liệu đến hết {periods.label(week)}")
st.caption("Tỷ lệ hoàn thành do đơn vị tự đánh giá; mỗi đơn vị lấy báo cáo gần nhất đến hết tuần.")
if refusal := export.week_refusal(week):  # a week still being reported is not data yet
    st.warning(refusal, icon=":material/event_busy:")
else:
    _button("Tổng hợp theo nhiệm vụ (CSV)", "summary", CSV, "dl_summary", week=week)
    _button("Chi tiết đơn vị × nhiệm vụ (CSV)", "detail", CSV, "dl_detail", week=week)
    _button("Chỉ số từ đầu năm (CSV)", "indicators", CSV, "dl_indicators", week=week)
    _button("Điểm tự chấm đến hết tuần (CSV)", "scores", CSV, "dl_scores", week=week)
    _button('Mô hình "Dân vận khéo" đến hết tuần (CSV)', "models", CSV, "dl_models", week=week)
if criteria.active_set(year=filters.plan_year())[
    "provisional"
]:  # wherever scores appear, say the set is provisional
    st.caption(progress.PROVISIONAL_NOTE + " Điểm trong tệp chỉ có tính tham khảo.")

dates = report_range_view.report_section(user, week, _button, XLSX, CSV)
if dates:
    requests_view.requests_section(user, _button, *dates)
