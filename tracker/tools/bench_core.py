"""What every benchmark part shares: a measured case, timing helpers and the sandbox that keeps
a run's files in one temporary directory (see tracker/tools/bench.py)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Case:
    name: str
    value: float
    unit: str
    target: str
    ok: bool
    baseline: str = ""
    baseline_value: float | None = None

    @property
    def ratio(self) -> float | None:
        if not self.baseline_value:
            return None
        return self.value / self.baseline_value


@contextmanager
def _environment(**values: str | None) -> Iterator[None]:
    """Set (or, with None, remove) environment variables for a block, then put them back."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def sandbox(tmp: Path) -> AbstractContextManager[None]:
    """Every default location inside `tmp`: the database, kept files, backups and their key."""
    return _environment(
        TRACKER_DB=str(tmp / "mac-dinh.duckdb"),
        TRACKER_FILES=None,  # beside each database, inside tmp
        TRACKER_BACKUPS=None,
        TRACKER_BACKUP_KEY=None,
        TRACKER_DAILY_BACKUP="0",  # no background backup competing with the measurements
    )


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
