"""This year against last year at the same week (issue 24), which none of the tools this replaces
offers: the completion of the tasks both plans share (carried over, same code), and the
reporting and on-time rates over the weeks that expected a report so far.

"The same week" last year is the same ISO week number, the last week of that year when it had
fewer weeks (2027-W53 does not exist: 2026-W53 compares with 2025-W52).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tracker.catalogue import periods, plans
from tracker.metrics import progress, reporting


@dataclass(frozen=True)
class YearFigures:
    """One plan year's figures up to a week."""

    year: int
    week: str
    carried_completion: float | None  # weighted completion of the tasks both plans share
    reporting_rate: float | None  # mean over the weeks that expected a report, %
    on_time_rate: float | None


@dataclass(frozen=True)
class Comparison:
    this: YearFigures
    last: YearFigures
    carried_tasks: tuple[str, ...]

    def change(self, name: str) -> float | None:
        """This year's figure minus last year's, in percentage points (None when either is)."""
        now, before = getattr(self.this, name), getattr(self.last, name)
        return None if now is None or before is None else now - before


def same_week_last_year(week: str) -> str:
    year, number = periods.parse_week_id(week)
    last = periods.parse_week_id(plans.last_week(year - 1))[1]
    return f"{year - 1}-W{min(number, last):02d}"


def _carried(week: str, codes: set[str], path: Path | None) -> float | None:
    tc = progress.task_completion(week, path)
    shared = tc[tc["code"].isin(codes)]
    if shared.empty:
        return None
    return float((shared["weight"] * shared["completion"]).sum() / shared["weight"].sum())


def _rates(week: str, path: Path | None) -> tuple[float | None, float | None]:
    trend = reporting.trend(week, path=path)
    asked = trend[trend["expected"]]
    if asked.empty:
        return None, None
    return float(asked["reporting_rate"].mean()), float(asked["on_time_rate"].mean())


def figures(week: str, codes: set[str], path: Path | None = None) -> YearFigures:
    """A plan year's figures up to `week`; none before its first reporting week (nothing was
    asked then: a 0% there would be no figure to compare with)."""
    if week < plans.first_week(plans.of_week(week), path):
        return YearFigures(plans.of_week(week), week, None, None, None)
    rate, on_time = _rates(week, path)
    return YearFigures(plans.of_week(week), week, _carried(week, codes, path), rate, on_time)


def compare(week: str, path: Path | None = None) -> Comparison | None:
    """This year up to `week` against last year up to the same week; None when last year has
    no plan (nothing to compare with)."""
    year = plans.of_week(week)
    if not plans.exists(year - 1, path) or not plans.exists(year, path):
        return None
    before = same_week_last_year(week)
    codes = set(progress.task_completion(week, path)["code"]) & set(
        progress.task_completion(before, path)["code"]
    )
    return Comparison(
        figures(week, codes, path), figures(before, codes, path), tuple(sorted(codes))
    )


def trend_by_year(week: str, path: Path | None = None) -> pd.DataFrame:
    """Plan completion and reporting rate per ISO week number, a column pair per year: this
    year up to `week`, last year over the same weeks (for a line per year on the trend chart).

    Columns: number (ISO week number), year, label ('Tuần 10'), plan_completion, reporting_rate.
    """
    frames = []
    year = plans.of_week(week)
    for shown, upto in ((year, week), (year - 1, same_week_last_year(week))):
        if not plans.exists(shown, path):
            continue
        plan = progress.plan_trend(upto, path)[["week", "plan_completion"]]
        rate = reporting.trend(upto, path=path)[["period", "reporting_rate"]]
        merged = plan.merge(rate, left_on="week", right_on="period", how="outer")
        merged["week"] = merged["week"].fillna(merged["period"])
        merged["number"] = [periods.parse_week_id(w)[1] for w in merged["week"]]
        merged["year"] = shown
        frames.append(merged[["number", "year", "plan_completion", "reporting_rate"]])
    if not frames:
        return pd.DataFrame(
            columns=["number", "year", "label", "plan_completion", "reporting_rate"]
        )
    out = pd.concat(frames, ignore_index=True).sort_values(["year", "number"])
    out["label"] = [f"Tuần {n}" for n in out["number"]]
    return out.reset_index(drop=True)
