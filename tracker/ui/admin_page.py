"""Quản trị page body, one function per tab (kept in the package so the page stays thin).

Accounts, catalogues, lock exceptions, submission history and restore, bulk import, the audit
log and backups, each of the database of the page's scope (its plan's catalogues for the plan
year chosen in the sidebar). The data and the checks live in admin, auth, backup and ingest;
every action is checked again there, so hiding a button is never the only guard.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from tracker import settings as app_settings
from tracker.accounts import admin, auth, backups
from tracker.accounts.auth import User
from tracker.catalogue import catalogues, editing, periods, plan, plans
from tracker.ingest import kept, locks, submissions
from tracker.scope import Scope
from tracker.ui import (
    admin_tables,
    calendar_admin,
    devices_view,
    display,
    filters,
    flash,
    upload_view,
)

SAVED = "catalogue_saved"  # flash key: the catalogue save message, shown after the rerun


def _unit_labeller(path: Path) -> Callable[[str], str]:
    """'HCTC - Phòng Hành chính - Tổ chức' for a unit code, as the unit selectors show it."""
    labels = plan.unit_labels(path)
    return lambda code: f"{code} - {labels.get(code, code)}"


# --- Tài khoản --------------------------------------------------------------------------------


def accounts_tab(scope: Scope) -> None:
    user, path = scope.user, scope.db
    display.show(admin_tables.users_view(admin.users_table(user, path)), key="users_table")
    _login_pressure(user, path)
    units = plan.units(path)["code"].tolist()
    left, right = st.columns(2)
    with left:
        _create_account(user, units, path)
    with right:
        _account_actions(user, units, path)


def _login_pressure(user: User, path: Path) -> None:
    """Accounts under attack: shown only while some counter is counting or locked."""
    pressure = admin.login_pressure(user, path)
    if pressure.empty:
        return
    locked = sorted(set(pressure.loc[pressure["locked"], "username"]))
    st.markdown("**Đăng nhập sai gần đây**")
    if locked:
        st.warning(
            f"Đang tạm khóa đăng nhập: {', '.join(locked)}. Nếu không phải người dùng tự nhập "
            "sai, có thể ai đó đang dò mật khẩu: máy người dùng đã đăng nhập trước đây vẫn vào "
            "được (kể cả sau khi đổi mật khẩu); chọn tài khoản ở mục Cập nhật tài khoản rồi bấm "
            "**Mở khóa đăng nhập** để mở cho mọi máy (tài khoản mới, hoặc người dùng ở máy mới).",
            icon=":material/lock_clock:",
        )
    display.show(admin_tables.login_pressure_view(pressure), key="login_pressure_table")


def _create_account(user: User, units: list[str], path: Path) -> None:
    with st.form("create_user_form", clear_on_submit=True):
        st.markdown("**Tạo tài khoản**")
        username = st.text_input("Tên đăng nhập", key="new_username")
        full_name = st.text_input("Họ và tên", key="new_full_name")
        role = st.selectbox("Vai trò", list(auth.ROLES), format_func=auth.ROLES.get, key="new_role")
        unit = st.selectbox(
            "Đơn vị (cho vai trò Đơn vị)",
            units,
            format_func=_unit_labeller(path),
            key="new_unit",
        )
        password = st.text_input("Mật khẩu ban đầu", type="password", key="new_password")
        create = st.form_submit_button("Tạo tài khoản", type="primary")
    if create:
        try:
            made = auth.create_user(
                username, role, password, unit_code=unit, full_name=full_name, by=user, path=path
            )
        except (auth.AccountError, auth.PermissionDenied) as exc:
            st.error(str(exc))
        else:
            st.success(f"Đã tạo tài khoản '{made.username}' ({made.role_label}).")


def _account_actions(user: User, units: list[str], path: Path) -> None:
    st.markdown("**Cập nhật tài khoản**")
    names = [u["username"] for u in auth.list_users(path)]
    target = st.selectbox("Tài khoản", names, key="target_user")
    info = auth.account(target, path) if target else None
    if not info:
        return
    try:
        _toggle_and_unlock(user, target, info, path)
        devices_view.account_browsers(user, target, path)
        _reset_password_form(user, target, path)
        _edit_user_form(user, target, info, units, path)
    except (auth.AccountError, auth.PermissionDenied) as exc:
        st.error(str(exc))


def _toggle_and_unlock(user: User, target: str, info: dict, path: Path) -> None:
    c1, c2 = st.columns(2)
    toggle = "Kích hoạt" if not info["active"] else "Vô hiệu hóa"
    if c1.button(toggle, key="toggle_active"):
        auth.set_active(target, not info["active"], by=user, path=path)
        st.rerun()
    if c2.button("Mở khóa đăng nhập", key="unlock_user"):
        auth.unlock(target, by=user, path=path)
        st.success(f"Đã mở khóa đăng nhập cho '{target}'.")


def _reset_password_form(user: User, target: str, path: Path) -> None:
    with st.form("reset_password_form", clear_on_submit=True):
        new_password = st.text_input("Mật khẩu mới", type="password", key="reset_password")
        if st.form_submit_button("Đặt lại mật khẩu"):
            auth.set_password(target, new_password, by=user, path=path)
            st.success(f"Đã đặt lại mật khẩu cho '{target}'. Hãy báo mật khẩu mới cho người dùng.")


def _edit_user_form(user: User, target: str, info: dict, units: list[str], path: Path) -> None:
    with st.form("edit_user_form"):
        role = st.selectbox(
            "Vai trò",
            list(auth.ROLES),
            index=list(auth.ROLES).index(info["role"]),
            format_func=auth.ROLES.get,
            key="edit_role",
        )
        current = info["unit_code"] or units[0]
        unit = st.selectbox(
            "Đơn vị",
            units,
            index=units.index(current) if current in units else 0,
            format_func=_unit_labeller(path),
            key="edit_unit",
        )
        full_name = st.text_input("Họ và tên", value=info["full_name"] or "", key="edit_full_name")
        if st.form_submit_button("Lưu thông tin tài khoản"):
            auth.update_user(
                target, role=role, unit_code=unit, full_name=full_name, by=user, path=path
            )
            st.success(f"Đã cập nhật tài khoản '{target}'.")


# --- Danh mục ---------------------------------------------------------------------------------


def catalogues_tab(scope: Scope) -> None:
    name = st.selectbox(
        "Danh mục",
        list(editing.EDITABLE),
        format_func=editing.CATALOGUE_LABELS.get,
        key="catalogue_name",
    )
    st.caption(
        "Sửa trực tiếp trong bảng (thêm dòng ở cuối, xóa bằng cách chọn dòng rồi bấm thùng rác), "
        "rồi bấm Lưu. Dữ liệu được kiểm tra như khi nạp tệp CSV; thứ tự dòng là thứ tự hiển thị. "
        "Đơn vị đã có báo cáo không xóa được: hãy bỏ chọn cột “Đang hoạt động”."
    )
    if name in (*editing.PLAN_CATALOGUES, "settings"):
        st.info(
            f"Danh mục này của **Kế hoạch năm {scope.year}** (chọn năm ở thanh bên); "
            "tham số hạn nộp, tuần báo cáo, xếp loại là của từng Kế hoạch.",
            icon=":material/event_note:",
        )
    # A new editor key after each save: the widget's pending edits must not be applied twice.
    version = st.session_state.setdefault("catalogue_version", 0)
    edited = _catalogue_editor(scope, name, version)
    flash.show(SAVED)
    if st.button("Lưu danh mục", type="primary", key=f"save_{name}"):
        _save_catalogue(scope, name, edited, version)
    _catalogue_exports(scope)
    st.divider()
    calendar_admin.calendar_section(scope)


def _catalogue_editor(scope: Scope, name: str, version: int) -> pd.DataFrame:
    frame = editing.catalogue_frame(name, scope.db, year=scope.year)
    return st.data_editor(
        frame,
        num_rows="dynamic",
        hide_index=True,
        key=f"editor_{name}_{scope.year}_{version}",
        width="stretch",
        # Vietnamese headers; the CSV column name stays in the tooltip for those editing files.
        column_config={
            c: st.column_config.Column(
                editing.COLUMN_LABELS.get(c, c), help=f"Cột `{c}` trong tệp CSV"
            )
            for c in frame.columns
        },
    )


def _save_catalogue(scope: Scope, name: str, edited: pd.DataFrame, version: int) -> None:
    try:
        changed = editing.save_catalogue(name, edited, scope.user, scope.db, year=scope.year)
    except catalogues.CatalogueError as exc:
        st.error("Chưa lưu vì có lỗi. Sửa các dòng sau rồi lưu lại:")
        st.dataframe({"Lỗi": exc.problems}, hide_index=True, key="catalogue_problems")
        return
    if changed:
        st.session_state["catalogue_version"] = version + 1
        flash.keep(SAVED, f"Đã lưu {changed} thay đổi (đã ghi nhật ký).")
        st.rerun()
    st.info("Không có thay đổi nào để lưu.")


def _catalogue_exports(scope: Scope) -> None:
    st.markdown("**Xuất danh mục ra tệp CSV** (cùng định dạng với các tệp trong thư mục data/)")
    cols = st.columns(len(editing.CATALOGUE_LABELS))
    for col, (key, label) in zip(cols, editing.CATALOGUE_LABELS.items(), strict=True):
        col.download_button(
            label,
            editing.export_catalogue(key, scope.user, scope.db, year=scope.year),
            file_name=catalogues.FILES[key][0],
            mime="text/csv",
            on_click="ignore",
            key=f"export_{key}",
            icon=":material/download:",
        )


# --- Khóa tuần & ngoại lệ ---------------------------------------------------------------------


def locks_tab(scope: Scope) -> None:
    user, path = scope.user, scope.db
    st.caption(
        f"Sau hạn nộp {plans.setting(scope.year, 'lock_days', path)} ngày, tuần báo cáo bị "
        "khóa đối với tài khoản "
        "đơn vị. Quản trị có thể cho phép một đơn vị nộp tuần đã khóa đến một thời hạn."
    )
    _grant_exception_form(scope)
    table = locks.lock_exceptions(user, path=path)
    if table.empty:
        st.caption("Chưa có ngoại lệ nào.")
    else:
        display.show(admin_tables.exceptions_view(table), key="exceptions_table")
    active = table[table["in_force"]]["id"].tolist()
    if active:
        chosen = st.selectbox("Thu hồi ngoại lệ số", active, key="revoke_id")
        if st.button("Thu hồi ngay", key="revoke_button"):
            locks.revoke_exception(int(chosen), user, path=path)
            st.rerun()


def _grant_exception_form(scope: Scope) -> None:
    units = plan.units(scope.db)["code"].tolist()
    now = app_settings.now()
    with st.form("grant_exception_form", clear_on_submit=True):
        c1, c2 = st.columns(2)
        unit = c1.selectbox("Đơn vị", units, format_func=_unit_labeller(scope.db), key="exc_unit")
        week = c2.selectbox(
            "Tuần", filters.week_options(scope), format_func=periods.label, key="exc_week"
        )
        reason = st.text_input("Lý do", key="exc_reason")
        c3, c4 = st.columns(2)
        day = c3.date_input(
            "Hiệu lực đến ngày",
            value=now.date() + timedelta(days=3),
            format="DD/MM/YYYY",
            key="exc_day",
        )
        hour = c4.time_input("Giờ", value=time(17, 0), key="exc_time")
        grant = st.form_submit_button("Cho phép nộp", type="primary")
    if grant:
        try:
            new_id = locks.grant_exception(
                unit, week, reason, datetime.combine(day, hour), scope.user, path=scope.db
            )
        except (admin.AdminError, auth.PermissionDenied) as exc:
            st.error(str(exc))
        else:
            st.success(f"Đã cho phép (ngoại lệ số {new_id}); đã ghi nhật ký.")


# --- Lịch sử nộp ------------------------------------------------------------------------------


def submissions_tab(scope: Scope) -> None:
    history = _filtered_history(scope)
    display.show(admin_tables.history_view(history), key="history_table")
    accepted = history[history["status"] == "accepted"]
    if accepted.empty:
        st.info("Chưa có bản nộp được chấp nhận nào theo bộ lọc này.")
        return
    labels = {
        r.id: f"Số {r.id} · {r.unit_code} · {periods.short_label(r.period)} · {r.filename}"
        for r in accepted.itertuples()
    }
    chosen = st.selectbox("Bản nộp", list(labels), format_func=labels.get, key="history_id")
    row = accepted[accepted["id"] == chosen].iloc[0]
    c1, c2 = st.columns(2)
    with c1:
        _original_download(row, scope.db)
    if c2.button("Khôi phục bản nộp này làm bản hiện hành", key="history_restore"):
        _restore_submission(scope.user, int(chosen), scope.db)


def _filtered_history(scope: Scope) -> pd.DataFrame:
    c1, c2 = st.columns(2)
    units = [filters.ALL, *plan.units(scope.db, active_only=False)["code"].tolist()]
    unit = c1.selectbox(
        "Đơn vị",
        units,
        format_func=filters.all_or(_unit_labeller(scope.db)),
        key="history_unit",
    )
    weeks = [filters.ALL, *filters.week_options(scope)]
    week = c2.selectbox(
        "Tuần",
        weeks,
        format_func=filters.all_or(periods.label),
        key="history_week",
    )
    return submissions.history(filters.chosen(unit), filters.chosen(week), scope.db)


def _original_download(row: pd.Series, path: Path) -> None:
    try:
        original = kept.kept_file(row["sha256"], path)
    except OSError:
        st.warning("Không tìm thấy tệp gốc trong kho tệp đã nộp (xem bản sao lưu).")
    else:
        st.download_button(
            "Tải tệp gốc",
            original,
            file_name=row["filename"],
            on_click="ignore",
            key="history_download",
            icon=":material/download:",
        )


def _restore_submission(user: User, submission_id: int, path: Path) -> None:
    try:
        sheets = submissions.restore(submission_id, user, path)
    except (ValueError, auth.PermissionDenied) as exc:
        st.error(str(exc))
    else:
        labels = ", ".join(admin_tables.SHEET_LABELS[s] for s in sheets)
        st.success(f"Đã khôi phục bản nộp số {submission_id} cho các trang tính: {labels}.")


# --- Nhập hàng loạt ---------------------------------------------------------------------------


def bulk_import_tab(scope: Scope) -> None:
    st.caption(
        "Nhập nhiều tệp .xlsx cùng lúc (ví dụ các đơn vị gửi qua thư điện tử). Mỗi tệp được kiểm tra "
        "và lưu riêng, ghi nhận là Quản trị nộp thay."
    )
    files = st.file_uploader(
        "Chọn các tệp .xlsx", type=["xlsx"], accept_multiple_files=True, key="bulk_files"
    )
    done: dict[tuple[str, ...], list[submissions.Result]] = st.session_state.setdefault(
        "bulk_done", {}
    )
    batch = tuple(f.file_id for f in files or [])
    clicked = bool(files) and st.button(f"Nhập {len(files)} tệp", type="primary", key="bulk_go")
    if clicked and batch not in done:  # guard: a rerun must not import the same files again
        bar = st.progress(0.0, text="Đang nhập…")
        done[batch] = submissions.submit_many(
            [submissions.Upload(f.getvalue(), f.name) for f in files],
            scope.user,
            action="bulk_import",
            path=scope.db,
            progress=lambda i, n, name: bar.progress(i / n, text=f"Đã nhập {i}/{n}: {name}"),
        )
    if batch in done:
        st.dataframe(upload_view.results_frame(done[batch]), hide_index=True, key="bulk_results")


# --- Nhật ký ----------------------------------------------------------------------------------


def audit_tab(scope: Scope) -> None:
    user, path = scope.user, scope.db
    today = app_settings.now().date()
    c1, c2, c3, c4 = st.columns(4)
    start = c1.date_input(
        "Từ ngày", value=today - timedelta(days=7), format="DD/MM/YYYY", key="audit_from"
    )
    end = c2.date_input("Đến ngày", value=today, format="DD/MM/YYYY", key="audit_to")
    names = ["", *[u["username"] for u in auth.list_users(path)]]
    who = c3.selectbox(
        "Người thực hiện", names, format_func=lambda u: u or filters.ALL_LABEL, key="audit_user"
    )
    actions = ["", *admin.audit_actions(user, path)]
    action = c4.selectbox(
        "Thao tác",
        actions,
        format_func=lambda a: admin.ACTION_LABELS.get(a, a) if a else filters.ALL_LABEL,
        key="audit_action",
    )
    if isinstance(start, date) and isinstance(end, date):
        _audit_entries(user, start, end, who, action, path)


def _audit_entries(user: User, start: date, end: date, who: str, action: str, path: Path) -> None:
    try:
        entries = admin.audit_entries(
            user, date_from=start, date_to=end, username=who, action=action, path=path
        )
    except admin.AdminError as exc:
        st.error(str(exc))
        return
    st.caption(f"{len(entries)} dòng nhật ký.")
    display.show(admin_tables.audit_view(entries), key="audit_table")
    st.download_button(
        "Xuất nhật ký (CSV)",
        admin.audit_csv(entries, user),
        file_name=f"nhat-ky-{start:%Y%m%d}-{end:%Y%m%d}.csv",
        mime="text/csv",
        on_click="ignore",
        key="audit_export",
        icon=":material/download:",
    )


# --- Sao lưu ----------------------------------------------------------------------------------


def backup_tab(scope: Scope) -> None:
    user, path = scope.user, scope.db
    st.caption(
        f"Máy chủ tự sao lưu mỗi ngày một lần và giữ {backups.KEEP_DAILY} bản tự động gần nhất trong "
        f"{backups.backups_dir(path)}. Mỗi bản gồm cơ sở dữ liệu, mọi tệp đã nộp và mã kiểm tra SHA-256."
    )
    if st.button("Sao lưu ngay", type="primary", key="backup_now", icon=":material/backup:"):
        _backup_now(user, path)
    kept = backups.list_backups(user, path)
    _backups_table(kept)
    if kept:
        _verify_backup(kept, path)
    _restore_help()


def _backup_now(user: User, path: Path) -> None:
    try:
        made = backups.backup_now(user, path)
    except (backups.BackupError, auth.PermissionDenied) as exc:
        st.error(str(exc))
    else:
        st.success(f"Đã sao lưu vào {made.path} ({made.files} tệp đã nộp, {made.size_label}).")


def _backups_table(kept: list[backups.BackupInfo]) -> None:
    table = pd.DataFrame(
        {
            "Thời điểm": pd.to_datetime([b.created_at for b in kept]),
            "Loại": [b.kind for b in kept],
            "Người tạo": [b.created_by for b in kept],
            "Số tệp đã nộp": [b.files for b in kept],
            "Dung lượng": [b.size_label for b in kept],
            "Thư mục": [str(b.path) for b in kept],
        }
    )
    display.show(table, key="backups_table")


def _verify_backup(kept: list[backups.BackupInfo], path: Path) -> None:
    chosen = st.selectbox(
        "Kiểm tra toàn vẹn bản sao lưu", [str(b.path) for b in kept], key="verify_path"
    )
    if st.button("Kiểm tra mã SHA-256", key="verify_button"):
        try:
            backups.verify(chosen, path)
        except backups.BackupError as exc:
            st.error(str(exc))
        else:
            st.success("Bản sao lưu nguyên vẹn: mọi tệp khớp mã kiểm tra.")


def _restore_help() -> None:
    st.markdown("**Khôi phục** (thay toàn bộ dữ liệu hiện tại bằng một bản sao lưu)")
    st.markdown(
        "1. Dừng máy chủ ứng dụng (chỉ một tiến trình được mở cơ sở dữ liệu).\n"
        "2. Chạy lệnh `python -m tracker restore <thư mục sao lưu>`: mọi tệp được kiểm tra mã "
        "SHA-256 trước; bản hỏng bị từ chối và dữ liệu giữ nguyên. Dữ liệu hiện tại được sao lưu "
        "tự động vào thư mục `truoc-khoi-phuc-…` trước khi bị thay.\n"
        "3. Khởi động lại máy chủ và kiểm tra trang Tổng quan."
    )
