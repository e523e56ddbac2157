"""The Friday-afternoon peak (issue 34), in a tiny configuration, end to end, with each driver:
a real `streamlit run` server, officers each in a session of their own uploading through Nộp báo
cáo, leaders browsing meanwhile; the users played over Streamlit's own protocol (the default,
tracker/ui/wire_client.py) or by chromium. Then every file looked for, independently of the
benchmark's own count, in the database and among the kept files, and the table printed. No
wall-clock assertion (the machine is shared): the figures are printed, the rows checked to be
there. And the check itself can fail: a file that is not stored, or stored with other bytes,
is named."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from tests import browser_support as bs
from tracker import settings
from tracker.catalogue import periods
from tracker.ingest import kept
from tracker.store import db
from tracker.tools import bench_peak, cli
from tracker.tools.peak_core import Outcome, Upload

# The peak runs on the benchmark's own clock (bench_core.own_clock: week 48 of data/'s plan year),
# whatever the suite's date: pinned here, so .ci/run's reruns at other dates skip what they would
# only repeat (tests/clock_selection.py; two end-to-end servers, 1-2 minutes a rerun).
pytestmark = pytest.mark.now("2026-11-25T10:00:00")

UPLOADS, SECONDS, LEADERS = 6, 20, 2


def _accepted(path: Path) -> list[tuple[str, str]]:
    """This week's accepted uploads by the officers' accounts: (unit, SHA-256)."""
    with bench_peak.own_clock():
        week = periods.week_id(settings.now().date())
    rows = db.frame(
        "select unit_code, sha256 from submission where status = 'accepted' and period = $w"
        " and uploaded_by like 'peak.%'",
        {"w": week},
        path,
    )
    db.close_all()
    return list(zip(rows["unit_code"], rows["sha256"], strict=True))


def _peak_in(tmp_path: Path, driver: str, capsys: pytest.CaptureFixture[str]) -> str:
    started = time.perf_counter()
    peak = bench_peak.run(
        UPLOADS, SECONDS / 60, LEADERS, units=10, think=2, folder=tmp_path, driver=driver
    )
    code = cli.print_peak(peak, started)
    out = capsys.readouterr().out
    print(out)  # the figures, for whoever reads the test's log

    assert peak.errors == []
    # Independently of the benchmark's count: each file kept under its SHA-256, same bytes.
    rows = _accepted(tmp_path / "peak.duckdb")
    assert len(rows) == UPLOADS and len({unit for unit, _ in rows}) == UPLOADS
    for _, digest in rows:
        stored = settings.files_dir(tmp_path / "peak.duckdb") / digest[:2] / f"{digest}.xlsx"
        assert kept.sha256(stored.read_bytes()) == digest

    assert f"gửi {UPLOADS}, nhận {UPLOADS}, lưu {UPLOADS}" in out
    assert f"{LEADERS} lãnh đạo: trang p95" in out and "≤ 2 s" in out
    pages = next(c for c in peak.cases if "lần mở trang" in c.name)
    assert pages.spread is not None  # the leaders opened pages while the uploads ran
    memory = next(c for c in peak.cases if "RSS" in c.name)
    assert memory.value > 50  # the server's memory was sampled (MB)
    per_upload = next(c for c in peak.cases if "mỗi bản nộp" in c.name)
    assert per_upload.value > 0  # the server's CPU was sampled
    assert bench_peak.DRIVER_NAMES[driver] in out
    assert "--peak, tổng thời gian" in out
    assert code == (0 if all(c.ok for c in peak.cases) else 1)
    return out


@pytest.mark.slow
def test_the_peak_over_the_protocol_stores_every_upload_and_the_check_can_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _peak_in(tmp_path, "protocol", capsys)
    path = tmp_path / "peak.duckdb"
    folder = settings.files_dir(path)
    sent = []
    for unit, digest in _accepted(path):
        data = (folder / digest[:2] / f"{digest}.xlsx").read_bytes()
        sent.append(Upload(unit, f"peak.{unit.lower()}", f"{unit}.xlsx", data))
    with bench_peak.own_clock():
        assert bench_peak.missing(path, sent) == []
        # Seeded: a file never uploaded, and a kept file whose bytes changed on the disk.
        never = Upload("X", "peak.x", "never.xlsx", b"PK\x03\x04 never sent")
        changed = sent[0]
        (folder / changed.digest[:2] / f"{changed.digest}.xlsx").write_bytes(b"other bytes")
        assert bench_peak.missing(path, [*sent, never]) == [changed.name, "never.xlsx"]
        assert bench_peak.stored(path, [*sent, never]) == len(sent) - 1
    # The table's row fails when a file sent and accepted is not stored.
    outcomes = [Outcome(u, accepted=True) for u in sent]
    cases = bench_peak._cases(len(sent), 1, 0, 2, outcomes, [], 60, len(sent) - 1)
    row = next(c for c in cases if "mọi tệp được lưu" in c.target)
    assert not row.ok


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not bs.CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium")
def test_the_peak_in_browsers_stores_every_upload_and_prints_its_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _peak_in(tmp_path, "browser", capsys)


def test_the_command_line_takes_the_peak_options() -> None:
    args = cli.build_parser().parse_args(["bench", "--peak"])
    assert (args.uploads, args.minutes, args.leaders) == (500, 10.0, 20)
    assert args.driver == bench_peak.DRIVER
    args = cli.build_parser().parse_args(
        ["bench", "--peak", "--uploads", "60", "--minutes", "2", "--leaders", "5"]
    )
    assert (args.peak, args.uploads, args.minutes, args.leaders) == (True, 60, 2.0, 5)
    assert cli.build_parser().parse_args(["bench", "--peak", "--server-cpus", "0-1"]).server_cpus
    assert cli.build_parser().parse_args(["bench", "--peak", "--driver", "browser"]).driver == (
        "browser"
    )
    cached = cli.build_parser().parse_args(["bench", "--peak", "--driver", "protocol-cached"])
    assert cached.driver == "protocol-cached"
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["bench", "--peak", "--driver", "firefox"])


def test_the_server_cores_read_as_taskset_writes_them() -> None:
    assert bench_peak.cores("0") == {0}
    assert bench_peak.cores("0-1") == {0, 1}
    assert bench_peak.cores("0,2-3") == {0, 2, 3}


def test_the_recorded_frontend_files_are_the_installed_streamlits() -> None:
    """The protocol driver's first page loads fetch what chromium fetched (peak_assets.json);
    after a Streamlit upgrade the names change: re-record (python -m tracker.tools.peak_record)."""
    from tracker.tools import peak_assets

    recorded = peak_assets.load()
    assert peak_assets.current(), f"recorded for Streamlit {recorded['streamlit']}: re-record"
    spec = importlib.util.find_spec("streamlit")
    assert spec is not None and spec.submodule_search_locations
    static = Path(spec.submodule_search_locations[0]) / "static"
    for journey in ("officer", "leader"):
        paths = recorded[journey]
        assert len(paths) > 50 and len(set(paths)) == len(paths)
        assert any(p.endswith(".js") for p in paths) and any(p.endswith(".css") for p in paths)
        missing = [p for p in paths if not (static / p.lstrip("/")).is_file()]
        assert missing == [], missing
