"""The weekly reporting calendar as Python sees it: deadline, lock time and exempt weeks.

The rules themselves are DuckDB macros (migration 006_rule_macros.sql) that the metric queries
use too; this module only reads them through queries/week_calendar.sql and
queries/exempt_weeks.sql, so Python and SQL can never disagree on a week's deadline.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tracker.store import db


def _week(period: str, path: Path | None) -> tuple[datetime, datetime, bool]:
    # Cached until a catalogue write: the macros read only the settings.
    ((deadline_at, lock_at, exempt),) = db.cached_rows("week_calendar", path=path, week=period)
    return deadline_at, lock_at, exempt


def deadline(period: str, path: Path | None = None) -> datetime:
    """The week's reporting deadline (default Friday 16:30 of the week reported)."""
    return _week(period, path)[0]


def lock_time(period: str, path: Path | None = None) -> datetime:
    """When a week locks for unit users: its deadline plus setting lock_days."""
    return _week(period, path)[1]


def is_exempt(period: str, path: Path | None = None) -> bool:
    """Whether the week is listed in setting exempt_weeks (no report expected)."""
    return _week(period, path)[2]


def exempt_weeks(path: Path | None = None) -> frozenset[str]:
    """Every week listed in setting exempt_weeks."""
    return frozenset(week for (week,) in db.cached_rows("exempt_weeks", path=path))
