"""`python -m tracker.tools.bench_city [--db PATH]`: the city-shaped sample measured (issue 34,
Deliver 5): about 133 bodies (30 sở, ban, ngành and 103 xã, phường), about 1,300 units, a year.

(a) Queries, in this process, with the result cache emptied before each run (median of
`--repeat`): each read of Sở Nội vụ's pages on the registry (Thành phố: the bodies' standing,
progress per city item, each body's latest week, the periodic Báo cáo's states, the escalated
difficulties, the figures of the city's Báo cáo, the year before at the same point; Xếp hạng: the
approvals and the ranking of each kind) and each page's total, target < 1 s; a body's page queries (bench.PAGE_QUERIES, its
own unit and task for the drill-downs) on one xã and one sở, target < 0.3 s.

(b) In Debian's chromium against one real `streamlit run` server (bench_browser): signed in as
`sonoivu`, Thành phố, Xếp hạng, Tài khoản and a xã's Tổng quan, Nhiệm vụ, Đơn vị and Tự chấm
điểm (?co_quan=); signed in as that xã's leader (`x001.lanhdao`), every page of its sidebar.
Each page the median of `--repeat` clicks, its ratio to that user's lightest page: ≤ 3×.

With --db, a sample made by `python -m tracker --db PATH demo --bodies` (build it once, reuse
it: it takes minutes); the sign-ins write their sessions into it, nothing else. Without, one is
built in a temporary directory, deleted afterwards. On the benchmark's own clock
(bench_core.own_clock). Prints the table (bench.table) after the date, the machine and its load;
exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.catalogue import catalogues, plans
from tracker.city import baocao_tp, bodies, overview, registry, reports, year_compare
from tracker.roles import User
from tracker.store import db
from tracker.tools import bench, bench_browser, demo
from tracker.tools.bench_core import Case, _environment, median_time, own_clock

CITY_LIMIT, BODY_LIMIT, PAGE_RATIO = 1.0, 0.3, 3.0  # seconds, seconds, × the lightest page
OFFICER = User("sonoivu", "so_noi_vu", None, "Cán bộ Sở Nội vụ")  # what the city pages read as
# Sở Nội vụ's: its own pages, then a xã's (the first is the page every other click comes from).
CITY_PAGES = ("Thành phố", "Xếp hạng", "Tài khoản", "Tổng quan", "Nhiệm vụ", "Đơn vị")
CITY_PAGES += ("Tự chấm điểm",)


def city_reads(reg: Path, year: int) -> dict[str, dict[str, Callable[[], Any]]]:
    """Each city page's domain reads, as the page makes them (page -> read -> call)."""
    first = reports.PERIODS[0]  # the Báo cáo section opens on the first period
    ranked = {
        f"overview.ranking ({label})": (lambda k=kind: overview.ranking(OFFICER, year, k, reg))
        for kind, label in bodies.KINDS.items()
    }
    return {
        "Thành phố": {
            "overview.body_overview": lambda: overview.body_overview(OFFICER, year, reg),
            "overview.item_progress": lambda: overview.item_progress(OFFICER, year, reg),
            "overview.latest_week": lambda: overview.latest_week(OFFICER, year, reg),
            "reports.statuses": lambda: reports.statuses(year, reg),
            "overview.escalations": lambda: overview.escalations(OFFICER, year, reg),
            "baocao_tp.gather_for": lambda: baocao_tp.gather_for(OFFICER, year, first, reg),
            "year_compare.compare": lambda: year_compare.compare(OFFICER, year, reg),
        },
        "Xếp hạng": {
            "overview.approvals": lambda: overview.approvals(OFFICER, year, reg),
            **ranked,
        },
    }


def _uncached(*calls: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        db._cache.clear()  # measure the queries, not the result cache
        for call in calls:
            call()

    return run


def city_cases(reg: Path, year: int, repeat: int) -> list[Case]:
    """Each read of the city pages alone, then each page's reads together (< 1 s)."""
    cases = []
    for page, reads in city_reads(reg, year).items():
        for name, call in reads.items():
            t = median_time(_uncached(call), repeat)
            cases.append(_limited(f"[thành phố] {page}: {name}", t, CITY_LIMIT))
        t = median_time(_uncached(*reads.values()), repeat)
        cases.append(_limited(f"[thành phố] truy vấn trang {page} (mọi lần đọc)", t, CITY_LIMIT))
    return cases


def drill(path: Path) -> dict[str, str]:
    """The unit and task a body's drill-down pages show: its first unit and first task."""
    (unit,) = db.query_rows("units", path=path)[0][:1]
    task = db.query("plan_tasks", path=path, year=plans.current(path))["code"].iloc[0]
    return {"unit": unit, "task": task}


def body_cases(body: bodies.Body, repeat: int) -> list[Case]:
    """A body's page queries on its own file (bench.PAGE_QUERIES), each page < 0.3 s."""
    times = bench.page_query_times(body.path, repeat, **drill(body.path))
    return [
        _limited(f"[{body.code}, {body.kind_label}] truy vấn trang {page}", t, BODY_LIMIT)
        for page, t in times.items()
    ]


def _limited(name: str, seconds: float, limit: float) -> Case:
    return Case(name, seconds, "s", f"< {limit:g} s", seconds < limit)


def chosen(reg: Path) -> tuple[bodies.Body, bodies.Body]:
    """The first active xã, phường and the first active sở, ban, ngành (not the home body)."""
    found = [b for b in bodies.all_bodies(reg) if b.active and not b.home and b.path.exists()]
    xa = next(b for b in found if b.kind == "xa_phuong")
    so = next(b for b in found if b.kind == "so_ban_nganh")
    return xa, so


def query_cases(home: Path, repeat: int) -> list[Case]:
    """Part (a) on the sample whose home body's file is `home` (TRACKER_DB points at it)."""
    catalogues.open_database()
    reg = registry.open_registry()
    known = overview.years(reg)
    today = settings.now().year
    year = max([y for y in known if y <= today] or known)  # as the year selector's default
    xa, so = chosen(reg)
    cases = city_cases(reg, year, repeat)
    cases += body_cases(xa, repeat) + body_cases(so, repeat)
    db.close_all()
    return cases


def browser_cases(home: Path, repeat: int) -> list[Case]:
    """Part (b): Sở Nội vụ's pages and a xã's as Sở Nội vụ sees them, then that xã's leader's."""
    if not bench_browser.available():
        return [Case("[trình duyệt] bỏ qua (thiếu chromium/Playwright)", 0, "s", "", True)]
    xa, _ = chosen(registry.open_registry())
    password = bench_browser.PASSWORD
    users = {
        f"sonoivu, {xa.code}": (
            bench_browser.Account(
                "sonoivu", password, "Tổng quan", f"/?co_quan={xa.code}", f"{xa.name} ({xa.code})"
            ),
            CITY_PAGES,
        ),
        f"{xa.code.lower()}.lanhdao": (
            bench_browser.Account(f"{xa.code.lower()}.lanhdao", password, "Tổng quan"),
            bench_browser.PAGES,
        ),
    }
    cases = []
    with bench_browser.served(home) as url:
        for who, (account, pages) in users.items():
            measured = bench_browser.page_times(home, pages, repeat, account=account, url=url)
            medians = {title: runs.median for title, runs in measured.pages.items()}
            floor_title = min(medians, key=medians.get)
            floor = measured.pages[floor_title]
            for title, runs in measured.pages.items():
                cases.append(
                    bench_browser.ratio_case(
                        f"[trình duyệt, {who}] trang {title}",
                        runs,
                        floor,
                        f"trang nhẹ nhất ({floor_title})",
                        f"≤ {PAGE_RATIO:g}× trang nhẹ nhất",
                        runs.median <= PAGE_RATIO * floor.median,
                    )
                )
    return cases


def machine() -> str:
    """The date, the machine and its load: what the figures must be read with."""
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{settings.now():%d/%m/%Y %H:%M} (giờ Việt Nam), {os.cpu_count()} lõi {cpu}, "
        f"Python {platform.python_version()}, tải trung bình 1/5/15 phút: {load}"
    )


def run(home: Path, repeat: int, browser: bool) -> list[Case]:
    with _environment(TRACKER_DB=str(home), TRACKER_DAILY_BACKUP="0"), own_clock():
        cases = query_cases(home, repeat)
        if browser:
            cases += browser_cases(home, repeat)
    return cases


def built(tmp: Path, count: int) -> Path:
    """A city-shaped sample of `count` bodies in `tmp` (the office sample first)."""
    home = tmp / "city.duckdb"
    where = {"TRACKER_DB": str(home), "TRACKER_FILES": None, "TRACKER_DAILY_BACKUP": "0"}
    with _environment(**where), own_clock():
        demo.build_office(home)
        demo.build_bodies(home, count)
    db.close_all()
    return home


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracker.tools.bench_city")
    parser.add_argument("--db", help="tệp của cơ quan gốc trong dữ liệu mẫu thành phố có sẵn")
    parser.add_argument("--bodies", type=int, default=demo.DEFAULT_BODIES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true", help="chỉ đo truy vấn")
    args = parser.parse_args(argv)
    print(machine())
    with tempfile.TemporaryDirectory(prefix="bench-city-") as tmp:
        home = Path(args.db).resolve() if args.db else built(Path(tmp), args.bodies)
        cases = run(home, args.repeat, not args.no_browser)
        print(machine())  # and after: the load the run itself made
    print(bench.table(cases))
    return 0 if all(c.ok for c in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
