"""ISO weeks ('2026-W10'), the reporting calendar and parsing of "Kỳ báo cáo" as units write it."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from tracker.text import nfc

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_WEEK_VN = re.compile(r"^tuần\s*(\d{1,2})\s*(?:/|năm|-)\s*(\d{4})$", re.IGNORECASE)
_DMY = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
_DATE_VN = re.compile(rf"^{_DMY}$")
_RANGE = re.compile(rf"^{_DMY}\s*(?:-|–|—|đến)\s*{_DMY}$", re.IGNORECASE)


def week_id(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week_id(value: str) -> tuple[int, int]:
    match = _WEEK.match(value.strip())
    if not match:
        raise ValueError(f"Tuần không hợp lệ: {value!r} (cần dạng 2026-W10).")
    year, week = int(match.group(1)), int(match.group(2))
    if not 1 <= week <= date(year, 12, 28).isocalendar()[1]:
        raise ValueError(f"Năm {year} không có tuần {week}.")
    return year, week


def week_start(period: str) -> date:
    year, week = parse_week_id(period)
    return date.fromisocalendar(year, week, 1)


def week_end(period: str) -> date:
    return week_start(period) + timedelta(days=6)


def shift(period: str, weeks: int) -> str:
    return week_id(week_start(period) + timedelta(weeks=weeks))


def weeks_between(first: str, last: str) -> list[str]:
    """Every ISO week from first to last, inclusive."""
    out, day = [], week_start(first)
    while day <= week_start(last):
        out.append(week_id(day))
        day += timedelta(weeks=1)
    return out


def label(period: str) -> str:
    """'Tuần 10/2026 (02/03 - 08/03/2026)'."""
    year, week = parse_week_id(period)
    start, end = week_start(period), week_end(period)
    return f"Tuần {week}/{year} ({start:%d/%m} - {end:%d/%m/%Y})"


def short_label(period: str) -> str:
    year, week = parse_week_id(period)
    return f"Tuần {week}/{year}"


def deadline(period: str, weekday: int = 5, at: time = time(16, 30)) -> datetime:
    """Deadline of a week's report: by default Friday 16:30 of the week reported."""
    return datetime.combine(week_start(period) + timedelta(days=weekday - 1), at)


def parse_period(value: object) -> str | None:
    """Read a "Kỳ báo cáo" cell; None when it is not one of the accepted forms.

    Accepted: 'Tuần 10/2026', 'Tuần 10 năm 2026', '2026-W10', a date (the ISO week containing it,
    as an Excel date or dd/mm/yyyy), or 'dd/mm/yyyy - dd/mm/yyyy' spanning exactly Monday-Sunday.
    """
    if isinstance(value, datetime):
        return week_id(value.date())
    if isinstance(value, date):
        return week_id(value)
    text = nfc(value)
    try:
        if _WEEK.match(text.upper()):
            parse_week_id(text.upper())
            return text.upper()
        if match := _WEEK_VN.match(text):
            candidate = f"{int(match.group(2))}-W{int(match.group(1)):02d}"
            parse_week_id(candidate)
            return candidate
        if match := _DATE_VN.match(text):
            return week_id(_dmy(*match.groups()))
        if match := _RANGE.match(text):
            first, last = _dmy(*match.groups()[:3]), _dmy(*match.groups()[3:])
            if first.isoweekday() == 1 and last - first == timedelta(days=6):
                return week_id(first)
    except ValueError:
        return None
    return None


def _dmy(day: str, month: str, year: str) -> date:
    return date(int(year), int(month), int(day))
