"""One entry point for every export, shared by the Xuất dữ liệu page and `python -m tracker export`:
the kinds, their file names, and `build` / `download` (PRODUCT.md §8).

The CSV exports live in tables.py, the report workbook in report.py, the scores and models CSVs
in tracker/metrics/scoring.py; the date ranges and presets in tracker/catalogue/periods.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import periods
from tracker.exports import report, tables
from tracker.metrics import scoring

KINDS = ("summary", "detail", "indicators", "report", "scores", "models")


class ExportError(ValueError):
    """Bad export arguments; the message is Vietnamese."""


# --- one entry point for the page and the command line -----------------------------------------


def file_name(
    kind: str, week: str | None = None, date_from: Any = None, date_to: Any = None
) -> str:
    if kind == "report":
        start, end = periods.report_range(week, date_from, date_to)
        return f"bao-cao-tong-hop_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    if kind == "indicators" and (date_from or date_to):
        start, end = periods.date_range(None, date_from, date_to)
        return f"chi-so_{start:%Y%m%d}-{end:%Y%m%d}.csv"
    names = {
        "summary": "tong-hop",
        "detail": "chi-tiet",
        "indicators": "chi-so",
        "scores": "diem",
        "models": "dan-van-kheo",
    }
    return f"{names[kind]}_{week}.csv" if week else f"{names[kind]}.csv"


def build(
    kind: str,
    *,
    week: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    path: Path | None = None,
) -> bytes:
    """The bytes of one export; the page and `python -m tracker export` both call this."""
    if kind in ("summary", "detail", "scores") and not week:
        raise ExportError("Cần chọn tuần (--week), ví dụ 2026-W10.")
    if week:
        periods.parse_week_id(week)
    match kind:
        case "summary":
            return tables.summary_csv(week, path)
        case "detail":
            return tables.detail_csv(week, path)
        case "indicators":
            return tables.indicators_csv(week, date_from, date_to, path)
        case "report":
            start, end = periods.report_range(week, date_from, date_to)
            return report.report_xlsx(start, end, path=path)
        case "scores":
            return scoring.scores_csv(week)
        case "models":
            return scoring.models_csv()
    raise ExportError(f"Loại dữ liệu xuất '{kind}' không hợp lệ; chọn: {', '.join(KINDS)}.")


def download(user: User | None, kind: str, **options: Any) -> bytes:
    """An export for a signed-in user (every role may export; refused when not signed in)."""
    auth.require(user, "export")
    return build(kind, **options)
