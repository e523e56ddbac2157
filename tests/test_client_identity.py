"""Client identity the server can trust (issue 27): $TRACKER_TRUSTED_PROXIES decides whose
X-Forwarded-For / X-Forwarded-Proto uvicorn believes, through the real uvicorn.Config that
Streamlit builds after loading app.py; a sample database is never served to the network."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
import uvicorn

from tests.conftest import PASSWORD, ROOT, child_env
from tracker import settings
from tracker.accounts import auth
from tracker.ui import serving

PEER = ("127.0.0.1", 40000)  # the reverse proxy on this machine, as the server's socket sees it


def _seen_by_app(
    headers: dict[str, str], peer: tuple[str, int] = PEER, *, on_import=None
) -> tuple[str, str]:
    """(client address, scheme) the app sees for one request, through the middleware uvicorn
    wraps it in. As under `streamlit run`: the Config exists (and has read uvicorn's own list)
    before it imports the app, and `on_import` runs at that import (app.py calls
    serving.configure() there)."""
    seen: dict = {}

    async def app(scope, receive, send) -> None:
        seen["client"], seen["scheme"] = scope["client"][0], scope["scheme"]

    config = uvicorn.Config(app)

    def load_app():
        if on_import:
            on_import()
        return app

    config.load_app = load_app
    config.load()
    scope = {
        "type": "http",
        "scheme": "http",
        "client": peer,
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    asyncio.run(config.loaded_app(scope, None, None))
    return seen["client"], seen["scheme"]


SPOOF = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


@pytest.fixture
def server_env(monkeypatch: pytest.MonkeyPatch):
    """serving.configure() writes uvicorn's variable: undone after each test."""
    monkeypatch.delenv(serving.UVICORN_TRUSTED, raising=False)
    monkeypatch.setattr(settings, "DEMO", False)
    middleware = uvicorn.config.ProxyHeadersMiddleware
    monkeypatch.setattr(uvicorn.config, "ProxyHeadersMiddleware", middleware)

    def trusting(trusted: str):
        def configure() -> None:
            monkeypatch.setattr(settings, "TRUSTED_PROXIES", trusted)
            serving.configure()

        return configure

    return trusting


def test_without_trusted_proxies_forwarded_headers_are_ignored(tmp_db: Path, server_env) -> None:
    assert _seen_by_app(SPOOF, on_import=server_env("")) == ("127.0.0.1", "http")
    assert _seen_by_app(SPOOF) == ("127.0.0.1", "http")  # a Config made afterwards: the same


def test_a_trusted_proxy_names_the_client_right_most_untrusted(tmp_db: Path, server_env) -> None:
    on_import = server_env("127.0.0.1, 10.0.0.0/8")
    assert _seen_by_app(SPOOF, on_import=on_import) == ("203.0.113.9", "https")
    # The browser's own claim sits left of what the trusted hops appended: it is skipped.
    chain = {"X-Forwarded-For": "1.2.3.4, 198.51.100.7, 10.1.2.3"}
    assert _seen_by_app(chain, on_import=on_import)[0] == "198.51.100.7"
    # A peer that is not a trusted proxy is the client, whatever it sends.
    peer = ("192.0.2.50", 5000)
    assert _seen_by_app(SPOOF, peer, on_import=on_import) == ("192.0.2.50", "http")


def test_seeded_violation_uvicorns_default_believes_anyone_on_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without serving.configure(), uvicorn trusts 127.0.0.1: the spoof goes through. The
    tests above would fail on a server that skipped the configuration."""
    monkeypatch.delenv(serving.UVICORN_TRUSTED, raising=False)
    assert _seen_by_app(SPOOF) == ("203.0.113.9", "https")


def test_a_sample_database_is_refused_off_loopback_unless_a_demo(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "DEMO", False)
    assert serving.sample_refusal("0.0.0.0") is None  # no sample account: a real database
    auth.create_user("quantri", "quan_tri", PASSWORD, sample=True)
    for address in ("127.0.0.1", "::1", "[::1]", "localhost"):
        assert serving.sample_refusal(address) is None, address
    for address in ("0.0.0.0", "", None, "192.0.2.10", "::"):
        refusal = serving.sample_refusal(address)
        assert refusal and "tài khoản mẫu" in refusal and "TRACKER_DEMO=1" in refusal, address
    monkeypatch.setattr(settings, "DEMO", True)
    assert serving.sample_refusal("0.0.0.0") is None


def test_the_server_will_not_start_on_a_sample_database_bound_to_the_network(
    tmp_db: Path,
) -> None:
    auth.create_user("quantri", "quan_tri", PASSWORD, sample=True)
    from tracker.store import db

    db.close_all()
    run = subprocess.run(
        [
            *(sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "0.0.0.0"),
            *("--server.port", "0", "--server.headless", "true"),
        ],
        cwd=ROOT,
        env=child_env(TRACKER_DB=str(tmp_db), TRACKER_DAILY_BACKUP="0", HOME=str(tmp_db.parent)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "Không khởi động" in run.stdout + run.stderr
