"""Tài khoản (every role): one's own account, change password, trusted browsers, log out.

The account and its sessions live in the scope's `accounts` store; the unit's name is the
body's (`db`)."""

from __future__ import annotations

import streamlit as st

from tracker import settings, wording
from tracker.accounts import auth
from tracker.catalogue import plan
from tracker.scope import Scope
from tracker.text import fmt_datetime
from tracker.ui import devices_view, shell


def render(scope: Scope) -> None:
    user = scope.user
    st.title("Tài khoản của tôi")
    _info(scope)
    st.caption(
        f"Phiên làm việc tự kết thúc sau {settings.SESSION_TIMEOUT_MINUTES} phút không hoạt động. "
        f"Cần đổi họ tên, vai trò hay đơn vị, hãy liên hệ {wording.of_file(scope.accounts).admin}."
    )
    _change_password(scope)
    devices_view.own_browsers(user, scope.accounts)

    st.subheader("Đăng xuất")
    if st.button("Đăng xuất khỏi ứng dụng", key="logout_page", icon=":material/logout:"):
        shell.sign_out(scope.accounts)


def _info(scope: Scope) -> None:
    user = scope.user
    info = auth.account(user.username, scope.accounts) or {}
    unit = plan.unit_names(scope.db).get(user.unit_code or "", "") if user.unit_code else ""
    st.dataframe(
        {
            "Thông tin": [
                "Tên đăng nhập",
                "Họ và tên",
                "Vai trò",
                "Đơn vị",
                "Tạo lúc",
                "Đổi mật khẩu lần cuối",
                "Đăng nhập lần cuối",
            ],
            "Giá trị": [
                user.username,
                info.get("full_name") or "",
                user.role_label,
                f"{unit} ({user.unit_code})" if user.unit_code else "",
                fmt_datetime(info.get("created_at")),
                fmt_datetime(info.get("password_changed_at")),
                fmt_datetime(info.get("last_login")),
            ],
        },
        hide_index=True,
        key="account_info",
    )


def _change_password(scope: Scope) -> None:
    st.subheader("Đổi mật khẩu")
    with st.form("change_password_form", clear_on_submit=True):
        old = st.text_input("Mật khẩu hiện tại", type="password", key="pw_old")
        new = st.text_input(
            f"Mật khẩu mới (ít nhất {auth.MIN_PASSWORD_LENGTH} ký tự)",
            type="password",
            key="pw_new",
        )
        again = st.text_input("Nhập lại mật khẩu mới", type="password", key="pw_again")
        submitted = st.form_submit_button("Đổi mật khẩu", type="primary")
    if not submitted:
        return
    if new != again:
        st.error("Hai lần nhập mật khẩu mới không khớp.")
        return
    try:
        # Other sessions of the account end; this one keeps going with the new epoch.
        changed = auth.change_own_password(scope.user, old, new, scope.accounts)
    except auth.AccountError as exc:
        st.error(str(exc))
    else:
        shell.keep_signed_in(changed, scope.accounts)
        st.success("Đã đổi mật khẩu. Lần đăng nhập sau hãy dùng mật khẩu mới.")
