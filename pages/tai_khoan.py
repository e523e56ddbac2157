"""Tài khoản (every role): one's own account, change password, trusted browsers, log out."""

import streamlit as st

from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import plan
from tracker.text import fmt_datetime
from tracker.ui import devices_view, shell

user = shell.frame("tai_khoan")
st.title("Tài khoản của tôi")

info = auth.account(user.username) or {}
unit = plan.unit_names().get(user.unit_code or "", "") if user.unit_code else ""
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
st.caption(
    f"Phiên làm việc tự kết thúc sau {settings.SESSION_TIMEOUT_MINUTES} phút không hoạt động. "
    "Cần đổi họ tên, vai trò hay đơn vị, hãy liên hệ Phòng Hành chính - Tổ chức."
)

st.subheader("Đổi mật khẩu")
with st.form("change_password_form", clear_on_submit=True):
    old = st.text_input("Mật khẩu hiện tại", type="password", key="pw_old")
    new = st.text_input(
        f"Mật khẩu mới (ít nhất {auth.MIN_PASSWORD_LENGTH} ký tự)", type="password", key="pw_new"
    )
    again = st.text_input("Nhập lại mật khẩu mới", type="password", key="pw_again")
    submitted = st.form_submit_button("Đổi mật khẩu", type="primary")
if submitted:
    if new != again:
        st.error("Hai lần nhập mật khẩu mới không khớp.")
    else:
        try:
            # Other sessions of the account end; this one keeps going with the new epoch.
            shell.keep_signed_in(auth.change_own_password(user, old, new))
        except auth.AccountError as exc:
            st.error(str(exc))
        else:
            st.success("Đã đổi mật khẩu. Lần đăng nhập sau hãy dùng mật khẩu mới.")

devices_view.own_browsers(user)

st.subheader("Đăng xuất")
if st.button("Đăng xuất khỏi ứng dụng", key="logout_page", icon=":material/logout:"):
    shell.sign_out()
