"""The benchmark's comparisons (issue 35): timed in turns, judged on the median, printed with
the spread. No wall-clock assertion: the order of the runs and the verdicts from given times.
And its own clock: the same data and pages whatever the day it is run."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import set_now
from tracker import settings
from tracker.tools import bench
from tracker.tools.bench_core import Runs, compared, interleaved, own_clock


def test_runs_take_turns_and_the_order_rotates() -> None:
    order: list[str] = []
    runs = interleaved({name: (lambda n=name: order.append(n)) for name in "abc"}, 4)
    assert order == list("abcbcacababc")
    assert all(len(r.times) == 4 for r in runs.values())


def test_the_verdict_is_the_median_and_the_spread_is_printed() -> None:
    ours = Runs((0.010, 0.011, 0.030))  # one busy round: the median stands
    base = Runs((0.012, 0.012, 0.010))
    case = compared("x", ours, base, target="≤ 1×", within=1.0, baseline="b")
    assert case.ok and case.value == 0.011 and case.baseline_value == 0.012
    assert case.spread == (0.010, 0.030) and case.ratio_spread == (0.010 / 0.012, 3.0)
    assert not compared("x", ours, base, target="", within=0.9, baseline="b").ok
    assert not compared("x", ours, base, target="", within=1.0, baseline="b", also=False).ok
    row = bench.table([case]).splitlines()[-1]
    assert "11.0 ms (10.0 ms–30.0 ms)" in row and "12.0 ms (10.0 ms–12.0 ms)" in row
    assert "0.92× (0.83–3.00)" in row and row.endswith("✔ |")


# --- its own clock ------------------------------------------------------------------------------


@pytest.mark.parametrize("today", ["2026-01-20T09:00:00", "2026-11-25T10:00:00", "2027-01-06"])
def test_the_benchmark_runs_on_its_own_clock_whatever_the_day(
    monkeypatch: pytest.MonkeyPatch, today: str
) -> None:
    set_now(monkeypatch, today)
    outer = os.environ["TRACKER_NOW"]
    with own_clock():
        assert settings.now().date() == date(2026, 11, 25)  # Wednesday of 2026-W48
        inner = os.environ["TRACKER_NOW"]
        with own_clock():  # a part of the benchmark run by the whole keeps the clock running
            assert os.environ["TRACKER_NOW"] == inner
    assert os.environ["TRACKER_NOW"] == outer  # put back


@pytest.mark.now("2026-01-20T09:00:00")  # before the plan's first reporting week (W07) begins
def test_the_upload_benchmark_works_in_january(tmp_path: Path) -> None:
    store, check, floor = bench.bench_workbook(tmp_path, 1)
    assert store.value > 0 and check.value > 0 and floor.value > 0
    assert settings.now().date() == date(2026, 1, 20)
