"""The weekly reporting calendar as Python sees it: deadline, lock time and exempt weeks, the
year's calendar (Quản trị, `python -m tracker calendar`) and the admin's edits of the override
file (data/calendar.csv).

The rules themselves are DuckDB macros (queries/rules.sql, each week under the settings of its
plan) that the metric queries use too: a deadline on a day off moves to the
next working day at the same hour, and a week with no working day is exempt. This module only
reads them through queries/week_calendar.sql, exempt_weeks.sql and reporting_calendar.sql, so
Python and SQL can never disagree on a week's deadline. The working days themselves are computed
by workdays.py.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import roles
from tracker.catalogue import catalogues, workdays
from tracker.roles import User
from tracker.store import audit, db
from tracker.text import is_missing, nfc, weekday_label

MANUAL_REASON = "Quản trị miễn báo cáo (tham số exempt_weeks)"


def _week(period: str, path: Path | None) -> tuple[datetime, datetime, bool]:
    # Cached until a catalogue write (workdays.refresh counts as one).
    ((deadline_at, lock_at, exempt),) = db.cached_rows("week_calendar", path=path, week=period)
    return deadline_at, lock_at, exempt


def deadline(period: str, path: Path | None = None) -> datetime:
    """The week's reporting deadline: its plan's deadline_weekday of the week (default Friday)
    at deadline_time (default 16:30), moved to the next working day when that day is off."""
    return _week(period, path)[0]


def lock_time(period: str, path: Path | None = None) -> datetime:
    """When a week locks for unit users: its deadline plus its plan's lock_days."""
    return _week(period, path)[1]


def is_exempt(period: str, path: Path | None = None) -> bool:
    """Whether no report is expected: its plan lists it in exempt_weeks or it has no working day."""
    return _week(period, path)[2]


def exempt_weeks(path: Path | None = None, *, year: int) -> frozenset[str]:
    """Every exempt week of the plan of `year`: those it lists in its setting exempt_weeks and
    those without a working day."""
    return frozenset(week for (week,) in db.cached_rows("exempt_weeks", path=path, year=year))


# --- the year's calendar ----------------------------------------------------------------------


def _reason(row: dict[str, Any]) -> str:
    """Why a week is exempt, or why its deadline is not on the nominal day; '' otherwise."""
    reasons = []
    if row["working_days"] == 0:
        reasons.append(f"Cả tuần nghỉ: {row['week_reason'] or 'không có ngày làm việc'}")
    if row["listed"]:
        reasons.append(MANUAL_REASON)
    moved_to = row["deadline"].date()
    if not reasons and moved_to != row["nominal_day"]:  # an exempt week's deadline matters not
        why = row["nominal_reason"] or (
            "nghỉ cuối tuần" if row["nominal_day"].weekday() >= 5 else "ngày nghỉ"
        )
        reasons.append(
            f"Hạn dời từ {weekday_label(row['nominal_day'])} ({why}) sang {weekday_label(moved_to)}"
        )
    return "; ".join(reasons)


def year_calendar(year: int, path: Path | None = None) -> pd.DataFrame:
    """Every ISO week of `year`: week, week_start (Monday), week_end (Sunday), deadline,
    lock_time (datetimes), exempt (bool), reason (Vietnamese, '' when nothing to say) and known
    (False for a week outside the calendar's years: its nominal deadline, no holiday counted)."""
    df = db.query("reporting_calendar", path=path, year=int(year))
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    for row in records:
        row["nominal_day"] = pd.Timestamp(row["nominal_day"]).date()
        row["deadline"] = pd.Timestamp(row["deadline"]).to_pydatetime()
    out = df[["week", "week_start", "week_end", "deadline", "lock_time", "exempt"]].copy()
    out["reason"] = [_reason(row) for row in records]
    out["known"] = df["working_days"].notna()
    return out


UNKNOWN_NOTE = (
    "Lưu ý: lịch làm việc (ngày lễ, ngày nghỉ bù) chỉ được tính từ năm trước năm đầu đến hai năm "
    "sau năm cuối của Kế hoạch; các tuần ngoài khoảng này lấy hạn nộp danh nghĩa, chưa tính ngày lễ."
)


def calendar_lines(table: pd.DataFrame) -> list[str]:
    """A year_calendar() as text: a header, then one line per ISO week (the command line's)."""
    lines = [f"{'Tuần':<9} {'Thứ Hai – Chủ nhật':<23} {'Hạn nộp':<16} {'Miễn':<5} Lý do"]
    for row in table.itertuples(index=False):
        span = f"{row.week_start:%d/%m/%Y} – {row.week_end:%d/%m/%Y}"
        exempt = "có" if row.exempt else "không"
        lines.append(
            f"{row.week:<9} {span:<23} {row.deadline:%d/%m/%Y %H:%M} {exempt:<5} {row.reason}".rstrip()
        )
    return lines


# --- the admin's edits of the override file ----------------------------------------------------


def _text(value: Any) -> str:
    """One cell as the file holds it: dates as YYYY-MM-DD, empty cells as ''."""
    if is_missing(value):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return nfc(value).strip()


def override_frame(path: Path | None = None) -> pd.DataFrame:
    """The overrides in the file's columns: date (a date), kind and reason."""
    df = db.query("calendar_overrides", path=path)
    df["date"] = pd.to_datetime(df["date"]).dt.date
    return df.astype({"kind": object, "reason": object})


def _keyed(rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    return {_text(r["day"]): {"kind": r["kind"], "reason": r["reason"]} for r in rows}


def save_overrides(edited: pd.DataFrame, user: User, path: Path | None = None) -> int:
    """Validate the edited overrides and store them (the calendar is recomputed in the same
    transaction); returns how many days changed (0 = nothing). Raises catalogues.CatalogueError
    with 'Dòng N: cột …' messages, N counting the table's rows from 1."""
    roles.require(user, "edit_catalogue")
    missing = [c for c in workdays.COLUMNS if c not in edited.columns]
    if missing:
        raise catalogues.CatalogueError([f"Thiếu cột {', '.join(missing)}."])
    rows = []
    for i, record in enumerate(edited[list(workdays.COLUMNS)].to_dict("records"), start=1):
        clean = {c: _text(record[c]) for c in workdays.COLUMNS}
        if any(clean.values()):
            rows.append((i, clean))
    problems: list[str] = []
    parsed = workdays.parse_overrides(rows, problems)
    if problems:
        prefix = f"{workdays.FILE}, dòng "
        raise catalogues.CatalogueError([p.replace(prefix, "Dòng ", 1) for p in problems])
    before = {
        _text(r["date"]): {"kind": r["kind"], "reason": r["reason"]}
        for r in db.query("calendar_overrides", path=path).to_dict("records")
    }
    after = _keyed(parsed)
    changed = {d for d in before.keys() | after.keys() if before.get(d) != after.get(d)}
    if not changed and list(before) == list(after):
        return 0
    with db.transaction(path) as tx:
        tx.delete("calendar_override")
        tx.insert_rows("calendar_override", parsed)
        workdays.refresh(tx)
        audit.record(
            "catalogue_edit",
            username=user.username,
            role=user.role,
            target="calendar",
            before={d: before.get(d) for d in sorted(changed)},
            after={d: after.get(d) for d in sorted(changed)},
            tx=tx,
        )
    return len(changed) or 1


def export_overrides(user: User, path: Path | None = None) -> bytes:
    """The overrides as data/calendar.csv holds them."""
    roles.require(user, "export")
    return catalogues.export_csv("calendar", path)
