"""Dân vận khéo: the register of models by unit, field and status, each model's history, export."""

import streamlit as st

from tracker.catalogue import plan
from tracker.ingest.contract import MODEL_STATUSES
from tracker.metrics import models_register, scoring
from tracker.ui import display, filters, models_view, score_charts, shell, tables

user = shell.frame("dan_van_kheo")
st.title("Dân vận khéo")
st.caption(
    "Mô hình, điển hình “Dân vận khéo” do các đơn vị đăng ký và cập nhật trong trang tính "
    "“Dân vận khéo” của báo cáo tuần (theo bảng mới nhất của mỗi đơn vị). "
    "Trạng thái: Đăng ký → Đang thực hiện → Được công nhận → Nhân rộng."
)

unit = filters.select_unit(user)
field = filters.select_any(
    "Lĩnh vực",
    plan.model_fields(active_only=False),
    key="field",
    all_label=f"{filters.ALL_LABEL} lĩnh vực",
)
status = filters.select_any(
    "Trạng thái",
    [*MODEL_STATUSES, models_register.NO_STATUS],
    key="status",
    all_label=f"{filters.ALL_LABEL} trạng thái",
)

register = models_register.register()
shown = models_register.filtered(register, unit=unit, field=field, status=status)

counts = models_register.status_counts(shown)
cols = st.columns(1 + len(counts))
cols[0].metric("Số mô hình", len(shown))
for col, (name, count) in zip(cols[1:], counts.items(), strict=True):
    col.metric(name, count)

if shown.empty:
    st.info("Chưa có mô hình nào phù hợp với bộ lọc (hoặc chưa đơn vị nào đăng ký mô hình).")
else:
    basis = (
        f"{len(shown)} mô hình của {shown['unit_code'].nunique()} đơn vị, "
        "theo bảng “Dân vận khéo” mới nhất của mỗi đơn vị"
    )
    st.plotly_chart(
        score_charts.models_by_field(models_register.field_status_matrix(shown), basis),
        key="models_chart",
        config={"displayModeBar": False},
    )
    models_view.show_register(shown)
    models_view.recognition_form(user, shown)

    st.subheader("Quá trình của một mô hình")
    choices = {
        f"{r.unit_code}|{r.model_key}": f"{r.unit_code} — {r.name}" for r in shown.itertuples()
    }
    chosen = st.selectbox("Mô hình", list(choices), format_func=choices.get, key="history_model")
    if chosen:
        unit_code, model_key = chosen.split("|", 1)
        history = models_register.history(unit_code, model_key)
        display.show(tables.model_history_table(history), key="models_history")
        st.caption(
            "Mỗi dòng là một lần nộp báo cáo có trang “Dân vận khéo”, kể cả bản đã thay thế."
        )

st.download_button(
    "Tải danh sách mô hình (CSV)",
    scoring.models_csv(),
    file_name="dan-van-kheo.csv",
    mime="text/csv",
    on_click="ignore",
    key="models_csv",
)
st.caption(
    "Nếu Excel dồn các cột vào một cột, hãy dùng Báo cáo tổng hợp (.xlsx) ở trang Xuất dữ liệu."
)
