"""Repository hygiene (PRODUCT.md §10): runtime data never in git; the benchmark and the tests
never write under data/ (only the catalogue CSVs and their README live there)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tracker import settings
from tracker.store import backup, db
from tracker.tools import bench

DATA = ROOT / "data"
RUNTIME_ENV = ("TRACKER_DB", "TRACKER_FILES", "TRACKER_BACKUPS", "TRACKER_BACKUP_KEY")


def _snapshot() -> dict[str, tuple[int, int] | None]:
    """Every folder (None) and file ((size, mtime)) under data/."""
    found: dict[str, tuple[int, int] | None] = {}
    for folder, dirs, files in os.walk(DATA):
        for name in dirs:
            found[str(Path(folder, name).relative_to(DATA))] = None
        for name in files:
            file = Path(folder, name)
            with_stat = file.lstat()
            found[str(file.relative_to(DATA))] = (with_stat.st_size, with_stat.st_mtime_ns)
    return found


def _changes(before: dict, after: dict) -> list[str]:
    return sorted(
        [f"mới: data/{p}" for p in after.keys() - before.keys()]
        + [f"đã sửa: data/{p}" for p in after.keys() & before.keys() if after[p] != before[p]]
        + [f"đã xóa: data/{p}" for p in before.keys() - after.keys()]
    )


# Taken when this module is imported, i.e. while pytest collects, before any test has run.
_AT_COLLECTION = _snapshot()


@pytest.fixture(scope="session", autouse=True)
def _the_whole_test_run_leaves_data_alone():
    """Session-scoped: set up with this module's first test, torn down after the LAST test of
    the whole run. A failure here is reported as an error at teardown of that last test and
    lists what some test wrote under data/ (use tmp_path / the tmp_db fixture instead)."""
    yield
    changed = _changes(_AT_COLLECTION, _snapshot())
    assert not changed, "Lần chạy kiểm thử đã ghi vào data/:\n" + "\n".join(changed)


def _git(*args: str) -> subprocess.CompletedProcess:
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("không có git hoặc không phải bản sao git")
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_only_catalogues_are_tracked_under_data() -> None:
    tracked = _git("ls-files", "data").stdout.split()
    assert tracked, "git ls-files data gave nothing"
    runtime = [
        p
        for p in tracked
        if not (
            p in ("data/README.md", "data/bao_cao_mau.docx")  # the Báo cáo's Word template
            or (p.endswith(".csv") and p.count("/") == 1)
        )
    ]
    assert runtime == [], f"dữ liệu chạy thật trong git: {runtime[:5]} …"


@pytest.mark.parametrize(
    "path",
    [
        "data/tracker.duckdb",
        "data/tracker.duckdb.wal",
        "data/tracker_files/ab/abcdef.xlsx",
        "data/tracker.backup-key",
        "data/backups/tu-dong-20260309-080000/manifest.json",
        "data/demo.duckdb",
        "data/demo_files/0a/0abc.xlsx",
        "data/demo/HCTC/2026-W10.xlsx",
        "may-chu/khac.backup-key",
    ],
)
def test_runtime_data_is_ignored_by_git(path: str) -> None:
    proc = _git("check-ignore", "--no-index", "-q", path)
    assert proc.returncode == 0, f"{path} không nằm trong .gitignore"


@pytest.fixture
def no_runtime_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a user runs the benchmark: nothing set, so every default points under data/."""
    for name in RUNTIME_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    assert settings.db_path().parent == DATA
    db.close_all()
    yield
    db.close_all()


def test_bench_workbook_and_bulk_import_write_only_to_their_folder(
    tmp_path: Path, no_runtime_env: None
) -> None:
    """bench_bulk imports through the default database: it must be pointed at the bench's."""
    before = _snapshot()
    bench.bench_workbook(tmp_path, 1)
    (case,) = bench.bench_bulk(tmp_path, 3)
    assert "(3 nhận)" in case.name
    assert _changes(before, _snapshot()) == []
    assert len(list((tmp_path / "bulk_files").rglob("*.xlsx"))) == 3  # beside the bench db
    assert "TRACKER_DB" not in os.environ  # put back as it was


def test_sandbox_points_every_default_location_into_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_FILES", str(DATA / "tracker_files"))  # a user's real settings
    monkeypatch.setenv("TRACKER_BACKUPS", str(DATA / "backups"))
    monkeypatch.setenv("TRACKER_DB", str(DATA / "tracker.duckdb"))
    with bench.sandbox(tmp_path):
        for where in (
            settings.db_path(),
            settings.files_dir(),
            settings.backup_key_path(),
            backup.backups_dir(),
        ):
            assert where.is_relative_to(tmp_path), where
        assert not backup.daily_enabled()
    assert os.environ["TRACKER_FILES"] == str(DATA / "tracker_files")  # restored afterwards
    assert os.environ["TRACKER_DB"] == str(DATA / "tracker.duckdb")


@pytest.mark.slow
def test_quick_benchmark_writes_nothing_under_data(tmp_path: Path) -> None:
    """The whole `python -m tracker bench --quick` (≈70 s), run as a user would: no TRACKER_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    before = _snapshot()
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "bench", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]  # 1: a target missed on a busy machine
    assert "Nhập hàng loạt 250 biểu mẫu" in proc.stdout
    assert _changes(before, _snapshot()) == []
