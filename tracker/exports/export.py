"""Exports (PRODUCT.md §8): summary, detail and indicators CSV, and the Báo cáo tổng hợp workbook.

Pure functions returning bytes (no Streamlit), used by the Xuất dữ liệu page and by
`python -m tracker export`, so both give the same bytes. Every text cell is neutralised against
formula injection; numbers stay numbers.
"""

from __future__ import annotations

import argparse
import importlib
import io
import math
import numbers
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from tracker import settings
from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import catalogues, periods, plan
from tracker.exports.csvsafe import Number as Number  # re-exported: part of this API
from tracker.exports.csvsafe import neutralise as neutralise  # re-exported: part of this API
from tracker.exports.csvsafe import rows_csv, xlsx_text
from tracker.ingest.contract import ROLE_LABELS, TASK_KIND_LABELS
from tracker.metrics import difficulties, reporting
from tracker.store import db

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
KINDS = ("summary", "detail", "indicators", "report", "scores", "models")


class ExportError(ValueError):
    """Bad export arguments; the message is Vietnamese."""


# --- cells -----------------------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def one_decimal(value: Any) -> str:
    """'45.5' (CSV numbers: '.' decimal point, one decimal); '' when missing."""
    return "" if is_missing(value) else f"{float(value):.1f}"


def fmt_time(value: Any) -> str:
    """'dd/mm/yyyy HH:MM'; '' when missing."""
    return "" if is_missing(value) else pd.Timestamp(value).strftime("%d/%m/%Y %H:%M")


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with BOM, comma-separated, through the one guarded writer (tracker/exports/csvsafe.py): text
    cells are neutralised; numbers come pre-formatted as `Number` ('.' decimal point)."""
    return rows_csv(header, rows)


# --- CSV exports -----------------------------------------------------------------------------


def summary_frame(week: str, path: Path | None = None) -> pd.DataFrame:
    """One row per task in plan order with the summary CSV's columns (raw values)."""
    tc = db.query("task_completion", path=path, week=week)
    open_by_task = difficulties.open_by_task(week, path)
    return pd.DataFrame(
        {
            "Mã nhiệm vụ": tc["code"],
            "Nội dung nhiệm vụ": tc["short_title"],
            "Đơn vị chủ trì": [
                plan.ALL_UNITS_LABEL if is_missing(lead) or lead == "" else lead
                for lead in tc["lead_unit"]
            ],
            "Số đơn vị được giao": tc["assigned_units"],
            "Số đơn vị đã báo cáo": tc["reported_units"],
            "Tỷ lệ hoàn thành (%)": tc["completion"],
            "Tiến độ kỳ vọng (%)": [
                None if kind == "theo_yeu_cau" else exp
                for kind, exp in zip(tc["kind"], tc["expected"], strict=True)
            ],
            "Trạng thái": tc["status"],
            "Số vướng mắc chưa xử lý": [open_by_task.get(c, 0) for c in tc["code"]],
            "Cập nhật lần cuối": tc["last_update"],
        }
    )


def summary_csv(week: str, path: Path | None = None) -> bytes:
    """The leaders' summary CSV as of `week` (PRODUCT.md §8, exact columns)."""
    df = summary_frame(week, path)
    rows = [
        [
            r[0],
            r[1],
            r[2],
            Number(r[3], 0),
            Number(r[4], 0),
            Number(r[5]),
            Number(r[6]),
            r[7],
            Number(r[8], 0),
            fmt_time(r[9]),
        ]
        for r in df.itertuples(index=False)
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
            _text(r.period),
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


def week_range(week: str) -> tuple[date, date]:
    """'Up to week W': 01/01 of W's year .. Sunday of W (weeks counted by their Thursday)."""
    year, _ = periods.parse_week_id(week)
    return date(year, 1, 1), periods.week_end(week)


def as_of_week(date_to: date) -> str:
    """The last ISO week whose Thursday is on or before `date_to` (the week a range ends in)."""
    return periods.week_id(date_to - timedelta(days=3))


def parse_day(value: str | date) -> date:
    if isinstance(value, date):
        return value
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ExportError(f"Ngày không hợp lệ: '{value}' (dùng dạng 2026-03-31 hoặc 31/03/2026).")


def _range(
    week: str | None, date_from: str | date | None, date_to: str | date | None
) -> tuple[date, date]:
    if date_from or date_to:
        if not (date_from and date_to):
            raise ExportError("Cần cả ngày bắt đầu (--from) và ngày kết thúc (--to).")
        start, end = parse_day(date_from), parse_day(date_to)
        if start > end:
            raise ExportError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
        return start, end
    if not week:
        raise ExportError("Cần chọn tuần (--week) hoặc khoảng ngày (--from, --to).")
    return week_range(week)


def report_range(
    week: str | None, date_from: str | date | None, date_to: str | date | None
) -> tuple[date, date]:
    """The compiled report's dates: the range given, else the week itself (Monday..Sunday)."""
    if date_from or date_to or not week:
        return _range(None, date_from, date_to)
    return periods.week_start(week), periods.week_end(week)


PRESETS = {
    "tuan": "Tuần đang chọn",
    "thang": "Tháng chứa tuần đang chọn",
    "6thang": "6 tháng (nửa năm chứa tuần đang chọn)",
    "nam": "Cả năm",
    "tuy_chon": "Tùy chọn ngày",
}


def preset_range(preset: str, week: str) -> tuple[date, date]:
    """The dates of a named range around `week` (its month and half-year by its Thursday)."""
    thursday = periods.week_start(week) + timedelta(days=3)
    year = thursday.year
    match preset:
        case "tuan":
            return periods.week_start(week), periods.week_end(week)
        case "thang":
            first = thursday.replace(day=1)
            following = date(year + (first.month == 12), first.month % 12 + 1, 1)
            return first, following - timedelta(days=1)
        case "6thang":
            if thursday.month <= 6:
                return date(year, 1, 1), date(year, 6, 30)
            return date(year, 7, 1), date(year, 12, 31)
        case "nam":
            return date(year, 1, 1), date(year, 12, 31)
    raise ExportError(f"Khoảng thời gian '{preset}' không hợp lệ.")


def indicator_totals(start: date, end: date, path: Path | None = None) -> pd.DataFrame:
    return db.query("indicator_totals", path=path, date_from=start, date_to=end)


def indicators_csv(
    week: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    path: Path | None = None,
) -> bytes:
    """Indicator totals up to `week` (from 01/01) or over a date range: flow summed, stock latest."""
    start, end = _range(week, date_from, date_to)
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


# --- the compiled report (.xlsx) -------------------------------------------------------------

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TASK_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE = "BÁO CÁO TỔNG HỢP"
REPORT_SHEET = "Báo cáo tổng hợp"


def put(ws: Worksheet, row: int, col: int, value: Any, *, number_format: str = "0.0") -> None:
    """Write one cell: numbers stay numbers, text is always a string (never a formula)."""
    cell = ws.cell(row=row, column=col)
    if is_missing(value):
        return
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        integral = isinstance(value, numbers.Integral)
        cell.value = int(value) if integral else float(value)
        cell.number_format = "0" if integral else number_format
        return
    xlsx_text(cell, value)  # never a formula; formula-looking text quote-prefixed


def _table(
    ws: Worksheet,
    top: int,
    header: Sequence[str],
    widths: Sequence[float],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Header at row `top` (repeated on every printed page), then the rows; returns the last row."""
    for col, (name, width) in enumerate(zip(header, widths, strict=True), start=1):
        put(ws, top, col, name)
        cell = ws.cell(row=top, column=col)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
        ws.column_dimensions[cell.column_letter].width = width
    ws.print_title_rows = f"{top}:{top}"
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    row = top
    for values in rows:
        row += 1
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value)
            cell = ws.cell(row=row, column=col)
            cell.alignment = WRAP
            cell.border = BORDER
    return row


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "Trang &P/&N"


def _heading(ws: Worksheet, lines: Sequence[str], width: int) -> None:
    for i, text in enumerate(lines, start=1):
        put(ws, i, 1, text)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
        ws.cell(row=i, column=1).font = Font(bold=i <= 3, size=13 if i == 3 else 11)
        ws.cell(row=i, column=1).alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
    ws.row_dimensions[3].height = 36


def signature_line(day: date) -> str:
    """'Cần Thơ, ngày 08 tháng 03 năm 2026'."""
    return f"Cần Thơ, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _task_rows(week: str, start: date, end: date, path: Path | None) -> list[list[Any]]:
    """Each task (its status) followed by the units that reported it, with their result texts."""
    tc = db.query("task_completion", path=path, week=week)
    utp = db.query("unit_task_progress", path=path, week=week)
    results = db.query("report_results", path=path, date_from=start, date_to=end)
    texts = {(r.task_code, r.unit_code): r.results for r in results.itertuples(index=False)}
    rows: list[list[Any]] = []
    for stt, t in enumerate(tc.itertuples(index=False), start=1):
        lead = "" if is_missing(t.lead_unit) else f"Chủ trì: {t.lead_unit}; "
        rows.append(
            [
                stt,
                t.code,
                t.short_title,
                f"{lead}{t.reported_units}/{t.assigned_units} đơn vị đã báo cáo",
                TASK_KIND_LABELS.get(t.kind, t.kind),
                t.status,
                None if is_missing(t.completion) else float(t.completion),
                None if is_missing(t.expected) else float(t.expected),
                "",
                "",
                "",
            ]
        )
        units = utp[utp["task_code"] == t.code]
        for u in units.itertuples(index=False):
            text = texts.get((t.code, u.unit_code), "")
            if is_missing(u.percent) and not text:
                continue
            rows.append(
                [
                    None,
                    "",
                    "",
                    f"{u.unit_name} ({u.unit_code})",
                    ROLE_LABELS.get(u.role, u.role),
                    NOT_REPORTED if is_missing(u.percent) else u.sheet_status,
                    None if is_missing(u.percent) else float(u.percent),
                    None,
                    text,
                    _text(u.difficulty),
                    _text(u.proposal),
                ]
            )
    return rows


def _style_task_rows(ws: Worksheet, top: int, last: int, width: int) -> None:
    for row in range(top + 1, last + 1):
        if ws.cell(row=row, column=1).value is not None:
            for col in range(1, width + 1):
                ws.cell(row=row, column=col).fill = TASK_FILL
                ws.cell(row=row, column=col).font = Font(bold=True)


def _sheet_tasks(
    wb: Workbook, week: str, start: date, end: date, today: date, path: Path | None
) -> None:
    ws = wb.active
    ws.title = REPORT_SHEET
    year = catalogues.setting("year", path)
    header = [
        "STT",
        "Mã nhiệm vụ",
        "Nội dung nhiệm vụ",
        "Đơn vị thực hiện",
        "Loại / vai trò",
        "Trạng thái",
        "Tỷ lệ hoàn thành (%)",
        "Tiến độ kỳ vọng (%)",
        "Kết quả thực hiện (trong khoảng thời gian báo cáo)",
        "Khó khăn, vướng mắc",
        "Đề xuất, kiến nghị",
    ]
    widths = [5, 10, 38, 26, 14, 16, 11, 11, 50, 34, 30]
    _heading(
        ws,
        [
            "VĂN PHÒNG UBND THÀNH PHỐ CẦN THƠ",
            "PHÒNG HÀNH CHÍNH - TỔ CHỨC",
            f"BÁO CÁO TỔNG HỢP KẾT QUẢ THỰC HIỆN KẾ HOẠCH CÔNG TÁC DÂN VẬN CHÍNH QUYỀN "
            f"VÀ THỰC HIỆN DÂN CHỦ Ở CƠ SỞ NĂM {year}",
            f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}; tiến độ tính đến hết "
            f"{periods.label(week)}. Tỷ lệ hoàn thành do đơn vị tự đánh giá.",
        ],
        len(header),
    )
    top = 6
    last = _table(ws, top, header, widths, _task_rows(week, start, end, path))
    _style_task_rows(ws, top, last, len(header))
    r = reporting.rates(week, path)
    basis = (
        f"Tình hình báo cáo {periods.short_label(week)}: {r['reported']}/{r['expected']} "
        f"đơn vị đã nộp, {r['on_time']} đơn vị nộp đúng hạn."
        if r["expected"]
        else f"{periods.short_label(week)} không yêu cầu báo cáo."
    )
    put(ws, last + 2, 1, basis)
    ws.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=8)
    put(ws, last + 4, 9, signature_line(today))
    ws.cell(row=last + 4, column=9).font = Font(italic=True)
    ws.cell(row=last + 4, column=9).alignment = Alignment(horizontal="center")
    put(ws, last + 5, 9, "PHÒNG HÀNH CHÍNH - TỔ CHỨC")
    ws.cell(row=last + 5, column=9).font = Font(bold=True)
    ws.cell(row=last + 5, column=9).alignment = Alignment(horizontal="center")
    _print_setup(ws)


def _simple_sheet(
    wb: Workbook,
    title: str,
    caption: str,
    header: Sequence[str],
    widths: Sequence[float],
    rows: list[list[Any]],
    empty: str,
) -> Worksheet:
    ws = wb.create_sheet(title)
    put(ws, 1, 1, caption)
    ws.cell(row=1, column=1).font = Font(bold=True)
    last = _table(ws, 3, header, widths, rows)
    if not rows:
        put(ws, last + 1, 1, empty)
    _print_setup(ws)
    return ws


def _sheet_indicators(wb: Workbook, start: date, end: date, path: Path | None) -> None:
    df = indicator_totals(start, end, path)
    rows = [
        [
            r.code,
            r.name,
            r.measure,
            KIND_LABELS[r.kind],
            r.task_code,
            None if is_missing(r.total) else float(r.total),
            int(r.units),
        ]
        for r in df.itertuples(index=False)
    ]
    _simple_sheet(
        wb,
        "Chỉ số",
        f"Chỉ số từ {start:%d/%m/%Y} đến {end:%d/%m/%Y} (cộng dồn: tổng các tuần có ngày thứ Năm "
        "trong khoảng; giá trị mới nhất: số liệu gần nhất của mỗi đơn vị)",
        ["Mã chỉ số", "Tên chỉ số", "Đơn vị tính", "Cách tính", "Nhiệm vụ", "Giá trị", "Số đơn vị"],
        [16, 50, 12, 18, 10, 12, 10],
        rows,
        "Chưa có số liệu chỉ số.",
    )


def _sheet_difficulties(wb: Workbook, week: str, path: Path | None) -> None:
    df = difficulties.open_list(week, path)
    rows = [
        [
            i,
            f"{r.unit_name} ({r.unit_code})",
            _text(r.task_code) or "—",
            r.content,
            _text(r.proposal),
            difficulties.SOURCES.get(r.source, r.source),
            fmt_time(r.reported_at),
        ]
        for i, r in enumerate(df.itertuples(index=False), start=1)
    ]
    _simple_sheet(
        wb,
        "Vướng mắc",
        f"Khó khăn, vướng mắc chưa xử lý và đề xuất, kiến nghị (đến hết {periods.label(week)})",
        ["STT", "Đơn vị", "Nhiệm vụ", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị", "Nguồn", "Ngày"],
        [5, 30, 10, 50, 40, 18, 16],
        rows,
        "Không có vướng mắc chưa xử lý.",
    )


def _sheet_models(wb: Workbook, week: str, path: Path | None) -> None:
    df = db.query("report_models", path=path, week=week)
    rows = [
        [
            i,
            f"{r.unit_name} ({r.unit_code})",
            r.name,
            r.field,
            _text(r.content),
            _text(r.timeframe),
            _text(r.outcome),
            _text(r.status),
        ]
        for i, r in enumerate(df.itertuples(index=False), start=1)
    ]
    _simple_sheet(
        wb,
        "Dân vận khéo",
        f'Mô hình, điển hình "Dân vận khéo" (đăng ký gần nhất của mỗi đơn vị, đến hết {periods.label(week)})',
        [
            "STT",
            "Đơn vị",
            "Tên mô hình",
            "Lĩnh vực",
            "Nội dung, cách thức thực hiện",
            "Thời gian thực hiện",
            "Sản phẩm, kết quả",
            "Trạng thái",
        ],
        [5, 28, 30, 20, 40, 16, 30, 16],
        rows,
        "Chưa có mô hình nào được đăng ký.",
    )


def _scoring_function(name: str) -> Callable[..., Any] | None:
    """tracker.scoring.<name> when that module provides it (written by the scoring work)."""
    try:
        module = importlib.import_module("tracker.metrics.scoring")
    except ImportError:
        return None
    return getattr(module, name, None)


def scoring_available() -> bool:
    """Whether the scores and models exports exist (tracker.scoring provides them)."""
    return (
        _scoring_function("scores_csv") is not None and _scoring_function("models_csv") is not None
    )


def _provisional_note(path: Path | None) -> str:
    provisional = db.scalar("select bool_or(provisional) from criteria_set where active", path=path)
    if provisional:
        return (
            " - bộ tiêu chí TẠM THỜI, chờ Văn phòng nạp Phụ lục II chính thức "
            "của Quyết định 2579/QĐ-UBND"
        )
    return ""


def _sheet_scores(wb: Workbook, year: int, path: Path | None) -> None:
    scores_frame = _scoring_function("scores_frame")
    if scores_frame is None:
        return
    df: pd.DataFrame = scores_frame(year, path)
    rows = [
        [v if isinstance(v, numbers.Real) and not is_missing(v) else _text(v) for v in r]
        for r in df.itertuples(index=False)
    ]
    _simple_sheet(
        wb,
        "Tự chấm điểm",
        f"Kết quả tự chấm điểm năm {year}{_provisional_note(path)}",
        [str(c) for c in df.columns],
        [max(10, min(40, len(str(c)) + 4)) for c in df.columns],
        rows,
        "Chưa có đơn vị nào tự chấm điểm.",
    )


_MODIFIED = re.compile(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _stable_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite the .xlsx zip with one timestamp for every part, so equal inputs give equal bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps "modified" with the clock at save time.
                part = _MODIFIED.sub(
                    rf"\g<1>{when:%Y-%m-%dT%H:%M:%S}Z\g<2>", part.decode()
                ).encode()
            clone = zipfile.ZipInfo(info.filename, date_time=stamp)
            clone.compress_type = zipfile.ZIP_DEFLATED
            clone.external_attr = info.external_attr
            dst.writestr(clone, part)
    return out.getvalue()


def report_xlsx(
    date_from: str | date,
    date_to: str | date,
    *,
    now: datetime | None = None,
    path: Path | None = None,
) -> bytes:
    """Báo cáo tổng hợp for the dates date_from..date_to, print-ready on A4 landscape."""
    start, end = _range(None, date_from, date_to)
    now = now or settings.now()
    week = as_of_week(end)
    wb = Workbook()
    wb.properties.creator = "Văn phòng UBND thành phố Cần Thơ"
    wb.properties.title = TITLE
    wb.properties.created = wb.properties.modified = now
    _sheet_tasks(wb, week, start, end, now.date(), path)
    _sheet_indicators(wb, start, end, path)
    _sheet_difficulties(wb, week, path)
    _sheet_models(wb, week, path)
    _sheet_scores(wb, periods.parse_week_id(week)[0], path)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _stable_zip(buffer.getvalue(), now)


# --- one entry point for the page and the command line -----------------------------------------


def file_name(
    kind: str, week: str | None = None, date_from: Any = None, date_to: Any = None
) -> str:
    if kind == "report":
        start, end = report_range(week, date_from, date_to)
        return f"bao-cao-tong-hop_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    if kind == "indicators" and (date_from or date_to):
        start, end = _range(None, date_from, date_to)
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
            return summary_csv(week, path)
        case "detail":
            return detail_csv(week, path)
        case "indicators":
            return indicators_csv(week, date_from, date_to, path)
        case "report":
            start, end = report_range(week, date_from, date_to)
            return report_xlsx(start, end, path=path)
        case "scores" | "models":
            fn = _scoring_function(f"{kind}_csv")
            if fn is None:
                raise ExportError("Chức năng xuất điểm / mô hình chưa có trong phiên bản này.")
            return fn(week) if kind == "scores" else fn()
    raise ExportError(f"Loại dữ liệu xuất '{kind}' không hợp lệ; chọn: {', '.join(KINDS)}.")


def download(user: User | None, kind: str, **options: Any) -> bytes:
    """An export for a signed-in user (every role may export; refused when not signed in)."""
    auth.require(user, "export")
    return build(kind, **options)


def cli_export(args: argparse.Namespace) -> int:
    """`python -m tracker export KIND --week W [--from D --to D] --out FILE`."""
    try:
        data = build(
            args.kind,
            week=args.week,
            date_from=getattr(args, "date_from", None),
            date_to=getattr(args, "date_to", None),
        )
    except (ExportError, ValueError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Đã ghi {out} ({len(data)} byte).")
    return 0
