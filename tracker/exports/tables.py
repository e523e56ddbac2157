"""The CSV exports (PRODUCT.md §8): the leaders' summary, the unit × task detail and the indicator
totals, each with its exact Vietnamese columns, written through the guarded writer in csvsafe.py.

The cell helpers here (`fmt_time`, `cell_text`) are shared with the report workbook (report.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tracker.catalogue import periods, plan
from tracker.catalogue.plan import ROLE_LABELS
from tracker.csvsafe import Number as Number  # re-exported: part of this API
from tracker.csvsafe import neutralise as neutralise  # re-exported: part of this API
from tracker.csvsafe import rows_csv
from tracker.metrics import difficulties
from tracker.store import db
from tracker.text import is_missing

SUMMARY_COLUMNS = [
    "Mã nhiệm vụ",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Số đơn vị được giao",
    "Số đơn vị đã báo cáo",
    "Tỷ lệ hoàn thành (%)",
    "Tiến độ kỳ vọng (%)",
    "Trạng thái",
    "Số vướng mắc chưa xử lý",
    "Cập nhật lần cuối",
]
DETAIL_COLUMNS = [
    "Mã nhiệm vụ",
    "Nội dung nhiệm vụ",
    "Mã đơn vị",
    "Đơn vị",
    "Vai trò",
    "Tuần báo cáo",
    "Trạng thái",
    "Tỷ lệ hoàn thành (%)",
    "Kết quả thực hiện trong kỳ",
    "Văn bản, minh chứng",
    "Khó khăn, vướng mắc",
    "Đề xuất, kiến nghị",
    "Cập nhật lần cuối",
]
INDICATOR_COLUMNS = [
    "Mã chỉ số",
    "Tên chỉ số",
    "Đơn vị tính",
    "Cách tính",
    "Nhiệm vụ",
    "Từ ngày",
    "Đến ngày",
    "Giá trị",
    "Số đơn vị báo cáo",
    "Tuần có số liệu gần nhất",
]
KIND_LABELS = {"flow": "Cộng dồn các tuần", "stock": "Giá trị mới nhất"}
NOT_REPORTED = "Chưa báo cáo"


# --- cells -----------------------------------------------------------------------------------


def fmt_time(value: Any) -> str:
    """'dd/mm/yyyy HH:MM'; '' when missing."""
    return "" if is_missing(value) else pd.Timestamp(value).strftime("%d/%m/%Y %H:%M")


def cell_text(value: Any) -> str:
    """The value as text; '' when missing."""
    return "" if is_missing(value) else str(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with BOM, comma-separated, through the one guarded writer (tracker/csvsafe.py): text
    cells are neutralised; numbers come pre-formatted as `Number` ('.' decimal point)."""
    return rows_csv(header, rows)


# --- CSV exports -----------------------------------------------------------------------------


def _lead(lead_unit: Any) -> str:
    """The lead unit's name; tasks with no single lead belong to every unit."""
    return plan.ALL_UNITS_LABEL if is_missing(lead_unit) or lead_unit == "" else lead_unit


def summary_csv(week: str, path: Path | None = None) -> bytes:
    """The leaders' summary CSV as of `week` (PRODUCT.md §8, exact columns, in SUMMARY_COLUMNS order)."""
    tc = db.query("task_completion", path=path, week=week)
    open_by_task = difficulties.open_by_task(week, path)
    rows = [
        [
            t.code,
            t.short_title,
            _lead(t.lead_unit),
            Number(t.assigned_units, 0),
            Number(t.reported_units, 0),
            Number(t.completion),
            # A task done on request has no expected pace.
            Number(None if t.kind == "theo_yeu_cau" else t.expected),
            t.status,
            Number(open_by_task.get(t.code, 0), 0),
            fmt_time(t.last_update),
        ]
        for t in tc.itertuples(index=False)
    ]
    return write_csv(SUMMARY_COLUMNS, rows)


def detail_csv(week: str, path: Path | None = None) -> bytes:
    """Unit × task detail as of `week`: every assigned unit's carried-forward row (unit_task_progress.sql)."""
    df = db.query("unit_task_progress", path=path, week=week)
    rows = [
        [
            r.task_code,
            r.short_title,
            r.unit_code,
            r.unit_name,
            ROLE_LABELS.get(r.role, r.role),
            cell_text(r.period),
            NOT_REPORTED if is_missing(r.percent) else r.sheet_status,
            Number(r.percent),
            r.result_text,
            r.evidence,
            r.difficulty,
            r.proposal,
            fmt_time(r.uploaded_at),
        ]
        for r in df.itertuples(index=False)
    ]
    return write_csv(DETAIL_COLUMNS, rows)


def indicator_totals(start: date, end: date, path: Path | None = None) -> pd.DataFrame:
    return db.query("indicator_totals", path=path, date_from=start, date_to=end)


def indicators_csv(
    week: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    path: Path | None = None,
) -> bytes:
    """Indicator totals up to `week` (from 01/01) or over a date range: flow summed, stock latest."""
    start, end = periods.date_range(week, date_from, date_to)
    df = indicator_totals(start, end, path)
    rows = [
        [
            r.code,
            r.name,
            r.measure,
            KIND_LABELS[r.kind],
            r.task_code,
            f"{start:%d/%m/%Y}",
            f"{end:%d/%m/%Y}",
            Number(r.total),
            Number(r.units, 0),
            r.last_period,
        ]
        for r in df.itertuples(index=False)
    ]
    return write_csv(INDICATOR_COLUMNS, rows)
