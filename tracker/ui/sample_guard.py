"""No sample database served to another machine (issue 32, PRODUCT.md §13).

A sample database holds the demo's accounts, whose password is public. It is served only to a
browser on the server itself, unless $TRACKER_DEMO=1 says it is a demonstration. Two checks,
because neither alone sees every deployment:

- At start (`start_refusal`): the server does not start on a sample database when it is bound
  to an address other than loopback, or when trusted proxies are configured (a proxy in front
  serves other machines).
- At every request (`SampleGuard`, inside uvicorn's proxy-headers middleware, so after the
  trusted proxies have named the client): a request that is not from this machine is refused
  with a page saying why while the database is a sample, and while it cannot be read (another
  process holds it: the start check may not have been able to look). "From this machine": the
  client is a loopback address, no proxy forwarded the request (a Forwarded, X-Forwarded-* or
  X-Real-IP header: a proxy on this machine makes every client look local), and the host the
  browser asked for is a loopback name (a tunnel or port forward keeps the name the remote
  browser used). A request from this machine costs nothing; another one a cached lookup.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse
from starlette.websockets import WebSocketClose
from streamlit.logger import get_logger

from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import catalogues
from tracker.scope import home_db

_LOG = get_logger(__name__)
_logged: set[str] = set()
_logged_lock = threading.Lock()

SAMPLE_TITLE = "Dữ liệu mẫu chỉ mở được trên chính máy chủ"
SAMPLE_TEXT = (
    "Máy chủ này đang chạy trên một cơ sở dữ liệu mẫu: các tài khoản mẫu của nó có mật khẩu "
    "công khai, nên nó chỉ được mở từ trình duyệt trên chính máy chủ. Quản trị viên: hãy chạy "
    "ứng dụng trên cơ sở dữ liệu thật (TRACKER_DB) với tài khoản tạo bằng lệnh "
    "python -m tracker users add; nếu đây đúng là bản trình diễn, đặt TRACKER_DEMO=1 "
    "(README, mục Triển khai)."
)
BUSY_TITLE = "Máy chủ chưa sẵn sàng"
BUSY_TEXT = (
    "Cơ sở dữ liệu đang được một tiến trình khác giữ, nên máy chủ chưa kiểm tra được đây có "
    "phải dữ liệu mẫu hay không. Vui lòng thử lại sau ít phút."
)


def is_loopback(address: str | None) -> bool:
    """Whether an address or host name stands for this machine only (unset, 0.0.0.0 and other
    names do not)."""
    if not address:
        return False
    name = address.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return (mapped or ip).is_loopback


def forwarding_headers(headers: Iterable[tuple[bytes, bytes]]) -> tuple[str, ...]:
    """The names of the headers a reverse proxy adds to say whom it forwards (Forwarded,
    X-Forwarded-*, X-Real-IP), as sent."""
    found = []
    for name, _ in headers:
        lower = name.lower()
        if lower in (b"forwarded", b"x-real-ip") or lower.startswith(b"x-forwarded-"):
            found.append(name.decode("latin-1"))
    return tuple(dict.fromkeys(found))


def from_this_machine(scope: dict[str, Any]) -> bool:
    """Whether a request (an ASGI scope, after the trusted proxies) comes straight from a browser
    on the server itself: see the module's docstring."""
    client = scope.get("client")
    if not client or not is_loopback(client[0]) or forwarding_headers(scope["headers"]):
        return False
    host = next((value for name, value in scope["headers"] if name.lower() == b"host"), b"")
    return is_loopback(urlsplit("//" + host.decode("latin-1")).hostname)


def start_refusal(address: str | None, proxies: list[str]) -> str | None:
    """Why the server must not start on this database, bound to `address` behind `proxies`
    (the trusted ones), or None. A database another process holds cannot be looked at: the
    server starts, and SampleGuard refuses other machines until it can tell."""
    if settings.DEMO or (is_loopback(address) and not proxies):
        return None
    try:
        if not auth.sample_accounts(home_db()):
            return None
    except catalogues.DatabaseBusyError:
        _LOG.warning(
            "Cơ sở dữ liệu %s đang bận lúc khởi động: chưa kiểm tra được có phải dữ liệu mẫu; "
            "mọi yêu cầu từ máy khác bị từ chối cho đến khi kiểm tra được.",
            settings.db_path(),
        )
        return None
    if not address:
        where = "server.address = mọi địa chỉ"
    elif not is_loopback(address):
        where = f"server.address = {address}"
    else:
        where = f"TRACKER_TRUSTED_PROXIES = {','.join(proxies)}: proxy đưa yêu cầu của máy khác vào"
    return (
        f"Không khởi động: cơ sở dữ liệu {settings.db_path()} có tài khoản mẫu (mật khẩu công "
        f"khai) mà máy chủ lại mở ra mạng ({where}). Hãy dùng cơ sở dữ liệu thật (TRACKER_DB) "
        "với tài khoản tạo bằng `python -m tracker users add`, hoặc chỉ mở trên máy này "
        "(--server.address 127.0.0.1, không đặt TRACKER_TRUSTED_PROXIES); nếu đây đúng là bản "
        "trình diễn, đặt TRACKER_DEMO=1."
    )


def refusal_now() -> tuple[int, str, str] | None:
    """(HTTP status, title, text) for a request from another machine now, or None to serve it."""
    try:
        sample = bool(auth.sample_accounts(home_db()))
    except catalogues.DatabaseBusyError:
        return 503, BUSY_TITLE, BUSY_TEXT
    return (403, SAMPLE_TITLE, SAMPLE_TEXT) if sample else None


def _page(status: int, title: str, text: str) -> HTMLResponse:
    """A page of fixed text (no request data in it), never cached."""
    body = (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em">'
        f"<h1>{title}</h1><p>{text}</p></body></html>"
    )
    headers = {"Cache-Control": "no-store"}
    if status == 503:
        headers["Retry-After"] = "60"
    return HTMLResponse(body, status_code=status, headers=headers)


def _log_once(key: str, message: str, *args: Any) -> None:
    with _logged_lock:
        if key in _logged:
            return
        _logged.add(key)
    _LOG.warning(message, *args)


class SampleGuard:
    """ASGI middleware: refuses a request from another machine while the database is a sample
    (or cannot be read), unless $TRACKER_DEMO=1."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        checked = scope["type"] in ("http", "websocket") and not settings.DEMO
        if checked and not from_this_machine(scope):
            refusal = await run_in_threadpool(refusal_now)  # may wait on the database
            if refusal is not None:
                await self._refuse(scope, receive, send, refusal)
                return
        await self.app(scope, receive, send)

    async def _refuse(
        self, scope: dict[str, Any], receive: Any, send: Any, refusal: tuple[int, str, str]
    ) -> None:
        status, title, text = refusal
        client = (scope.get("client") or ("?",))[0]
        _log_once(title, "Từ chối %s (%s): %s", client, scope.get("path"), text)
        if scope["type"] == "websocket":
            await WebSocketClose(code=1008)(scope, receive, send)
        else:
            await _page(status, title, text)(scope, receive, send)
