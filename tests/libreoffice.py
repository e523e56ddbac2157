"""LibreOffice for the tests, found one way and run one way: `convert()` converts a file with a
private profile (parallel runs must not share one), `needs_libreoffice` skips a test on a
machine without it (CI installs it: .ci/run)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed"
)


def convert(
    source: Path, to: str, folder: Path, *, infilter: str | None = None, timeout: int = 300
) -> Path:
    """`source` converted by LibreOffice to `to` ("pdf", "xls", "xlsx:Calc MS Excel 2007 XML")
    into `folder` (not the source's own: a same-type conversion would overwrite it), read with
    the import filter `infilter` when given (a CSV's separators: "CSV:59,34,76,…"); returns the
    converted file."""
    assert SOFFICE is not None, "LibreOffice (soffice) is not installed"
    assert folder.resolve() != source.parent.resolve(), "convert into another folder"
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{folder.resolve()}/lo-profile",
            "--headless",
            "--norestore",
            *([f"--infilter={infilter}"] if infilter else []),
            *("--convert-to", to, "--outdir", str(folder), str(source)),
        ],
        capture_output=True,
        timeout=timeout,
    )
    out = folder / f"{source.stem}.{to.split(':')[0]}"
    assert proc.returncode == 0 and out.exists(), (proc.stdout + proc.stderr).decode(
        errors="replace"
    )
    return out
