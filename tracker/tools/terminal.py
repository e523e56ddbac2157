"""What the command-line tools show on the terminal while they work (stdout stays for results)."""

from __future__ import annotations

import sys


def stderr_bar(done: int, total: int, name: str) -> None:
    """A one-line progress bar on stderr, e.g. for `python -m tracker import` of many files."""
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
