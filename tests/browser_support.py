"""Shared parts of the real-browser tests: a `streamlit run app.py` server on a temp database,
Debian's chromium driven by Playwright, and the waits and checks every browser test uses.

Waits follow stack-notes §3: first wait for content that proves the rerun happened, then for the
idle selector (script not running, websocket connected). No fixed sleeps.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD, ROOT, clock_value, suite_now
from tracker.accounts import auth
from tracker.store import db
from tracker.tools.bench_browser import free_port, wait_healthy

CHROMIUM = Path("/usr/bin/chromium")
SCREENS = ROOT / "test-artifacts" / "screens"
TIMEOUT_MS = 30_000
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = (
    '[data-testid="stApp"][data-test-script-state="notRunning"]'
    '[data-test-connection-state="CONNECTED"]'
)
EXCEPTION = '[data-testid="stException"]'
ACCOUNTS = {"quan_tri": "admin", "lanh_dao": "lanhdao", "don_vi": "hctc"}

# Mark and skip a browser test module: `pytestmark = browser_support.MARKS`.
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium"),
]


# --- the server ------------------------------------------------------------------------------


def create_accounts(path: Path) -> None:
    """One account per role (the unit account belongs to HCTC), all with tests' PASSWORD."""
    auth.create_user("admin", "quan_tri", PASSWORD, full_name="Quản trị HCTC", path=path)
    auth.create_user("lanhdao", "lanh_dao", PASSWORD, full_name="Chánh Văn phòng", path=path)
    auth.create_user("hctc", "don_vi", PASSWORD, unit_code="HCTC", path=path)


# The $TRACKER_NOW each running server was started with, by URL.
SERVER_CLOCKS: dict[str, str] = {}


def use_server_clock(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Put this test on the clock of the server at `url`, to compare times it stored."""
    monkeypatch.setenv("TRACKER_NOW", SERVER_CLOCKS[url])


@contextmanager
def running_server(
    path: Path,
    *extra_args: str,
    env: dict[str, str] | None = None,
    port: int | None = None,
    root: Path = ROOT,
) -> Iterator[str]:
    """`streamlit run app.py` on a free local port over the database at `path`; yields its URL.
    `extra_args` are more `streamlit run` options (e.g. a config option a test needs changed),
    `env` more environment variables (e.g. $TRACKER_TRUSTED_PROXIES), `root` the sources it
    runs (a copy with a seeded violation: tests/seeded.py).

    The caller prepares the database in-process first; this hands it over (DuckDB lets one
    process open a file) and stops the server by its own PID afterwards. The server runs on the
    tests' clock: this process's $TRACKER_NOW (to the second), else the suite's default instant.
    """
    db.close_all()
    port = port or free_port()
    clock = os.environ.get("TRACKER_NOW") or clock_value(suite_now())
    env = {
        **os.environ,
        "TRACKER_DB": str(path),
        "TRACKER_DAILY_BACKUP": "0",
        "TRACKER_NOW": clock,
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        *extra_args,
    ]
    with (path.parent / "server.log").open("wb") as log:
        proc = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        SERVER_CLOCKS[url] = clock
        try:
            wait_healthy(url, proc)
            yield url
        finally:
            SERVER_CLOCKS.pop(url, None)
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def chromium(*extra_args: str) -> Iterator[Any]:
    """Debian's chromium (never a downloaded one), headless."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*ARGS, *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()


# --- watching a page for failures --------------------------------------------------------------

# Offline machine: Streamlit's pages ask external hosts for fonts and icons; those fail and are
# not our code. Any error from our own origin, or a script error, is.
_EXTERNAL_NOISE = re.compile(r"fonts\.gstatic\.com|fonts\.googleapis\.com|favicon", re.IGNORECASE)
# Opened by a deep link (/nop_bao_cao), Streamlit's frontend first looks for the server under
# that path (/nop_bao_cao/_stcore/health), gets a 404, then finds it at the root: its own probing.
_BASE_PATH_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")


class Watch:
    """Collects console errors and uncaught script errors of a page that come from our app."""

    def __init__(self, page: Any, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        text = message.text
        if _EXTERNAL_NOISE.search(text) or _EXTERNAL_NOISE.search(where):
            return
        if "Failed to load resource" in text and not _same_origin(where, self.origin):
            return  # a network error for an external host (offline machine)
        if "404" in text and _BASE_PATH_PROBE.match(urlsplit(where).path):
            return
        self.errors.append(f"console: {text} ({where})")

    def assert_clean(self) -> None:
        """No Streamlit exception box on the page and no console error from our code."""
        boxes = self.page.locator(EXCEPTION)
        assert boxes.count() == 0, boxes.first.inner_text()
        assert not self.errors, self.errors


def _same_origin(url: str, origin: str) -> bool:
    if not url:
        return False
    a, b = urlsplit(url), urlsplit(origin)
    return (a.hostname, a.port) == (b.hostname, b.port)


# --- actions ---------------------------------------------------------------------------------


def new_page(
    browser: Any, origin: str, *, width: int = 1280, height: int = 900, **options: Any
) -> tuple:
    """A fresh context (its own session and cookies) and a watched page in it; `options` are
    more context options (extra_http_headers, ignore_https_errors, storage_state)."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        accept_downloads=True,
        locale="vi-VN",
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    # A grid's "Download as CSV" opens the File System Access save dialog when the browser has
    # one, which a headless browser cannot answer; without it the grid makes a plain download.
    context.add_init_script("delete window.showSaveFilePicker")
    page = context.new_page()
    return context, page, Watch(page, origin)


def idle(page: Any) -> None:
    """The script has finished, the websocket is connected and the lazily loaded elements
    (grids, charts: a grey skeleton until their code arrives) are drawn."""
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stMain"] [data-testid="stSkeleton"]\')',
        timeout=TIMEOUT_MS,
    )


def heading(page: Any, text: str, *, exact: bool = False) -> Any:
    """Wait until the page's title (h1) shows `text`, then until the script is idle."""
    from playwright.sync_api import expect

    h1 = page.get_by_role("heading", level=1, name=text, exact=exact)
    expect(h1.first).to_be_visible(timeout=TIMEOUT_MS)
    idle(page)
    return h1.first


def login(page: Any, username: str) -> None:
    """Log in from the form every page shows to a visitor."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=TIMEOUT_MS)
    idle(page)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    # The sidebar's logout button proves the rerun after login (attached, not visible: on a
    # phone the sidebar starts collapsed).
    expect(page.locator(".st-key-logout_button")).to_be_attached(timeout=TIMEOUT_MS)
    idle(page)


def try_login(page: Any, username: str, password: str) -> bool:
    """Submit the login form once: True when signed in, False when refused (the form's one
    answer to every failure is shown)."""
    from playwright.sync_api import expect

    signed_in = page.locator(".st-key-logout_button")
    refused = page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    if refused.count():
        # The previous attempt's refusal would answer for this one before the server has read
        # it (and the next attempt would then interrupt this one's rerun): a fresh page.
        page.reload()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=TIMEOUT_MS)
    idle(page)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(signed_in.or_(refused)).to_be_attached(timeout=TIMEOUT_MS)
    idle(page)
    return signed_in.count() > 0


def open_choices(page: Any, key: str) -> Any:
    """Open the dropdown of the selectbox or multiselect keyed `key`; returns its options.

    Once the app is idle (no rerun to move the widget) and with the widget scrolled to the middle
    of the view: the dropdown closes as soon as the page scrolls (react-aria), which a click on
    an option below the fold does first (issue 32's Tài khoản test lost its dropdown so)."""
    from playwright.sync_api import expect

    idle(page)
    widget = page.locator(f".st-key-{key}")
    widget.evaluate("e => e.scrollIntoView({block: 'center'})")
    widget.click()
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible(timeout=TIMEOUT_MS)
    return listbox.get_by_role("option")


def go(page: Any, title: str) -> None:
    """Open a page through the sidebar (keeps the session, unlike a new URL)."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True).click()
    heading(page, title)


def screenshot(page: Any, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main block, not the document, so the
    viewport is made as tall as the content for the shot."""
    idle(page)
    SCREENS.mkdir(parents=True, exist_ok=True)
    out = SCREENS / f"{name}.png"
    size = page.viewport_size
    tall = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0"
    )
    if tall > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(tall, 8000)})
    try:
        page.screenshot(path=str(out), full_page=True)
    finally:
        page.set_viewport_size(size)
    return out
