"""Cookie sessions (issue 12): the revocation rules (idle, absolute lifetime, session epoch),
storage by hash only, the one-time sign-in code bound to one browser, and the two routes that
set and clear the cookie."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from http.cookies import SimpleCookie

import pytest
from starlette.requests import Request
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from tests.apptest_helpers import open_page, texts
from tests.conftest import PASSWORD, set_now
from tracker import settings
from tracker.accounts import auth, devices, sessions
from tracker.store import db
from tracker.ui import session_routes, shell

T0 = datetime(2026, 11, 25, 10, 0)
XSRF = generate_xsrf_token_string(b"0123456789abcdef")
BROWSER = session_routes.binding(XSRF)


def _sign_in(user: auth.User, browser: str | None = BROWSER) -> str:
    """The cookie token a browser gets after the login form (issue_code, then the route)."""
    token = sessions.redeem_code(sessions.issue_code(user, BROWSER), browser)
    assert token is not None
    return token


def _stored() -> list[tuple]:
    return db.rows("select * from auth_session") + db.rows("select * from auth_login_code")


# --- the rules ---------------------------------------------------------------------------------


def _reason(**changes) -> str | None:
    facts = {
        "created_at": T0,
        "last_seen_at": T0,
        "now": T0 + timedelta(minutes=5),
        "session_epoch": 3,
        "account": (True, 3),
        **changes,
    }
    return sessions.end_reason(**facts)


def test_a_fresh_session_stands() -> None:
    assert _reason() is None


def test_idle_timeout_ends_a_session() -> None:
    limit = timedelta(minutes=settings.SESSION_TIMEOUT_MINUTES)
    assert _reason(now=T0 + limit) is None  # exactly at the limit: still standing
    assert _reason(now=T0 + limit + timedelta(seconds=1)) == sessions.idle_ended()


def test_absolute_lifetime_ends_even_an_active_session() -> None:
    limit = timedelta(hours=settings.SESSION_MAX_HOURS)
    now = T0 + limit + timedelta(seconds=1)
    assert _reason(now=now, last_seen_at=now) == sessions.max_age_ended()
    assert _reason(now=T0 + limit, last_seen_at=T0 + limit) is None


@pytest.mark.parametrize(
    "account", [(True, 4), (False, 3), None], ids=["new epoch", "disabled", "deleted"]
)
def test_an_account_change_ends_a_session(account) -> None:
    assert _reason(account=account) == sessions.account_ended()


# --- storage and the sign-in code ----------------------------------------------------------------


def test_only_the_tokens_hash_is_stored(users) -> None:
    code = sessions.issue_code(users["lanh_dao"], BROWSER)
    assert code not in repr(_stored())
    token = sessions.redeem_code(code, BROWSER)
    rows = db.rows("select token_hash, username from auth_session")
    assert rows == [(hashlib.sha256(token.encode()).hexdigest(), "lanhdao")]
    assert token not in repr(_stored())
    session = sessions.resume(token)
    assert session is not None and session.user.username == "lanhdao"
    assert session.user.role == "lanh_dao" and session.id == rows[0][0]


def test_a_code_works_once(users) -> None:
    code = sessions.issue_code(users["don_vi"], BROWSER)
    assert sessions.redeem_code(code, BROWSER) is not None
    assert sessions.redeem_code(code, BROWSER) is None


def test_a_code_from_another_browser_is_refused_and_spent(users) -> None:
    code = sessions.issue_code(users["don_vi"], BROWSER)
    other = session_routes.binding(generate_xsrf_token_string(b"fedcba9876543210"))
    assert sessions.redeem_code(code, other) is None
    assert sessions.redeem_code(code, None) is None
    assert sessions.redeem_code(code, BROWSER) is None  # spent by the first attempt
    assert db.rows("select * from auth_session") == []


def test_the_binding_ignores_the_xsrf_cookies_mask() -> None:
    # Streamlit re-masks its cookie on every page load; the token inside stays.
    again = generate_xsrf_token_string(b"0123456789abcdef")
    assert again != XSRF and session_routes.binding(again) == BROWSER
    assert session_routes.binding("garbage") is None and session_routes.binding(None) is None


def test_an_expired_code_is_refused(users, monkeypatch) -> None:
    code = sessions.issue_code(users["don_vi"], BROWSER)
    set_now(monkeypatch, settings.now() + timedelta(seconds=sessions.CODE_SECONDS + 1))
    assert sessions.redeem_code(code, BROWSER) is None


def test_a_code_dies_with_a_password_reset_before_it_is_used(users) -> None:
    code = sessions.issue_code(users["don_vi"], BROWSER)
    auth.set_password("hctc", "mat-khau-moi-2026", by=users["quan_tri"])
    assert sessions.redeem_code(code, BROWSER) is None


def test_a_new_sign_in_replaces_the_browsers_old_session(users) -> None:
    old = _sign_in(users["don_vi"])
    new = sessions.redeem_code(sessions.issue_code(users["lanh_dao"], BROWSER), BROWSER, old)
    assert sessions.resume(old) is None
    assert sessions.resume(new).user.username == "lanhdao"


# --- revocation -------------------------------------------------------------------------------


def test_idle_session_ends_and_is_deleted(users, monkeypatch) -> None:
    token = _sign_in(users["don_vi"])
    limit = timedelta(minutes=settings.SESSION_TIMEOUT_MINUTES)
    set_now(monkeypatch, settings.now() + limit - timedelta(minutes=1))
    assert sessions.resume(token) is not None  # in use: last_seen moves on
    set_now(monkeypatch, settings.now() + limit - timedelta(minutes=1))
    assert sessions.resume(token) is not None
    set_now(monkeypatch, settings.now() + limit + timedelta(minutes=1))
    session, reason = sessions.lookup(sessions.digest(token))
    assert session is None and reason == sessions.idle_ended()
    assert db.rows("select * from auth_session") == []


def test_absolute_lifetime_ends_a_session_in_constant_use(users, monkeypatch) -> None:
    token = _sign_in(users["don_vi"])
    start = settings.now()
    step = timedelta(minutes=settings.SESSION_TIMEOUT_MINUTES - 1)
    while settings.now() + step - start <= timedelta(hours=settings.SESSION_MAX_HOURS):
        set_now(monkeypatch, settings.now() + step)
        assert sessions.resume(token) is not None
    set_now(monkeypatch, settings.now() + step)
    assert sessions.lookup(sessions.digest(token)) == (None, sessions.max_age_ended())


@pytest.mark.parametrize("change", ["reset", "own_change", "disable", "role", "unit"])
def test_account_changes_revoke_the_cookie(users, change: str) -> None:
    admin = users["quan_tri"]
    token = _sign_in(users["don_vi"])
    if change == "reset":
        auth.set_password("hctc", "mat-khau-moi-2026", by=admin)
    elif change == "own_change":  # from another browser: this one's cookie ends
        auth.change_own_password(users["don_vi"], PASSWORD, "mat-khau-moi-2026")
    elif change == "disable":
        auth.set_active("hctc", False, by=admin)
    elif change == "role":
        auth.update_user("hctc", role="lanh_dao", unit_code=None, full_name=None, by=admin)
    else:
        auth.update_user("hctc", role="don_vi", unit_code="BTCD", full_name=None, by=admin)
    assert sessions.lookup(sessions.digest(token)) == (None, sessions.account_ended())


def test_a_name_change_keeps_the_session(users) -> None:
    token = _sign_in(users["don_vi"])
    auth.update_user("hctc", role="don_vi", unit_code="HCTC", full_name="Mới", by=users["quan_tri"])
    assert sessions.resume(token) is not None


def test_own_password_change_keeps_this_browser(users) -> None:
    token = _sign_in(users["don_vi"])
    other = _sign_in(users["don_vi"], BROWSER)
    user = auth.change_own_password(users["don_vi"], PASSWORD, "mat-khau-moi-2026")
    sessions.rebind(sessions.digest(token), user)
    assert sessions.resume(token).user.session_epoch == user.session_epoch
    assert sessions.resume(other) is None


def test_logout_ends_the_session(users) -> None:
    token = _sign_in(users["don_vi"])
    sessions.end(sessions.digest(token))
    assert sessions.resume(token) is None


# --- the routes --------------------------------------------------------------------------------


def _request(
    path: str,
    query: str = "",
    cookies: dict | None = None,
    scheme: str = "http",
    **headers: str,
) -> Request:
    cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
    raw = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    if cookie:
        raw.append((b"cookie", cookie.encode()))
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": scheme,
        "path": path,
        "query_string": query.encode(),
        "headers": raw,
        "server": ("127.0.0.1", 8501),
        "client": ("127.0.0.1", 5000),
    }
    return Request(scope)


def _set_cookie(response) -> SimpleCookie:
    jar = SimpleCookie()
    for name, value in response.raw_headers:
        if name == b"set-cookie":
            jar.load(value.decode())
    return jar


def test_session_route_sets_a_strict_httponly_cookie_and_redirects_home(users) -> None:
    code = sessions.issue_code(users["lanh_dao"], BROWSER)
    query = f"code={code}&next=%2Fnhiem_vu%3Fweek%3D2026-W10"
    response = session_routes.start_session(
        _request("/auth/session", query, {"_streamlit_xsrf": XSRF})
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/nhiem_vu?week=2026-W10"
    morsel = _set_cookie(response)[sessions.COOKIE]
    assert morsel["httponly"] and morsel["samesite"].lower() == "strict"
    assert not morsel["secure"]
    assert sessions.resume(morsel.value).user.username == "lanhdao"


def test_session_route_over_https_marks_the_cookies_secure(users) -> None:
    """Secure follows the request's scheme: https served directly, or set by the server's
    proxy-headers middleware from a trusted proxy (tests/test_client_identity.py). A raw
    X-Forwarded-Proto that reached the route unjudged proves nothing and is ignored."""
    code = sessions.issue_code(users["lanh_dao"], BROWSER)
    request = _request("/auth/session", f"code={code}", {"_streamlit_xsrf": XSRF}, "https")
    jar = _set_cookie(session_routes.start_session(request))
    device = devices.cookie_name("lanhdao")
    assert jar[sessions.COOKIE]["secure"] and jar[device]["secure"]
    assert jar[device]["httponly"] and jar[device]["samesite"].lower() == "strict"
    assert devices.trusted(jar[device].value, "lanhdao")
    (trusted,) = devices.browsers("lanhdao").to_dict("records")
    assert trusted["issued_client"] == "127.0.0.1"  # where it signed in from
    code = sessions.issue_code(users["lanh_dao"], BROWSER)
    spoofed = _request(
        "/auth/session", f"code={code}", {"_streamlit_xsrf": XSRF}, x_forwarded_proto="https"
    )
    assert not _set_cookie(session_routes.start_session(spoofed))[sessions.COOKIE]["secure"]


def test_session_route_refuses_other_sites_and_bad_codes(users) -> None:
    code = sessions.issue_code(users["lanh_dao"], BROWSER)
    cross = _request(
        "/auth/session", f"code={code}", {"_streamlit_xsrf": XSRF}, sec_fetch_site="cross-site"
    )
    assert session_routes.start_session(cross).status_code == 403
    wrong = _request("/auth/session", "code=nope", {"_streamlit_xsrf": XSRF})
    response = session_routes.start_session(wrong)
    assert response.status_code == 303 and sessions.COOKIE not in _set_cookie(response)


@pytest.mark.parametrize(
    "value",
    ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_next_never_leaves_the_site(value: str) -> None:
    assert session_routes.safe_next(value) == "/"


def test_signout_route_ends_the_session_and_clears_the_cookie(users) -> None:
    token = _sign_in(users["don_vi"])
    response = session_routes.end_session(
        _request("/auth/signout", "next=%2F", {sessions.COOKIE: token})
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    morsel = _set_cookie(response)[sessions.COOKIE]
    assert morsel.value == "" and morsel["max-age"] == "0"
    assert sessions.resume(token) is None
    cross = _request("/auth/signout", "", {sessions.COOKIE: token}, sec_fetch_site="same-site")
    assert session_routes.end_session(cross).status_code == 403


# --- the page frame (AppTest keeps signing in through session_state) -------------------------


def test_a_tab_on_a_cookie_session_ends_when_it_is_revoked(users) -> None:
    token = _sign_in(users["lanh_dao"])
    at = open_page(None)
    at.session_state[shell.SESSION_USER] = users["lanh_dao"]
    at.session_state[shell.SESSION_ID] = sessions.digest(token)
    at.run()
    assert not at.exception and at.session_state[shell.SESSION_USER].username == "lanhdao"
    sessions.end(sessions.digest(token))  # signed out in another tab
    at.run()
    assert "Đăng nhập" in [t.value for t in at.title]
    assert sessions.signed_out() in texts(at)


def test_tab_sign_out_ends_the_cookie_session(users) -> None:
    token = _sign_in(users["lanh_dao"])
    at = open_page(users["lanh_dao"])
    at.session_state[shell.SESSION_ID] = sessions.digest(token)
    at.run()
    at.button(key="logout_button").click().run()
    assert sessions.resume(token) is None
