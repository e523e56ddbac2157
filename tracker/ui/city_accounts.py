"""Quản trị thành phố › Tài khoản thành phố (issue 34): the city's accounts (Sở Nội vụ's officers
and leaders, the city administrators) in the registry, as a body's Quản trị › Tài khoản shows a
body's: the list (admin.users_table, admin_tables.users_view: name, role, active, login lock,
last sign-in), who is being guessed at (admin.login_pressure), a new account, and for one
account: disable or enable it, lift its login locks, reset its password, revoke its trusted
browsers, change its name or role. Every write is the body administrator's own account function
(tracker/accounts/auth.py, devices.py) run on the registry, where it asks for
manage_city_accounts (directory.roles_for: a body's administrator or Sở Nội vụ is refused there,
not only shown nothing); the last active city administrator cannot be disabled or given another
role (tracker/accounts/last_admin.py). The write handlers return an Outcome and draw nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from tracker.accounts import admin, auth, devices
from tracker.roles import CITY_ROLES, User
from tracker.ui import admin_tables, devices_view, display
from tracker.ui.write_outcome import Outcome, attempt, report


def accounts_frame(user: User, reg: Path) -> pd.DataFrame:
    """The city's accounts as the page lists them (a city account has no unit)."""
    return admin_tables.users_view(admin.users_table(user, reg)).drop(columns=["Đơn vị"])


def create_account(
    user: User, reg: Path, *, username: str, full_name: str, role: str, password: str
) -> Outcome:
    """A new account of the city in the registry (auth.create_user: manage_city_accounts)."""
    return attempt(
        lambda: auth.create_user(
            username, role, password, full_name=full_name or None, by=user, path=reg
        ),
        lambda made: f"Đã tạo tài khoản '{made.username}' ({made.role_label}).",
    )


def set_active(user: User, reg: Path, username: str, active: bool) -> Outcome:
    """Enable or disable a city account (auth.set_active); disabling ends its sessions."""
    return attempt(
        lambda: auth.set_active(username, active, by=user, path=reg),
        lambda _: (
            f"Đã kích hoạt tài khoản '{username}'."
            if active
            else f"Đã vô hiệu hóa tài khoản '{username}': tài khoản không đăng nhập được nữa."
        ),
    )


def unlock(user: User, reg: Path, username: str) -> Outcome:
    """Lift the account's login locks from every browser (auth.unlock)."""
    return attempt(
        lambda: auth.unlock(username, by=user, path=reg),
        lambda _: f"Đã mở khóa đăng nhập cho '{username}'.",
    )


def reset_password(user: User, reg: Path, username: str, password: str) -> Outcome:
    """A new password for the account (auth.set_password: the same length rule as everywhere;
    its open sessions end)."""
    return attempt(
        lambda: auth.set_password(username, password, by=user, path=reg),
        lambda _: f"Đã đặt lại mật khẩu cho '{username}'. Hãy báo mật khẩu mới cho người dùng.",
    )


def revoke_browsers(user: User, reg: Path, username: str) -> Outcome:
    """Stop trusting every browser the account signed in from (devices.revoke)."""
    return attempt(
        lambda: devices.revoke(username, None, by=user, path=reg),
        lambda revoked: f"Đã thu hồi {revoked} máy của '{username}'.",
    )


def update_account(user: User, reg: Path, username: str, *, full_name: str, role: str) -> Outcome:
    """Change the account's name or role (auth.update_user; a new role ends its sessions)."""
    return attempt(
        lambda: auth.update_user(
            username, role=role, unit_code=None, full_name=full_name, by=user, path=reg
        ),
        lambda _: f"Đã cập nhật tài khoản '{username}'.",
    )


def section(user: User, reg: Path) -> None:
    st.caption(
        "Tài khoản của Sở Nội vụ (chuyên viên, lãnh đạo) và của quản trị thành phố. Tài khoản bị "
        "vô hiệu hóa không đăng nhập được; tài khoản quản trị thành phố cuối cùng đang hoạt động "
        "không thể bị vô hiệu hóa hay đổi vai trò. Mỗi người đổi mật khẩu của mình ở trang Tài "
        "khoản; tài khoản quản trị đầu tiên được tạo bằng dòng lệnh `python -m tracker users add "
        "--role quan_tri_tp`."
    )
    display.show(accounts_frame(user, reg), key="qttp_acc_table")
    _login_pressure(user, reg)
    left, right = st.columns(2)
    with left:
        _create_form(user, reg)
    with right:
        _account_actions(user, reg)


def _login_pressure(user: User, reg: Path) -> None:
    """Accounts being guessed at, shown only while a counter is counting or locked."""
    pressure = admin.login_pressure(user, reg)
    if pressure.empty:
        return
    st.markdown("**Đăng nhập sai gần đây**")
    st.caption(
        "Tài khoản đang tạm khóa: chọn tài khoản ở mục Cập nhật tài khoản rồi bấm "
        "**Mở khóa đăng nhập** nếu chính người dùng nhập sai."
    )
    display.show(admin_tables.login_pressure_view(pressure), key="qttp_acc_pressure")


def _create_form(user: User, reg: Path) -> None:
    with st.form("qttp_account_form", clear_on_submit=True):
        st.markdown("**Tạo tài khoản**")
        username = st.text_input("Tên đăng nhập", key="qttp_acc_username")
        full_name = st.text_input("Họ và tên", key="qttp_acc_full_name")
        role = st.selectbox(
            "Vai trò", list(CITY_ROLES), format_func=CITY_ROLES.get, key="qttp_acc_role"
        )
        password = st.text_input("Mật khẩu ban đầu", type="password", key="qttp_acc_password")
        sent = st.form_submit_button("Tạo tài khoản", type="primary", key="qttp_acc_create")
    if sent:
        outcome = create_account(
            user, reg, username=username, full_name=full_name, role=role, password=password
        )
        report(outcome, "Chưa tạo được tài khoản:", "qttp_acc_problems")


def _account_actions(user: User, reg: Path) -> None:
    st.markdown("**Cập nhật tài khoản**")
    labels = {
        u["username"]: f"{u['username']} ({u['full_name'] or CITY_ROLES.get(u['role'], '')})"
        for u in auth.list_users(reg)
    }
    target = st.selectbox("Tài khoản", list(labels), format_func=labels.get, key="qttp_acc_target")
    info = auth.account(target, reg) if target else None
    if not info:
        return
    c1, c2 = st.columns(2)
    if c1.button("Kích hoạt" if not info["active"] else "Vô hiệu hóa", key="qttp_acc_toggle"):
        outcome = set_active(user, reg, target, not info["active"])
        report(outcome, "Chưa cập nhật được tài khoản:", "qttp_acc_toggle_problems")
    if c2.button("Mở khóa đăng nhập", key="qttp_acc_unlock"):
        report(unlock(user, reg, target), "Chưa mở khóa được:", "qttp_acc_unlock_problems")
    _browsers(user, reg, target)
    with st.form("qttp_acc_reset_form", clear_on_submit=True):
        password = st.text_input("Mật khẩu mới", type="password", key="qttp_acc_reset_pw")
        sent = st.form_submit_button("Đặt lại mật khẩu", key="qttp_acc_reset")
    if sent:
        outcome = reset_password(user, reg, target, password)
        report(outcome, "Chưa đặt lại được mật khẩu:", "qttp_acc_reset_problems")
    _edit_form(user, reg, target, info)


def _browsers(user: User, reg: Path, target: str) -> None:
    found = devices.browsers(target, reg)
    st.caption(f"Máy '{target}' đã đăng nhập, vẫn vào được khi có người dò mật khẩu: {len(found)}.")
    if found.empty:
        return
    display.show(devices_view.browsers_view(found), key="qttp_acc_browsers")
    if st.button("Thu hồi mọi máy đã đăng nhập", key="qttp_acc_revoke"):
        outcome = revoke_browsers(user, reg, target)
        report(outcome, "Chưa thu hồi được:", "qttp_acc_revoke_problems")


def _edit_form(user: User, reg: Path, target: str, info: dict) -> None:
    """Each account its own widgets (keys named after it): their values are that account's."""
    roles = list(CITY_ROLES)
    with st.form(f"qttp_acc_edit_form_{target}"):
        full_name = st.text_input(
            "Họ và tên", value=info["full_name"] or "", key=f"qttp_acc_edit_name_{target}"
        )
        role = st.selectbox(
            "Vai trò",
            roles,
            index=roles.index(info["role"]) if info["role"] in roles else 0,
            format_func=CITY_ROLES.get,
            key=f"qttp_acc_edit_role_{target}",
        )
        sent = st.form_submit_button("Lưu thông tin tài khoản", key="qttp_acc_edit_save")
    if sent:
        outcome = update_account(user, reg, target, full_name=full_name, role=role)
        report(outcome, "Chưa cập nhật được tài khoản:", "qttp_acc_edit_problems")
