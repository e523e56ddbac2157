"""What a leader waits for (issue 13, PRODUCT.md §10): a real `streamlit run` server over a
benchmark database, Debian's chromium driven by Playwright, signed in as the sample leader; each
page opened by its sidebar link, timed until the app is idle and every grid and chart is drawn.

The figure per page is the median of several clicks; the target at city scale is ≤ 3× the
lightest page's median in the same run, at office scale < 1 s. Skipped (with a note) where
chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.store import db
from tracker.tools.bench_core import Case

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
IDLE = (
    '[data-testid="stApp"][data-test-script-state="notRunning"]'
    '[data-test-connection-state="CONNECTED"]'
)
NO_SKELETON = '() => !document.querySelector(\'[data-testid="stMain"] [data-testid="stSkeleton"]\')'
TIMEOUT_MS = 120_000
LEADER, PASSWORD = "lanhdao", "demo-2026"  # the demo's sample leader (sample mode only)
# Pages a leader sees, by sidebar title; the first is the floor every ratio is taken against.
PAGES = (
    "Tài khoản",
    "Tổng quan",
    "Kế hoạch",
    "Nhiệm vụ",
    "Đơn vị",
    "Vướng mắc",
    "Dân vận khéo",
    "Tự chấm điểm",
    "Đôn đốc",
    "Xuất dữ liệu",
)
QUICK_PAGES = ("Tài khoản", "Tổng quan", "Tự chấm điểm")


def available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.exists()


def free_port() -> int:
    """A free local TCP port (also used by the browser tests' servers)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _server(path: Path) -> Iterator[str]:
    """`streamlit run app.py` over `path` on a free local port, stopped by its own PID."""
    db.close_all()  # DuckDB lets one process open the file: hand it to the server
    port = free_port()
    env = {**os.environ, "TRACKER_DB": str(path), "TRACKER_DAILY_BACKUP": "0"}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--browser.gatherUsageStats", "false"]
    with (path.parent / f"{path.stem}-server.log").open("wb") as log:
        proc = subprocess.Popen(command, cwd=settings.ROOT, env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until the server answers /_stcore/health (an error if it exits or takes too long)."""
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


def _idle(page: Any) -> None:
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    page.wait_for_function(NO_SKELETON, timeout=TIMEOUT_MS)


def _open(page: Any, title: str) -> float:
    """Click the sidebar link; seconds until the page's title shows and the app is idle."""
    from playwright.sync_api import expect

    link = page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True)
    start = time.perf_counter()
    link.click()
    heading = page.get_by_role("heading", level=1, name=title)  # "Kế hoạch năm 2026"
    expect(heading.first).to_be_visible(timeout=TIMEOUT_MS)
    _idle(page)
    return time.perf_counter() - start


def _sign_in(page: Any, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=TIMEOUT_MS)
    _idle(page)
    page.get_by_label("Tên đăng nhập").fill(LEADER)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".st-key-logout_button")).to_be_attached(timeout=TIMEOUT_MS)
    _idle(page)


def page_times(path: Path, pages: tuple[str, ...], repeat: int) -> dict[str, float]:
    """Median seconds per page, each click coming from another page (the floor page)."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {title: [] for title in pages}
    with _server(path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
            page = context.new_page()
            _sign_in(page, url)
            for title in pages:  # once each, untimed: the server's caches warm
                _open(page, title)
            for _ in range(repeat):
                for title in pages:
                    _open(page, pages[-1] if title == pages[0] else pages[0])
                    times[title].append(_open(page, title))
        finally:
            browser.close()
    return {title: statistics.median(values) for title, values in times.items()}


def bench_browser(path: Path, scale: str, quick: bool) -> list[Case]:
    """Every page (a subset with quick) at this scale, with its ratio to the lightest."""
    if not available():
        return [
            Case(f"[{scale}] trình duyệt: bỏ qua (thiếu chromium/Playwright)", 0, "s", "", True)
        ]
    pages = QUICK_PAGES if quick else PAGES
    medians = page_times(path, pages, 2 if quick else 3)
    floor_title = min(medians, key=medians.get)
    floor = medians[floor_title]
    cases = []
    for title, seconds in medians.items():
        if scale == "city":
            target, ok = "≤ 3× trang nhẹ nhất", seconds <= 3 * floor
        else:
            target, ok = "< 1 s", seconds < 1.0
        cases.append(
            Case(
                f"[{scale}] trình duyệt: trang {title}",
                seconds,
                "s",
                target,
                ok,
                f"trang nhẹ nhất ({floor_title})",
                floor,
            )
        )
    return cases
