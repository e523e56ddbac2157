"""The rejected workbook handed back with its faulty cells marked (PRODUCT.md §5).

Each cell named by a problem is filled (red for an error, amber for a warning) and gets a
Vietnamese comment with what is wrong and how to fix it. A first sheet "Lỗi cần sửa" lists every
problem, including those with no cell (a missing sheet, a missing task). The rest of the
workbook is left as the unit wrote it, so they can fix it and upload it again.
"""

from __future__ import annotations

import io
import re
import warnings
from collections import defaultdict
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tracker.ingest import isolation
from tracker.ingest.reader import fold
from tracker.problems import Problem

ERROR_SHEET = "Lỗi cần sửa"
# Vietnamese only: the problem codes stay in the command line's JSON and the audit log.
ERROR_COLUMNS = ("Trang tính", "Ô", "Nội dung", "Cách sửa", "Mức độ")
COMMENT_AUTHOR = "Kiểm tra biểu mẫu"
# Our part of a cell comment starts here, so marking a re-uploaded file replaces only our text.
COMMENT_MARK = "── Kiểm tra biểu mẫu ──"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
NO_FILL = PatternFill(fill_type=None)
SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo"}
_WIDTHS = (16, 8, 70, 70, 10)
_CELL_REF = re.compile(r"^[A-Z]{1,3}[1-9][0-9]{0,6}$")


def mark_isolated(data: bytes, problems: list[Problem]) -> bytes:
    """mark() in an isolated worker process (the file is untrusted: openpyxl opens it in full);
    when the worker fails, a new workbook holding only the list of problems."""
    try:
        return isolation.run(mark, data, problems)
    except isolation.WorkerFailed:
        return mark(b"", problems)


def mark(data: bytes, problems: list[Problem]) -> bytes:
    """The workbook with every located problem marked and all problems listed in a first sheet.

    A file openpyxl cannot open (not a workbook, encrypted, damaged) comes back as a new
    workbook holding only the list.
    """
    book = _open(data)
    if book is not None:
        try:
            _clear_previous_marks(book)
            _mark_cells(book, problems)
            return _save(book, problems)
        except Exception:  # a workbook feature openpyxl cannot write back: the list still helps
            pass
    book = Workbook()
    book.remove(book.active)
    return _save(book, problems)


def _save(book: Workbook, problems: list[Problem]) -> bytes:
    _error_sheet(book, problems)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _open(data: bytes) -> Workbook | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), keep_links=True)
    except Exception:  # any unreadable file: the list alone still helps the unit
        return None


def _clear_previous_marks(book: Workbook) -> None:
    """Remove the list and the comments/fills a previous marking left (a re-uploaded file)."""
    if ERROR_SHEET in book.sheetnames:
        book.remove(book[ERROR_SHEET])
    for ws in book.worksheets:
        for cell in _commented_cells(ws):
            text = cell.comment.text
            if COMMENT_MARK not in text:
                continue
            own = text.split(COMMENT_MARK)[0].rstrip()
            cell.comment = Comment(own, cell.comment.author) if own else None
            if _is_our_fill(cell.fill):
                cell.fill = NO_FILL


def _is_our_fill(fill: Any) -> bool:
    ours = {ERROR_FILL.fgColor.rgb, WARNING_FILL.fgColor.rgb}
    return fill is not None and fill.fill_type == "solid" and fill.fgColor.rgb in ours


def _commented_cells(ws: Worksheet) -> list[Any]:
    # The sparse cell store, not iter_rows(): one stray value at XFD1048576 would make
    # iter_rows() walk 17 billion positions.
    return [cell for cell in list(ws._cells.values()) if cell.comment is not None]


def _sheet(book: Workbook, name: str) -> Worksheet | None:
    """The worksheet a problem names (contract name), matched like the reader matches them."""
    wanted = fold(name)
    return next((ws for ws in book.worksheets if fold(ws.title) == wanted), None)


def _target(ws: Worksheet, ref: str) -> Any | None:
    """The cell to mark; a cell inside a merged range is marked on the range's top-left cell."""
    if not _CELL_REF.match(ref):
        return None
    try:
        cell = ws[ref]
    except Exception:  # beyond the sheet's limits
        return None
    if isinstance(cell, MergedCell):
        for merged in ws.merged_cells.ranges:
            if ref in merged:
                return ws.cell(row=merged.min_row, column=merged.min_col)
        return None
    return cell


def _mark_cells(book: Workbook, problems: list[Problem]) -> None:
    by_cell: dict[tuple[int, str], list[Problem]] = defaultdict(list)
    cells: dict[tuple[int, str], Any] = {}
    for problem in problems:
        ws = _sheet(book, problem.sheet) if problem.sheet and problem.cell else None
        cell = _target(ws, problem.cell) if ws is not None else None
        if cell is None:
            continue
        slot = (id(ws), cell.coordinate)
        cells[slot] = cell
        by_cell[slot].append(problem)
    for slot, found in by_cell.items():
        _mark(cells[slot], found)


def _mark(cell: Any, problems: list[Problem]) -> None:
    is_error = any(p.severity == "error" for p in problems)
    cell.fill = ERROR_FILL if is_error else WARNING_FILL
    lines = [COMMENT_MARK]
    for p in problems:
        lines.append(f"{SEVERITY_LABELS.get(p.severity, p.severity)}: {p.message}")
        if p.fix:
            lines.append(f"Cách sửa: {p.fix}")
    ours = "\n".join(lines)
    own = cell.comment.text.rstrip() + "\n" if cell.comment is not None else ""
    comment = Comment(own + ours, COMMENT_AUTHOR)
    comment.width = 360
    comment.height = min(60 + 45 * len(lines), 600)
    cell.comment = comment


def _error_sheet(book: Workbook, problems: list[Problem]) -> None:
    ws = book.create_sheet(ERROR_SHEET, 0)
    for col, (title, width) in enumerate(zip(ERROR_COLUMNS, _WIDTHS, strict=True), start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = width
    ordered = sorted(problems, key=lambda p: (p.severity != "error",))
    for row, p in enumerate(ordered, start=2):
        values = (p.sheet, p.cell, p.message, p.fix, SEVERITY_LABELS.get(p.severity, ""))
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.data_type = "s"  # text that begins with '=' must not become a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.fill = ERROR_FILL if p.severity == "error" else WARNING_FILL
    if not problems:
        ws.cell(row=2, column=1, value="Không có lỗi.")
    ws.freeze_panes = "A2"
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
