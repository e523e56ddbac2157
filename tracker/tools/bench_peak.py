"""`python -m tracker bench --peak`: the Friday-afternoon peak (issue 34, Deliver 5).

N officers upload their week's workbook in M minutes, each from a session of its own, while L
leaders browse the dashboards. Against a real `streamlit run` server over a city-shaped sample
(at least N units, a year of weeks), Debian's chromium driven by Playwright's async API, so one
process drives every session: each officer is a fresh browser context that opens Nộp báo cáo,
signs in with its unit's account, puts its filled workbook into the uploader, clicks "3. Xác
nhận nộp 1 tệp hợp lệ" and waits for the page's "Đã nhận báo cáo …"; the uploads start at a
steady rate (N over M minutes, on a fixed schedule, however long each takes). Each leader is a
signed-in context clicking through the dashboard pages in the sidebar, a page every few seconds
(a leader reads what opened: `think` seconds), each click timed until its title shows and the
app is idle, as bench_browser times them.

At the end every file sent is looked for in the database (an accepted submission with its
SHA-256) and among the kept files (the file under that hash, its bytes hashing the same). The
server's CPU (one process: Streamlit serves its sessions in threads) and its resident memory
are sampled every half second from /proc, with the whole machine's CPU: the browser that
plays the users runs on the same machine, which the figures must be read with.

Everything it writes is in one temporary directory (bench_core.sandbox), on the benchmark's own
clock (bench_core.own_clock: a Wednesday, week 48, so every upload is for a week that has begun).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import periods, plan
from tracker.ingest import kept
from tracker.store import db
from tracker.tools import demo
from tracker.tools.bench_browser import ARGS, CHROMIUM, IDLE, LEADER, NO_SKELETON, available, server
from tracker.tools.bench_core import Case, own_clock, sandbox
from tracker.tools.bench_ingest import filled_workbook
from tracker.tools.peak_core import (
    LEADER_PAGES,
    XLSX,
    Outcome,
    Sampler,
    Samples,
    Upload,
    cores,
    percentile,
    schedule,
)

UPLOADS, MINUTES, LEADERS = 500, 10.0, 20
CITY_UNITS = 250  # the sample's units at least (more when the uploads need more)
THINK = 5.0  # seconds a leader reads a page before the next click
PAGE_LIMIT = 2.0  # seconds, the leaders' p95 (issue 34)
TIMEOUT_MS = 180_000
# Who plays the users: Streamlit's protocol (sessions on their first visit, or with the
# frontend's files already cached), or chromium.
DRIVERS = ("protocol", "protocol-cached", "browser")
DRIVER = "protocol"
DRIVER_NAMES = {
    "protocol": "giao thức Streamlit (websocket, không trình duyệt; thời gian đến script_finished)",
    "protocol-cached": "giao thức Streamlit, trình duyệt đã có sẵn tệp giao diện (thời gian đến "
    "script_finished)",
    "browser": "chromium (Playwright; thời gian đến khi trang vẽ xong)",
}


def add_options(bench: Any) -> None:
    """`bench --peak` and its options on the bench command's parser."""
    # The Friday-afternoon peak (issue 34): uploads from separate sessions while leaders browse.
    bench.add_argument("--peak", action="store_true", help="đo giờ cao điểm chiều thứ Sáu")
    bench.add_argument("--uploads", type=int, default=UPLOADS, help="số tệp nộp")
    bench.add_argument("--minutes", type=float, default=MINUTES, help="trong số phút")
    bench.add_argument("--leaders", type=int, default=LEADERS, help="số lãnh đạo xem")
    bench.add_argument("--think", type=float, default=THINK, help="giây lãnh đạo đọc mỗi trang")
    bench.add_argument("--units", type=int, default=CITY_UNITS, help="số đơn vị tối thiểu của mẫu")
    bench.add_argument(
        "--server-cpus", default="", help="lõi CPU riêng cho máy chủ (như taskset: 0-1)"
    )
    bench.add_argument(
        "--driver",
        choices=DRIVERS,
        default=DRIVER,
        help="ai đóng vai người dùng: giao thức Streamlit (protocol; protocol-cached: trình duyệt "
        "đã có tệp giao diện) hoặc chromium (browser)",
    )


# --- the sample and the files ----------------------------------------------------------------


def prepare(path: Path, uploads: int, units: int) -> tuple[list[Upload], Case]:
    """The city sample (≥ `uploads` units), an account per uploading unit, and each unit's
    filled workbook for this week (distinct unit-weeks: one file per unit)."""
    built = demo.build_city(path, 2026, units=max(units, uploads), years=1)
    codes = plan.units(path)["code"].tolist()[:uploads]
    if len(codes) < uploads:
        raise RuntimeError(f"{len(codes)} đơn vị, cần {uploads}")
    week = periods.week_id(settings.now().date())
    files = []
    for i, code in enumerate(codes):
        username = f"peak.{code.lower()}"
        auth.create_user(
            username, "don_vi", demo.DEMO_PASSWORD, unit_code=code, sample=True, path=path
        )
        name = f"bao-cao-{code}-{week}.xlsx"
        files.append(Upload(code, username, name, filled_workbook(code, week, path, i)))
    db.close_all()
    case = Case(
        f"[peak] dữ liệu mẫu {built.units} đơn vị × 1 năm ({built.accepted} bản nộp)",
        built.seconds,
        "s",
        "tham chiếu",
        True,
    )
    return files, case


def missing(path: Path, files: list[Upload]) -> list[str]:
    """The names of the files that are not stored. Stored is: an accepted submission of this
    week under the file's SHA-256, and the kept file under that hash, its bytes hashing the
    same."""
    week = periods.week_id(settings.now().date())
    history = db.query("submission_history", path=path, unit=None, period=week)
    accepted = set(history[history["status"] == "accepted"]["sha256"])
    folder = settings.files_dir(path)
    lost = []
    for f in files:
        kept_file = folder / f.digest[:2] / f"{f.digest}.xlsx"
        if not (
            f.digest in accepted
            and kept_file.exists()
            and kept.sha256(kept_file.read_bytes()) == f.digest
        ):
            lost.append(f.name)
    db.close_all()
    return lost


def stored(path: Path, files: list[Upload]) -> int:
    """How many of the files are stored (see missing)."""
    return len(files) - len(missing(path, files))


# --- the browser sessions --------------------------------------------------------------------


async def _idle(page: Any) -> None:
    await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    await page.wait_for_function(NO_SKELETON, timeout=TIMEOUT_MS)


async def _sign_in(page: Any, username: str) -> None:
    from playwright.async_api import expect

    await expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=TIMEOUT_MS)
    await _idle(page)
    await page.get_by_label("Tên đăng nhập").fill(username)
    await page.get_by_label("Mật khẩu").fill(demo.DEMO_PASSWORD)
    await page.get_by_role("button", name="Đăng nhập").click()
    await expect(page.locator(".st-key-logout_button")).to_be_attached(timeout=TIMEOUT_MS)
    await _idle(page)


async def _new_context(browser: Any) -> Any:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    return context


async def officer(browser: Any, url: str, upload: Upload, at: float, out: Outcome) -> None:
    """One officer's session, started at `at` (perf_counter): Nộp báo cáo, sign in, upload,
    confirm, wait for the page's "Đã nhận"."""
    from playwright.async_api import expect

    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    start = time.perf_counter()
    out.late = start - at
    context = await _new_context(browser)
    try:
        page = await context.new_page()
        await page.goto(f"{url}/nop_bao_cao")
        await _sign_in(page, upload.username)
        heading = page.get_by_role("heading", level=1, name="Nộp báo cáo")
        await expect(heading.first).to_be_visible(timeout=TIMEOUT_MS)
        await _idle(page)
        uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
        sent = time.perf_counter()
        await uploader.set_input_files(
            files=[{"name": upload.name, "mimeType": XLSX, "buffer": upload.data}]
        )
        confirm = page.get_by_role("button", name="3. Xác nhận nộp 1 tệp hợp lệ")
        await expect(confirm).to_be_visible(timeout=TIMEOUT_MS)
        await _idle(page)
        await confirm.click()
        done = page.get_by_text(f"{upload.name}: Đã nhận báo cáo")
        await expect(done.first).to_be_visible(timeout=TIMEOUT_MS)
        end = time.perf_counter()
        out.accepted = True
        out.upload_seconds, out.session_seconds = end - sent, end - start
    except Exception as exc:  # recorded: the table counts it as not accepted
        out.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        await context.close()


async def leader(
    browser: Any, url: str, index: int, think: float, stop: asyncio.Event, times: list[float]
) -> None:
    """One leader's session: signed in, then the dashboard pages in turn (each starting at
    another one) until `stop`, each click timed to the page's title and the app idle."""
    from playwright.async_api import expect

    context = await _new_context(browser)
    try:
        page = await context.new_page()
        await page.goto(url)
        await _sign_in(page, LEADER)
        n = index
        while not stop.is_set():
            title = LEADER_PAGES[n % len(LEADER_PAGES)]
            n += 1
            link = page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True)
            start = time.perf_counter()
            await link.click()
            heading = page.get_by_role("heading", level=1, name=title)
            await expect(heading.first).to_be_visible(timeout=TIMEOUT_MS)
            await _idle(page)
            times.append(time.perf_counter() - start)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), think)
    finally:
        await context.close()


async def drive(
    url: str, files: list[Upload], minutes: float, leaders: int, think: float
) -> tuple[list[Outcome], list[float], float, list[str]]:
    """The peak with chromium playing the users: one browser, a context per session."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            return await schedule(
                lambda f, at, out: officer(browser, url, f, at, out),
                lambda i, stop, times: leader(browser, url, i, think, stop, times),
                files,
                minutes,
                leaders,
            )
        finally:
            await browser.close()


async def measured(
    url: str,
    pid: int,
    files: list[Upload],
    minutes: float,
    leaders: int,
    think: float,
    driver: str = DRIVER,
) -> tuple[list[Outcome], list[float], float, list[str], Samples]:
    from tracker.tools import peak_protocol

    sampler = Sampler(pid)
    stop = asyncio.Event()
    sampling = asyncio.create_task(sampler.run(stop))
    drives = drive if driver == "browser" else peak_protocol.drive
    if driver == "protocol-cached":
        drives = functools.partial(peak_protocol.drive, cached=True)
    try:
        outcomes, page_times, wall, failed = await drives(url, files, minutes, leaders, think)
    finally:
        stop.set()
        await sampling
    return outcomes, page_times, wall, failed, sampler.samples


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Peak:
    cases: list[Case]
    errors: list[str]


@own_clock()  # week 48 has begun, whatever the day
def run(
    uploads: int = UPLOADS,
    minutes: float = MINUTES,
    leaders: int = LEADERS,
    *,
    units: int = CITY_UNITS,
    think: float = THINK,
    folder: Path | None = None,
    server_cpus: str = "",
    driver: str = DRIVER,
) -> Peak:
    """The peak in a temporary directory (deleted afterwards), or in `folder` (kept: a test
    looks at what was stored). With `server_cpus` ("0-1") the server runs on those cores and
    the users' side on the others, so that it does not take the server's. `driver` plays the
    users: "protocol" (Streamlit's own protocol, peak_protocol.py) or "browser" (chromium)."""
    if driver not in DRIVERS:
        raise ValueError(f"driver {driver!r}: one of {DRIVERS}")
    if driver == "browser" and not available():
        case = Case("[peak] bỏ qua: thiếu chromium/Playwright", 0, "s", "", False)
        return Peak([case], ["chromium/Playwright missing"])
    args = (uploads, minutes, leaders, units, think, server_cpus, driver)
    if folder is not None:
        return _run_in(folder, *args)
    with tempfile.TemporaryDirectory(prefix="tracker-peak-") as tmp_name:
        return _run_in(Path(tmp_name), *args)


def _run_in(
    folder: Path,
    uploads: int,
    minutes: float,
    leaders: int,
    units: int,
    think: float,
    server_cpus: str,
    driver: str,
) -> Peak:
    with sandbox(folder):
        path = folder / "peak.duckdb"
        files, built = prepare(path, uploads, units)
        mine = os.sched_getaffinity(0)
        users = mine - cores(server_cpus) if server_cpus else mine
        if not users:
            raise ValueError(f"--server-cpus {server_cpus}: no core left for the users' side")
        with server(path, server_cpus) as (url, proc):
            os.sched_setaffinity(0, users)  # the browsers this process starts inherit it
            try:
                outcomes, page_times, wall, failed, samples = asyncio.run(
                    measured(url, proc.pid, files, minutes, leaders, think, driver)
                )
            finally:
                os.sched_setaffinity(0, mine)
        lost_files = missing(path, files)
    count = len(files) - len(lost_files)
    cases = _cases(uploads, minutes, leaders, think, outcomes, page_times, wall, count)
    lost = Case(
        f"[peak] phiên lãnh đạo dừng vì lỗi (trang không xong trong {TIMEOUT_MS // 1000} s)",
        len(failed),
        "phiên",
        "0",
        not failed,
    )
    who = _driver_case(driver)
    return Peak(
        [who, built, *cases, lost, *_server_cases(samples, uploads)],
        [f"{o.upload.name}: {o.error}" for o in outcomes if o.error]
        + failed
        + [f"{name}: không được lưu (CSDL hoặc tệp lưu, SHA-256)" for name in lost_files],
    )


def _driver_case(driver: str) -> Case:
    """Who played the users; for the protocol, whether its list of the frontend's files
    belongs to the installed Streamlit (else re-record it: peak_assets.py)."""
    from tracker.tools import peak_assets

    name = f"[peak] người dùng đóng vai bởi: {DRIVER_NAMES[driver]}"
    if driver != "protocol" or peak_assets.current():
        return Case(name, 0, "", "", True)
    recorded = peak_assets.load()["streamlit"]
    target = f"tệp tĩnh ghi cho Streamlit {recorded}: ghi lại (python -m tracker.tools.peak_record)"
    return Case(name, 0, "", target, False)


def _cases(
    uploads: int,
    minutes: float,
    leaders: int,
    think: float,
    outcomes: list[Outcome],
    page_times: list[float],
    wall: float,
    count: int,
) -> list[Case]:
    done = [o for o in outcomes if o.accepted]
    upload = [o.upload_seconds for o in done]
    session = [o.session_seconds for o in done]
    late = max((o.late for o in outcomes), default=0.0)
    span = (min(upload), max(upload)) if upload else None
    pages = (min(page_times), max(page_times)) if page_times else None
    p95 = percentile(page_times, 95)
    rate = f"{uploads} tệp / {minutes:.3g} phút"
    return [
        Case(
            f"[peak] bản nộp ({rate}): gửi {len(outcomes)}, nhận {len(done)}, "
            f"lưu {count} (CSDL + tệp lưu, đúng SHA-256)",
            count,
            "tệp",
            f"= {uploads}, mọi tệp được lưu",
            len(outcomes) == len(done) == count == uploads,
        ),
        Case(
            f"[peak] thời gian cả đợt (lịch: {minutes * 60:g} s; chậm lịch nhất {late:.1f} s)",
            wall,
            "s",
            "tham chiếu",
            True,
        ),
        Case(
            "[peak] nộp 1 tệp: chọn tệp → 'Đã nhận', p50",
            statistics.median(upload) if upload else 0.0,
            "s",
            "tham chiếu",
            True,
            spread=span,
        ),
        Case(
            "[peak] nộp 1 tệp: chọn tệp → 'Đã nhận', p95",
            percentile(upload, 95),
            "s",
            "tham chiếu",
            True,
            spread=span,
        ),
        Case(
            "[peak] phiên cán bộ: mở trang → đăng nhập → 'Đã nhận', p95",
            percentile(session, 95),
            "s",
            "tham chiếu",
            True,
            spread=(min(session), max(session)) if session else None,
        ),
        Case(
            f"[peak] {leaders} lãnh đạo ({len(page_times)} lần mở trang, đọc {think:g} s mỗi "
            "trang): p50",
            statistics.median(page_times) if page_times else 0.0,
            "s",
            "tham chiếu",
            True,
            spread=pages,
        ),
        Case(
            f"[peak] {leaders} lãnh đạo: trang p95",
            p95,
            "s",
            f"≤ {PAGE_LIMIT:g} s",
            bool(page_times) and p95 <= PAGE_LIMIT,
            spread=pages,
        ),
        Case(
            f"[peak] {leaders} lãnh đạo: trang chậm nhất",
            max(page_times, default=0.0),
            "s",
            "tham chiếu",
            True,
        ),
    ]


def _server_cases(s: Samples, uploads: int) -> list[Case]:
    mean = s.server_cpu_seconds / s.seconds if s.seconds else 0.0
    users = s.user_cpu_seconds / s.seconds if s.seconds else 0.0
    cores = os.cpu_count() or 1
    return [
        Case(
            "[peak] máy chủ (Streamlit + tiến trình đọc tệp): CPU trung bình",
            mean,
            "lõi",
            "tham chiếu",
            True,
        ),
        Case(
            "[peak] máy chủ: tổng thời gian CPU cả đợt",
            s.server_cpu_seconds,
            "s",
            "tham chiếu",
            True,
        ),
        Case(
            "[peak] máy chủ: thời gian CPU mỗi bản nộp (cả đợt, gồm trang của lãnh đạo)",
            s.server_cpu_seconds / max(1, uploads),
            "s",
            "tham chiếu",
            True,
        ),
        Case(
            "[peak] máy chủ: CPU đỉnh (nửa giây)",
            max(s.server_cores, default=0.0),
            "lõi",
            "tham chiếu",
            True,
        ),
        Case(
            "[peak] máy chủ: bộ nhớ RSS đỉnh (tiến trình chính; cả cây)",
            s.hwm_mb,
            "MB",
            f"tham chiếu; cả cây {max(s.rss_mb, default=0.0):.0f} MB",
            True,
        ),
        Case(
            "[peak] phía người dùng (trình duyệt hoặc máy khách giao thức, cả tiến trình đo): "
            "CPU trung bình",
            users,
            "lõi",
            f"tham chiếu; tổng {s.user_cpu_seconds:.1f} s",
            True,
        ),
        Case(
            f"[peak] cả máy ({cores} lõi, gồm phía người dùng và việc khác): CPU bận trung bình",
            100 * statistics.mean(s.machine_busy) if s.machine_busy else 0.0,
            "%",
            "tham chiếu",
            True,
        ),
        Case(
            "[peak] cả máy: thời gian CPU bận ≥ 95%",
            100 * sum(b >= 0.95 for b in s.machine_busy) / max(1, len(s.machine_busy)),
            "%",
            "tham chiếu",
            True,
        ),
    ]
