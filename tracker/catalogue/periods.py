"""ISO weeks ('2026-W10'), the reporting calendar, parsing of "Kỳ báo cáo" as units write it, and
the date ranges of exports and reports (periods of Nghị định 09/2019/NĐ-CP, Điều 12)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from tracker import settings
from tracker.text import nfc

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_WEEK_VN = re.compile(r"^tuần\s*(\d{1,2})\s*(?:/|năm|-)\s*(\d{4})$", re.IGNORECASE)
_DMY = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
_DATE_VN = re.compile(rf"^{_DMY}$")
_RANGE = re.compile(rf"^{_DMY}\s*(?:-|–|—|đến)\s*{_DMY}$", re.IGNORECASE)


def week_id(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def example_year() -> int:
    """The year of the format examples messages give ('ví dụ 2027-W10'): this year, so no
    year is written into the product's text."""
    return settings.now().year


def example_week() -> str:
    return f"{example_year()}-W10"


def parse_week_id(value: str) -> tuple[int, int]:
    match = _WEEK.match(value.strip())
    if not match:
        raise ValueError(f"Tuần không hợp lệ: {value!r} (cần dạng {example_week()}).")
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


# --- date ranges (the exports' "up to week W", a report's dates, the page's presets) ------------


class RangeError(ValueError):
    """A bad day or date range; the message is Vietnamese (shown as is by the page and the CLI)."""


# Periodic reports (Nghị định 09/2019/NĐ-CP, Điều 12): each runs from 15/12 of the year before to
# the 14th of its last month; the value is that month.
DECREE_PERIODS = {"quy1": 3, "6thang": 6, "9thang": 9, "nam": 12}
DECREE_TITLES = {
    "quy1": "quý I năm",
    "6thang": "6 tháng đầu năm",
    "9thang": "9 tháng đầu năm",
    "nam": "năm",
}
PRESETS = {
    "quy1": "Quý I (15/12 năm trước - 14/3)",
    "6thang": "6 tháng (15/12 năm trước - 14/6)",
    "9thang": "9 tháng (15/12 năm trước - 14/9)",
    "nam": "Năm (15/12 năm trước - 14/12)",
    "thang": "Tháng chứa tuần đang chọn",
    "tuan": "Tuần đang chọn",
    "tuy_chon": "Tùy chọn ngày",
}


def week_range(week: str) -> tuple[date, date]:
    """'Up to week W': 01/01 of W's year .. Sunday of W (weeks counted by their Thursday)."""
    year, _ = parse_week_id(week)
    return date(year, 1, 1), week_end(week)


def as_of_week(date_to: date) -> str:
    """The last ISO week whose Thursday is on or before `date_to` (the week a range ends in)."""
    return week_id(date_to - timedelta(days=3))


def parse_day(value: str | date) -> date:
    """A day given as a date, '2026-03-31' or '31/03/2026'."""
    if isinstance(value, date):
        return value
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    year = example_year()
    raise RangeError(f"Ngày không hợp lệ: '{value}' (dùng dạng {year}-03-31 hoặc 31/03/{year}).")


def date_range(
    week: str | None, date_from: str | date | None, date_to: str | date | None
) -> tuple[date, date]:
    """The dates given (both required), else 'up to week W'; messages name the CLI options."""
    if date_from or date_to:
        if not (date_from and date_to):
            raise RangeError("Cần cả ngày bắt đầu (--from) và ngày kết thúc (--to).")
        start, end = parse_day(date_from), parse_day(date_to)
        if start > end:
            raise RangeError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
        return start, end
    if not week:
        raise RangeError("Cần chọn tuần (--week) hoặc khoảng ngày (--from, --to).")
    return week_range(week)


def report_range(
    week: str | None, date_from: str | date | None, date_to: str | date | None
) -> tuple[date, date]:
    """The compiled report's dates: the range given, else the week itself (Monday..Sunday)."""
    if date_from or date_to or not week:
        return date_range(None, date_from, date_to)
    return week_start(week), week_end(week)


def parse_year(value: str | int) -> int:
    """A report year between 2000 and 2100."""
    try:
        year = int(str(value).strip())
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise RangeError(f"Năm không hợp lệ: '{value}' (cần một năm từ 2000 đến 2100).")
    return year


def decree_range(period: str, year: str | int) -> tuple[date, date]:
    """A periodic report's dates (Nghị định 09/2019/NĐ-CP, Điều 12): 15/12 of the year before
    to 14/03 (quý I), 14/06 (6 tháng), 14/09 (9 tháng) or 14/12 (năm)."""
    if period not in DECREE_PERIODS:
        raise RangeError(f"Kỳ báo cáo '{period}' không hợp lệ; chọn: {', '.join(DECREE_PERIODS)}.")
    year = parse_year(year)
    return date(year - 1, 12, 15), date(year, DECREE_PERIODS[period], 14)


def period_title(period: str | None, year: str | int | None, start: date, end: date) -> str:
    """How a report names its period: '6 tháng đầu năm 2026', else 'từ ngày … đến ngày …'."""
    if period in DECREE_TITLES and year is not None:
        return f"{DECREE_TITLES[period]} {parse_year(year)}"
    return f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def period_dates(
    period: str | None,
    year: str | int | None,
    date_from: str | date | None,
    date_to: str | date | None,
) -> tuple[date, date]:
    """A report's dates: a decree period of a year (--period, --year), or --from .. --to."""
    if period:
        if date_from or date_to:
            raise RangeError(
                "Chọn kỳ báo cáo (--period) hoặc khoảng ngày (--from, --to), không cả hai."
            )
        if year is None or str(year).strip() == "":
            raise RangeError(
                f"Cần chọn năm (--year) cho kỳ báo cáo, ví dụ --year {example_year()}."
            )
        return decree_range(period, year)
    if not (date_from or date_to):
        raise RangeError("Cần chọn kỳ báo cáo (--period, --year) hoặc khoảng ngày (--from, --to).")
    return date_range(None, date_from, date_to)


def preset_range(preset: str, week: str, year: int | None = None) -> tuple[date, date]:
    """The dates of a named range: a decree period of `year` (default: the year of `week`'s
    Thursday), or the week itself, or its month (by its Thursday)."""
    thursday = week_start(week) + timedelta(days=3)
    if preset in DECREE_PERIODS:
        return decree_range(preset, year or thursday.year)
    match preset:
        case "tuan":
            return week_start(week), week_end(week)
        case "thang":
            first = thursday.replace(day=1)
            following = date(thursday.year + (first.month == 12), first.month % 12 + 1, 1)
            return first, following - timedelta(days=1)
    raise RangeError(f"Khoảng thời gian '{preset}' không hợp lệ.")
