"""A real server and Debian's chromium: each role logs in from a direct link, sees its navigation,
and a forbidden page is refused.

The first request the fresh server gets is the deep link /quan_tri (a leader's bookmark).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, ROOT
from tracker import auth, db, ui

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium"),
]
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
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
ACCOUNTS = {"don_vi": "hctc", "lanh_dao": "lanhdao", "quan_tri": "admin"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free local port, on a temp DB with one account per role."""
    folder = tmp_path_factory.mktemp("browser")
    path = folder / "tracker.duckdb"
    db.close_all()
    auth.create_user("admin", "quan_tri", PASSWORD, path=path)
    auth.create_user("lanhdao", "lanh_dao", PASSWORD, path=path)
    auth.create_user("hctc", "don_vi", PASSWORD, unit_code="HCTC", path=path)
    db.close_all()  # one process per database file: hand it to the server
    port = _free_port()
    env = {**os.environ, "TRACKER_DB": str(path), "TRACKER_DAILY_BACKUP": "0"}
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [
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
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


def _login(page, username: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)


def _sidebar_links(page) -> list[str]:
    links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
    return [text.strip() for text in links.all_inner_texts()]


def _labels(role: str) -> tuple[set[str], set[str]]:
    shown = {p.title for p in ui.PAGES.values() if role in p.roles}
    hidden = {p.title for p in ui.PAGES.values()} - shown
    return shown, hidden


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao", "quan_tri"])
def test_role_logs_in_from_a_direct_link(server: str, browser, role: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/quan_tri")
        _login(page, ACCOUNTS[role])
        if role == "quan_tri":
            expect(page.get_by_role("heading", name="Quản trị")).to_be_visible()
            expect(page.get_by_role("tab", name="Sao lưu")).to_be_visible()
        else:
            expect(page.get_by_text("không dành cho vai trò")).to_be_visible()
            assert page.get_by_role("tab", name="Sao lưu").count() == 0
        texts = _sidebar_links(page)
        shown, hidden = _labels(role)
        for title in shown:
            assert any(title in t for t in texts), (title, texts)
        for title in hidden:
            assert not any(t.endswith(title) for t in texts), (title, texts)
        assert len(texts) == len(shown)
    finally:
        context.close()


def test_leader_direct_link_to_the_upload_page_is_refused(server: str, browser) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/nop_bao_cao")
        _login(page, "lanhdao")
        expect(page.get_by_text("không dành cho vai trò")).to_be_visible()
        assert page.get_by_role("button", name="Tải biểu mẫu đã điền sẵn (.xlsx)").count() == 0
        page.get_by_test_id("stSidebar").get_by_role("link", name="Tài khoản").click()
        expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="Đổi mật khẩu")).to_be_visible()
    finally:
        context.close()
