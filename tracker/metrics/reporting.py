"""Reporting discipline: who reported a week, on time or late, rates by week, the deadline banner
and the reminder text HCTC pastes into Zalo or e-mail (PRODUCT.md §6, §7 Đôn đốc).

The rules live in queries/reporting_status.sql and queries/reporting_trend.sql; this module only
shapes their results for the pages and the exports.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from tracker import settings
from tracker.catalogue import calendar, periods, plans
from tracker.store import db
from tracker.text import fmt_pct

ON_TIME = "Đúng hạn"
LATE = "Trễ hạn"
MISSING = "Chưa nộp"
NOT_EXPECTED = "Không yêu cầu"
STATES = (ON_TIME, LATE, MISSING, NOT_EXPECTED)

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")

STATUS_COLUMNS = ["unit_code", "unit_name", "state", "first_upload", "reporter", "phone"]


def week_status(week: str, path: Path | None = None) -> pd.DataFrame:
    """Per active unit: state ('Đúng hạn'|'Trễ hạn'|'Chưa nộp'|'Không yêu cầu'), first upload, contact.

    Extra columns kept for the pages: expected, reported, on_time, deadline, last_upload, versions.
    """
    df = db.query("reporting_status", path=path, week=week)
    extra = ["expected", "reported", "on_time", "deadline", "last_upload", "versions"]
    return df[STATUS_COLUMNS + extra]


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


def fmt_deadline(when: datetime) -> str:
    """'16:30 thứ Sáu 06/03/2026'."""
    return f"{when:%H:%M} {WEEKDAYS[when.weekday()]} {when:%d/%m/%Y}"


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


def reminder_text(week: str, now: datetime | None = None, path: Path | None = None) -> str:
    """A reminder ready to paste into Zalo or e-mail: the units that have not reported, with
    their contacts, or a line saying that every unit has reported (late ones are not chased)."""
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
        "Phòng Hành chính - Tổ chức, Văn phòng UBND thành phố Cần Thơ",
    ]
    return "\n".join(lines)
