"""The working-day calendar: which days are off, so which day each week's deadline falls on and
which weeks have no working day at all (issue 15).

Days off are Saturdays and Sundays plus Vietnam's public holidays from the `holidays` package
(Tết, Giỗ Tổ Hùng Vương, 30/4–1/5, 2/9 and the days it substitutes, with their Vietnamese names);
working Saturdays the package knows (làm bù) are working days. The Office's overrides
(data/calendar.csv, table calendar_override) come last: 'nghi' adds a day off (nghỉ bù), 'lam_viec'
adds a working day (làm việc bù on a Saturday). `refresh` stores the result in calendar_day and
calendar_week (migration 007), whose macros week_deadline and is_exempt every query and
tracker/catalogue/calendar.py read: the facts are computed here, the rules stay in SQL.

This module must not import catalogues (which imports it to load the file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.catalogue import periods
from tracker.store import db, queries

FILE = "calendar.csv"
COLUMNS = ("date", "kind", "reason")
# kind code -> what it means (the admin editor's choices and the error messages).
KINDS = {
    "nghi": "nghi (thêm ngày nghỉ, ví dụ nghỉ bù)",
    "lam_viec": "lam_viec (thêm ngày làm việc, ví dụ làm việc bù vào thứ Bảy)",
}
# Words an admin may type for a kind; the file and the database keep the code.
_KIND_WORDS = {
    "nghi": "nghi",
    "nghỉ": "nghi",
    "nghỉ bù": "nghi",
    "lam_viec": "lam_viec",
    "làm việc": "lam_viec",
    "làm bù": "lam_viec",
    "làm việc bù": "lam_viec",
}
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SUBSTITUTED = re.compile(r"thay cho ngày (\d{2}/\d{2}/\d{4})")


# --- the override file ------------------------------------------------------------------------


def _day(value: str) -> date | None:
    """A date written YYYY-MM-DD (as the file keeps it) or dd/mm/yyyy (as people write it)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    match = _DMY.match(value)
    if match:
        try:
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return None
    return None


def parse_overrides(
    rows: Iterable[tuple[int, dict[str, str]]], problems: list[str], file: str = FILE
) -> list[dict[str, Any]]:
    """The override rows as calendar_override rows; every mistake appended to `problems` as
    '<file>, dòng N: cột '<column>' …' (the admin editor turns the prefix into 'Dòng N')."""
    out: list[dict[str, Any]] = []
    seen: dict[date, int] = {}
    for line, row in rows:

        def fail(column: str, message: str, line: int = line) -> None:
            problems.append(f"{file}, dòng {line}: cột '{column}' {message}")

        text = row.get("date", "").strip()
        day = _day(text)
        if not text:
            fail(
                "date",
                f"không được để trống (ngày dạng YYYY-MM-DD, ví dụ {periods.example_year()}-05-02).",
            )
        elif day is None:
            example = f"{periods.example_year()}-05-02"
            fail("date", f"phải là ngày dạng YYYY-MM-DD (ví dụ {example}), đang là '{text}'.")
        elif not 2000 <= day.year <= 2100:
            fail("date", f"năm {day.year} nằm ngoài khoảng 2000–2100.")
        elif day in seen:
            fail("date", f"ngày {day:%d/%m/%Y} đã có ở dòng {seen[day]}; mỗi ngày chỉ ghi một lần.")
        else:
            seen[day] = line
        word = row.get("kind", "").strip()
        kind = _KIND_WORDS.get(word.casefold())
        if kind is None:
            allowed = "; ".join(KINDS.values())
            fail("kind", f"phải là một trong: {allowed}; đang là '{word}'.")
        reason = row.get("reason", "").strip()
        if not reason:
            fail("reason", "không được để trống: ghi lý do (ví dụ số văn bản của Chính phủ).")
        out.append({"day": day, "kind": kind or "", "reason": reason, "sort_order": len(out) + 1})
    return out


# --- the computation --------------------------------------------------------------------------


def _public_holidays(first: date, last: date) -> tuple[dict[date, str], dict[date, str]]:
    """Days off from the package (date -> Vietnamese name) and its working weekend days (date ->
    why: the day off they stand in for)."""
    import holidays  # here: ~0.15 s to import, paid only when the calendar is recomputed

    package = holidays.Vietnam(years=range(first.year, last.year + 1), language="vi")
    off = {day: name for day, name in package.items() if first <= day <= last}
    swapped = {}
    for day, name in off.items():
        if match := _SUBSTITUTED.search(name):
            swapped[match[1]] = day
    worked = {}
    for day in package.weekend_workdays:
        if first <= day <= last:
            instead = swapped.get(f"{day:%d/%m/%Y}")
            worked[day] = (
                f"Làm việc bù cho ngày nghỉ {instead:%d/%m/%Y}"
                if instead
                else "Làm việc bù theo lịch nghỉ của Nhà nước"
            )
    return off, worked


def compute_days(
    first: date, last: date, overrides: dict[date, tuple[str, str]]
) -> list[dict[str, Any]]:
    """calendar_day rows for every day from `first` to `last`: working or not, the first working
    day on or after it (None past the last one), and why it is off or worked."""
    off, worked = _public_holidays(first, last)
    days = []
    day = first
    while day <= last:
        working, reason = day.weekday() < 5, None
        if day in off:
            working, reason = False, off[day]
        elif day in worked:
            working, reason = True, worked[day]
        if day in overrides:
            kind, reason = overrides[day]
            working = kind == "lam_viec"
        days.append({"day": day, "working": working, "next_working": None, "reason": reason})
        day += timedelta(days=1)
    following = None
    for row in reversed(days):
        if row["working"]:
            following = row["day"]
        row["next_working"] = following
    return days


def _short(reason: str, from_package: bool) -> str:
    # The package names each day of Tết ('Giao thừa Tết Nguyên Đán', 'Mùng hai …', '29 Tết'):
    # one name for the week. The Office's own reasons are kept as written.
    if from_package and "Tết" in reason and "Dương lịch" not in reason:
        return "Tết Nguyên Đán"
    return reason


def compute_weeks(
    days: list[dict[str, Any]], overrides: dict[date, tuple[str, str]]
) -> list[dict[str, Any]]:
    """calendar_week rows for every ISO week whose seven days are all in `days`: its working days
    and, when it has none, why (the names of its days off, without repeats)."""
    by_day = {row["day"]: row for row in days}
    weeks = []
    for row in days:
        monday = row["day"]
        if monday.weekday() != 0 or monday + timedelta(days=6) not in by_day:
            continue
        week = [by_day[monday + timedelta(days=i)] for i in range(7)]
        working = sum(d["working"] for d in week)
        reasons = [_short(d["reason"], d["day"] not in overrides) for d in week if d["reason"]]
        weeks.append(
            {
                "week": periods.week_id(monday),
                "working_days": working,
                "reason": "; ".join(dict.fromkeys(reasons)) if working == 0 and reasons else None,
            }
        )
    return weeks


def span(first_year: int | None, last_year: int | None) -> tuple[date, date]:
    """The days to compute: a year before the plan's first to two after its last, so every week
    of the plan and of the next year has its days and the next working day after them."""
    first_year = first_year or settings.now().year
    last_year = last_year or first_year
    return date(first_year - 1, 1, 1), date(last_year + 2, 12, 31)


# --- storage ----------------------------------------------------------------------------------


def refresh(tx: db.Tx) -> None:
    """Recompute calendar_day and calendar_week inside `tx` from the plan's years and the
    overrides in calendar_override (call it after writing either)."""
    first_year, last_year, _, _ = tx.rows(queries.load("calendar_span").sql)[0]
    first, last = span(first_year, last_year)
    overrides = {
        day: (kind, reason) for day, kind, reason in tx.rows(queries.load("calendar_overrides").sql)
    }
    # An override outside the plan's span (a later year's decision) widens it, so it counts.
    # (A year on each side: ISO weeks and moved deadlines cross the new year.)
    first = min([first, *(date(d.year - 1, 1, 1) for d in overrides)])
    last = max([last, *(date(d.year + 1, 12, 31) for d in overrides)])
    days = compute_days(first, last, overrides)
    # TRUNCATE, not DELETE: db.Tx counts it as a catalogue write, so every cached deadline and
    # exemption (queries on the calendar macros are cached until a catalogue changes) is dropped.
    tx.delete("calendar_day")
    tx.insert_rows("calendar_day", days)
    tx.delete("calendar_week")
    tx.insert_rows("calendar_week", compute_weeks(days, overrides))


def is_stale(path: Path | None = None) -> bool:
    """Whether calendar_day misses some day of the plan's span (never computed, or the plan's
    years changed since)."""
    first_year, last_year, first_day, last_day = db.query_rows("calendar_span", path=path)[0]
    first, last = span(first_year, last_year)
    return first_day is None or first_day > first or last_day < last


def refresh_if_stale(path: Path | None = None) -> None:
    """Compute the calendar of a database that lacks it (e.g. one made before migration 007)."""
    if is_stale(path):
        with db.transaction(path) as tx:
            refresh(tx)
