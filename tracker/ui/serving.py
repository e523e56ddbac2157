"""How the server meets the network, settled when `streamlit run app.py` loads the app (before
uvicorn is configured):

- Client identity. Streamlit 1.67 serves st.App through uvicorn, whose proxy-headers middleware
  believes X-Forwarded-For / X-Forwarded-Proto from the addresses in $FORWARDED_ALLOW_IPS and
  defaults to 127.0.0.1: behind a local reverse proxy that passes the browser's own header on,
  or for a browser on the server itself, anyone could name any address. The app decides
  instead: $TRACKER_TRUSTED_PROXIES (default none) is the list. With none, the client is the
  socket's peer; with a list, the right-most address of the header not in it (uvicorn's rule).
  uvicorn reads its list when Streamlit creates its Config, which is before it imports app.py,
  and wraps the app in the middleware right after that import: so this module replaces the
  middleware class that uvicorn's Config is about to use (uvicorn.config.ProxyHeadersMiddleware)
  with one that ignores the list it is given and uses ours. tests/test_client_identity.py and
  the browser tests check it through the real Config and a real server.
- The list is checked first (issue 32): an entry that is not an IP address or network
  (`127.0.0.l`, `nginx`, `10.0.0.0/33`, `*`) or a network that matches every address
  (`0.0.0.0/0`, `::/0`) stops the server with a message naming the variable and an example.
  uvicorn alone takes a bad entry for a name no peer ever has (trusting nobody, silently: the
  cookies lose Secure behind HTTPS, the per-address lock is off) and a match-all network as
  leave to believe any forged address.
- A proxy the list does not name: a request that arrives with Forwarded, X-Forwarded-* or
  X-Real-IP from a peer that is not a trusted proxy means an unconfigured proxy fronts the
  server. The first one is logged and Quản trị shows it (`forwarding_warning`).
- No sample accounts in production: tracker/ui/sample_guard.py, at start and at every request
  (the middleware below wraps the app in it, so it judges the client the proxies named).
"""

from __future__ import annotations

import ipaddress
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import uvicorn.config
from streamlit import config
from streamlit.logger import get_logger
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tracker import settings
from tracker.text import fmt_datetime
from tracker.ui import sample_guard

# uvicorn.Config reads this variable when Streamlit builds its server (after the app is loaded).
UVICORN_TRUSTED = "FORWARDED_ALLOW_IPS"
VARIABLE = "TRACKER_TRUSTED_PROXIES"
_LOG = get_logger(__name__)


class RefusedToServe(SystemExit):
    """The server must not start; the message (Vietnamese) says why and what to do."""


@dataclass(frozen=True)
class Forwarding:
    """The first request an untrusted proxy forwarded: when, from which peer, which headers."""

    seen_at: datetime
    peer: str
    headers: tuple[str, ...]


_first_forwarding: Forwarding | None = None
_forwarding_lock = threading.Lock()


class TrustedProxyHeaders(ProxyHeadersMiddleware):
    """uvicorn's proxy-headers middleware believing $TRACKER_TRUSTED_PROXIES only, noting a
    request forwarded by anyone else, around the app behind the sample guard."""

    def __init__(self, app: Any, trusted_hosts: list[str] | str | None = None) -> None:
        super().__init__(sample_guard.SampleGuard(app), trusted_hosts=",".join(trusted_proxies()))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            peer = (scope.get("client") or ("",))[0]
            names = sample_guard.forwarding_headers(scope["headers"])
            if names and peer not in self.trusted_hosts:
                _note_forwarding(peer, names)
        await super().__call__(scope, receive, send)


def configure() -> None:
    """Check and set the trusted proxies for uvicorn, then refuse a sample database served to
    the network; raises RefusedToServe (the server does not start) with the reason."""
    proxies = trusted_proxies()
    os.environ[UVICORN_TRUSTED] = ",".join(proxies)  # any Config created from now on
    uvicorn.config.ProxyHeadersMiddleware = TrustedProxyHeaders  # the one loading this app
    refusal = sample_guard.start_refusal(config.get_option("server.address"), proxies)
    if refusal:
        raise RefusedToServe(refusal)


def trusted_proxies() -> list[str]:
    """$TRACKER_TRUSTED_PROXIES as a list of addresses and networks (none: trust nobody);
    raises RefusedToServe for an entry that is not one, or that matches every address."""
    entries = [part.strip() for part in settings.TRUSTED_PROXIES.split(",") if part.strip()]
    for entry in entries:
        try:
            network = ipaddress.ip_network(entry)  # an address is a network of one
        except ValueError:
            raise RefusedToServe(_proxy_problem(entry, *_NOT_AN_ADDRESS)) from None
        if network.prefixlen == 0:
            raise RefusedToServe(_proxy_problem(entry, *_EVERY_ADDRESS))
    return entries


_NOT_AN_ADDRESS = (
    "không phải địa chỉ IP hay mạng (CIDR) hợp lệ",
    "is not an IP address or a CIDR network",
)
_EVERY_ADDRESS = (
    "khớp mọi địa chỉ: máy chủ sẽ tin địa chỉ giả do bất kỳ ai gửi",
    "matches every address: the server would believe any forged address",
)


def _proxy_problem(entry: str, vietnamese: str, english: str) -> str:
    return (
        f"Không khởi động: {VARIABLE} có mục {entry!r} {vietnamese}. Ghi địa chỉ IP hoặc mạng "
        "CIDR của reverse proxy, cách nhau bởi dấu phẩy, ví dụ "
        f"{VARIABLE}=127.0.0.1 (nginx trên cùng máy, như deploy/) hoặc "
        f"{VARIABLE}=10.0.0.5,10.0.1.0/24; để trống khi không có proxy.\n"
        f"Refusing to start: {VARIABLE} entry {entry!r} {english}. List the reverse proxies' "
        f"IP addresses or CIDR networks, comma-separated, e.g. {VARIABLE}=127.0.0.1."
    )


def _note_forwarding(peer: str, names: tuple[str, ...]) -> None:
    global _first_forwarding
    with _forwarding_lock:
        if _first_forwarding is not None:
            return
        _first_forwarding = Forwarding(settings.now(), peer, names)
    _LOG.warning(forwarding_warning())


def forwarding_warning() -> str | None:
    """What Quản trị (and the server's log, once) says when a proxy that is not trusted
    forwarded a request since the server started; None when none did."""
    seen = _first_forwarding
    if seen is None:
        return None
    unset = "chưa đặt" if not settings.TRUSTED_PROXIES.strip() else f"chưa có {seen.peer}"
    return (
        f"Máy chủ đang chạy sau proxy nhưng {VARIABLE} {unset}: từ "
        f"{fmt_datetime(seen.seen_at)}, máy {seen.peer} chuyển tiếp yêu cầu (tiêu đề "
        f"{', '.join(seen.headers)}) mà máy chủ không tin. Khi đó máy chủ không biết địa chỉ "
        "thật của người dùng (không khóa đăng nhập theo địa chỉ) và cookie không được đánh dấu "
        f"Secure qua HTTPS. Đặt {VARIABLE} là địa chỉ của proxy (ví dụ 127.0.0.1 cho nginx trên "
        "cùng máy, README mục Triển khai) rồi khởi động lại máy chủ."
    )
