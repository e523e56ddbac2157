"""What a leader waits for (issues 13 and 35, PRODUCT.md §10): a real `streamlit run` server
over a benchmark database, Debian's chromium driven by Playwright, signed in as the sample
leader; each page opened by its sidebar link, timed until the app is idle and every grid and
chart is drawn; and the sign-in itself: the login page opened, and the click on "Đăng nhập"
until the first page has settled, in a browser that has been there before (its files cached).

The figure per page is the median of several clicks, taken in rounds (every page once a round),
printed with the lowest and highest; a ratio is to the lightest page's median in the same run,
its spread each round's ratio. Targets (issue 35): office scale < 0.5 s; city scale the slowest
≤ 1.5× the lightest; 4,000 units in one body ≤ 3× the account page; the login page < 1 s and a
sign-in < 1.5 s. Skipped (with a note) where chromium or Playwright is missing.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.store import db
from tracker.tools.bench_core import Case, Runs

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
# 4,000 units in one body: the pages whose work grows with the units, against the account page.
BODY_PAGES = ("Tài khoản", "Tổng quan", "Nhiệm vụ", "Đơn vị", "Tự chấm điểm")
OFFICE_LIMIT = 0.5  # seconds, every page at office scale
CITY_RATIO = 1.5  # the slowest page against the lightest, city scale
BODY_RATIO = 3.0  # 4,000 units: against the account page
LOGIN_PAGE_LIMIT, SIGN_IN_LIMIT = 1.0, 1.5  # seconds
SIGN_INS = 5  # sign-ins timed (3 with quick)


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
def served(path: Path) -> Iterator[str]:
    """`streamlit run app.py` over `path` on a free local port, stopped by its own PID."""
    with server(path) as (url, _):
        yield url


@contextmanager
def server(path: Path, cpus: str = "") -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run app.py` over `path` on a free local port: its URL and its process (the
    peak samples its CPU and memory), stopped by its own PID; with `cpus` ("0" or "0-1", as
    taskset takes them) it runs on those cores only, its threads and workers too."""
    db.close_all()  # DuckDB lets one process open the file: hand it to the server
    port = free_port()
    env = {**os.environ, "TRACKER_DB": str(path), "TRACKER_DAILY_BACKUP": "0"}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--browser.gatherUsageStats", "false"]
    if cpus:  # taskset execs the server: the PID is the server's
        command = ["taskset", "-c", cpus, *command]
    with (path.parent / f"{path.stem}-server.log").open("wb") as log:
        proc = subprocess.Popen(command, cwd=settings.ROOT, env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc)
            yield url, proc
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


def _login_page(page: Any, url: str) -> float:
    """Seconds from opening the site signed out until the login form is idle."""
    from playwright.sync_api import expect

    start = time.perf_counter()
    page.goto(url)
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=TIMEOUT_MS)
    _idle(page)
    return time.perf_counter() - start


@dataclass(frozen=True)
class Account:
    """Who the browser signs in as, the title of the page they land on, and where to go then
    (a path and query the site's address takes, as "/?co_quan=X001"; '' to stay). For a city
    role, `body`: the option of the sidebar's "Cơ quan" chosen again, in the same session, when
    a page left the body (Tài khoản) and the next page's link is not in the sidebar."""

    username: str = LEADER
    password: str = PASSWORD
    first: str = "Tổng quan"
    then: str = ""
    body: str = ""


def _choose_body(page: Any, option: str) -> None:
    """Pick `option` ("UBND phường Ninh Kiều (X001)") in the sidebar's "Cơ quan", until idle."""
    from playwright.sync_api import expect

    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
    box.filter(has=page.get_by_text("Cơ quan", exact=True)).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    expect(page).to_have_url(re.compile("co_quan="), timeout=TIMEOUT_MS)
    _idle(page)


def _sign_in(page: Any, url: str, account: Account = Account()) -> float:
    """Sign in as `account` (the sample leader by default); seconds from the click on "Đăng
    nhập" until the first page has settled: the password check, the cookie's round trip, the
    page's run."""
    from playwright.sync_api import expect

    _login_page(page, url)
    page.get_by_label("Tên đăng nhập").fill(account.username)
    page.get_by_label("Mật khẩu").fill(account.password)
    start = time.perf_counter()
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".st-key-logout_button")).to_be_attached(timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", level=1, name=account.first).first).to_be_visible(
        timeout=TIMEOUT_MS
    )
    _idle(page)
    return time.perf_counter() - start


def _go(page: Any, url: str, then: str) -> None:
    """Open `then` on the site (as a link from outside the app would), until it is idle."""
    from playwright.sync_api import expect

    page.goto(url + then)
    expect(page.locator(".st-key-logout_button")).to_be_attached(timeout=TIMEOUT_MS)
    _idle(page)


def _sign_out(page: Any) -> None:
    from playwright.sync_api import expect

    page.locator(".st-key-logout_button button").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=TIMEOUT_MS)
    _idle(page)


@dataclass(frozen=True)
class Measured:
    pages: dict[str, Runs]  # sidebar clicks per page, round by round
    login_page: Runs  # the login page opened, signed out
    sign_in: Runs  # click on "Đăng nhập" until the first page settled


def page_times(
    path: Path,
    pages: tuple[str, ...],
    repeat: int,
    sign_ins: int = 0,
    account: Account = Account(),
    url: str = "",
) -> Measured:
    """Seconds per click of each page, in rounds, each click coming from another page (the
    floor page); then `sign_ins` times: sign out, open the login page, sign in. Signed in as
    `account` (the sample leader by default), on a server of its own over `path` unless `url`
    names one already serving it."""
    with contextlib.ExitStack() as stack:
        url = url or stack.enter_context(served(path))
        return _page_times(url, pages, repeat, sign_ins, account)


def _page_times(
    url: str, pages: tuple[str, ...], repeat: int, sign_ins: int, account: Account
) -> Measured:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {title: [] for title in pages}
    logins: list[float] = []
    sign_in: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
            page = context.new_page()
            # Untimed: the browser fetches the app's files once, as any day.
            _sign_in(page, url, account)
            if account.then:
                _go(page, url, account.then)

            def click(title: str) -> float:
                # A city role's body pages: should a page leave the body (Tài khoản did, before
                # its link kept ?co_quan=), their links are gone until the body is chosen again
                # in "Cơ quan" (untimed).
                sidebar = page.get_by_test_id("stSidebar")
                link = sidebar.get_by_role("link", name=title, exact=True)
                if account.body and not link.count():
                    _choose_body(page, account.body)
                return _open(page, title)

            for title in pages:  # once each, untimed: the server's caches warm
                click(title)
            for _ in range(repeat):
                for title in pages:
                    click(pages[-1] if title == pages[0] else pages[0])
                    times[title].append(click(title))
            for _ in range(sign_ins):
                _sign_out(page)
                logins.append(_login_page(page, url))
                sign_in.append(_sign_in(page, url, account))
        finally:
            browser.close()
    return Measured(
        {title: Runs(tuple(values)) for title, values in times.items()},
        Runs(tuple(logins) or (0.0,)),
        Runs(tuple(sign_in) or (0.0,)),
    )


def bench_browser(path: Path, scale: str, quick: bool) -> list[Case]:
    """Every page (a subset with quick; the growing ones at 4,000 units) at this scale, with
    its ratio to the lightest (the account page at 4,000 units); at office scale the sign-in."""
    if not available():
        return [
            Case(f"[{scale}] trình duyệt: bỏ qua (thiếu chromium/Playwright)", 0, "s", "", True)
        ]
    pages = BODY_PAGES if scale == "4000" else QUICK_PAGES if quick else PAGES
    # The sign-in at office scale; --quick opens no office pages, so there at city scale.
    sign_ins = 3 if quick and scale == "city" else SIGN_INS if scale == "office" else 0
    measured = page_times(path, pages, 2 if quick else 3, sign_ins)
    medians = {title: runs.median for title, runs in measured.pages.items()}
    floor_title = "Tài khoản" if scale == "4000" else min(medians, key=medians.get)
    floor = measured.pages[floor_title]
    cases = []
    for title, runs in measured.pages.items():
        if scale == "city":
            target, ok = (
                f"≤ {CITY_RATIO:g}× trang nhẹ nhất",
                runs.median <= CITY_RATIO * floor.median,
            )
        elif scale == "4000":
            target, ok = f"≤ {BODY_RATIO:g}× Tài khoản", runs.median <= BODY_RATIO * floor.median
        else:
            target, ok = f"< {OFFICE_LIMIT:g} s", runs.median < OFFICE_LIMIT
        cases.append(
            ratio_case(
                f"[{scale}] trình duyệt: trang {title}",
                runs,
                floor,
                f"trang {'Tài khoản' if scale == '4000' else 'nhẹ nhất'} ({floor_title})",
                target,
                ok,
            )
        )
    if sign_ins:
        cases += [
            _limit(
                f"[{scale}] trình duyệt: mở trang đăng nhập", measured.login_page, LOGIN_PAGE_LIMIT
            ),
            _limit(
                f"[{scale}] trình duyệt: đăng nhập, bấm nút → trang đầu tiên xong",
                measured.sign_in,
                SIGN_IN_LIMIT,
            ),
        ]
    return cases


def ratio_case(name: str, runs: Runs, floor: Runs, baseline: str, target: str, ok: bool) -> Case:
    """A page's clicks against the floor page's clicks of the same rounds (the ratio's spread
    is each round's)."""
    ratios = [a / b for a, b in zip(runs.times, floor.times, strict=True)]
    return Case(
        name,
        runs.median,
        "s",
        target,
        ok,
        baseline,
        floor.median,
        spread=runs.spread,
        baseline_spread=floor.spread,
        ratio_spread=(min(ratios), max(ratios)),
    )


def _limit(name: str, runs: Runs, limit: float) -> Case:
    return Case(name, runs.median, "s", f"< {limit:g} s", runs.median < limit, spread=runs.spread)
