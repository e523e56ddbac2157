"""The checks of an upload that need the database (PRODUCT.md §4): who uploads (their unit),
when (the deadline and the lock), and what was accepted before (regressions, changes)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from tracker import roles, wording
from tracker.catalogue import calendar, periods, plans
from tracker.ingest import locks
from tracker.ingest.contract import SHEET_PROGRESS
from tracker.ingest.parsed import ParsedWorkbook
from tracker.problems import Problem
from tracker.roles import User
from tracker.store import db
from tracker.text import fmt_datetime, fmt_number


def _header_cell(parsed: ParsedWorkbook, name: str) -> str:
    return parsed.header.cells.get(name, "")


def _percent_cell(parsed: ParsedWorkbook, row_no: int) -> str:
    column = parsed.columns.get(SHEET_PROGRESS, {}).get("percent", "")
    return f"{column}{row_no}" if column else ""


def database_problems(
    parsed: ParsedWorkbook,
    user: User,
    now: datetime,
    path: Path | None = None,
    *,
    regressions: bool = True,
) -> list[Problem]:
    """The §4 rules that depend on who uploads, when, and what was accepted before (last)."""
    unit, period = parsed.header.unit_code, parsed.header.period
    if not unit or not period:
        return []
    problems: list[Problem] = []
    if not roles.can(user, "upload_any_unit") and user.unit_code != unit:
        problems.append(
            Problem(
                SHEET_PROGRESS,
                _header_cell(parsed, "unit_code") or _header_cell(parsed, "unit"),
                "wrong_unit",
                f"Tài khoản của đơn vị {user.unit_code} không được nộp báo cáo của đơn vị {unit}.",
                f"Kiểm tra ô Đơn vị/Mã đơn vị, hoặc nhờ {wording.of_file(path).admin} nộp thay.",
            )
        )
    problems += week_problems(unit, period, user, now, path, _header_cell(parsed, "period"))
    deadline = calendar.deadline(period, path)
    if now > deadline:
        problems.append(
            Problem(
                SHEET_PROGRESS,
                _header_cell(parsed, "period"),
                "late",
                f"Nộp sau hạn ({fmt_datetime(deadline)}).",
                "",
                "warning",
            )
        )
    if regressions:
        problems += regressions(parsed, unit, period, path)
    return problems


def week_problems(
    unit: str, period: str, user: User, now: datetime, path: Path | None = None, cell: str = ""
) -> list[Problem]:
    """Why `user` may not report `unit`'s `period` at `now` (none when it may): a week that has
    not started, a week before its plan's first reporting week (an exempt week keeps the rule
    it always had: accepted), a week locked for this user. The upload page says the same before
    the template is downloaded."""
    year = plans.of_week(period)
    if not plans.exists(year, path):
        return []  # the reader refuses it already (plan_missing), naming whom to ask
    label = periods.label(period)
    if periods.week_start(period) > now.date():
        current = periods.short_label(periods.week_id(now.date()))
        return [
            Problem(
                SHEET_PROGRESS,
                cell,
                "week_not_started",
                f"{label} chưa bắt đầu: chỉ nhận báo cáo của tuần đã bắt đầu.",
                f"Kiểm tra ô Kỳ báo cáo (tuần này là {current}); nộp báo cáo tuần đó khi tuần "
                "bắt đầu.",
            )
        ]
    first = plans.first_week(year, path)
    if period < first and not calendar.is_exempt(period, path):
        return [
            Problem(
                SHEET_PROGRESS,
                cell,
                "week_before_plan",
                f"{label} nằm ngoài các tuần báo cáo của Kế hoạch năm {year}: Kế hoạch nhận báo "
                f"cáo từ {periods.label(first)}.",
                f"Kiểm tra ô Kỳ báo cáo; báo cáo đầu tiên của năm {year} là "
                f"{periods.short_label(first)}.",
            )
        ]
    if locks.is_locked(unit, period, user, now, path):
        return [
            Problem(
                SHEET_PROGRESS,
                cell,
                "week_locked",
                f"{periods.short_label(period)} đã khóa từ "
                f"{fmt_datetime(locks.lock_time(period, path))}.",
                f"Liên hệ {wording.of_file(path).admin} để được mở khóa (ngoại lệ) cho tuần này.",
            )
        ]
    return []


def regressions(parsed: ParsedWorkbook, unit: str, period: str, path: Path | None) -> list[Problem]:
    before = {
        task: (percent, week)
        for task, _status, percent, week in db.query_rows(
            "unit_progress_before_week", path=path, unit=unit, week=period
        )
    }
    out = []
    for row in parsed.progress or []:
        if row.task_code in before and row.percent < before[row.task_code][0]:
            old, week = before[row.task_code]
            out.append(
                Problem(
                    SHEET_PROGRESS,
                    _percent_cell(parsed, row.row_no),
                    "progress_decreased",
                    f"Nhiệm vụ {row.task_code}: tỷ lệ {fmt_number(row.percent)}% thấp hơn "
                    f"{fmt_number(old)}% đã báo cáo ở {periods.short_label(week)}.",
                    "Kiểm tra lại số liệu; nếu đúng, ghi lý do vào cột Khó khăn, vướng mắc.",
                    "warning",
                )
            )
    return out


def changes_against_current(parsed: ParsedWorkbook, path: Path | None = None) -> pd.DataFrame:
    """Per task: the status/percent standing now for (unit, week) and what this file would set."""
    unit, period = parsed.header.unit_code, parsed.header.period
    if not unit or not period or parsed.progress is None:
        return pd.DataFrame()
    current = db.query("unit_week_progress", path=path, unit=unit, week=period)
    old = {r.task_code: (r.status, r.percent) for r in current.itertuples()}
    rows = []
    for row in parsed.progress:
        before = old.get(row.task_code)
        if before is None or before != (row.status, row.percent):
            rows.append(
                {
                    "Mã nhiệm vụ": row.task_code,
                    "Trước": f"{before[0]} - {fmt_number(before[1])}%" if before else "(chưa có)",
                    "Sau": f"{row.status} - {fmt_number(row.percent)}%",
                }
            )
    return pd.DataFrame(rows, columns=["Mã nhiệm vụ", "Trước", "Sau"])
