"""Sở Nội vụ's Báo cáo to UBND thành phố at the city's shape (issue 34): 133 bodies besides the
Office (30 sở, ban, ngành with Sở Nội vụ, 103 xã, phường), most of them having sent their 6 tháng
Báo cáo (some late, some not at all), a few with Sở Nội vụ's thẩm định. Building 133 bodies'
files takes minutes (`demo --bodies`), and the city's report reads none of them: this sample
registers the bodies in a copy of the city sample's registry and records and submits, through
reports.record_approval/submit at their own instants, a snapshot of each, the frozen files of
a real body's snapshot with figures of its own. LibreOffice prints the report: a body of at most
8 A4 pages, at most 30 in all, page numbers where Nghị định 30/2020 puts them; made in ≤ 5 s."""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.baocao_reading import zero_findings
from tests.city_fixture import CITY_NOW, city_copy
from tests.conftest import pinned
from tests.libreoffice import needs_libreoffice
from tests.test_baocao_length import _keep_images, _page_numbers, _pdf
from tracker import roles, settings
from tracker.city import baocao_tp, baocao_tp_files, bodies, items, registry, reports, reviews
from tracker.store import db

MAX_BODY_PAGES = 8
MAX_PAGES = 30
SO_BAN_NGANH, XA_PHUONG = 30, 103
ON_TIME_AT, LATE_AT = "2026-06-18T09:00:00", "2026-06-26T09:00:00"  # 6 tháng due 20/06
pytestmark = [pytest.mark.now(CITY_NOW), pytest.mark.slow]


def _new_bodies(reg: Path) -> list[dict]:
    have = {b.code for b in bodies.all_bodies(reg)}
    wanted = [("S", i, "so_ban_nganh", f"Sở ngành mẫu số {i}") for i in range(1, SO_BAN_NGANH)]
    wanted += [("X", i, "xa_phuong", f"UBND phường mẫu số {i}") for i in range(1, XA_PHUONG + 1)]
    rows = []
    for prefix, i, kind, name in wanted:
        code = f"{prefix}{i:03d}"
        if code not in have:
            rows.append(
                {"code": code, "name": name, "kind": kind, "active": True, "sample": True}
                | {"note": None}
            )
    return rows


def _figures(base: dict, codes: list[str], rng: random.Random) -> str:
    expected = rng.randint(60, 200)
    reported = rng.randint(expected // 2, expected)
    open_ = rng.randint(0, 4)
    return json.dumps(
        base
        | {
            "plan_completion": round(rng.uniform(20, 95), 4),
            "expected_reports": expected,
            "reported": reported,
            "on_time": rng.randint(reported // 2, reported),
            "self_score": round(rng.uniform(60, 98), 2),
            "self_grade": rng.choice(["Xuất sắc", "Tốt", "Khá", "Trung bình"]),
            "difficulties": {"Chưa xử lý": open_, "Đã xử lý": rng.randint(0, 3)},
            "items": {c: round(rng.uniform(10, 100), 4) for c in codes if rng.random() > 0.1},
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _fill(reg: Path) -> None:
    rng = random.Random(34)
    with db.transaction(reg) as tx:
        bodies.store_rows(tx, _new_bodies(reg))
    real = reports.snapshot("6thang", 2026, settings.body_db_path("X001"))
    base = json.loads(real["figures"])
    codes = [i.code for i in items.items(2026, reg)]
    sent = {b for b in reports.reports(2026, reg).query("period == '6thang'")["body"]}
    plan = []
    for body in bodies.all_bodies(reg):
        if not body.active or body.home or body.code in sent:
            continue
        roll = rng.random()
        if roll < 0.1:
            continue  # missing
        plan.append((body.code, LATE_AT if roll < 0.2 else ON_TIME_AT))
    for when in (ON_TIME_AT, LATE_AT):
        with pinned(when):
            for code, at in plan:
                if at != when:
                    continue
                frozen = real | {"figures": _figures(base, codes, rng)}
                report_id = reports.record_approval(roles.SYSTEM, code, frozen, reg)
                reports.submit(roles.SYSTEM, report_id, reg)
    officer = roles.User("sonoivu", "so_noi_vu")
    for code, _ in plan[::9]:
        reviews.review(officer, reg, code, 2026, rng.uniform(60, 95), "Thẩm định mẫu")


@pytest.fixture(scope="module")
def city133(city3: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the city sample with 133 bodies besides the Office, most having sent 6 tháng."""
    home = city_copy(city3, tmp_path_factory.mktemp("city133") / "city")
    with pinned(CITY_NOW), pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRACKER_DB", str(home))
        mp.setenv("TRACKER_DAILY_BACKUP", "0")
        _fill(registry.open_registry())
    yield home
    db.close_all()
    shutil.rmtree(home.parent, ignore_errors=True)


@pytest.fixture
def city_shape(city133: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKER_DB", str(city133))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    return registry.open_registry()


def _made(reg: Path) -> tuple[bytes, bytes, float]:
    started = time.perf_counter()
    docx, xlsx = baocao_tp_files.files(roles.User("sonoivu", "so_noi_vu"), 2026, "6thang", reg)
    return docx, xlsx, time.perf_counter() - started


def test_the_sample_has_the_citys_shape(city_shape: Path) -> None:
    f = baocao_tp.gather(2026, "6thang", city_shape)
    counts = f.by_kind()
    assert counts["so_ban_nganh"]["expected"] == SO_BAN_NGANH
    assert counts["xa_phuong"]["expected"] == XA_PHUONG
    assert counts["all"][reports.LATE] and counts["all"][reports.MISSING]
    assert len(f.sent) > 100 and f.reviews


@needs_libreoffice
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_citys_report_is_short_and_numbered_at_133_bodies(
    city_shape: Path, tmp_path: Path
) -> None:
    docx, xlsx, _ = _made(city_shape)
    assert xlsx.startswith(b"PK")
    pdf, pages = _pdf(docx, tmp_path / "tp")
    body = next(i for i, page in enumerate(pages) if "SỐ LIỆU BÁO CÁO" in page)
    assert body <= MAX_BODY_PAGES and len(pages) <= MAX_PAGES, (body, len(pages))
    numbers = _page_numbers(pages)
    assert not numbers[0].isdigit()
    assert numbers[1:body] == [str(n) for n in range(2, body + 1)]
    assert numbers[body + 1 :] == [str(n) for n in range(2, len(pages) - body + 1)]
    text = " ".join(" ".join(pages[:body]).split())
    assert "chưa gửi (đã quá hạn)" in text and "Bảng 2." in text
    assert zero_findings(" ".join(page.split()) for page in pages) == []
    # Every active body in its kind's Phụ lục.
    annex = " ".join(" ".join(pages[body:]).split())
    for name in ("Sở ngành mẫu số 29", "UBND phường mẫu số 103", "Văn phòng UBND thành phố"):
        assert name in annex
    _keep_images(pdf, "so-noi-vu-133-co-quan", len(pages))


@pytest.mark.timing
def test_the_citys_report_takes_at_most_five_seconds_at_133_bodies(city_shape: Path) -> None:
    times = sorted(_made(city_shape)[2] for _ in range(3))
    assert times[1] <= 5, f"the city's report and its annex took {times} s"
