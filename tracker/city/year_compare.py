"""Thành phố's chosen year against the year before, at the same point of the year (as the Office's
Tổng quan does, tracker/metrics/year_over_year.py): never a full past year against a partial
current one.

The point: the weekly figures run to the chosen year's data week (the latest data week of its
bodies) and, the year before, to the same ISO week number (year_over_year.same_week_last_year);
the periodic Báo cáo are taken as of today and, the year before, as of the same date a year
earlier (a Báo cáo sent after it counts as not sent then).

The headline figures are the mean over the bodies that have one of each body's figure as
queries/city_body_overview.sql defines it (with $upto for the year before): plan completion,
weekly reporting rate, on-time rate, self-score; and the share of the periodic Báo cáo due by
the date that were sent on time (reports.statuses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from tracker import settings
from tracker.city import overview, reports
from tracker.metrics import year_over_year
from tracker.roles import User

# (field, Vietnamese label, is a percentage: its change is in "điểm %", else in "điểm")
FIGURES = (
    ("plan_completion", "Hoàn thành Kế hoạch bình quân", True),
    ("reporting_rate", "Tỷ lệ nộp báo cáo tuần bình quân", True),
    ("on_time_rate", "Tỷ lệ nộp đúng hạn bình quân", True),
    ("report_on_time", "Báo cáo định kỳ nộp đúng hạn", True),
    ("self_score", "Điểm tự chấm bình quân", False),
)
_DUE = (reports.ON_TIME, reports.LATE, reports.MISSING)


@dataclass(frozen=True)
class CityFigures:
    """The city's headline figures of one year, as of a week and a date."""

    year: int
    week: str  # the weekly figures run to the end of this week
    day: datetime  # the periodic Báo cáo's states as of this moment
    bodies: int  # bodies with figures up to the week
    plan_completion: float | None
    reporting_rate: float | None
    on_time_rate: float | None
    report_on_time: float | None  # % of the periodic Báo cáo due by `day` sent on time
    reports_due: int
    self_score: float | None

    @property
    def has_data(self) -> bool:
        """Some body has figures of the year up to the week."""
        return self.bodies > 0


@dataclass(frozen=True)
class CityComparison:
    this: CityFigures
    last: CityFigures

    def change(self, name: str) -> float | None:
        """This year's figure minus last year's (percentage points for a rate; None when either
        is missing)."""
        now, before = getattr(self.this, name), getattr(self.last, name)
        return None if now is None or before is None else now - before


def _mean(values: pd.Series) -> float | None:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return None if values.empty else float(values.mean())


def same_day_last_year(moment: datetime) -> datetime:
    """The same date (and time) a year earlier; 29/02 becomes 28/02."""
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:
        return moment.replace(year=moment.year - 1, day=28)


def figures(
    frame: pd.DataFrame, states: pd.DataFrame, year: int, week: str, day: datetime
) -> CityFigures:
    """The headline figures from city_body_overview's rows and reports.statuses' rows; the
    Báo cáo of the bodies with a data week in `year` only (a body without a plan that year owed
    none: a city not yet using the tracker is no 0%)."""
    reporting = set(frame.loc[frame["data_week"].notna(), "body"])
    due = (
        states[states["state"].isin(_DUE) & states["body"].isin(reporting)]
        if len(states)
        else states
    )
    on_time = int((due["state"] == reports.ON_TIME).sum()) if len(due) else 0
    return CityFigures(
        year=year,
        week=week,
        day=day,
        bodies=int(frame["data_week"].notna().sum()),
        plan_completion=_mean(frame["plan_completion"]),
        reporting_rate=_mean(frame["reporting_rate"]),
        on_time_rate=_mean(frame["on_time_rate"]),
        report_on_time=100.0 * on_time / len(due) if len(due) else None,
        reports_due=len(due),
        self_score=_mean(frame["self_score"]),
    )


def compare(user: User, year: int, registry: Path) -> CityComparison | None:
    """`year` up to its data week against the year before up to the same week; None when no
    body has a data week in `year` (nothing to compare). `last.has_data` is False when no body
    has figures of the year before."""
    this_frame = overview.body_overview(user, year, registry)
    weeks = this_frame["data_week"].dropna()
    if weeks.empty:
        return None
    week = str(weeks.max())
    before = year_over_year.same_week_last_year(week)
    now = settings.now()
    then = same_day_last_year(now)
    last_frame = overview.body_overview(user, year - 1, registry, upto=before)
    return CityComparison(
        figures(this_frame, reports.statuses(year, registry, now), year, week, now),
        figures(last_frame, reports.statuses(year - 1, registry, then), year - 1, before, then),
    )
