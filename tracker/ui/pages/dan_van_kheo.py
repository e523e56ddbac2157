"""Dân vận khéo: the register of models by unit, field and status, its chart and each model's
history in lazy tabs (tracker/ui/models_view.py), export."""

from __future__ import annotations

import streamlit as st

from tracker.catalogue import plan
from tracker.ingest.contract import MODEL_STATUSES
from tracker.metrics import models_register
from tracker.scope import Scope
from tracker.ui import filters, models_view


def render(scope: Scope) -> None:
    path = scope.db
    st.title("Dân vận khéo")
    st.caption(
        "Mô hình, điển hình “Dân vận khéo” do các đơn vị đăng ký và cập nhật trong trang tính "
        "“Dân vận khéo” của báo cáo tuần (theo bảng mới nhất của mỗi đơn vị). "
        "Trạng thái: Đăng ký → Đang thực hiện → Được công nhận → Nhân rộng."
    )

    unit = filters.select_unit(scope)
    field = filters.select_any(
        "Lĩnh vực",
        plan.model_fields(path, active_only=False),
        key="field",
        all_label=f"{filters.ALL_LABEL} lĩnh vực",
    )
    status = filters.select_any(
        "Trạng thái",
        [*MODEL_STATUSES, models_register.NO_STATUS],
        key="status",
        all_label=f"{filters.ALL_LABEL} trạng thái",
    )

    view = models_view.register_view(path, scope.year, unit, field, status)
    shown = view.shown

    cols = st.columns(1 + len(view.counts))
    cols[0].metric("Số mô hình", len(shown))
    for col, (name, count) in zip(cols[1:], view.counts.items(), strict=True):
        col.metric(name, count)

    if view.table is None:
        st.info("Chưa có mô hình nào phù hợp với bộ lọc (hoặc chưa đơn vị nào đăng ký mô hình).")
    else:
        models_view.sections(scope, view)

    st.download_button(
        "Tải danh sách mô hình (CSV)",
        models_view.models_csv(path, scope.year),
        file_name="dan-van-kheo.csv",
        mime="text/csv",
        on_click="ignore",
        key="models_csv",
    )
    st.caption(
        "Nếu Excel dồn các cột vào một cột, hãy dùng Báo cáo tổng hợp (.xlsx) ở trang Xuất dữ liệu."
    )
