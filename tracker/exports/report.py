"""The compiled report "Báo cáo tổng hợp" (.xlsx, PRODUCT.md §8): tasks with each unit's results,
indicators, open difficulties, "Dân vận khéo" models and the self-assessment scores, one sheet
each, print-ready on A4 landscape; equal inputs give equal bytes.
"""

from __future__ import annotations

import io
import numbers
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from tracker import settings
from tracker.catalogue import criteria, periods, plans
from tracker.catalogue.plan import ROLE_LABELS, TASK_KIND_LABELS
from tracker.csvsafe import xlsx_text
from tracker.exports.tables import KIND_LABELS, NOT_REPORTED, cell_text, fmt_time, indicator_totals
from tracker.metrics import difficulties, models_register, reporting, scoring
from tracker.store import db
from tracker.text import is_missing

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
                    cell_text(u.difficulty),
                    cell_text(u.proposal),
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
    year = plans.of_week(week)
    header = [
        "STT",
        "Mã nhiệm vụ",
        "Nội dung nhiệm vụ",
        "Đơn vị thực hiện",
        "Loại / vai trò",
        "Trạng thái",
        "Tỷ lệ hoàn thành (%)",
        "Tiến độ theo kế hoạch (%)",
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
            cell_text(r.task_code) or "—",
            r.content,
            cell_text(r.proposal),
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
            cell_text(r.content),
            cell_text(r.timeframe),
            cell_text(r.outcome),
            cell_text(r.status),
        ]
        for i, r in enumerate(df.itertuples(index=False), start=1)
    ]
    _simple_sheet(
        wb,
        "Dân vận khéo",
        f'Mô hình, điển hình "Dân vận khéo" (đăng ký gần nhất của mỗi đơn vị, đến hết {periods.label(week)})',
        ["STT", "Đơn vị", *models_register.MODELS_CSV_COLUMNS[2:8]],  # Tên mô hình … Trạng thái
        [5, 28, 30, 20, 40, 16, 30, 16],
        rows,
        "Chưa có mô hình nào được đăng ký.",
    )


def _provisional_note(year: int, path: Path | None) -> str:
    sets = criteria.sets(path)
    if sets.loc[sets["active"] & (sets["plan_year"] == year), "provisional"].any():
        return (
            " - bộ tiêu chí TẠM THỜI, chờ Văn phòng nạp Phụ lục II chính thức "
            "của Quyết định 2579/QĐ-UBND"
        )
    return ""


def _sheet_scores(wb: Workbook, year: int, path: Path | None) -> None:
    df = scoring.scores_frame(year, path)
    rows = [
        [v if isinstance(v, numbers.Real) and not is_missing(v) else cell_text(v) for v in r]
        for r in df.itertuples(index=False)
    ]
    _simple_sheet(
        wb,
        "Tự chấm điểm",
        f"Kết quả tự chấm điểm năm {year}{_provisional_note(year, path)}",
        [str(c) for c in df.columns],
        [max(10, min(40, len(str(c)) + 4)) for c in df.columns],
        rows,
        "Chưa có đơn vị nào tự chấm điểm.",
    )


_MODIFIED = re.compile(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def stable_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite the .xlsx (or .docx) zip with one timestamp for every part, so equal inputs give equal bytes."""
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
    start, end = periods.date_range(None, date_from, date_to)
    now = now or settings.now()
    week = periods.as_of_week(end)
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
    return stable_zip(buffer.getvalue(), now)
