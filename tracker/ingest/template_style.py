"""xlsx styling for the standard workbook: borders, fills, editable and key cells, validations.

Kept apart from the sheet builders in tracker.ingest.template so that each builder reads as the
layout of its sheet. Cells of one kind share a finished style copied from the first one (see
styled()), which makes a template several times faster to write.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tracker.csvsafe import xlsx_text

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
KEY_FILL = PatternFill("solid", fgColor="F7F7F7")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
# Per workbook: the finished style of the first cell of each kind (see styled).
STYLE_CACHE: WeakKeyDictionary[Workbook, dict[str, object]] = WeakKeyDictionary()


def widths(ws: Worksheet, widths: tuple[int, ...]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def title(ws: Worksheet, row: int, text: str, last_col: int, size: int = 13) -> None:
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = Font(bold=True, size=size)
    cell.alignment = CENTER
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = 30


def note(ws: Worksheet, row: int, text: str, last_col: int, height: int = 30) -> None:
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = Font(italic=True, size=10)
    cell.alignment = WRAP_TOP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = height


def table_header(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        styled(ws.cell(row=row, column=col, value=text), "head", head_style)
    ws.row_dimensions[row].height = 32


def head_style(cell: Cell) -> None:
    cell.font = Font(bold=True)
    cell.fill = HEAD_FILL
    cell.alignment = CENTER
    cell.border = BORDER


def data_cell(ws: Worksheet, row: int, col: int, value: object, *, editable: bool) -> None:
    cell = ws.cell(row=row, column=col)
    styled(cell, "edit" if editable else "key", edit_style if editable else key_style)
    if isinstance(value, str):
        xlsx_text(cell, value)  # earlier unit text: never a formula (after styled, which copies)
    else:
        cell.value = value


def edit_style(cell: Cell) -> None:
    cell.border = BORDER
    cell.alignment = WRAP_TOP
    cell.protection = UNLOCKED


def key_style(cell: Cell) -> None:
    cell.border = BORDER
    cell.alignment = WRAP_TOP
    cell.fill = KEY_FILL


def styled(cell: Cell, kind: str, apply: Callable[[Cell], None]) -> None:
    """Style a cell like the first one of its kind in this workbook.

    Setting font/border/fill one attribute at a time costs openpyxl a style lookup each; copying
    the finished style array of a prototype cell makes a template several times faster.
    """
    cache = STYLE_CACHE.setdefault(cell.parent.parent, {})
    proto = cache.get(kind)
    if proto is None:
        apply(cell)
        cache[kind] = copy(cell._style)
    else:
        cell._style = copy(proto)


def protect(ws: Worksheet) -> None:
    """Protect the sheet without a password: key cells stay as generated, the rest is editable."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # False = allowed: officers may widen columns
    ws.protection.formatRows = False
    ws.protection.formatCells = False


def landscape(ws: Worksheet, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"


def list_validation(values: tuple[str, ...] | list[str], title: str) -> DataValidation:
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    dv.error = f"Chọn một giá trị trong danh sách: {', '.join(values)}."
    dv.errorTitle = title
    dv.showErrorMessage = True
    return dv


def decimal_validation(low: float, high: float | None, message: str) -> DataValidation:
    if high is None:
        dv = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1=str(low), allow_blank=True
        )
    else:
        dv = DataValidation(
            type="decimal", operator="between", formula1=str(low), formula2=str(high)
        )
        dv.allow_blank = True
    dv.error = message
    dv.errorTitle = "Giá trị không hợp lệ"
    dv.showErrorMessage = True
    return dv
