"""The benchmark's comparisons (issue 35): timed in turns, judged on the median, printed with
the spread. No wall-clock assertion: the order of the runs and the verdicts from given times."""

from __future__ import annotations

from tracker.tools import bench
from tracker.tools.bench_core import Runs, compared, interleaved


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
