"""The shared page frame every page calls first: page config, login, role check, sidebar.

Pages use Streamlit's native `pages/` folder with the built-in navigation hidden, and this frame
draws a role-aware sidebar with `st.page_link`; that keeps direct links working on a freshly
started server (see README, "Thiết kế").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import streamlit as st

from tracker import settings
from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import catalogues
from tracker.store import backup, db


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    icon: str
    roles: frozenset[str]


_ALL = auth.ALL_ROLES
PAGES: dict[str, Page] = {
    "tong_quan": Page("app.py", "Tổng quan", ":material/dashboard:", _ALL),
    "ke_hoach": Page("pages/ke_hoach.py", "Kế hoạch", ":material/description:", _ALL),
    "nhiem_vu": Page("pages/nhiem_vu.py", "Nhiệm vụ", ":material/task_alt:", _ALL),
    "don_vi": Page("pages/don_vi.py", "Đơn vị", ":material/apartment:", _ALL),
    "vuong_mac": Page("pages/vuong_mac.py", "Vướng mắc", ":material/report:", _ALL),
    "dan_van_kheo": Page("pages/dan_van_kheo.py", "Dân vận khéo", ":material/diversity_3:", _ALL),
    "tu_cham_diem": Page("pages/tu_cham_diem.py", "Tự chấm điểm", ":material/grading:", _ALL),
    "nop_bao_cao": Page(
        "pages/nop_bao_cao.py",
        "Nộp báo cáo",
        ":material/upload_file:",
        frozenset({"don_vi", "quan_tri"}),
    ),
    "don_doc": Page(
        "pages/don_doc.py",
        "Đôn đốc",
        ":material/notifications_active:",
        frozenset({"lanh_dao", "quan_tri"}),
    ),
    "xuat_du_lieu": Page("pages/xuat_du_lieu.py", "Xuất dữ liệu", ":material/download:", _ALL),
    "quan_tri": Page(
        "pages/quan_tri.py", "Quản trị", ":material/admin_panel_settings:", frozenset({"quan_tri"})
    ),
    "tai_khoan": Page("pages/tai_khoan.py", "Tài khoản", ":material/person:", _ALL),
}

SESSION_USER = "auth_user"
SESSION_SEEN = "auth_last_seen"
SESSION_STARTED = "auth_logged_in_at"


def current_user() -> User | None:
    return st.session_state.get(SESSION_USER)


def frame(page_key: str) -> User:
    """Set up the page; stop with a login form or a refusal unless the user may see it."""
    page = PAGES[page_key]
    st.set_page_config(
        page_title=f"{page.title} - Dân vận chính quyền 2026",
        page_icon="🏛️",
        layout="wide",
        initial_sidebar_state="auto",
    )
    try:
        catalogues.open_database()
    except db.DatabaseBusyError as exc:
        st.error(str(exc))
        st.stop()
    backup.ensure_daily()  # cheap after the first call of the day: the server's own daily backup
    user = _session_user()
    if user is None:
        _login_form()
        st.stop()
    _sidebar(user)
    if user.role not in page.roles:
        st.error(
            f"Trang **{page.title}** không dành cho vai trò {user.role_label}. "
            "Hãy chọn một trang khác ở thanh bên.",
            icon=":material/block:",
        )
        st.stop()
    return user


def _session_user() -> User | None:
    user = current_user()
    if user is None:
        return None
    now = settings.now()
    ended = _session_end(user, now)
    if ended:
        logout()
        st.warning(ended)
        return None
    st.session_state[SESSION_SEEN] = now
    return user


def _session_end(user: User, now: datetime) -> str | None:
    """Why the session must end now (Vietnamese), or None while it stands."""
    # A session set up without the login form (tests, benchmarks) starts its clocks now.
    started = st.session_state.setdefault(SESSION_STARTED, now)
    seen = st.session_state.get(SESSION_SEEN, now)
    if now - started > timedelta(hours=settings.SESSION_MAX_HOURS):
        return (
            f"Phiên đăng nhập đã quá thời hạn tối đa {settings.SESSION_MAX_HOURS} giờ. "
            "Vui lòng đăng nhập lại."
        )
    if now - seen > timedelta(minutes=settings.SESSION_TIMEOUT_MINUTES):
        return "Phiên làm việc đã hết hạn do không hoạt động. Vui lòng đăng nhập lại."
    # Disabled, deleted, new role or unit, or a password change/reset since the login.
    if not auth.session_valid(user):
        return "Tài khoản đã thay đổi hoặc bị vô hiệu hóa. Vui lòng đăng nhập lại."
    return None


def logout() -> None:
    for key in (SESSION_USER, SESSION_SEEN, SESSION_STARTED):
        st.session_state.pop(key, None)


def _login_form() -> None:
    st.title("Đăng nhập")
    st.caption(
        "Theo dõi Kế hoạch công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở năm 2026 "
        "- Văn phòng UBND thành phố Cần Thơ"
    )
    if auth.user_count() == 0:
        st.info(
            "Chưa có tài khoản nào. Quản trị viên tạo tài khoản đầu tiên bằng lệnh: "
            "`python -m tracker users add --username admin --role quan_tri`"
        )
    with st.form("login_form"):
        username = st.text_input("Tên đăng nhập", key="login_username")
        password = st.text_input("Mật khẩu", type="password", key="login_password")
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    if submitted:
        try:
            # Throttled per (account, client): a storm from one machine locks only that machine.
            # The address is None locally (and not a string under AppTest's mocked context).
            ip = st.context.ip_address
            client = ip if isinstance(ip, str) else None
            user = auth.authenticate(username, password, client=client)
        except auth.AccountError as exc:
            st.error(str(exc))
        else:
            now = settings.now()
            st.session_state[SESSION_USER] = user
            st.session_state[SESSION_STARTED] = now
            st.session_state[SESSION_SEEN] = now
            st.rerun()
    _sample_accounts_hint()


def _sample_accounts_hint() -> None:
    rows = db.query_rows("sample_accounts")
    if rows:
        with st.expander("Tài khoản mẫu (chỉ có trong chế độ dữ liệu mẫu)"):
            st.write("Mật khẩu của mọi tài khoản mẫu: `demo-2026`")
            st.table(
                [
                    {"Tên đăng nhập": u, "Vai trò": auth.ROLES[r], "Đơn vị": c or ""}
                    for u, r, c in rows
                ]
            )


def _sidebar(user: User) -> None:
    with st.sidebar:
        st.markdown("**Dân vận chính quyền 2026**")
        st.caption("Văn phòng UBND thành phố Cần Thơ")
        for page in PAGES.values():
            if user.role in page.roles:
                st.page_link(page.path, label=page.title, icon=page.icon)
        st.divider()
        unit = f" · {user.unit_code}" if user.unit_code else ""
        st.caption(f"{user.full_name or user.username} ({user.role_label}{unit})")
        if st.button("Đăng xuất", key="logout_button", icon=":material/logout:"):
            logout()
            st.rerun()
