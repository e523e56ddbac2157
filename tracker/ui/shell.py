"""The shared page frame every page calls first: page config, login, role check, sidebar, and
the page's scope (tracker/scope.py), which frame() returns for the page's render(scope).

A sign-in lives in a server-side session carried by an HttpOnly cookie (tracker/accounts/
sessions.py, tracker/ui/session_routes.py), so it survives a reload, a new tab and a server
restart. The login form checks the password, then sends the browser to /auth/session with a
one-time code bound to it, which sets the cookie; each new tab reads the cookie once, and every
run checks the session in the database, so a logout or revocation ends it in every tab.

Pages use Streamlit's native `pages/` folder with the built-in navigation hidden, and this frame
draws a role-aware sidebar with `st.page_link`; that keeps direct links working on a freshly
started server (see README, "Thiết kế").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.web.server.starlette.starlette_server_config import XSRF_COOKIE_NAME

from tracker import settings
from tracker.accounts import auth, backups, devices, sessions
from tracker.accounts.auth import User
from tracker.catalogue import catalogues, plans
from tracker.scope import Scope, home_db
from tracker.ui import filters, session_routes


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    icon: str
    roles: frozenset[str]
    needs_plan: bool = True  # stops with a notice, not a traceback, on a database with no plan


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
    "tai_khoan": Page(
        "pages/tai_khoan.py", "Tài khoản", ":material/person:", _ALL, needs_plan=False
    ),
}

SESSION_USER = "auth_user"
SESSION_SEEN = "auth_last_seen"
SESSION_STARTED = "auth_logged_in_at"
# The cookie session (its SHA-256) this tab stands on; absent for a sign-in kept by this tab
# only (AppTest, or a browser without Streamlit's XSRF cookie).
SESSION_ID = "auth_session_id"


def current_user() -> User | None:
    return st.session_state.get(SESSION_USER)


def frame(page_key: str) -> Scope:
    """Set up the page and return its scope; stop with a login form or a refusal unless the
    user may see it (and, for a page that shows a plan, unless the database holds one)."""
    page = PAGES[page_key]
    home = home_db()  # where sign-in finds accounts and sessions
    try:
        catalogues.open_database(home)
    except catalogues.DatabaseBusyError as exc:
        st.set_page_config(page_title=page.title, page_icon="🏛️", layout="wide")
        st.error(str(exc))
        st.stop()
    st.set_page_config(
        page_title=f"{page.title} - Dân vận chính quyền {_shown_year(home) or ''}".rstrip(),
        page_icon="🏛️",
        layout="wide",
        initial_sidebar_state="auto",
    )
    backups.ensure_daily()  # cheap after the first call of the day: the server's own daily backup
    _sample_banner(home)
    user = _session_user(home)
    if user is None:
        _login_form(page, home)
        st.stop()
    body, db = place(user, home)
    year = _sidebar(user, db, home)
    if notice := plans.missing_notice(db):
        st.info(notice, icon=":material/event_upcoming:")
    if user.role not in page.roles:
        st.error(
            f"Trang **{page.title}** không dành cho vai trò {user.role_label}. "
            "Hãy chọn một trang khác ở thanh bên.",
            icon=":material/block:",
        )
        st.stop()
    if year is None and page.needs_plan:
        st.title(page.title)
        st.info(plans.none_loaded(), icon=":material/event_upcoming:")
        st.stop()
    return Scope(user, body, db, year, accounts=home, page=page_key, title=page.title)


def place(user: User, home: Path) -> tuple[str, Path]:
    """The body whose data the user's page shows, and its database: the one decision of where a
    page reads. A body user's scope is always their own body, whatever the URL; a city role
    will pick a body with ?co_quan=CODE here (issue 34). Today every account belongs to the
    home body, whose database is `home`."""
    return plans.BODY, home


def _shown_year(path: Path) -> int | None:
    """The plan year the page shows: ?nam= when it names a plan, else the plan in force."""
    asked = st.query_params.get(filters.YEAR_PARAM, "")
    known = plans.years(path)
    return int(asked) if asked.isdigit() and int(asked) in known else plans.in_force(path)


def _session_user(home: Path) -> User | None:
    user = current_user() or _cookie_user(home)
    if user is None:
        return None
    now = settings.now()
    ended = _session_end(user, now, home)
    if ended:
        logout(home)
        st.warning(ended)
        return None
    st.session_state[SESSION_SEEN] = now
    return user


def cookie(name: str) -> str | None:
    """A cookie the browser sent when this tab's session began (None under AppTest, whose
    context is a mock)."""
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) else None


def _cookie_user(home: Path) -> User | None:
    """The user of the browser's sign-in cookie, read when this tab's session begins (a new
    tab, a reload, a server restart); None without a live one."""
    session, reason = sessions.resume_with_reason(cookie(sessions.COOKIE), path=home)
    if session is None:
        if reason:
            st.warning(reason)
        return None
    st.session_state[SESSION_USER] = session.user
    st.session_state[SESSION_ID] = session.id
    st.session_state[SESSION_STARTED] = session.created_at
    return session.user


def _session_end(user: User, now: datetime, home: Path) -> str | None:
    """Why the session must end now (Vietnamese), or None while it stands."""
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        # The browser's session is shared by its tabs: its clocks and its end live in the
        # database, so a logout or an expiry in one tab ends them all.
        session, reason = sessions.lookup(session_id, path=home)
        if session is None:
            return reason or sessions.signed_out()
        if session.user.session_epoch != user.session_epoch:
            return sessions.account_ended()
        return None
    # A session of this tab alone (no browser cookie to bind to: tests, benchmarks) keeps its
    # clocks here, under the cookie sessions' rule; its clocks start now.
    reason = sessions.end_reason(
        created_at=st.session_state.setdefault(SESSION_STARTED, now),
        last_seen_at=st.session_state.get(SESSION_SEEN, now),
        now=now,
        session_epoch=user.session_epoch,
        account=(True, user.session_epoch),  # the account is checked just below
    )
    # Disabled, deleted, new role or unit, or a password change/reset since the login.
    if reason is None and not auth.session_valid(user, path=home):
        reason = sessions.account_ended()
    return reason


def logout(accounts: Path) -> None:
    """End this tab's sign-in, and the browser's cookie session with it (every tab), in the
    store `accounts` that holds it."""
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        sessions.end(session_id, path=accounts)
    for key in (SESSION_USER, SESSION_SEEN, SESSION_STARTED, SESSION_ID):
        st.session_state.pop(key, None)


def sign_out(accounts: Path) -> None:
    """The sign-out button: end the session, then let /auth/signout clear the cookie (the
    browser comes back to the login form); a tab-only sign-in just reruns."""
    had_cookie = bool(st.session_state.get(SESSION_ID))
    logout(accounts)
    if had_cookie:
        _navigate(f"{session_routes.SIGNOUT_PATH}?{urlencode({'next': '/'})}")
        st.stop()
    st.rerun()


def keep_signed_in(user: User, accounts: Path) -> None:
    """After one's own password change: this tab and this browser stay signed in with the new
    session epoch; the account's other sessions (in the store `accounts`) have ended."""
    st.session_state[SESSION_USER] = user
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        sessions.rebind(session_id, user, path=accounts)


def _navigate(url: str) -> None:
    """Send the browser to `url` on this site: the message st.login uses for its redirects,
    which the frontend follows with a plain navigation (no script of ours runs)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    msg = ForwardMsg()
    msg.auth_redirect.url = url
    ctx.enqueue(msg)


def _page_url(page: Page) -> str:
    """This page's address on the site, with its filters: where the browser returns signed in."""
    path = "/" if page.path == "app.py" else f"/{PurePosixPath(page.path).stem}"
    query = urlencode(st.query_params.to_dict())
    return f"{path}?{query}" if query else path


def _signed_in(user: User, page: Page, home: Path) -> None:
    """After the password check: hand the browser a one-time code bound to it, which
    /auth/session trades for the cookie. Without a browser to bind to, this tab alone."""
    binding = session_routes.binding(cookie(XSRF_COOKIE_NAME))
    if binding is None:
        now = settings.now()
        st.session_state[SESSION_USER] = user
        st.session_state[SESSION_STARTED] = now
        st.session_state[SESSION_SEEN] = now
        st.rerun()
    code = sessions.issue_code(user, binding, path=home)
    st.info("Đang đăng nhập…", icon=":material/login:")
    _navigate(f"{session_routes.SESSION_PATH}?{urlencode({'code': code, 'next': _page_url(page)})}")
    st.stop()  # the browser leaves now: nothing more to draw (the sample accounts' list, …)


def _login_form(page: Page, home: Path) -> None:
    st.title("Đăng nhập")
    year = _shown_year(home)
    st.caption(
        "Theo dõi Kế hoạch công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở"
        + (f" năm {year}" if year else "")
        + " - Văn phòng UBND thành phố Cần Thơ"
    )
    if auth.user_count(home) == 0:
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
            # Throttled per account for new browsers, per device cookie for the owner's browsers
            # and per client address when the server knows it (accounts/auth.py). The address
            # is None locally (and not a string under AppTest's mocked context).
            ip = st.context.ip_address
            client = ip if isinstance(ip, str) else None
            device = cookie(devices.cookie_name(auth.login_name(username)))
            user = auth.authenticate(username, password, client=client, device=device, path=home)
        except auth.AccountError as exc:
            st.error(str(exc))
        else:
            _signed_in(user, page, home)
    _sample_accounts_hint(home)


SAMPLE_PASSWORD = "demo-2026"  # the sample accounts' (tracker/tools/demo/shared.py DEMO_PASSWORD)


def _sample_banner(home: Path) -> None:
    """Every page of a sample database says so: its accounts' password is public."""
    if auth.sample_accounts(home):
        st.warning(
            "**Dữ liệu mẫu.** Cơ sở dữ liệu này có tài khoản mẫu với mật khẩu công khai: chỉ "
            "dùng để xem thử, không nhập số liệu thật. Khi dùng thật, hãy chạy ứng dụng trên một "
            "cơ sở dữ liệu mới và tạo tài khoản quản trị bằng lệnh `python -m tracker users "
            "add --username admin --role quan_tri` (README, mục Triển khai).",
            icon=":material/science:",
        )


def _sample_accounts_hint(home: Path) -> None:
    rows = auth.sample_accounts(home)
    if rows:
        with st.expander("Tài khoản mẫu (chỉ có trong chế độ dữ liệu mẫu)"):
            st.write(f"Mật khẩu của mọi tài khoản mẫu: `{SAMPLE_PASSWORD}`")
            st.table(
                [
                    {"Tên đăng nhập": u, "Vai trò": auth.ROLES[r], "Đơn vị": c or ""}
                    for u, r, c in rows
                ]
            )


# Filters the sidebar's links carry to the next page, so a chosen week and unit stay chosen.
FOLLOWED = (filters.YEAR_PARAM, "week", "unit")
# (filter, page) pairs left out: Nộp báo cáo opens on the week being reported.
_NOT_FOLLOWED = frozenset({("week", "nop_bao_cao")})


def _followed_filters() -> dict[str, str]:
    """The followed filters' values as this run will show them.

    The sidebar is drawn before the page's filters: a value just picked in a filter is already
    in the widget's state but reaches the URL only later in this run, so the state comes first.
    """
    values = {}
    for key in FOLLOWED:
        value = st.session_state.get(f"filter_{key}") or st.query_params.get(key)
        if isinstance(value, str) and value:
            values[key] = value
    return values


def _sidebar(user: User, db: Path, accounts: Path) -> int | None:
    """The sidebar: the plan-year selector of the database `db`, the pages' links, who is
    signed in (their session in `accounts`); returns the plan year chosen (None when `db`
    holds no plan)."""
    with st.sidebar:
        heading = st.empty()  # filled once the plan is chosen below it
        st.caption("Văn phòng UBND thành phố Cần Thơ")
        year = filters.select_plan(db)
        heading.markdown(f"**Dân vận chính quyền {year or ''}**".replace(" **", "**"))
        follow = _followed_filters()
        for key, page in PAGES.items():
            if user.role in page.roles:
                params = {k: v for k, v in follow.items() if (k, key) not in _NOT_FOLLOWED}
                st.page_link(page.path, label=page.title, icon=page.icon, query_params=params)
        st.divider()
        unit = f" · {user.unit_code}" if user.unit_code else ""
        st.caption(f"{user.full_name or user.username} ({user.role_label}{unit})")
        if st.button("Đăng xuất", key="logout_button", icon=":material/logout:"):
            sign_out(accounts)
    return year
