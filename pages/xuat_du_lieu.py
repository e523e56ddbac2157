"""Xuất dữ liệu: the CSV exports as of a week and the Báo cáo tổng hợp (.xlsx) for a date range;
files are built only when a button is clicked."""

from datetime import date

import streamlit as st

from tracker.catalogue import criteria, periods
from tracker.exports import export
from tracker.metrics import progress
from tracker.ui import filters, shell

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

user = shell.frame("xuat_du_lieu")
week = filters.select_week()

st.title("Xuất dữ liệu")
st.info(
    "Tệp CSV mã hóa UTF-8, phân cách bằng dấu phẩy, số thập phân dùng dấu chấm. Excel cài đặt "
    "vùng Việt Nam tách cột bằng dấu chấm phẩy (;) nên có thể dồn mọi cột vào một cột: khi đó "
    "hãy dùng tệp .xlsx (Báo cáo tổng hợp), hoặc mở CSV qua Data > From Text/CSV và chọn dấu phẩy. "
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
_button("Tổng hợp theo nhiệm vụ (CSV)", "summary", CSV, "dl_summary", week=week)
_button("Chi tiết đơn vị × nhiệm vụ (CSV)", "detail", CSV, "dl_detail", week=week)
_button("Chỉ số từ đầu năm (CSV)", "indicators", CSV, "dl_indicators", week=week)
_button(f"Điểm tự chấm năm {week[:4]} (CSV)", "scores", CSV, "dl_scores", week=week)
if criteria.active_set()["provisional"]:  # wherever scores appear, say the set is provisional
    st.caption(progress.PROVISIONAL_NOTE + " Điểm trong tệp chỉ có tính tham khảo.")
_button('Mô hình "Dân vận khéo" (CSV)', "models", CSV, "dl_models")

st.subheader("Báo cáo tổng hợp (.xlsx) theo khoảng thời gian")
preset = filters.select(
    "Khoảng thời gian",
    list(periods.PRESETS),
    key="range",
    default="thang",
    format_func=periods.PRESETS.get,
    sidebar=False,
)
if preset == "tuy_chon":
    default_from, default_to = periods.preset_range("thang", week)
    cols = st.columns(2)
    start = cols[0].date_input(
        "Từ ngày", value=default_from, format="DD/MM/YYYY", key="report_from"
    )
    end = cols[1].date_input("Đến ngày", value=default_to, format="DD/MM/YYYY", key="report_to")
else:
    start, end = periods.preset_range(preset, week)

if not isinstance(start, date) or not isinstance(end, date) or start > end:
    st.error("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
else:
    as_of = periods.as_of_week(end)
    st.caption(
        f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}: kết quả và chỉ số của các tuần có "
        f"ngày thứ Năm trong khoảng; trạng thái, vướng mắc và mô hình tính đến hết "
        f"{periods.label(as_of)}. In khổ A4 ngang, lặp dòng tiêu đề."
    )
    _button("Báo cáo tổng hợp (.xlsx)", "report", XLSX, "dl_report", date_from=start, date_to=end)
    _button(
        "Chỉ số trong khoảng (CSV)",
        "indicators",
        CSV,
        "dl_indicators_range",
        date_from=start,
        date_to=end,
    )
