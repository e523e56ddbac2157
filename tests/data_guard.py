"""The test run never writes under data/ (PRODUCT.md §10 "Repository hygiene").

data/ is snapshot when the run starts and compared when the whole run ends: on the controller
under pytest-xdist (after every worker has finished), whatever tests were selected. A change
(a new, modified or deleted file or folder) fails the run and is listed. --guard-data DIR
watches another folder (tests/test_repo_hygiene.py proves the guard on a folder of its own).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

Snapshot = dict[str, tuple[int, int] | None]


def snapshot(folder: Path) -> Snapshot:
    """Every folder (None) and file ((size, mtime)) under `folder`."""
    found: Snapshot = {}
    for parent, dirs, files in os.walk(folder):
        for name in dirs:
            found[str(Path(parent, name).relative_to(folder))] = None
        for name in files:
            file = Path(parent, name)
            stat = file.lstat()
            found[str(file.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return found


def changes(before: Snapshot, after: Snapshot, label: str = "data") -> list[str]:
    return sorted(
        [f"mới: {label}/{p}" for p in after.keys() - before.keys()]
        + [f"đã sửa: {label}/{p}" for p in after.keys() & before.keys() if after[p] != before[p]]
        + [f"đã xóa: {label}/{p}" for p in before.keys() - after.keys()]
    )


# --- hooks (imported by tests/conftest.py) ----------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("data guard").addoption(
        "--guard-data", metavar="DIR", help="the folder no test may write to (default: data/)"
    )


def _folder(config: pytest.Config) -> Path:
    from tests.conftest import ROOT  # conftest imports this module: import it when running

    return Path(config.getoption("--guard-data") or ROOT / "data")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):
        session.config.stash[_BEFORE] = snapshot(_folder(session.config))


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput") or _BEFORE not in config.stash:
        return
    folder = _folder(config)
    found = changes(config.stash[_BEFORE], snapshot(folder), folder.name)
    if found:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        lines = ["Lần chạy kiểm thử đã ghi vào data/ (dùng tmp_path / tmp_db):", *found]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BEFORE = pytest.StashKey[Snapshot]()
