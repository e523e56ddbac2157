"""The two HTTP routes that set and clear the sign-in cookie (served beside the app by st.App,
see app.py). No JavaScript ever sees the cookie: it is HttpOnly, SameSite=Strict, and Secure when
the page is served over HTTPS.

- GET /auth/session?code=…&next=… trades the one-time code the login form issued (bound to this
  browser's Streamlit XSRF token) for a new session cookie, then redirects to `next`.
- GET /auth/signout?next=… ends the browser's session and clears the cookie.

The code, like the cookie, names the store of the account (signin.cookie_value: `X001~…` for a
body other than the home body, `city~…` for the registry, bare for the home body), so the
session is made, resumed and ended in that store.

Both refuse requests another site starts (Sec-Fetch-Site), and `next` may only be a path on this
site, so neither can be used as an open redirect.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string
from streamlit.web.server.starlette.starlette_server_config import XSRF_COOKIE_NAME

from tracker import settings
from tracker.accounts import devices, sessions, signin
from tracker.accounts.directory import Store
from tracker.scope import home_db

SESSION_PATH = "/auth/session"
SIGNOUT_PATH = "/auth/signout"
_OWN_SITE = {"same-origin", "none"}  # "none": typed in the address bar or opened from a bookmark


def binding(xsrf_cookie: str | None) -> str | None:
    """What a sign-in code is bound to: the SHA-256 of the browser's XSRF token (the cookie is
    re-masked on every page load, the token inside it stays), or None without one."""
    token, _ = decode_xsrf_token_string(xsrf_cookie or "")
    return hashlib.sha256(token).hexdigest() if token else None


def safe_next(value: str | None) -> str:
    """`next` as a path (and query) on this site; anything else becomes the home page."""
    parts = urlsplit(value or "/")
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return "/"
    if "\\" in path or any(ord(ch) < 32 for ch in value or ""):
        return "/"
    return urlunsplit(("", "", path, parts.query, ""))


def _from_elsewhere(request: Request) -> bool:
    site = request.headers.get("sec-fetch-site")
    return site is not None and site not in _OWN_SITE


def _https(request: Request) -> bool:
    """Served over HTTPS: directly, or by a trusted proxy's X-Forwarded-Proto, which the server
    (uvicorn's proxy-headers middleware, see serving.py) has already turned into the scheme.
    The header itself is never read here: anyone could send it."""
    return request.url.scheme == "https"


def _cookie_options(request: Request, days: float) -> dict:
    return {
        "max_age": int(days * 86400),
        "path": "/",
        "httponly": True,
        "samesite": "strict",
        "secure": _https(request),
    }


def _redirect(to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the code must not travel further
    return response


def _named(value: str | None) -> tuple[Store, Path, str] | None:
    """The store a code or cookie names, its database and the bare secret; None for none."""
    found = signin.cookie_store(value) if value else None
    if found is None:
        return None
    store, secret = found
    path = home_db() if store.body == settings.HOME_BODY else store.path.resolve()
    return store, path, secret


def start_session(request: Request) -> Response:
    """GET /auth/session: the cookie for a valid code, then back to the page signed in."""
    if _from_elsewhere(request):
        return PlainTextResponse("Yêu cầu không hợp lệ.", status_code=403)
    response = _redirect(safe_next(request.query_params.get("next")))
    named = _named(request.query_params.get("code", ""))
    if named is None:
        return response
    store, path, code = named
    held = request.cookies.get(sessions.COOKIE)
    old = _named(held)
    replaces = None
    if old is not None and old[1] == path:
        replaces = old[2]
    elif old is not None:  # the browser's sign-in in another store ends too: one per browser
        sessions.end(sessions.digest(old[2]), old[1])
    token = sessions.redeem_code(
        code, binding(request.cookies.get(XSRF_COOKIE_NAME)), replaces=replaces, path=path
    )
    if token is not None:
        response.set_cookie(
            sessions.COOKIE,
            signin.cookie_value(store, token),
            **_cookie_options(request, settings.SESSION_MAX_HOURS / 24),
        )
        _remember_device(request, response, token, path)
    return response


def _remember_device(request: Request, response: Response, token: str, path: Path) -> None:
    """The owner has just signed in from this browser: it becomes one of the account's trusted
    browsers (in the account's store `path`), with a login allowance of its own (accounts/
    devices.py). One it already is stays as it is (its cookie, and its place in the owner's
    list on Tài khoản)."""
    session = sessions.resume(token, path)
    if session is None:
        return
    username = session.user.username
    name = devices.cookie_name(username)
    if devices.trusted(request.cookies.get(name), username, path):
        return
    value = devices.issue(
        username,
        client=request.client.host if request.client else None,  # after the trusted proxies
        user_agent=request.headers.get("user-agent"),
        path=path,
    )
    if value is not None:
        response.set_cookie(name, value, **_cookie_options(request, settings.DEVICE_COOKIE_DAYS))


def end_session(request: Request) -> Response:
    """GET /auth/signout: end the browser's session, clear its cookie, back to the login form."""
    if _from_elsewhere(request):
        return PlainTextResponse("Yêu cầu không hợp lệ.", status_code=403)
    named = _named(request.cookies.get(sessions.COOKIE))
    if named is not None:
        sessions.end(sessions.digest(named[2]), named[1])
    response = _redirect(safe_next(request.query_params.get("next")))
    response.delete_cookie(
        sessions.COOKIE, path="/", httponly=True, samesite="strict", secure=_https(request)
    )
    return response


# Plain (not async) endpoints: Starlette runs them in its thread pool, off the event loop,
# because they wait on the database.
ROUTES = [
    Route(SESSION_PATH, start_session, methods=["GET"]),
    Route(SIGNOUT_PATH, end_session, methods=["GET"]),
]
