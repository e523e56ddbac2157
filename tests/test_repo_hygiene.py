"""Repository hygiene (PRODUCT.md §10): runtime data never in git; the benchmark and the tests
never write under data/ (only the catalogue CSVs and their README live there). The whole run's
guard on data/ is tests/data_guard.py; each guard here has a companion that plants a violation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import data_guard
from tests.conftest import ROOT
from tests.seeded import run_sample_tests
from tracker import settings
from tracker.store import backup, db
from tracker.tools import bench

DATA = ROOT / "data"
BENCH_ARTIFACTS = ROOT / "test-artifacts"
RUNTIME_ENV = ("TRACKER_DB", "TRACKER_FILES", "TRACKER_BACKUPS", "TRACKER_BACKUP_KEY")


def _snapshot() -> data_guard.Snapshot:
    return data_guard.snapshot(DATA)


def _changes(before: data_guard.Snapshot, after: data_guard.Snapshot) -> list[str]:
    return data_guard.changes(before, after)


def _git(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    if not shutil.which("git") or not (cwd / ".git").exists():
        pytest.skip("không có git hoặc không phải bản sao git")
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def runtime_files_tracked(repo: Path) -> list[str]:
    """Files git tracks under data/ other than the catalogues (CSV), their README and the Word
    template of the Báo cáo."""
    tracked = _git("ls-files", "data", cwd=repo).stdout.split()
    assert tracked, "git ls-files data gave nothing"
    return [
        p
        for p in tracked
        if not (
            p in ("data/README.md", "data/bao_cao_mau.docx")  # the Báo cáo's Word template
            or (p.endswith(".csv") and p.count("/") == 1)
        )
    ]


RUNTIME_PATHS = [
    "data/tracker.duckdb",
    "data/tracker.duckdb.wal",
    "data/tracker_files/ab/abcdef.xlsx",
    "data/tracker.backup-key",
    "data/backups/tu-dong-20260309-080000/manifest.json",
    "data/demo.duckdb",
    "data/demo_files/0a/0abc.xlsx",
    "data/demo.city.duckdb",  # the city registry and the bodies' files and uploads (issue 34)
    "data/demo.bodies/X001.duckdb",
    "data/demo.bodies/X001.duckdb.wal",
    "data/demo.bodies/X001_files/0a/0abc.xlsx",
    "data/demo/HCTC/2026-W10.xlsx",
    "may-chu/khac.backup-key",
    "data/tracker.device-key",
    "may-chu/khac.device-key",
]


def not_ignored(repo: Path, paths: list[str]) -> list[str]:
    """The paths that the repository's .gitignore does not ignore."""
    return [p for p in paths if _git("check-ignore", "--no-index", "-q", p, cwd=repo).returncode]


def test_only_catalogues_are_tracked_under_data() -> None:
    runtime = runtime_files_tracked(ROOT)
    assert runtime == [], f"dữ liệu chạy thật trong git: {runtime[:5]} …"


@pytest.mark.parametrize("path", RUNTIME_PATHS)
def test_runtime_data_is_ignored_by_git(path: str) -> None:
    assert not_ignored(ROOT, [path]) == [], f"{path} không nằm trong .gitignore"


# --- each hygiene guard fails on a planted violation -------------------------------------------


def _repo(tmp_path: Path, gitignore: str) -> Path:
    """A git repository holding data/'s catalogues, staged, under `gitignore`."""
    if not shutil.which("git"):
        pytest.skip("không có git")
    repo = tmp_path / "repo"
    shutil.copytree(DATA, repo / "data", ignore=shutil.ignore_patterns("*.duckdb*", "*_files"))
    (repo / ".gitignore").write_text(gitignore, encoding="utf-8")
    for command in (["init", "-q"], ["add", "."]):
        subprocess.run(["git", *command], cwd=repo, check=True, capture_output=True)
    return repo


def test_the_tracked_files_guard_sees_a_database_added_by_force(tmp_path: Path) -> None:
    repo = _repo(tmp_path, (ROOT / ".gitignore").read_text(encoding="utf-8"))
    assert runtime_files_tracked(repo) == []
    (repo / "data" / "tracker.duckdb").write_bytes(b"DUCK")
    subprocess.run(["git", "add", "-f", "data/tracker.duckdb"], cwd=repo, check=True)
    assert runtime_files_tracked(repo) == ["data/tracker.duckdb"]


def test_the_ignore_guard_sees_a_rule_taken_out(tmp_path: Path) -> None:
    rules = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "data/*_files/" in rules
    repo = _repo(tmp_path, "\n".join(r for r in rules if r != "data/*_files/") + "\n")
    assert not_ignored(repo, RUNTIME_PATHS) == [
        "data/tracker_files/ab/abcdef.xlsx",
        "data/demo_files/0a/0abc.xlsx",
    ]


def test_the_data_guard_sees_new_changed_and_deleted_files(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.duckdb*", "*_files"))
    before = data_guard.snapshot(folder)
    (folder / "tracker.duckdb").write_bytes(b"x")
    (folder / "units.csv").write_text("code,name\n", encoding="utf-8")
    (folder / "README.md").unlink()
    assert data_guard.changes(before, data_guard.snapshot(folder)) == [
        "mới: data/tracker.duckdb",
        "đã sửa: data/units.csv",
        "đã xóa: data/README.md",
    ]


WRITER = """
import os
from pathlib import Path


def test_writes_where_it_should_not():
    Path(os.environ["GUARDED"], "leftover.duckdb").write_bytes(b"x")
"""


@pytest.mark.parametrize("writes", [False, True], ids=["clean run", "a test writes"])
def test_the_data_guard_fails_a_run_that_writes_to_its_folder(tmp_path: Path, writes: bool) -> None:
    """The whole-run guard of tests/data_guard.py, on a folder of its own (--guard-data)."""
    guarded = tmp_path / "guarded"
    guarded.mkdir()
    sample = WRITER if writes else "def test_nothing():\n    pass\n"
    run = run_sample_tests(
        tmp_path, sample, f"--guard-data={guarded}", env={"GUARDED": str(guarded)}
    )
    assert "1 passed" in run.stdout, run.stdout + run.stderr
    if writes:
        assert run.returncode == 1
        assert "mới: guarded/leftover.duckdb" in run.stdout
    else:
        assert run.returncode == 0, run.stdout


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
def test_quick_benchmark_writes_nothing_under_data() -> None:
    """The whole `python -m tracker bench --quick` (≈90 s), run as a user would: no TRACKER_*.

    The one run of the quick benchmark in CI: its table and JSON are kept in test-artifacts/
    (bench-quick.txt, bench-quick.json), which .ci/run prints."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    BENCH_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    before = _snapshot()
    json_out = str(BENCH_ARTIFACTS / "bench-quick.json")
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "bench", "--quick", "--json", json_out],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    (BENCH_ARTIFACTS / "bench-quick.txt").write_text(
        f"{proc.stdout}\n(exit {proc.returncode})\n", encoding="utf-8"
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]  # 1: a target missed on a busy machine
    assert "Nhập hàng loạt 250 biểu mẫu" in proc.stdout
    assert _changes(before, _snapshot()) == []
