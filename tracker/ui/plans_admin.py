"""Quản trị › Kế hoạch: the plans (one per year), next year's draft copied from this year's, a
plan's number, date and first reporting week (each alone), the plan as a workbook to edit, and
loading a year's task list (checked, previewed with every problem, then committed), all of the
database of the page's scope (`path`). The same functions as `python -m tracker plan
copy|set|export|load|list` (tracker/catalogue/)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from tracker.catalogue import periods, plan_files, plan_loading, plans, year_start
from tracker.roles import User
from tracker.scope import Scope
from tracker.ui import display, flash

FLASH = "plans_admin_flash"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEEP = ""  # the first-week option that keeps the stored week (or takes the default)


def plans_tab(scope: Scope) -> None:
    user, path = scope.user, scope.db
    flash.show(FLASH, icon=":material/check_circle:")
    st.caption(
        "Mỗi năm một Kế hoạch: danh mục nhiệm vụ, tiêu đề mục, tham số (tuần báo cáo đầu tiên, "
        "hạn nộp, xếp loại) và bộ tiêu chí riêng. Tuần báo cáo thuộc Kế hoạch của năm ISO của "
        "tuần đó; sửa nhiệm vụ, tham số của một Kế hoạch ở thẻ Danh mục (chọn năm ở thanh bên)."
    )
    display.show(plan_files.table(path), key="plans_table")
    _copy_form(user, path)
    _details_form(user, path)
    _export_button(path)
    _load_form(user, path)


def _week_choice(label: str, year: int, default: str, key: str, *, keep: str = "") -> str:
    """A first-reporting-week picker over the weeks of `year`: KEEP (shown as `keep`, e.g. the
    default or the stored week) first, then every week."""
    options = [KEEP, *periods.weeks_between(f"{year}-W01", plans.last_week(year))]
    return st.selectbox(
        label,
        options,
        format_func=lambda w: (
            (keep or f"Mặc định: {periods.label(default)}") if w == KEEP else periods.label(w)
        ),
        key=key,
    )


def _copy_form(user: User, path: Path) -> None:
    st.subheader("Chép sang năm sau (bản nháp)")
    known = plans.years(path)
    source = st.selectbox("Từ Kế hoạch năm", known[::-1], key="plan_copy_from")
    target = int(
        st.number_input(
            "Sang năm", min_value=2000, max_value=2100, value=int(source) + 1, key="plan_copy_to"
        )
    )
    default = year_start.default_first_week(target, None)
    week = _week_choice("Tuần báo cáo đầu tiên", target, default, "plan_copy_first_week")
    st.caption(
        "Giữ nguyên nhiệm vụ, tiêu đề mục, phân công; ngày bắt đầu, kết thúc và năm ghi trong "
        f"nội dung (“… năm {source}”) chuyển sang năm {target}; số và ngày ban hành để trống; "
        "tham số và bộ tiêu chí chép theo năm trước. Tuần báo cáo đầu tiên mặc định là tuần trọn "
        "vẹn đầu tiên của năm; khi có ngày ban hành, ghi số, ngày và đổi tuần ở mục dưới."
    )
    if st.button("Chép Kế hoạch", key="plan_copy"):
        _done(
            lambda: plan_loading.copy(user, int(source), target, first_week=week or None, path=path)
        )


def _details_form(user: User, path: Path) -> None:
    st.subheader("Số, ngày ban hành và tuần báo cáo đầu tiên")
    known = plans.years(path)
    year = int(st.selectbox("Kế hoạch năm", known[::-1], key="plan_details_year"))
    shown = plans.require(year, path)
    start = year_start.start(year, path)
    with st.form("plan_details_form"):
        number = st.text_input(
            "Số Kế hoạch (ví dụ 05/KH-VPUB)", value=shown.number or "", key="plan_details_number"
        )
        issued = st.text_input(
            "Ngày ban hành (dd/mm/yyyy)",
            value=shown.issued_on.strftime("%d/%m/%Y") if shown.issued_on else "",
            key="plan_details_date",
        )
        week = _week_choice(
            "Tuần báo cáo đầu tiên",
            year,
            start.first_week,
            "plan_details_first_week",
            keep=f"Giữ như đã lưu: {periods.label(start.first_week)}",
        )
        saved = st.form_submit_button("Lưu", type="primary")
    st.caption(
        "Ghi từng mục khi có: để trống mục nào thì giữ như đã lưu. Tuần báo cáo đầu tiên không "
        "được muộn hơn tuần đã có báo cáo được chấp nhận."
    )
    if saved:
        _done(
            lambda: plan_loading.set_details(
                user,
                year,
                number=number if number != (shown.number or "") else None,
                issued_on=issued or None,
                first_week=week or None,
                path=path,
            )
        )


def _export_button(path: Path) -> None:
    known = plans.years(path)
    year = int(st.selectbox("Tải Kế hoạch năm", known[::-1], key="plan_export_year"))
    st.download_button(
        f"Tải Kế hoạch năm {year} (.xlsx) để sửa rồi nạp lại",
        data=lambda: plan_files.export(year, f"ke-hoach-{year}.xlsx", path),
        file_name=f"ke-hoach-{year}.xlsx",
        mime=XLSX,
        key="plan_export",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(
        "Tệp có trang tính Nhiệm vụ, Tiêu đề mục và Kế hoạch (số, ngày ban hành, tuần báo cáo "
        "đầu tiên): sửa trong Excel rồi nạp lại ở mục dưới."
    )


def _load_form(user: User, path: Path) -> None:
    st.subheader("Nạp Kế hoạch một năm từ tệp")
    st.caption(
        "Tệp nhiệm vụ (.csv UTF-8 hoặc .xlsx) có các cột như tệp tải về ở trên; tệp tiêu đề mục "
        "không bắt buộc (tệp .xlsx tải về đã có). Nạp lại cho một năm đã có báo cáo không mất "
        "gì: nhiệm vụ giữ mã thì giữ lịch sử; nhiệm vụ bị bỏ mà đã có báo cáo thì được lưu trữ."
    )
    year = int(
        st.number_input(
            "Năm của Kế hoạch",
            min_value=2000,
            max_value=2100,
            value=max(plans.years(path)),
            key="plan_year",
        )
    )
    number = st.text_input("Số Kế hoạch (ví dụ 05/KH-VPUB)", key="plan_number")
    issued = st.text_input("Ngày ban hành (dd/mm/yyyy)", key="plan_date")
    week = _week_choice(
        "Tuần báo cáo đầu tiên",
        year,
        year_start.first_full_week_of(year),
        "plan_load_first_week",
        keep=_load_keep_label(year, path),
    )
    tasks = st.file_uploader("Tệp nhiệm vụ", type=["csv", "xlsx"], key="plan_tasks_file")
    groups = st.file_uploader("Tệp tiêu đề mục", type=["csv", "xlsx"], key="plan_groups_file")
    if tasks is None:
        return
    files = _files(tasks, groups, number, issued, week)
    checked = plan_loading.check(year, files, path)
    if checked.problems:
        st.error("Chưa nạp được vì có lỗi; sửa tệp rồi tải lên lại:")
        st.dataframe({"Lỗi": checked.problems}, hide_index=True, key="plan_problems")
        return
    _preview(checked, path)
    if st.button("Nạp Kế hoạch", type="primary", key="plan_load"):
        _done(lambda: plan_loading.load(user, year, files, path=path))


def _load_keep_label(year: int, path: Path) -> str:
    if plans.exists(year, path):
        first = year_start.start(year, path).first_week
        return f"Giữ như đã lưu (hoặc như tệp ghi): {periods.label(first)}"
    return "Mặc định: tuần trọn vẹn đầu tiên sau ngày ban hành (hoặc như tệp ghi)"


def _files(
    tasks: UploadedFile, groups: UploadedFile | None, number: str, issued: str, week: str
) -> plan_loading.PlanFiles:
    return plan_loading.PlanFiles(
        tasks=tasks.getvalue(),
        tasks_name=tasks.name,
        groups=groups.getvalue() if groups else None,
        groups_name=groups.name if groups else "task_groups.csv",
        number=number or None,
        issued_on=issued or None,
        first_week=week or None,
    )


def _preview(checked: plan_loading.Checked, path: Path) -> None:
    change = plan_loading.changes(checked, path)
    labels = {
        "kept": "Giữ nguyên mã",
        "added": "Nhiệm vụ mới",
        "retired": "Bỏ, đã có báo cáo: lưu trữ",
        "deleted": "Bỏ, chưa có báo cáo: xóa",
    }
    st.success(f"Tệp hợp lệ: {len(checked.tasks)} nhiệm vụ. Kiểm tra lại trước khi nạp:")
    if checked.warnings:
        st.warning(
            "Nội dung ghi năm khác với năm của Kế hoạch:\n\n"
            + "\n".join(f"- {w}" for w in checked.warnings),
            icon=":material/warning:",
        )
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
