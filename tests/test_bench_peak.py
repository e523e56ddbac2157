"""The Friday-afternoon peak (issue 34), in a tiny configuration, end to end: a real `streamlit
run` server, officers each in a browser context of their own uploading through Nộp báo cáo,
leaders browsing meanwhile; then every file looked for, independently of the benchmark's own
count, in the database and among the kept files, and the table printed. No wall-clock
assertion (the machine is shared): the figures are printed, the rows checked to be there."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests import browser_support as bs
from tracker import settings
from tracker.catalogue import periods
from tracker.ingest import kept
from tracker.store import db
from tracker.tools import bench_peak, cli

pytestmark = [*bs.MARKS, pytest.mark.slow]

UPLOADS, SECONDS, LEADERS = 6, 20, 2


def test_the_peak_stores_every_upload_and_prints_its_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    peak = bench_peak.run(UPLOADS, SECONDS / 60, LEADERS, units=10, think=2, folder=tmp_path)
    code = cli.print_peak(peak, started)
    out = capsys.readouterr().out
    print(out)  # the figures, for whoever reads the test's log

    assert peak.errors == []
    # Independently of the benchmark's count: this week's accepted uploads by the officers'
    # accounts, each file kept under its SHA-256 with the same bytes.
    path = tmp_path / "peak.duckdb"
    with bench_peak.own_clock():
        week = periods.week_id(settings.now().date())
    rows = db.frame(
        "select unit_code, sha256 from submission where status = 'accepted' and period = $w"
        " and uploaded_by like 'peak.%'",
        {"w": week},
        path,
    )
    db.close_all()
    assert len(rows) == UPLOADS and rows["unit_code"].nunique() == UPLOADS
    for digest in rows["sha256"]:
        stored = settings.files_dir(path) / digest[:2] / f"{digest}.xlsx"
        assert kept.sha256(stored.read_bytes()) == digest

    assert f"gửi {UPLOADS}, nhận {UPLOADS}, lưu {UPLOADS}" in out
    assert f"{LEADERS} lãnh đạo: trang p95" in out and "≤ 2 s" in out
    pages = next(c for c in peak.cases if "lần mở trang" in c.name)
    assert pages.spread is not None  # the leaders opened pages while the uploads ran
    memory = next(c for c in peak.cases if "RSS" in c.name)
    assert memory.value > 50  # the server's memory was sampled (MB)
    assert "--peak, tổng thời gian" in out
    assert code == (0 if all(c.ok for c in peak.cases) else 1)


def test_the_command_line_takes_the_peak_options() -> None:
    args = cli.build_parser().parse_args(["bench", "--peak"])
    assert (args.uploads, args.minutes, args.leaders) == (500, 10.0, 20)
    args = cli.build_parser().parse_args(
        ["bench", "--peak", "--uploads", "60", "--minutes", "2", "--leaders", "5"]
    )
    assert (args.peak, args.uploads, args.minutes, args.leaders) == (True, 60, 2.0, 5)
    assert cli.build_parser().parse_args(["bench", "--peak", "--server-cpus", "0-1"]).server_cpus


def test_the_server_cores_read_as_taskset_writes_them() -> None:
    assert bench_peak.cores("0") == {0}
    assert bench_peak.cores("0-1") == {0, 1}
    assert bench_peak.cores("0,2-3") == {0, 2, 3}
