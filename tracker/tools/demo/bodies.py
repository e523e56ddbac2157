"""The city's shape (issue 34): `demo --bodies N` adds N bodies to the office sample, each with a
database file of its own (tracker/city/seeding.py), 5-15 units and a year of weeks.

Default: the city's shape, about 30 sở, ban, ngành (Sở Nội vụ among them) and 103 xã, phường.
Each body's units report every week of its plan up to this week (generated as the city scale's
weeks are: some late, some missing; demo/city.py), its self-scores in week 26; some bodies
approved and submitted their periodic Báo cáo (some late), a fifth escalated a difficulty; Sở
Nội vụ sent two requests (most bodies answered the first) and reviewed a few bodies' scores.

Bodies are independent files: worker processes build them side by side (body_worker.py, one per
core), and this process, which alone holds the registry, records what each hands back.

Sample data only: it adds to a database that already holds the office sample (sample mode on),
refuses a registry that holds accounts or a body that already has a file, and turns sample mode
on in every body file and the registry, whose accounts are flagged sample: per body
<code in lower case>.quantri, .lanhdao and .donvi (its first unit), and for the city sonoivu
(Sở Nội vụ), sonoivu.lanhdao and thanhpho.quantri, all with the password DEMO_PASSWORD.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import tempfile
import time as clock
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from tracker import settings
from tracker.accounts import auth, directory
from tracker.catalogue import plans
from tracker.city import (
    bodies,
    items,
    overview,
    registry,
    reports,
    requests,
    reviews,
    rollup,
    seeding,
    shared_criteria,
)
from tracker.roles import CITY_SYSTEM, ROLE_LABELS, User
from tracker.store import db
from tracker.tools.demo.body_worker import (
    BodyResult,
    BodySpec,
    build_one,
    clock_at,
    worker_init,
)
from tracker.tools.demo.shared import (
    DEMO_PASSWORD,
    DemoError,
    Summary,
    already_sample,
    enable_sample_mode,
)
from tracker.tools.demo.words import BODY_UNITS, DEPARTMENTS, WARDS

CITY_SHAPE = {"so_ban_nganh": 30, "xa_phuong": 103}
DEFAULT_BODIES = sum(CITY_SHAPE.values())
CITY_ACCOUNTS = (
    ("sonoivu", "so_noi_vu", "Cán bộ Sở Nội vụ (mẫu)"),
    ("sonoivu.lanhdao", "lanh_dao_snv", "Lãnh đạo Sở Nội vụ (mẫu)"),
    ("thanhpho.quantri", "quan_tri_tp", "Quản trị thành phố (mẫu)"),
)
# The first body always (a small sample has one), then this share of the others.
REPORTING_SHARE, ESCALATING_SHARE = 0.1, 0.2
NOTE = "Cơ quan mẫu (dữ liệu mẫu quy mô thành phố)"
# Worker processes at most (one per core up to this: each holds its own copy of the product).
MAX_WORKERS = 4


@dataclass
class BodiesSummary(Summary):
    bodies: dict[str, int] = field(default_factory=dict)  # kind -> bodies added
    reports: int = 0
    escalated: int = 0

    def text(self) -> str:
        kinds = ", ".join(f"{n} {bodies.KINDS[k]}" for k, n in self.bodies.items())
        city = ", ".join(f"{name} ({ROLE_LABELS[role]})" for name, role, _ in CITY_ACCOUNTS)
        return "\n".join(
            [
                f"Đã thêm {sum(self.bodies.values())} cơ quan mẫu ({kinds}) bên cạnh {self.db_path}:",
                f"  {self.units} đơn vị; {self.accepted} bản nộp được chấp nhận, {self.late} lượt "
                f"nộp trễ hạn, {self.missing} tuần không nộp; {self.reports} Báo cáo đã gửi Sở Nội "
                f"vụ; {self.escalated} vướng mắc kiến nghị lên Sở Nội vụ.",
                f"  Tài khoản mẫu (mật khẩu '{DEMO_PASSWORD}'): mỗi cơ quan <mã>.quantri, "
                f"<mã>.lanhdao, <mã>.donvi (mã viết thường, ví dụ snv.quantri); thành phố: {city}.",
                f"  Sổ đăng ký thành phố: {settings.city_db_path()}",
                f"  Thời gian: {self.seconds:.1f} giây.",
            ]
        )


def shape(count: int) -> dict[str, int]:
    """How many bodies of each kind `count` bodies are, in the city's proportions."""
    departments = max(1, round(count * CITY_SHAPE["so_ban_nganh"] / DEFAULT_BODIES))
    return {"so_ban_nganh": min(departments, count), "xa_phuong": max(0, count - departments)}


def build_bodies(
    home: Path,
    count: int = DEFAULT_BODIES,
    seed: int = 2026,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    workers: int | None = None,
) -> BodiesSummary:
    """Add `count` sample bodies to the office sample at `home` (TRACKER_DB); see the module."""
    started = clock.perf_counter()
    home = Path(home).resolve()
    if home != settings.db_path():
        raise DemoError(f"TRACKER_DB ({settings.db_path()}) không phải {home}.")
    if not already_sample(home):
        raise DemoError(
            f"{home} không chứa dữ liệu mẫu văn phòng: --bodies chỉ thêm cơ quan mẫu vào dữ liệu "
            "mẫu (chạy python -m tracker demo trước, hoặc dùng --db với một tệp mới)."
        )
    reg = registry.open_registry()
    rng = random.Random(seed)
    planned = _planned(count, rng)
    _ensure_city_empty(reg, planned)
    summary = BodiesSummary("bodies", home, 0, 0, bodies=_kinds(planned))
    city = _city_accounts(reg)
    with db.transaction(reg) as tx:
        bodies.store_rows(
            tx,
            [
                {k: b[k] for k in ("code", "name", "kind")}
                | {"active": True, "sample": True, "note": NOTE}
                for b in planned
            ],
        )
    specs = _specs(reg, planned, plans.current(home), rng)
    results = _build_all(
        reg, specs, seed, summary, progress, workers or min(MAX_WORKERS, os.cpu_count() or 1)
    )
    _city_records(
        reg, results, city["so_noi_vu"], city["lanh_dao_snv"], random.Random(f"{seed}-city")
    )
    summary.seconds = clock.perf_counter() - started
    return summary


def _city_accounts(reg: Path) -> dict[str, User]:
    enable_sample_mode(reg)
    return {
        role: auth.create_user(
            name, role, DEMO_PASSWORD, full_name=full_name, sample=True, by=CITY_SYSTEM, path=reg
        )
        for name, role, full_name in CITY_ACCOUNTS
    }


def _planned(count: int, rng: random.Random) -> list[dict]:
    wanted = shape(count)
    out = [{"code": "SNV", "name": "Sở Nội vụ", "kind": "so_ban_nganh"}][: wanted["so_ban_nganh"]]
    for i in range(wanted["so_ban_nganh"] - len(out)):
        name = DEPARTMENTS[i] if i < len(DEPARTMENTS) else f"Sở, ban, ngành mẫu số {i + 1}"
        out.append({"code": f"S{i + 1:02d}", "name": name, "kind": "so_ban_nganh"})
    for i in range(wanted["xa_phuong"]):
        where = f"{'phường' if i % 3 == 0 else 'xã'} {WARDS[i % len(WARDS)]}"
        name = f"UBND {where}" + (f" {i // len(WARDS) + 1}" if i >= len(WARDS) else "")
        out.append({"code": f"X{i + 1:03d}", "name": name, "kind": "xa_phuong"})
    for body in out:
        units = BODY_UNITS[body["kind"]][: rng.randint(5, 15)]
        body["units"] = [{"code": c, "name": n, "sample": True, "note": NOTE} for c, n in units]
    return out


def _kinds(planned: list[dict]) -> dict[str, int]:
    return {k: sum(b["kind"] == k for b in planned) for k in bodies.KINDS if k != "van_phong"}


def _ensure_city_empty(reg: Path, planned: list[dict]) -> None:
    _, accounts, _ = db.query_rows("database_contents", reg)[0]
    taken = [b["code"] for b in planned if settings.body_db_path(b["code"]).exists()]
    if accounts or taken:
        raise DemoError(
            f"Sổ đăng ký thành phố {reg} đã có dữ liệu ({accounts} tài khoản; cơ quan đã có cơ "
            f"sở dữ liệu: {', '.join(taken) or 'không'}): cơ quan mẫu chỉ được thêm một lần. Xóa "
            "dữ liệu mẫu (tệp cơ sở dữ liệu, sổ đăng ký và thư mục cơ quan) rồi chạy lại."
        )


def _specs(reg: Path, planned: list[dict], year: int, rng: random.Random) -> list[BodySpec]:
    dues = {period: reports.due_on(year, period, reg) for period in reports.PERIODS}
    return [
        BodySpec(
            b["code"],
            b["name"],
            b["kind"],
            b["units"],
            year,
            reports=i == 0 or rng.random() < REPORTING_SHARE,
            escalates=i == 0 or rng.random() < ESCALATING_SHARE,
            dues=dues,
        )
        for i, b in enumerate(planned)
    ]


def _build_all(
    reg: Path,
    specs: list[BodySpec],
    seed: int,
    summary: BodiesSummary,
    progress: Callable[[int, int, str], None] | None,
    workers: int,
) -> list[BodyResult]:
    """Build every body in worker processes; record each result in the registry as it comes."""
    year = specs[0].year if specs else plans.today_year()
    city = seeding.CitySide(items.items(year, reg), shared_criteria.city_set(year, reg))
    spawn = multiprocessing.get_context("spawn")
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        template = seeding.empty_template(Path(scratch) / "body.duckdb")
        absent = str(Path(scratch) / "no-registry.duckdb")
        with ProcessPoolExecutor(
            workers, mp_context=spawn, initializer=worker_init, initargs=(absent,)
        ) as pool:
            running = [pool.submit(build_one, spec, city, template, seed) for spec in specs]
            for done, future in enumerate(as_completed(running), start=1):
                result = future.result()
                _record(reg, result, summary)
                results.append(result)
                if progress:
                    progress(done, len(specs), result.code)
    return sorted(results, key=lambda r: [s.code for s in specs].index(r.code))


def _record(reg: Path, result: BodyResult, summary: BodiesSummary) -> None:
    """What a worker handed back, into the registry: the accounts in the directory, the body's
    Báo cáo approved and submitted at their times, its rollup."""
    directory.record([u.username for u in result.accounts.values()], result.code)
    for frozen in result.snapshots:
        approved, submitted = frozen.pop("approved_at"), frozen.pop("submitted_at")
        with clock_at(approved):
            made = reports.record_approval(result.accounts["lanhdao"], result.code, frozen, reg)
        with clock_at(submitted):
            reports.submit(result.accounts["quantri"], made, reg)
    rollup.store(result.code, result.stamp, result.rollup, reg)
    summary.units += result.units
    summary.weeks = max(summary.weeks, result.weeks)
    summary.accepted += result.accepted
    summary.late += result.late
    summary.missing += result.missing
    summary.escalated += result.escalated
    summary.reports += len(result.snapshots)


def _city_records(
    reg: Path, built: list[BodyResult], officer: User, leader: User, rng: random.Random
) -> None:
    """Sở Nội vụ's side: two requests (most bodies answered the first), a few reviews, and the
    leader's approval of the xã, phường ranking as it stands (so the sample shows one)."""
    today, year = settings.now().date(), settings.now().year
    first = requests.send(
        officer,
        reg,
        year=year,
        subject=f"Báo cáo kết quả thực hiện mô hình, điển hình “Dân vận khéo” năm {year} (mẫu)",
        due_on=today - timedelta(days=10),
        number="15/SNV-XDCQ (mẫu)",
        issued_on=today - timedelta(days=30),
    )
    requests.send(
        officer,
        reg,
        year=year,
        subject="Cung cấp số liệu tự chấm điểm theo QĐ 2579/QĐ-UBND (mẫu)",
        due_on=today + timedelta(days=14),
        issued_on=today - timedelta(days=2),
    )
    for body in built:
        if rng.random() < 0.7:
            requests.answer(
                body.accounts["quantri"],
                reg,
                first,
                body.code,
                "Đã gửi danh sách mô hình đăng ký và kết quả thực hiện kèm theo.",
            )
    scored = overview.body_overview(officer, year, reg).dropna(subset=["self_score"])
    scored = scored[scored["body"].isin([b.code for b in built])]
    standing = list(zip(scored["body"], scored["self_score"], strict=True))
    for code, score in standing[: max(1, len(standing) // 10)]:
        reviews.review(
            officer,
            reg,
            code,
            year,
            max(0.0, min(100.0, round(score - rng.choice((0, 1.5, 3, 4.5)), 1))),
            "Thẩm định theo hồ sơ kiểm chứng cơ quan gửi (mẫu).",
        )
    reviews.approve_ranking(leader, reg, year, "xa_phuong")
