"""Many body files in one process, measured (issue 34): `python -m tracker.tools.bench_bodies
[--db PATH]` on a database with sample bodies beside it (`demo --bodies`).

In one fresh process: opening every body's file (milliseconds per body; the process's RSS and OS
threads with every body open), opening them again after closing them (a warm process, as a
server re-opens a file it closed to stay within settings.MAX_OPEN_DATABASES), a page's worth of
queries on every body, twice (how many results the second pass finds cached), with every body
open and within the default bound, and recomputing every body's rollup. Read only, except the
rollup it recomputes (the same rows again).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from tracker import settings
from tracker.catalogue import catalogues, plans
from tracker.city import bodies, registry, rollup
from tracker.metrics import reporting
from tracker.store import db


def page(year: int, week: str) -> tuple[tuple[str, dict], ...]:
    """The queries of a body's Tổng quan and Tự chấm điểm as of `week` of the plan of `year`."""
    return (
        ("units", {}),
        ("settings", {}),
        ("plan_tasks", {"year": year}),
        ("task_completion", {"week": week}),
        ("reporting_status", {"week": week}),
        ("plan_completion", {"week": week}),
        ("unit_scores", {"year": year, "week": week}),
        ("open_difficulties", {"week": week}),
    )


def process_status() -> tuple[int, float]:
    """(OS threads, resident MB) of this process."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["Threads"]), int(fields["VmRSS"].split()[0]) / 1024


def _timed(paths: list[Path], each: Callable[[Path], object]) -> list[float]:
    out = []
    for path in paths:
        started = time.perf_counter()
        each(path)
        out.append(time.perf_counter() - started)
    return out


def _ms(values: list[float]) -> str:
    return (
        f"{statistics.median(values) * 1000:.1f} ms median, {max(values) * 1000:.1f} ms max, "
        f"{sum(values):.2f} s in all"
    )


def _queries(paths: list[Path], queries: tuple) -> tuple[int, int, float]:
    """A page's queries on every body: (hits, misses, seconds) of this pass."""
    before = db.cache_stats()
    hits, misses = before.hits, before.misses
    started = time.perf_counter()
    for path in paths:
        for name, params in queries:
            db.query(name, path, **params)
    after = db.cache_stats()
    return after.hits - hits, after.misses - misses, time.perf_counter() - started


def run() -> list[str]:
    catalogues.open_database()
    reg = registry.open_registry()
    found = [b for b in bodies.all_bodies(reg) if not b.home and b.path.exists()]
    paths = [b.path for b in found]
    queries = page(plans.current(), reporting.last_closed_week())
    lines = [f"{len(paths)} tệp cơ quan bên cạnh {settings.db_path()}"]
    threads, rss = process_status()
    lines.append(f"tiến trình trước khi mở: {threads} luồng, {rss:.0f} MB")
    bound = settings.MAX_OPEN_DATABASES
    settings.MAX_OPEN_DATABASES = len(paths) + 2
    first = _timed(paths, db.connection)
    threads_all, rss_all = process_status()
    lines.append(f"mở lần đầu mọi tệp: {_ms(first)}")
    lines.append(
        f"mọi tệp đang mở: {threads_all} luồng (+{(threads_all - threads) / len(paths):.1f} mỗi "
        f"cơ quan), {rss_all:.0f} MB (+{(rss_all - rss) / len(paths):.2f} MB mỗi cơ quan)"
    )
    for round_ in (1, 2):
        hits, misses, seconds = _queries(paths, queries)
        lines.append(
            f"truy vấn một trang ({len(queries)} truy vấn) trên mọi cơ quan, lượt {round_}, mọi tệp "
            f"mở: {seconds:.2f} s, {hits} lấy từ bộ nhớ đệm, {misses} tính lại"
        )
    db.close_all()
    settings.MAX_OPEN_DATABASES = bound
    again = _timed(paths, db.connection)
    threads_b, rss_b = process_status()
    lines.append(f"mở lại (tiến trình đã chạy) mọi tệp: {_ms(again)}")
    lines.append(
        f"giới hạn {bound} tệp mở: {len(db.open_paths())} đang mở, {threads_b} luồng, "
        f"{rss_b:.0f} MB"
    )
    for round_ in (1, 2):
        hits, misses, seconds = _queries(paths, queries)
        lines.append(
            f"truy vấn một trang trên mọi cơ quan, lượt {round_}, giới hạn {bound} tệp: "
            f"{seconds:.2f} s, {hits} lấy từ bộ nhớ đệm, {misses} tính lại"
        )
    refresh = _timed(paths, lambda path: rollup.refresh(settings.body_of_file(path) or "", reg))
    lines.append(f"tính lại bảng tổng hợp (rollup) từng cơ quan: {_ms(refresh)}")
    sizes = [p.stat().st_size / 1024 / 1024 for p in paths]
    lines.append(
        f"kích thước tệp cơ quan: {statistics.median(sizes):.2f} MB trung vị, "
        f"{max(sizes):.2f} MB lớn nhất, {sum(sizes):.0f} MB tổng; sổ đăng ký "
        f"{reg.stat().st_size / 1024 / 1024:.2f} MB; năm: {plans.current()}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tracker.tools.bench_bodies")
    parser.add_argument("--db", help="tệp cơ sở dữ liệu của cơ quan gốc (mặc định: $TRACKER_DB)")
    args = parser.parse_args()
    if args.db:
        os.environ["TRACKER_DB"] = str(Path(args.db).resolve())
    print("\n".join(run()))
    db.close_all()


if __name__ == "__main__":
    main()
