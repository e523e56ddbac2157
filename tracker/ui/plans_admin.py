"""Quản trị › Kế hoạch: the plans (one per year), loading a year's task list (checked, previewed
with every problem, then committed), and next year's draft copied from this year's. The same
functions as `python -m tracker plan load|copy|list` (tracker/catalogue/plan_loading.py)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from tracker.catalogue import plan_loading, plans
from tracker.roles import User
from tracker.ui import display, flash

FLASH = "plans_admin_flash"


def plans_tab(user: User) -> None:
    flash.show(FLASH, icon=":material/check_circle:")
    st.caption(
        "Mỗi năm một Kế hoạch: danh mục nhiệm vụ, tiêu đề mục, tham số (tuần báo cáo đầu tiên, "
        "hạn nộp, xếp loại) và bộ tiêu chí riêng. Tuần báo cáo thuộc Kế hoạch của năm ISO của "
        "tuần đó; sửa nhiệm vụ, tham số của một Kế hoạch ở thẻ Danh mục (chọn năm ở thanh bên)."
    )
    display.show(plan_loading.table(), key="plans_table")
    _copy_form(user)
    _load_form(user)


def _copy_form(user: User) -> None:
    st.subheader("Chép sang năm sau (bản nháp)")
    known = plans.years()
    source = st.selectbox("Từ Kế hoạch năm", known[::-1], key="plan_copy_from")
    target = st.number_input(
        "Sang năm", min_value=2000, max_value=2100, value=int(source) + 1, key="plan_copy_to"
    )
    st.caption(
        "Giữ nguyên nhiệm vụ, tiêu đề mục, phân công; ngày bắt đầu, kết thúc chuyển sang năm "
        "mới; số và ngày ban hành để trống; tham số và bộ tiêu chí chép theo năm trước."
    )
    if st.button("Chép Kế hoạch", key="plan_copy"):
        _done(lambda: plan_loading.copy(user, int(source), int(target)))


def _load_form(user: User) -> None:
    st.subheader("Nạp Kế hoạch một năm từ tệp")
    st.caption(
        "Tệp nhiệm vụ (.csv UTF-8 hoặc .xlsx) có các cột như data/tasks.csv; tệp tiêu đề mục "
        "(không bắt buộc) như data/task_groups.csv. Nạp lại cho một năm đã có báo cáo không mất "
        "gì: nhiệm vụ giữ mã thì giữ lịch sử; nhiệm vụ bị bỏ mà đã có báo cáo thì được lưu trữ."
    )
    year = st.number_input(
        "Năm của Kế hoạch",
        min_value=2000,
        max_value=2100,
        value=max(plans.years()),
        key="plan_year",
    )
    number = st.text_input("Số Kế hoạch (ví dụ 05/KH-VPUB)", key="plan_number")
    issued = st.text_input("Ngày ban hành (dd/mm/yyyy)", key="plan_date")
    tasks = st.file_uploader("Tệp nhiệm vụ", type=["csv", "xlsx"], key="plan_tasks_file")
    groups = st.file_uploader("Tệp tiêu đề mục", type=["csv", "xlsx"], key="plan_groups_file")
    if tasks is None:
        return
    files = _files(tasks, groups, number, issued)
    checked = plan_loading.check(int(year), files)
    if checked.problems:
        st.error("Chưa nạp được vì có lỗi; sửa tệp rồi tải lên lại:")
        st.dataframe({"Lỗi": checked.problems}, hide_index=True, key="plan_problems")
        return
    _preview(checked)
    if st.button("Nạp Kế hoạch", type="primary", key="plan_load"):
        _done(lambda: plan_loading.load(user, int(year), files))


def _files(
    tasks: UploadedFile, groups: UploadedFile | None, number: str, issued: str
) -> plan_loading.PlanFiles:
    return plan_loading.PlanFiles(
        tasks=tasks.getvalue(),
        tasks_name=tasks.name,
        groups=groups.getvalue() if groups else None,
        groups_name=groups.name if groups else "task_groups.csv",
        number=number or None,
        issued_on=issued or None,
    )


def _preview(checked: plan_loading.Checked) -> None:
    change = plan_loading.changes(checked)
    labels = {
        "kept": "Giữ nguyên mã",
        "added": "Nhiệm vụ mới",
        "retired": "Bỏ, đã có báo cáo: lưu trữ",
        "deleted": "Bỏ, chưa có báo cáo: xóa",
    }
    st.success(f"Tệp hợp lệ: {len(checked.tasks)} nhiệm vụ. Kiểm tra lại trước khi nạp:")
    st.dataframe(
        {labels[k]: [", ".join(v) or "—"] for k, v in change.items()},
        hide_index=True,
        key="plan_changes",
    )
    preview = pd.DataFrame(checked.tasks)[
        ["code", "short_title", "lead_unit", "start_date", "due_date", "kind"]
    ]
    st.dataframe(preview, hide_index=True, key="plan_preview")


def _done(action: Callable[[], plan_loading.Loaded]) -> None:
    try:
        loaded = action()
    except plan_loading.PlanFileError as exc:
        st.error("\n".join(exc.problems))
        return
    flash.keep(FLASH, " ".join(loaded.lines()))
    st.rerun()
