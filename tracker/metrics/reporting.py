"""Reporting discipline: who reported a week, on time or late, rates by week, the deadline banner
and the reminder text HCTC pastes into Zalo or e-mail (PRODUCT.md §6, §7 Đôn đốc).

The rules live in queries/reporting_status.sql and queries/reporting_trend.sql; this module only
shapes their results for the pages and the exports.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from tracker import settings
from tracker.catalogue import calendar, periods, plans
from tracker.store import db
from tracker.text import fmt_deadline, fmt_pct

ON_TIME = "Đúng hạn"
LATE = "Trễ hạn"
MISSING = "Chưa nộp"
NOT_EXPECTED = "Không yêu cầu"
STATES = (ON_TIME, LATE, MISSING, NOT_EXPECTED)


STATUS_COLUMNS = ["unit_code", "unit_name", "state", "first_upload", "reporter", "phone"]


def week_status(week: str, path: Path | None = None) -> pd.DataFrame:
    """Per active unit: state ('Đúng hạn'|'Trễ hạn'|'Chưa nộp'|'Không yêu cầu'), first upload, contact.

    Extra columns kept for the pages: expected, reported, on_time, deadline, last_upload, versions.
    """
    df = db.query("reporting_status", path=path, week=week)
    extra = ["expected", "reported", "on_time", "deadline", "last_upload", "versions"]
    return df[STATUS_COLUMNS + extra]


def unit_history(unit: str, first_week: str, week: str, path: Path | None = None) -> pd.DataFrame:
    """One unit's state for every week from `first_week` to `week`, newest first, by the rules of
    week_status (period, state, first_upload, last_upload, versions; none for an inactive unit)."""
    return db.query(
        "unit_reporting_history", path=path, unit=unit, first_week=first_week, week=week
    )


def rates(week: str, path: Path | None = None) -> dict:
    """expected, reported, on_time counts and the two rates in percent (None when nothing expected)."""
    df = db.query("reporting_status", path=path, week=week)
    expected_df = df[df["expected"]]
    expected = len(expected_df)
    reported = int(expected_df["reported"].sum())
    on_time = int(expected_df["on_time"].sum())
    return {
        "expected": expected,
        "reported": reported,
        "on_time": on_time,
        "reporting_rate": 100.0 * reported / expected if expected else None,
        "on_time_rate": 100.0 * on_time / expected if expected else None,
    }


def trend(week: str, first_week: str | None = None, path: Path | None = None) -> pd.DataFrame:
    """Reporting and on-time rate for each week from the first reporting week of `week`'s plan
    to `week`.

    Weeks that expect no report (exempt, before the first week) have NULL rates.
    """
    first = first_week or plans.first_week(plans.of_week(week), path)
    if first > week:
        first = week
    df = db.query("reporting_trend", path=path, first_week=first, week=week)
    df["label"] = [periods.short_label(p) for p in df["period"]]
    return df


def deadline(week: str, path: Path | None = None) -> datetime:
    """The week's reporting deadline (default Friday 16:30 of that week), from the calendar rules."""
    return calendar.deadline(week, path)


def last_closed_week(now: datetime | None = None, path: Path | None = None) -> str:
    """The latest ISO week whose reporting deadline has passed at `now`: the newest week that
    may be presented as data (a later one is still being reported)."""
    now = now or settings.now()
    week = periods.week_id(now.date())
    while deadline(week, path) > now:
        week = periods.shift(week, -1)
    return week


def data_end(
    start: date, end: date, now: datetime | None = None, path: Path | None = None
) -> date | None:
    """Where the data of the dates start..end stop at `now`: `end`, or the Sunday of the latest
    week whose deadline has passed when the range's last week is still being reported; None
    when none of the range's weeks (by their Thursday) has closed."""
    closed = last_closed_week(now, path)
    if periods.as_of_week(end) <= closed:
        return end
    cut = periods.week_end(closed)
    return (
        cut
        if periods.as_of_week(cut) >= periods.week_id(start + timedelta(days=3)) and cut >= start
        else None
    )


def nothing_closed_message(start: date, title: str, path: Path | None = None) -> str:
    first = periods.week_id(start + timedelta(days=3))
    return (
        f"Chưa lập được báo cáo {title}: chưa có tuần nào của kỳ hết hạn nộp báo cáo (tuần đầu "
        f"là {periods.label(first)}, hạn nộp {fmt_deadline(deadline(first, path))}). Hãy lập "
        "báo cáo sau hạn nộp đó."
    )


def not_closed_message(week: str, now: datetime | None = None, path: Path | None = None) -> str:
    """Why `week` cannot be presented as data yet (Vietnamese), naming the week that can."""
    closed = last_closed_week(now, path)
    return (
        f"{periods.label(week)} chưa hết hạn nộp báo cáo (hạn {fmt_deadline(deadline(week, path))})"
        f": số liệu của tuần chưa đầy đủ nên chưa xuất được. Chọn một tuần đến hết "
        f"{periods.label(closed)}, tuần gần nhất đã hết hạn nộp."
    )


def _week_no(week: str) -> int:
    return periods.parse_week_id(week)[1]


def deadline_banner(
    unit_code: str, week: str, now: datetime | None = None, path: Path | None = None
) -> str:
    """One line for a unit user: has the unit reported `week`, and against which deadline."""
    now = now or settings.now()
    df = db.query("reporting_status", path=path, week=week)
    row = df[df["unit_code"] == unit_code]
    head = f"Tuần {_week_no(week)}"
    due = deadline(week, path)
    if row.empty:
        return f"{head}: đơn vị {unit_code} không thuộc danh sách đơn vị đang theo dõi"
    r = row.iloc[0]
    if not r["expected"]:
        return f"{head}: không yêu cầu báo cáo"
    if r["reported"]:
        when = r["first_upload"].to_pydatetime()
        verdict = "đúng hạn" if r["on_time"] else "trễ hạn"
        return f"{head}: đã nộp lúc {when:%H:%M %d/%m/%Y} ({verdict})"
    if now > due:
        return f"{head}: chưa nộp — đã quá hạn {fmt_deadline(due)}"
    return f"{head}: chưa nộp — hạn {fmt_deadline(due)}"


def follow_up(week: str, path: Path | None = None) -> pd.DataFrame:
    """Units to chase for `week`: missing first, then late; with their contacts."""
    df = week_status(week, path)
    df = df[df["state"].isin([MISSING, LATE])].copy()
    df["order"] = df["state"].map({MISSING: 0, LATE: 1})
    return df.sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)


def _contact(reporter: object, phone: object) -> str:
    parts = []
    if isinstance(reporter, str) and reporter.strip():
        parts.append(f"người lập: {reporter.strip()}")
    if isinstance(phone, str) and phone.strip():
        parts.append(f"ĐT: {phone.strip()}")
    return f" ({', '.join(parts)})" if parts else " (chưa có thông tin liên hệ)"


def reminder_text(
    week: str, now: datetime | None = None, path: Path | None = None, signer: str | None = None
) -> str:
    """A reminder ready to paste into Zalo or e-mail: the units that have not reported, with
    their contacts, or a line saying that every unit has reported (late ones are not chased);
    signed by `signer`, the Office's Phòng Hành chính - Tổ chức when None (the home body's)."""
    now = now or settings.now()
    label = periods.label(week)
    status = week_status(week, path)
    if not status["expected"].any():
        return f"{label}: không yêu cầu các đơn vị báo cáo (tuần nghỉ hoặc trước tuần báo cáo đầu tiên)."
    r = rates(week, path)
    due = deadline(week, path)
    missing = status[status["state"] == MISSING]
    lines = [
        f"[Đôn đốc báo cáo] {label}",
        f"Hạn nộp: {fmt_deadline(due)}.",
        f"Đến {now:%H:%M %d/%m/%Y}: {r['reported']}/{r['expected']} đơn vị đã nộp "
        f"({fmt_pct(r['reporting_rate'])}), {r['on_time']} đơn vị nộp đúng hạn.",
    ]
    if missing.empty:
        week_name = periods.short_label(week).lower()
        lines += ["", f"Tất cả đơn vị đã nộp báo cáo {week_name}. Trân trọng cảm ơn!"]
        return "\n".join(lines)
    lines += ["", f"Đơn vị chưa nộp báo cáo ({len(missing)}):"]
    for i, row in enumerate(missing.itertuples(), start=1):
        lines.append(f"{i}. {row.unit_code} - {row.unit_name}{_contact(row.reporter, row.phone)}")
    urge = (
        "khẩn trương cập nhật biểu mẫu và nộp báo cáo trên hệ thống"
        if now > due
        else "cập nhật biểu mẫu và nộp báo cáo trên hệ thống trước hạn nộp"
    )
    lines += [
        "",
        f"Đề nghị các đơn vị trên {urge}.",
        "Trân trọng.",
        signer or OFFICE_SIGNER,
    ]
    return "\n".join(lines)


# Who signs the home body's reminder; another body's is signed with its own name (issue 34).
OFFICE_SIGNER = "Phòng Hành chính - Tổ chức, Văn phòng UBND thành phố Cần Thơ"
