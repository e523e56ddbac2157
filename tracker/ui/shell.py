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

from tracker import roles, settings
from tracker.accounts import auth, backups, devices, directory, sessions, signin
from tracker.accounts.auth import User
from tracker.catalogue import catalogues, plans
from tracker.city import bodies, overview, registry
from tracker.metrics import cache
from tracker.scope import Scope, home_db
from tracker.ui import filters, session_routes


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    icon: str
    roles: frozenset[str]
    needs_plan: bool = True  # stops with a notice, not a traceback, on a database with no plan
    # A page of the city's (Thành phố, Xếp hạng; and Tài khoản, which has no body's data): for
    # a city role it works on the registry, whatever body is chosen. Every other page is a
    # body's: a city role opens it (when its roles allow) for the body chosen with ?co_quan=.
    city: bool = False


_ALL = auth.ALL_ROLES
# A body's read-only pages (their permission is view or export): its own accounts, and Sở Nội
# vụ's officers and leaders for the body they chose (roles.BODY_READERS, CITY_READS_IN_BODIES).
_READERS = roles.BODY_READERS
_CITY = roles.ALL_CITY_ROLES
PAGES: dict[str, Page] = {
    "thanh_pho": Page(
        "pages/thanh_pho.py", "Thành phố", ":material/location_city:", _CITY, False, True
    ),
    "xep_hang": Page("pages/xep_hang.py", "Xếp hạng", ":material/leaderboard:", _CITY, False, True),
    # The city administrator's (bodies, city items, Sở Nội vụ's Báo cáo settings): no other role.
    "quan_tri_tp": Page(
        "pages/quan_tri_tp.py",
        "Quản trị thành phố",
        ":material/manage_accounts:",
        frozenset({"quan_tri_tp"}),
        False,
        True,
    ),
    "tong_quan": Page("app.py", "Tổng quan", ":material/dashboard:", _READERS),
    "ke_hoach": Page("pages/ke_hoach.py", "Kế hoạch", ":material/description:", _READERS),
    "nhiem_vu": Page("pages/nhiem_vu.py", "Nhiệm vụ", ":material/task_alt:", _READERS),
    "don_vi": Page("pages/don_vi.py", "Đơn vị", ":material/apartment:", _READERS),
    "vuong_mac": Page("pages/vuong_mac.py", "Vướng mắc", ":material/report:", _READERS),
    "dan_van_kheo": Page(
        "pages/dan_van_kheo.py", "Dân vận khéo", ":material/diversity_3:", _READERS
    ),
    "tu_cham_diem": Page("pages/tu_cham_diem.py", "Tự chấm điểm", ":material/grading:", _READERS),
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
    "xuat_du_lieu": Page("pages/xuat_du_lieu.py", "Xuất dữ liệu", ":material/download:", _READERS),
    "quan_tri": Page(
        "pages/quan_tri.py", "Quản trị", ":material/admin_panel_settings:", frozenset({"quan_tri"})
    ),
    "tai_khoan": Page(
        "pages/tai_khoan.py",
        "Tài khoản",
        ":material/person:",
        _ALL | _CITY,
        needs_plan=False,
        city=True,
    ),
}
BODY_PARAM = "co_quan"  # ?co_quan=X001: the body a city role looks at

SESSION_USER = "auth_user"
SESSION_SEEN = "auth_last_seen"
SESSION_STARTED = "auth_logged_in_at"
# The cookie session (its SHA-256) this tab stands on; absent for a sign-in kept by this tab
# only (AppTest, or a browser without Streamlit's XSRF cookie).
SESSION_ID = "auth_session_id"
# The store (a body's database, or the city registry) holding the signed-in account and its
# session (signin.sign_in, signin.cookie_store); absent for a sign-in a test sets up, found then
# from the directory.
SESSION_ACCOUNTS = "auth_accounts"


def current_user() -> User | None:
    return st.session_state.get(SESSION_USER)


def frame(page_key: str) -> Scope:
    """Set up the page and return its scope; stop with a login form or a refusal unless the
    user may see it (and, for a page that shows a plan, unless the database holds one)."""
    page = PAGES[page_key]
    ctx = get_script_run_ctx()  # this run's writes are its browser session's (cache.acting_for)
    cache.acting_for(ctx.session_id if ctx is not None else None)
    home = home_db()  # the home body's: its login form, sample banner and daily backup
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
    signed = _session_user(home)
    if signed is None:
        _login_form(page, home)
        st.stop()
    user, accounts = signed
    try:
        body, db = place(user, accounts)
        refused = None
    except PlaceError as exc:
        body, db, refused = "", accounts, str(exc)
    chosen = body  # the body a city role has chosen ('' for none), kept by the sidebar's links
    if user.is_city and page.city:
        body, db = "", accounts  # the city's pages work on the registry, whatever is chosen
    year = _sidebar(user, body, db, accounts, chosen)
    if refused:
        st.error(refused, icon=":material/location_off:")
        if not page.city:  # the city's pages do not need a body
            st.stop()
    if body and (notice := plans.missing_notice(db)):
        st.info(notice, icon=":material/event_upcoming:")
    if user.role not in page.roles:
        st.error(
            f"Trang **{page.title}** không dành cho vai trò {user.role_label}. "
            "Hãy chọn một trang khác ở thanh bên.",
            icon=":material/block:",
        )
        st.stop()
    if user.is_city and not body and not page.city:
        _choose_body(user, page)
    if year is None and page.needs_plan:
        st.title(page.title)
        st.info(plans.none_loaded(db), icon=":material/event_upcoming:")
        st.stop()
    return Scope(user, body, db, year, accounts=accounts, page=page_key, title=page.title)


class PlaceError(LookupError):
    """A body a city role asked for (?co_quan=) that it cannot open; the message is Vietnamese."""


def place(user: User, accounts: Path, asked: str | None = None) -> tuple[str, Path]:
    """The body whose data the user's page shows, and its database: the one decision of where a
    page reads. A body user's scope is always their own body (the store holding their account),
    whatever the URL says. A city role works on the registry (body '', `accounts`) unless it
    asked for a body with ?co_quan=CODE (`asked`, default the URL's): that body's file then,
    once the catalogue knows it as active; PlaceError otherwise."""
    if not user.is_city:
        return settings.body_of_file(accounts) or plans.BODY, accounts
    if asked is None:
        asked = _asked_body()
    if not asked:
        return "", accounts
    if not settings.BODY_CODE_PATTERN.match(asked):
        raise PlaceError(
            "Mã cơ quan trong địa chỉ trang không hợp lệ. Hãy chọn cơ quan ở mục “Cơ quan” "
            "trên thanh bên."
        )
    found = bodies.find(asked, accounts)
    if found is None or not found.active or not found.path.exists():
        state = "không có trong danh mục" if found is None else "đang ngừng theo dõi"
        if found is not None and found.active:
            state = "chưa có cơ sở dữ liệu"
        raise PlaceError(
            f"Cơ quan mã {asked} {state}. Hãy chọn cơ quan khác ở mục “Cơ quan” trên thanh bên."
        )
    return found.code, found.path.resolve()


def _asked_body() -> str:
    """The body a city role chose: the selector's value when just picked (it reaches the URL
    later in this run), else ?co_quan=."""
    value = st.session_state.get(f"filter_{BODY_PARAM}")
    if not isinstance(value, str):
        value = st.query_params.get(BODY_PARAM, "")
    return value.strip()


def _choose_body(user: User, page: Page) -> None:
    """A body's page opened by a city role with no body chosen: where to go instead."""
    st.title(page.title)
    if roles.can(user, "view"):
        st.info(
            "Đây là trang của từng cơ quan: hãy chọn cơ quan ở mục “Cơ quan” trên thanh bên, "
            "hoặc mở trang Thành phố để xem toàn thành phố.",
            icon=":material/location_city:",
        )
    else:
        st.info("Hãy mở trang Thành phố ở thanh bên.", icon=":material/location_city:")
    st.page_link(PAGES["thanh_pho"].path, label="Thành phố", icon=PAGES["thanh_pho"].icon)
    st.stop()


def _shown_year(path: Path) -> int | None:
    """The plan year the page shows: ?nam= when it names a plan, else the plan in force."""
    asked = st.query_params.get(filters.YEAR_PARAM, "")
    known = plans.years(path)
    return int(asked) if asked.isdigit() and int(asked) in known else plans.in_force(path)


def _session_user(home: Path) -> tuple[User, Path] | None:
    """The signed-in user and the store holding their account and session; None when signed
    out (or the session has just ended: why is shown)."""
    user = current_user()
    if user is None:
        user = _cookie_user()
    if user is None:
        return None
    accounts = _accounts_of(user, home)
    now = settings.now()
    ended = _session_end(user, now, accounts)
    if ended:
        logout(accounts)
        st.warning(ended)
        return None
    st.session_state[SESSION_SEEN] = now
    return user, accounts


def _accounts_of(user: User, home: Path) -> Path:
    """The store of `user`'s account: kept at sign-in, else (a sign-in a test set up) the
    directory's answer; the home body's without a city."""
    kept = st.session_state.get(SESSION_ACCOUNTS)
    if isinstance(kept, str) and kept:
        return Path(kept)
    store = directory.store_of(user.username)
    path = home if store.body == settings.HOME_BODY else store.path.resolve()
    st.session_state[SESSION_ACCOUNTS] = str(path)
    return path


def cookie(name: str) -> str | None:
    """A cookie the browser sent when this tab's session began (None under AppTest, whose
    context is a mock)."""
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) else None


def _cookie_user() -> User | None:
    """The user of the browser's sign-in cookie, read when this tab's session begins (a new
    tab, a reload, a server restart); None without a live one. The cookie names the store of
    the session (signin.cookie_store: a bare token is the home body's)."""
    value = cookie(sessions.COOKIE)
    found = signin.cookie_store(value) if value else None
    if found is None:
        return None
    store, token = found
    path = home_db() if store.body == settings.HOME_BODY else store.path.resolve()
    session, reason = sessions.resume_with_reason(token, path=path)
    if session is None:
        if reason:
            st.warning(reason)
        return None
    st.session_state[SESSION_USER] = session.user
    st.session_state[SESSION_ID] = session.id
    st.session_state[SESSION_STARTED] = session.created_at
    st.session_state[SESSION_ACCOUNTS] = str(path)
    return session.user


def _session_end(user: User, now: datetime, accounts: Path) -> str | None:
    """Why the session must end now (Vietnamese), or None while it stands."""
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        # The browser's session is shared by its tabs: its clocks and its end live in the
        # database, so a logout or an expiry in one tab ends them all.
        session, reason = sessions.lookup(session_id, path=accounts)
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
    if reason is None and not auth.session_valid(user, path=accounts):
        reason = sessions.account_ended()
    return reason


def logout(accounts: Path) -> None:
    """End this tab's sign-in, and the browser's cookie session with it (every tab), in the
    store `accounts` that holds it."""
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        sessions.end(session_id, path=accounts)
    for key in (SESSION_USER, SESSION_SEEN, SESSION_STARTED, SESSION_ID, SESSION_ACCOUNTS):
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


def _signed_in(signed: signin.SignedIn, page: Page, home: Path) -> None:
    """After the password check: hand the browser a one-time code bound to it, which
    /auth/session trades for the cookie (the code names the account's store as the cookie
    will: signin.cookie_value). Without a browser to bind to, this tab alone."""
    user = signed.user
    path = home if signed.store.body == settings.HOME_BODY else signed.path.resolve()
    binding = session_routes.binding(cookie(XSRF_COOKIE_NAME))
    if binding is None:
        now = settings.now()
        st.session_state[SESSION_USER] = user
        st.session_state[SESSION_STARTED] = now
        st.session_state[SESSION_SEEN] = now
        st.session_state[SESSION_ACCOUNTS] = str(path)
        st.rerun()
    code = signin.cookie_value(signed.store, sessions.issue_code(user, binding, path=path))
    st.info("Đang đăng nhập…", icon=":material/login:")
    _navigate(f"{session_routes.SESSION_PATH}?{urlencode({'code': code, 'next': _page_url(page)})}")
    st.stop()  # the browser leaves now: nothing more to draw (the sample accounts' list, …)


def _login_form(page: Page, home: Path) -> None:
    st.title("Đăng nhập")
    year = _shown_year(home)
    st.caption(
        "Theo dõi Kế hoạch công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở"
        + (f" năm {year}" if year else "")
        # Inside a city every body's accounts sign in here, not the Office's alone.
        + (" - các cơ quan thành phố Cần Thơ" if registry.exists() else f" - {HOME_NAME}")
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
            # In the store holding the account (a body's, or the city registry: signin.py).
            # Throttled per account for new browsers, per device cookie for the owner's browsers
            # and per client address when the server knows it (accounts/auth.py). The address
            # is None locally (and not a string under AppTest's mocked context).
            ip = st.context.ip_address
            client = ip if isinstance(ip, str) else None
            device = cookie(devices.cookie_name(auth.login_name(username)))
            signed = signin.sign_in(username, password, client=client, device=device)
        except auth.AccountError as exc:
            st.error(str(exc))
        else:
            _signed_in(signed, page, home)
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
    city = registry.is_sample()
    if city:  # the city's sample accounts (sonoivu, …) beside the home body's
        rows = [*rows, *auth.sample_accounts(registry.path())]
    if rows:
        with st.expander("Tài khoản mẫu (chỉ có trong chế độ dữ liệu mẫu)"):
            st.write(f"Mật khẩu của mọi tài khoản mẫu: `{SAMPLE_PASSWORD}`")
            if city:
                st.write(
                    "Mỗi cơ quan mẫu khác có tài khoản <mã>.quantri, <mã>.lanhdao, <mã>.donvi "
                    "(mã viết thường, ví dụ x001.quantri)."
                )
            st.table(
                [
                    {"Tên đăng nhập": u, "Vai trò": roles.ROLE_LABELS[r], "Đơn vị": c or ""}
                    for u, r, c in rows
                ]
            )


# Filters the sidebar's links carry to the next page, so a chosen week and unit stay chosen.
FOLLOWED = (filters.YEAR_PARAM, "week", "unit")
# And for a city role, the body chosen: its pages' links carry ?co_quan=.
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


def _sidebar(user: User, body: str, db: Path, accounts: Path, chosen: str) -> int | None:
    """The sidebar: the plan-year selector of the database `db` (the city's years on its
    registry), for a city role the body selector (`chosen`: the body it has chosen, '' for
    none), the pages' links, who is signed in (their session in `accounts`); returns the plan
    year chosen (None when `db` holds no plan)."""
    with st.sidebar:
        heading = st.empty()  # filled once the plan is chosen below it
        st.caption(_caption(user, body, accounts))
        year = _select_city_year(db) if user.is_city and not body else filters.select_plan(db)
        heading.markdown(f"**Dân vận chính quyền {year or ''}**".replace(" **", "**"))
        follow = _followed_filters()
        if user.is_city:
            for key, shown in PAGES.items():
                if shown.city and user.role in shown.roles and key != "tai_khoan":
                    st.page_link(
                        shown.path,
                        label=shown.title,
                        icon=shown.icon,
                        query_params=_city_link_params(follow, chosen),
                    )
            chosen = _select_body(accounts) if roles.can(user, "view") else ""
        for key, shown in PAGES.items():
            if user.role not in shown.roles or (user.is_city and shown.city):
                continue
            if user.is_city and not chosen:
                continue
            params = {k: v for k, v in follow.items() if (k, key) not in _NOT_FOLLOWED}
            if user.is_city:
                params[BODY_PARAM] = chosen
            st.page_link(shown.path, label=shown.title, icon=shown.icon, query_params=params)
        if user.is_city:  # Tài khoản keeps the body chosen too: coming back finds it again
            tai_khoan = PAGES["tai_khoan"]
            st.page_link(
                tai_khoan.path,
                label=tai_khoan.title,
                icon=tai_khoan.icon,
                query_params=_city_link_params(follow, chosen),
            )
        st.divider()
        unit = f" · {user.unit_code}" if user.unit_code else ""
        st.caption(f"{user.full_name or user.username} ({user.role_label}{unit})")
        if st.button("Đăng xuất", key="logout_button", icon=":material/logout:"):
            sign_out(accounts)
    return year


def _city_link_params(follow: dict[str, str], chosen: str) -> dict[str, str]:
    """What a city role's link to one of the city's pages (Thành phố, Xếp hạng, Tài khoản)
    carries: the year, and the body chosen (?co_quan=), so that the body's pages opened from
    there show it again."""
    params = {k: v for k, v in follow.items() if k == filters.YEAR_PARAM}
    if chosen:
        params[BODY_PARAM] = chosen
    return params


def _caption(user: User, body: str, accounts: Path) -> str:
    """Whose app this is: the Office's as always, another body's name, or the city's."""
    return "Sở Nội vụ thành phố Cần Thơ" if user.is_city else body_name(body)


HOME_NAME = "Văn phòng UBND thành phố Cần Thơ"


def link_params(scope: Scope) -> dict[str, str]:
    """What a page's own link to another of the body's pages carries: the body a city role has
    chosen (?co_quan=), nothing for the body's own accounts."""
    return {BODY_PARAM: scope.body} if scope.user.is_city and scope.body else {}


def body_name(code: str) -> str:
    """The name a page gives the body `code` whose data it shows: the Office's as always for
    the home body, else the catalogue's."""
    if code in ("", settings.HOME_BODY) or not registry.exists():
        return HOME_NAME
    found = bodies.find(code, registry.path())
    return found.name if found else code


def _select_city_year(registry_path: Path) -> int | None:
    """The year of the city's pages (?nam=): the years the city plan has items for, default
    the latest not after today's; None when there is none."""
    known = overview.years(registry_path)
    if not known:
        return None
    default = str(overview.default_year(known, settings.now().year))
    options = [str(y) for y in sorted(known, reverse=True)]
    return int(filters.select("Năm", options, key=filters.YEAR_PARAM, default=default) or default)


def _select_body(registry_path: Path) -> str:
    """The body selector of a city role ("Cơ quan", ?co_quan=): '' for the whole city."""
    active = [b for b in bodies.all_bodies(registry_path) if b.active]
    names = {b.code: b.name for b in active}
    options = ["", *names]
    return (
        filters.select(
            "Cơ quan",
            options,
            key=BODY_PARAM,
            default="",
            format_func=lambda code: f"{names[code]} ({code})" if code else "Toàn thành phố",
        )
        or ""
    )
