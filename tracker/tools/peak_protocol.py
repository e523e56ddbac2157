"""The peak's users played over Streamlit's own protocol (issue 34, `bench --peak`, the default
driver): each officer and each leader is a tab of tracker/ui/wire_client.py, so the server
serves every session as it serves a browser's (the same page loads, websocket, runs, upload
and sign-in redirect), while the users' side costs a few milliseconds of protobuf a page
instead of a chromium renderer. One asyncio loop plays them all.

The same steps as the browser driver (bench_peak.officer and leader): an officer opens Nộp báo
cáo, signs in with its unit's account, puts its workbook into the uploader, clicks "3. Xác nhận
nộp 1 tệp hợp lệ" and reads "…: Đã nhận báo cáo"; a leader signs in, then opens the dashboard
pages by their sidebar links, reading each `think` seconds. A page's time is from the click (the
rerun sent) to that run's script_finished: the server's work as the browser receives it, without
the browser's layout and drawing (the browser driver includes them).

Each session is a browser that has never been there, as the browser driver's fresh contexts:
its first page load fetches the frontend's files (the lists chromium fetched, recorded in
peak_assets.json), which costs the server more CPU than the officer's upload itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

from tracker.tools import demo, peak_assets
from tracker.tools.bench_browser import LEADER
from tracker.tools.peak_core import LEADER_PAGES, XLSX, Outcome, Upload, schedule
from tracker.ui.wire_client import Tab, WireError

UPLOADER = "Chọn một hoặc nhiều tệp .xlsx"
CONFIRM = "3. Xác nhận nộp 1 tệp hợp lệ"
TIMEOUT = 180.0  # seconds, as the browser driver's
HTTP_THREADS = 64  # the tabs' HTTP requests (page loads, sign-in, uploads) run in threads


def _titled(tab: Tab, title: str) -> bool:
    """A heading of the page names `title` (as the browser driver's heading check)."""
    return any(title in heading.body for heading in tab.each("heading"))


async def officer(url: str, upload: Upload, at: float, out: Outcome, assets: list[str]) -> None:
    """One officer's session, started at `at` (perf_counter), in a tab that has never been
    there (it fetches `assets`, the frontend's files, on its first page load)."""
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    start = time.perf_counter()
    out.late = start - at
    tab = Tab(url, timeout=TIMEOUT, assets=list(assets))
    try:
        await tab.load("/nop_bao_cao")
        await tab.sign_in(upload.username, demo.DEMO_PASSWORD)
        if not _titled(tab, "Nộp báo cáo"):
            raise WireError(f"not on Nộp báo cáo: {tab.texts()[:3]}")
        sent = time.perf_counter()
        await tab.upload(UPLOADER, upload.name, upload.data, XLSX)
        await tab.click(CONFIRM)
        if not any(t.startswith(f"{upload.name}: Đã nhận báo cáo") for t in tab.texts()):
            raise WireError(f"no 'Đã nhận' for {upload.name}: {tab.errors() or tab.texts()[-3:]}")
        end = time.perf_counter()
        out.accepted = True
        out.upload_seconds, out.session_seconds = end - sent, end - start
    except Exception as exc:  # recorded: the table counts it as not accepted
        out.error = f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}"
    finally:
        await tab.leave()


async def leader(
    url: str,
    index: int,
    think: float,
    stop: asyncio.Event,
    times: list[float],
    assets: list[str],
) -> None:
    """One leader's session: signed in, then the dashboard pages in turn (each starting at
    another one) until `stop`, each click timed to its run's script_finished."""
    tab = Tab(url, timeout=TIMEOUT, assets=list(assets))
    try:
        await tab.load("/")
        await tab.sign_in(LEADER, demo.DEMO_PASSWORD)
        n = index
        while not stop.is_set():
            title = LEADER_PAGES[n % len(LEADER_PAGES)]
            n += 1
            seconds = await tab.open_link(title)
            if not _titled(tab, title) or tab.errors():
                raise WireError(f"{title}: {tab.errors() or tab.texts()[:3]}")
            times.append(seconds)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), think)
    finally:
        await tab.leave()


async def drive(
    url: str,
    files: list[Upload],
    minutes: float,
    leaders: int,
    think: float,
    *,
    cached: bool = False,
) -> tuple[list[Outcome], list[float], float, list[str]]:
    """The peak with the protocol client playing the users; `cached`: browsers that have been
    there before (the frontend's files in their cache: no first-visit fetch)."""
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(HTTP_THREADS))
    assets = {"officer": [], "leader": []} if cached else peak_assets.load()
    return await schedule(
        lambda f, at, out: officer(url, f, at, out, assets["officer"]),
        lambda i, stop, times: leader(url, i, think, stop, times, assets["leader"]),
        files,
        minutes,
        leaders,
    )
