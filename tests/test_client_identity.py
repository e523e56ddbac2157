"""Client identity the server can trust (issues 27 and 32): $TRACKER_TRUSTED_PROXIES decides
whose X-Forwarded-For / X-Forwarded-Proto uvicorn believes, through the real uvicorn.Config
that Streamlit builds after loading app.py; a wrong list stops the server; a request forwarded
by a proxy nobody trusted is noted for Quản trị; a sample database is never served to another
machine, judged at start and at every request."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from tests.apptest_helpers import open_page
from tests.conftest import PASSWORD, ROOT, child_env
from tracker import settings
from tracker.accounts import auth
from tracker.store import db
from tracker.ui import sample_guard, serving

PEER = ("127.0.0.1", 40000)  # the reverse proxy on this machine, as the server's socket sees it
LOCAL = {"Host": "localhost:8501"}  # a browser on the server itself


def _request(
    headers: dict[str, str],
    peer: tuple[str, int] = PEER,
    *,
    on_import=None,
    kind: str = "http",
) -> tuple[dict, list[dict]]:
    """One request through the middleware uvicorn wraps the app in: what the app saw (client,
    scheme; empty when it never reached the app) and the messages sent back. As under
    `streamlit run`: the Config exists (and has read uvicorn's own list) before it imports the
    app, and `on_import` runs at that import (app.py calls serving.configure() there)."""
    seen: dict = {}
    sent: list[dict] = []

    async def app(scope, receive, send) -> None:
        seen["client"], seen["scheme"] = scope["client"][0], scope["scheme"]

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": f"{kind}.request" if kind == "http" else "websocket.connect"}

    config = uvicorn.Config(app)

    def load_app():
        if on_import:
            on_import()
        return app

    config.load_app = load_app
    config.load()
    scope = {
        "type": kind,
        "scheme": "http" if kind == "http" else "ws",
        "path": "/",
        "client": peer,
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    asyncio.run(config.loaded_app(scope, receive, send))
    return seen, sent


def _seen_by_app(headers: dict[str, str], peer=PEER, *, on_import=None) -> tuple[str, str]:
    """(client address, scheme) the app sees for one request."""
    seen, _ = _request(headers, peer, on_import=on_import)
    return seen["client"], seen["scheme"]


def _status(sent: list[dict]) -> int | str:
    """The HTTP status sent back, or 'close' for a websocket refused."""
    first = sent[0]
    return "close" if first["type"] == "websocket.close" else first["status"]


SPOOF = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


@pytest.fixture
def server_env(monkeypatch: pytest.MonkeyPatch):
    """serving.configure() writes uvicorn's variable and class and notes forwarded requests:
    undone after each test."""
    monkeypatch.delenv(serving.UVICORN_TRUSTED, raising=False)
    monkeypatch.setattr(settings, "DEMO", False)
    monkeypatch.setattr(serving, "_first_forwarding", None)
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


# --- the list is checked at start (issue 32) ---------------------------------------------------

WRONG_PROXIES = ["127.0.0.l", "nginx", "10.0.0.0/33", "10.0.0.1/8", "*", "0.0.0.0/0", "::/0"]


@pytest.mark.parametrize("value", WRONG_PROXIES)
def test_a_wrong_proxy_list_stops_the_server(
    tmp_db: Path, server_env, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "TRUSTED_PROXIES", f"127.0.0.1, {value}")
    with pytest.raises(serving.RefusedToServe) as refused:
        serving.configure()
    message = str(refused.value)
    assert message.startswith("Không khởi động: TRACKER_TRUSTED_PROXIES có mục")
    assert repr(value) in message and "TRACKER_TRUSTED_PROXIES=127.0.0.1" in message
    assert "Refusing to start: TRACKER_TRUSTED_PROXIES entry" in message  # and in English
    assert serving.UVICORN_TRUSTED not in os.environ  # nothing set up


@pytest.mark.parametrize("value", ["", " , ", "127.0.0.1", "127.0.0.1, 10.0.0.0/8", "::1"])
def test_a_right_proxy_list_is_taken(tmp_db: Path, server_env, value: str, monkeypatch) -> None:
    monkeypatch.setattr(settings, "TRUSTED_PROXIES", value)
    serving.configure()
    assert serving.trusted_proxies() == [p.strip() for p in value.split(",") if p.strip()]


@pytest.mark.parametrize(("value", "believed"), [("127.0.0.l", False), ("0.0.0.0/0", True)])
def test_seeded_violation_uvicorn_alone_takes_any_list_silently(
    monkeypatch: pytest.MonkeyPatch, value: str, believed: bool
) -> None:
    """What the check prevents: uvicorn takes a typo for a name no peer has (nobody trusted,
    not a word said) and a match-all network as leave to believe a forged address from any
    peer; the tests above would fail if configure() passed such a list on."""
    monkeypatch.setenv(serving.UVICORN_TRUSTED, value)
    client = _seen_by_app(SPOOF, ("192.0.2.50", 5000))[0]
    assert (client == "203.0.113.9") is believed


def test_the_server_will_not_start_on_a_wrong_proxy_list(tmp_db: Path) -> None:
    run = _start_server(tmp_db, TRACKER_TRUSTED_PROXIES="127.0.0.l")
    assert run.returncode != 0
    assert "Không khởi động: TRACKER_TRUSTED_PROXIES có mục '127.0.0.l'" in run.stdout + run.stderr


# --- a request forwarded by a proxy nobody trusted (issue 32) ---------------------------------


def test_a_request_forwarded_by_an_untrusted_proxy_is_noted_once(tmp_db: Path, server_env) -> None:
    on_import = server_env("")
    _request(LOCAL, on_import=on_import)
    assert serving.forwarding_warning() is None  # a browser on the server itself: nothing
    _request({**LOCAL, **SPOOF}, on_import=on_import)
    warning = serving.forwarding_warning()
    assert warning.startswith(
        "Máy chủ đang chạy sau proxy nhưng TRACKER_TRUSTED_PROXIES chưa đặt: từ "
    )
    assert "máy 127.0.0.1" in warning and "x-forwarded-for, x-forwarded-proto" in warning
    first = serving._first_forwarding
    _request({"X-Real-IP": "198.51.100.1"}, ("10.0.0.9", 1), on_import=on_import)
    assert serving._first_forwarding is first  # the first is kept (and logged) once


def test_a_trusted_proxy_is_not_noted_and_another_is_named(tmp_db: Path, server_env) -> None:
    on_import = server_env("127.0.0.1")
    _request(SPOOF, on_import=on_import)
    assert serving.forwarding_warning() is None
    _request({"Forwarded": "for=198.51.100.1"}, ("10.0.0.9", 1), on_import=on_import)
    assert "TRACKER_TRUSTED_PROXIES chưa có 10.0.0.9" in serving.forwarding_warning()


def test_quan_tri_shows_the_untrusted_proxy(users: dict, server_env) -> None:
    _request({**LOCAL, **SPOOF}, on_import=server_env(""))
    at = open_page(users["quan_tri"], "quan_tri")
    assert not at.exception
    (shown,) = [w.value for w in at.warning if "TRACKER_TRUSTED_PROXIES chưa đặt" in w.value]
    assert shown == serving.forwarding_warning()
    assert not [w for w in open_page(users["lanh_dao"], "tong_quan").warning if "proxy" in w.value]


# --- no sample database served to another machine (issue 32) ---------------------------------


@pytest.fixture
def sample_db(tmp_db: Path) -> Path:
    auth.create_user("quantri", "quan_tri", PASSWORD, sample=True)
    return tmp_db


OTHER_MACHINES = [
    pytest.param({"Host": "192.0.2.2:8501"}, ("192.0.2.77", 5000), id="another address"),
    pytest.param({"Host": "192.0.2.2:8501"}, PEER, id="a tunnel to loopback"),
    pytest.param({**LOCAL, "X-Forwarded-For": "127.0.0.1"}, PEER, id="a proxy on this machine"),
    pytest.param({**LOCAL, "X-Real-IP": "192.0.2.77"}, PEER, id="another proxy header"),
    pytest.param({}, PEER, id="no host"),
]


@pytest.mark.parametrize(("headers", "peer"), OTHER_MACHINES)
@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_a_sample_database_is_refused_to_another_machine(
    sample_db: Path,
    server_env,
    headers: dict,
    peer: tuple,
    trusted: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Started as if the database had been busy then (with trusted proxies it would not start).
    monkeypatch.setattr(sample_guard, "start_refusal", lambda address, proxies: None)
    seen, sent = _request(headers, peer, on_import=server_env(trusted))
    assert seen == {} and _status(sent) == 403
    body = sent[1]["body"].decode("utf-8")
    assert sample_guard.SAMPLE_TITLE in body and "TRACKER_DEMO=1" in body
    seen, sent = _request(headers, peer, on_import=server_env(trusted), kind="websocket")
    assert seen == {} and _status(sent) == "close"


@pytest.mark.parametrize(
    "host", ["localhost:8501", "127.0.0.1:8501", "[::1]:8501", "app.localhost"]
)
def test_a_sample_database_is_served_on_this_machine(
    sample_db: Path, server_env, host: str
) -> None:
    """The README's first command: the sample, opened in a browser on the same machine."""
    assert _seen_by_app({"Host": host}, on_import=server_env("")) == ("127.0.0.1", "http")
    assert _seen_by_app({"Host": host}, ("::1", 1), on_import=server_env(""))[0] == "::1"


def test_a_real_database_or_a_demo_is_served_to_every_machine(
    tmp_db: Path, server_env, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = ({"Host": "192.0.2.2:8501"}, ("192.0.2.77", 5000))
    assert _seen_by_app(*remote, on_import=server_env(""))[0] == "192.0.2.77"
    auth.create_user("quantri", "quan_tri", PASSWORD, sample=True)
    monkeypatch.setattr(settings, "DEMO", True)
    assert _seen_by_app(*remote, on_import=server_env(""))[0] == "192.0.2.77"


@contextmanager
def held(path: Path) -> Iterator[Callable[[], None]]:
    """The database file held by another process (a command-line run, a second server) until
    the block ends or it calls the function it is given."""
    db.close_all()
    holder = subprocess.Popen(
        [
            *(sys.executable, "-c"),
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def release() -> None:
        if holder.poll() is None:
            holder.stdin.close()
            holder.wait(timeout=30)

    try:
        assert holder.stdout.readline().strip() == "held"
        yield release
    finally:
        release()


def test_a_busy_database_is_refused_to_another_machine_until_it_can_be_read(
    sample_db: Path, server_env
) -> None:
    remote = ({"Host": "192.0.2.2:8501"}, ("192.0.2.77", 5000))
    with held(sample_db):
        # The start check cannot look: the server starts (configured once, as app.py does).
        _, sent = _request(*remote, on_import=server_env("127.0.0.1"))
        assert _status(sent) == 503 and sample_guard.BUSY_TITLE in sent[1]["body"].decode()
        assert _seen_by_app(LOCAL) == ("127.0.0.1", "http")
    _, sent = _request(*remote)  # now it can: a sample
    assert _status(sent) == 403


def test_seeded_violation_without_the_request_guard_the_sample_reaches_another_machine(
    sample_db: Path, server_env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard reverted to judging the bind address only (every client taken as this
    machine): the remote request reaches the app, so the tests above would fail."""
    monkeypatch.setattr(sample_guard, "from_this_machine", lambda scope: True)
    remote = ({"Host": "192.0.2.2:8501"}, ("192.0.2.77", 5000))
    assert _seen_by_app(*remote, on_import=server_env(""))[0] == "192.0.2.77"


def test_a_sample_database_does_not_start_on_the_network_unless_a_demo(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "DEMO", False)
    assert sample_guard.start_refusal("0.0.0.0", ["127.0.0.1"]) is None  # a real database
    auth.create_user("quantri", "quan_tri", PASSWORD, sample=True)
    for address in ("127.0.0.1", "::1", "[::1]", "localhost"):
        assert sample_guard.start_refusal(address, []) is None, address
    for address, proxies in [
        *((a, []) for a in ("0.0.0.0", "", None, "192.0.2.10", "::")),
        ("127.0.0.1", ["127.0.0.1"]),  # the shipped unit: nginx serves other machines
    ]:
        refusal = sample_guard.start_refusal(address, proxies)
        assert refusal and "tài khoản mẫu" in refusal and "TRACKER_DEMO=1" in refusal, address
    assert "TRACKER_TRUSTED_PROXIES = 127.0.0.1" in refusal
    with held(tmp_db):
        assert sample_guard.start_refusal("0.0.0.0", []) is None  # cannot look: requests will
    monkeypatch.setattr(settings, "DEMO", True)
    assert sample_guard.start_refusal("0.0.0.0", ["127.0.0.1"]) is None


def _start_server(path: Path, *options: str, **env: str) -> subprocess.CompletedProcess:
    """`streamlit run app.py` on `path`, expected to stop at start."""
    db.close_all()
    return subprocess.run(
        [
            *(sys.executable, "-m", "streamlit", "run", "app.py"),
            *("--server.port", "0", "--server.headless", "true", *options),
        ],
        cwd=ROOT,
        env=child_env(TRACKER_DB=str(path), TRACKER_DAILY_BACKUP="0", HOME=str(path.parent), **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("options", "env"),
    [
        (("--server.address", "0.0.0.0"), {}),
        (("--server.address", "127.0.0.1"), {"TRACKER_TRUSTED_PROXIES": "127.0.0.1"}),
    ],
    ids=["bound to every address", "behind the shipped proxy"],
)
def test_the_server_will_not_start_on_a_sample_database_served_to_the_network(
    sample_db: Path, options: tuple, env: dict
) -> None:
    run = _start_server(sample_db, *options, **env)
    assert run.returncode != 0
    assert "Không khởi động" in run.stdout + run.stderr
