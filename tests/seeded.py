"""Seeded violations for the guard tests: a temporary copy of the product's sources in which a
companion test plants one violation, to prove that the guard it accompanies can fail.

A guard that cannot fail is worse than none (a glob that no longer matches, an import form it
does not parse): every guard in tests/ takes the folder it checks, the real test runs it on the
repository and expects nothing, its companion runs it on a copy with one planted violation and
expects exactly that one to be reported.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SOURCES = ("app.py", "pages", "tracker", "queries")


def source_copy(tmp_path: Path) -> Path:
    """A copy of app.py, pages/, tracker/ and queries/ (no caches) under tmp_path; its root."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    return root


def server_copy(tmp_path: Path, relative: str, old: str, new: str) -> Path:
    """A copy of the sources a server can run (the repository's .streamlit/config.toml beside
    it, data/ linked) in which `old`, found exactly once in `relative`, is replaced by `new`:
    a guard reverted, for a test to show its check then fails against a real server."""
    root = source_copy(tmp_path)
    (root / ".streamlit").mkdir()
    shutil.copy2(ROOT / ".streamlit" / "config.toml", root / ".streamlit" / "config.toml")
    (root / "data").symlink_to(ROOT / "data", target_is_directory=True)
    text = (root / relative).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{relative} no longer has exactly one {old!r}: update the test"
    plant(root, relative, text.replace(old, new))
    return root


def plant(root: Path, relative: str, text: str) -> Path:
    """Write `text` to root/relative (folders made as needed); returns the file."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_sample_tests(
    tmp_path: Path, sample: str, *options: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run pytest on `sample` (a test file's text) with this suite's conftest and plugins
    loaded, in a folder of its own: how a companion proves a guard of the suite's plugins."""
    (tmp_path / "test_sample.py").write_text(sample, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    now(when): the test's instant\n"
        "    production_argon2: real hashing\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "tests.conftest", "-c", str(tmp_path / "pytest.ini")]
    command += ["--rootdir", str(tmp_path), *options, str(tmp_path / "test_sample.py")]
    return subprocess.run(
        command,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT}:{tmp_path}", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
