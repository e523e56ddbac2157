"""What every benchmark part shares: a measured case, timing helpers, the sandbox that keeps
a run's files in one temporary directory, and the benchmark's own clock (see
tracker/tools/bench.py)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.catalogue import catalogues

# The benchmark measures sample data it builds itself, so it runs on a clock of its own, the same
# whatever day it is run: 10:00 on the Wednesday of week 48 of the shipped plan's year (25/11/2026
# for 2026's), late in the plan, with the year's weeks begun and closed. On the real date a run in
# January found no week of that plan begun: its uploads refused as not started, its pages showing
# only that no week had closed (issue 36).
CLOCK_WEEK, CLOCK_WEEKDAY, CLOCK_HOUR = 48, 3, 10


@dataclass
class Case:
    """One measured figure. With several runs, `value` (and `baseline_value`) is their median,
    the target is judged on it, and `spread` is the lowest and highest run; with a baseline
    timed in the same rounds, `ratio_spread` is the lowest and highest ratio of a round."""

    name: str
    value: float
    unit: str
    target: str
    ok: bool
    baseline: str = ""
    baseline_value: float | None = None
    spread: tuple[float, float] | None = None
    baseline_spread: tuple[float, float] | None = None
    ratio_spread: tuple[float, float] | None = None

    @property
    def ratio(self) -> float | None:
        if not self.baseline_value:
            return None
        return self.value / self.baseline_value


@dataclass(frozen=True)
class Runs:
    """The seconds of several runs of one thing."""

    times: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.times), max(self.times)


def interleaved(runs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, Runs]:
    """Each function timed `repeat` times, taking turns (A B C, then B C A, ...): a busy moment
    of the machine falls on all of them alike, where timing one and then the other let it fall
    on one (a target measured so flipped between runs)."""
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeat):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(_timed(runs[name]))
    return {name: Runs(tuple(t)) for name, t in times.items()}


def compared(
    name: str,
    ours: Runs,
    base: Runs,
    *,
    target: str,
    within: float,
    baseline: str,
    also: bool = True,
) -> Case:
    """ours against a baseline timed in the same rounds: met when ours' median is at most
    `within` × the baseline's (and `also`), with both spreads and each round's ratio."""
    ratios = [a / b for a, b in zip(ours.times, base.times, strict=True) if b]
    return Case(
        name,
        ours.median,
        "s",
        target,
        also and ours.median <= within * base.median,
        baseline,
        base.median,
        spread=ours.spread,
        baseline_spread=base.spread,
        ratio_spread=(min(ratios), max(ratios)) if ratios else None,
    )


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


def clock_instant() -> datetime:
    """The benchmark's instant: CLOCK_WEEK's Wednesday 10:00 in the year of data/'s plan."""
    year = catalogues.plan_year_of(catalogues.read_dir(settings.catalogue_dir()))
    day = date.fromisocalendar(year, CLOCK_WEEK, CLOCK_WEEKDAY)
    return datetime(day.year, day.month, day.day, CLOCK_HOUR)


@contextmanager
def own_clock() -> Iterator[None]:
    """The benchmark's clock for a block (a decorator too): $TRACKER_NOW at clock_instant(),
    anchored to this moment so that the servers a run starts share it; a block inside one keeps
    the clock running (a part of the benchmark called by the whole)."""
    instant = clock_instant()
    current = os.environ.get("TRACKER_NOW")
    if current and settings.parse_clock(current)[0] == instant:
        yield
        return
    with _environment(TRACKER_NOW=settings.clock_setting(instant)):
        yield


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
