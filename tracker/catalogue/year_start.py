"""A plan's first weeks (issue 36): which week a new plan starts reporting in, whether a week of
it has closed yet, and the one sentence pages show until one has.

A new plan's first reporting week is asked for when it is copied or loaded; by default it is the
first full week after the plan's date (the plan is issued on a working day and units report from
the Monday after), and for a plan with no date yet the first full week of its year (2027-W01
starts on Monday 04/01/2027). Until the deadline of its first reporting week has passed, the plan
has no week whose figures are complete: pages say so instead of showing statuses, pace or a fall
against last year that is not true.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from tracker import settings
from tracker.catalogue import calendar, periods, plans
from tracker.store import db
from tracker.text import fmt_deadline


def first_full_week_of(year: int) -> str:
    """The first ISO week whose seven days all lie in `year` (2027-W01, 2026-W02)."""
    new_year = date(int(year), 1, 1)
    return periods.week_id(new_year + timedelta(days=(7 - new_year.weekday()) % 7))


def first_full_week_after(day: date) -> str:
    """The ISO week that starts on the first Monday after `day`."""
    return periods.week_id(day + timedelta(days=7 - day.weekday()))


def default_first_week(year: int, issued_on: date | None) -> str:
    """A new plan's first reporting week: the first full week after its date, within its year
    (a plan dated in December of the year before starts with its year's first full week)."""
    first = first_full_week_of(year)
    if issued_on is None:
        return first
    return min(max(first_full_week_after(issued_on), first), plans.last_week(year))


def parse_first_week(value: object, year: int) -> tuple[str | None, str | None]:
    """(week, None) for a first reporting week as written ('2027-W03', 'Tuần 3/2027', a date in
    the week), (None, problem) when it is not a week of `year`; (None, None) when blank."""
    if value is None or not str(value).strip():
        return None, None
    week = periods.parse_period(value)
    if week is None:
        return None, (
            f"Tuần báo cáo đầu tiên '{value}' không hợp lệ: ghi theo dạng {year}-W03 hoặc "
            f"Tuần 3/{year}."
        )
    if plans.of_week(week) != int(year):
        return None, (
            f"Tuần báo cáo đầu tiên {periods.label(week)} không thuộc năm {year} của Kế hoạch."
        )
    return week, None


def checked_first_week(year: int, value: object, path: Path | None) -> tuple[str | None, list[str]]:
    """A first reporting week asked for (plan load, copy, set, or the plan's settings edited in
    Quản trị), checked: a week of the plan's year, and not after a week that already has
    accepted reports (they would fall outside the plan's weeks). (week or None, problems)."""
    week, problem = parse_first_week(value, year)
    if week is None:
        return None, [problem] if problem else []
    reported = sorted(
        w for (w,) in db.query_rows("reported_weeks", path=path, year=int(year)) if w < week
    )
    if not reported:
        return week, []
    return week, [
        f"Đã có báo cáo được chấp nhận cho {', '.join(map(periods.short_label, reported))}, "
        f"trước {periods.short_label(week)}: chọn tuần báo cáo đầu tiên không muộn hơn "
        f"{periods.short_label(reported[0])}."
    ]


@dataclass(frozen=True)
class Start:
    """Where a plan stands at an instant: its first reporting week (the first one that expects
    a report), that week's deadline, and whether it has begun and whether it has closed."""

    year: int
    first_week: str
    deadline: datetime
    begun: bool
    closed: bool


def start(year: int, path: Path | None = None, now: datetime | None = None) -> Start:
    """The plan of `year` at `now` (default: the clock)."""
    now = now or settings.now()
    weeks = plans.weeks(year, path)
    exempt = calendar.exempt_weeks(path, year=year)
    first = next((w for w in weeks if w not in exempt), weeks[0])
    due = calendar.deadline(first, path)
    return Start(year, first, due, periods.week_start(first) <= now.date(), due <= now)


def has_closed_week(year: int, path: Path | None = None) -> bool:
    """Whether a reporting week of the plan of `year` has had its deadline pass."""
    return start(year, path).closed


def waiting_notice(year: int, path: Path | None = None) -> str | None:
    """The one sentence pages show while no week of the plan of `year` has closed (None once
    one has): when reporting starts, the first deadline, and that figures come after it."""
    found = start(year, path)
    if found.closed:
        return None
    before = f" hay so sánh với năm {year - 1}" if plans.exists(int(year) - 1, path) else ""
    opens = (
        "chưa có tuần báo cáo nào hết hạn nộp: tuần báo cáo đầu tiên là"
        if found.begun
        else "nhận báo cáo từ"
    )
    return (
        f"Kế hoạch năm {year} {opens} {periods.label(found.first_week)}, hạn nộp "
        f"{fmt_deadline(found.deadline)}; đến lúc đó chưa có tiến độ, trạng thái{before} để xem."
    )
