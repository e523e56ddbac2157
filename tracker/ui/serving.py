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
- No sample accounts in production: a database holding them is served only on this machine
  (loopback), unless $TRACKER_DEMO=1 says it is a demonstration.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any

import uvicorn.config
from streamlit import config
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import catalogues

# uvicorn.Config reads this variable when Streamlit builds its server (after the app is loaded).
UVICORN_TRUSTED = "FORWARDED_ALLOW_IPS"


class RefusedToServe(SystemExit):
    """The server must not start; the message (Vietnamese) says why and what to do."""


class TrustedProxyHeaders(ProxyHeadersMiddleware):
    """uvicorn's proxy-headers middleware believing $TRACKER_TRUSTED_PROXIES only."""

    def __init__(self, app: Any, trusted_hosts: list[str] | str | None = None) -> None:
        super().__init__(app, trusted_hosts=trusted_proxies())


def configure() -> None:
    """Set the trusted proxies for uvicorn, then refuse a sample database served to the network."""
    os.environ[UVICORN_TRUSTED] = trusted_proxies()  # any Config created from now on
    uvicorn.config.ProxyHeadersMiddleware = TrustedProxyHeaders  # the one loading this app
    refusal = sample_refusal(config.get_option("server.address"))
    if refusal:
        raise RefusedToServe(refusal)


def trusted_proxies() -> str:
    """uvicorn's list from $TRACKER_TRUSTED_PROXIES; '' trusts nobody (an empty name matches no
    peer address)."""
    return ",".join(part.strip() for part in settings.TRUSTED_PROXIES.split(",") if part.strip())


def is_loopback(address: str | None) -> bool:
    """Whether the server's bind address is reachable from this machine only (unset or 0.0.0.0
    means every interface)."""
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def sample_refusal(address: str | None) -> str | None:
    """Why a sample database must not be served at `address`, or None."""
    if settings.DEMO or is_loopback(address):
        return None
    try:
        if not auth.sample_accounts():
            return None
    except catalogues.DatabaseBusyError:  # the pages say so; the check runs again at the next start
        return None
    return (
        f"Không khởi động: cơ sở dữ liệu {settings.db_path()} có tài khoản mẫu (mật khẩu công "
        f"khai) mà máy chủ lại mở ra mạng (server.address = {address or 'mọi địa chỉ'}). Hãy "
        "dùng cơ sở dữ liệu thật (TRACKER_DB) với tài khoản tạo bằng `python -m tracker users "
        "add`, hoặc chỉ mở trên máy này (--server.address 127.0.0.1); nếu đây đúng là bản "
        "trình diễn, đặt TRACKER_DEMO=1."
    )
