"""`python -m tracker.tools.bench_city`'s query part on the 3-body sample (tests/city_fixture.py),
so that the tool keeps running against the city's reads as they change (its browser part runs
against the 133-body sample only: README "The city")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.city import registry
from tracker.store import db
from tracker.tools import bench, bench_browser, bench_city


def test_query_part_measures_every_city_read_and_both_bodies_pages(city: Path) -> None:
    cases = bench_city.run(city, repeat=1, browser=False)
    names = [c.name for c in cases]
    for page, reads in (
        ("Thành phố", ("overview.body_overview", "reports.statuses", "baocao_tp.gather_for")),
        ("Xếp hạng", ("overview.approvals", "overview.ranking (UBND xã, phường)")),
    ):
        assert f"[thành phố] truy vấn trang {page} (mọi lần đọc)" in names
        for read in reads:
            assert f"[thành phố] {page}: {read}" in names
    for body in ("X001, UBND xã, phường", "SNV, Sở, ban, ngành"):
        for page in bench.PAGE_QUERIES:
            assert f"[{body}] truy vấn trang {page}" in names
    for case in cases:
        assert case.value > 0
        limit = 1.0 if case.name.startswith("[thành phố]") else 0.3
        assert case.target == f"< {limit:g} s"
        assert case.ok == (case.value < limit)
    assert bench_city.main(["--db", str(city), "--repeat", "1", "--no-browser"]) in (0, 1)


def test_the_reads_are_the_city_pages_own_on_the_sample(city: Path, monkeypatch) -> None:
    """What is timed returns the sample's data: every body's standing, a ranking, and a body's
    drill-down on one of its own units and tasks (not the office sample's HCTC, II.4)."""
    monkeypatch.setenv("TRACKER_NOW", "2026-11-25T10:00:00")
    reg = registry.open_registry()
    reads = bench_city.city_reads(reg, 2026)
    standing = reads["Thành phố"]["overview.body_overview"]()
    assert set(standing["body"]) >= {"SNV", "X001", "X002"}
    assert len(reads["Xếp hạng"]["overview.ranking (UBND xã, phường)"]()) == 2
    xa, so = bench_city.chosen(reg)
    assert (xa.code, so.code) == ("X001", "SNV")
    drill = bench_city.drill(xa.path)
    assert drill["unit"] in set(db.query("units", path=xa.path)["code"])
    assert drill["unit"] != "HCTC"
    assert len(db.query("unit_tasks", path=xa.path, **_unit_params(xa.path, drill))) > 0


def _unit_params(path: Path, drill: dict[str, str]) -> dict:
    return bench.query_params("unit_tasks", path, **drill)


@pytest.mark.browser
@pytest.mark.skipif(not bench_browser.available(), reason="needs chromium and Playwright")
def test_browser_part_times_two_pages_as_sonoivu_on_a_body(city_rw: Path) -> None:
    """bench_city's browser part, cut to two pages: Sở Nội vụ signs in (landing on "Tổng quan"
    with no body chosen), opens X001 with ?co_quan= and clicks between "Tài khoản" (which leaves
    the body) and X001's "Tổng quan" (the body chosen again in "Cơ quan" each time)."""
    name = bench_city.chosen(registry.open_registry())[0].name
    account = bench_browser.Account(
        "sonoivu", "demo-2026", "Tổng quan", "/?co_quan=X001", f"{name} (X001)"
    )
    measured = bench_browser.page_times(city_rw, ("Tài khoản", "Tổng quan"), 1, account=account)
    assert set(measured.pages) == {"Tài khoản", "Tổng quan"}
    for runs in measured.pages.values():
        assert len(runs.times) == 1 and 0 < runs.median < 60
