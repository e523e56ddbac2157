"""Loading the contract's sheets from an .xlsx: extent check first, then the cells.

Each wanted sheet's extent is streamed from its XML (tracker.ingest.sheetextent) before any
cell is read, so a stray value at XFD1048576 is refused instead of building a grid of 17
billion cells. Cells are read with python-calamine (cached formula values, about 20x faster
than openpyxl); the number format, which only the percent rule needs ('0%' cells hold 0.45 for
45%), is looked up lazily from the sheet's XML. A file calamine cannot read falls back to
openpyxl (read-only).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import openpyxl
from python_calamine import CalamineWorkbook

from tracker import settings
from tracker.ingest import contract, sheetextent
from tracker.ingest.reader.cells import Sheet, fold
from tracker.text import nfc

# How far a sheet's filled cells may reach; past that the sheet is refused unread (a stray
# value at XFD1048576 would otherwise make a grid of 17 billion cells).
MAX_SHEET_ROWS = settings.MAX_SHEET_ROWS
MAX_SHEET_COLUMNS = settings.MAX_SHEET_COLUMNS

_WANTED = {
    fold(name): name
    for name in (
        contract.SHEET_PROGRESS,
        contract.SHEET_INDICATORS,
        contract.SHEET_SCORES,
        contract.SHEET_MODELS,
        contract.SHEET_META,
    )
}


@dataclass
class Loaded:
    sheets: dict[str, Sheet]  # contract name -> sheet, only those safe to read
    titles: list[str]  # every sheet title in the file
    far: dict[str, str]  # contract name -> the first filled cell beyond the reading limits


def load(data: bytes) -> Loaded:
    """The contract's sheets found in the file (names matched tolerantly), read only after
    their extent, streamed from the XML, is known to be inside the limits."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found = sheetextent.extents(
            archive, lambda title: fold(title) in _WANTED, MAX_SHEET_ROWS, MAX_SHEET_COLUMNS
        )
    bounds = {title: e.rows for title, e in found.items() if e.far_cell is None}
    far = {_WANTED[fold(t)]: e.far_cell for t, e in found.items() if e.far_cell is not None}
    try:
        sheets, titles = _load_calamine(data, bounds)
    except Exception:
        # A file calamine rejects may still open in openpyxl (read() reports the rest).
        sheets, titles = _load_openpyxl(data, bounds)
    return Loaded(sheets, titles, far)


class _Cell:
    """A cell value with its number format looked up only when asked for."""

    __slots__ = ("_formats", "column", "row", "value")

    def __init__(self, value: Any, row: int, column: int, formats: _Formats) -> None:
        self.value, self.row, self.column, self._formats = value, row, column, formats

    @property
    def number_format(self) -> str | None:
        return self._formats.get(self.row, self.column)


_CELL_TAG = re.compile(rb"<(?:\w+:)?c\b[^>]*>")
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_CELL_STYLE = re.compile(rb'\bs="(\d+)"')
_BUILTIN_FORMATS = {9: "0%", 10: "0.00%"}  # the only built-in formats that scale by 100
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class _Formats:
    """Number formats of one sheet's cells, parsed from the package on first use."""

    def __init__(self, data: bytes, title: str) -> None:
        self._data, self._title = data, title
        self._by_cell: dict[tuple[int, int], str] | None = None

    def get(self, row: int, column: int) -> str | None:
        if self._by_cell is None:
            try:
                self._by_cell = self._parse()
            except Exception:
                self._by_cell = {}
        return self._by_cell.get((row, column))

    def _parse(self) -> dict[tuple[int, int], str]:
        with zipfile.ZipFile(io.BytesIO(self._data)) as z:
            styles = _style_formats(z.read("xl/styles.xml"))
            xml = z.read(_sheet_part(z, self._title))
        out = {}
        for tag in _CELL_TAG.findall(xml):
            ref, style = _CELL_REF.search(tag), _CELL_STYLE.search(tag)
            if ref and style and int(style.group(1)) < len(styles) and styles[int(style.group(1))]:
                col = openpyxl.utils.column_index_from_string(ref.group(1).decode())
                out[(int(ref.group(2)), col - 1)] = styles[int(style.group(1))]
        return out


def _style_formats(xml: bytes) -> list[str | None]:
    """Format code of each cell style (cellXfs), None for the general/unknown ones."""
    root = ElementTree.fromstring(xml)
    custom = {
        int(f.get("numFmtId", -1)): f.get("formatCode", "")
        for f in root.iterfind("m:numFmts/m:numFmt", _NS)
    }
    codes = {**_BUILTIN_FORMATS, **custom}
    return [codes.get(int(xf.get("numFmtId", 0))) for xf in root.iterfind("m:cellXfs/m:xf", _NS)]


def _sheet_part(z: zipfile.ZipFile, title: str) -> str:
    """The zip path of the worksheet called `title`."""
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rel_id = next(
        s.get(_REL_NS) for s in book.iterfind("m:sheets/m:sheet", _NS) if s.get("name") == title
    )
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target", "") for r in rels if r.get("Id") == rel_id)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _load_calamine(data: bytes, bounds: dict[str, int]) -> tuple[dict[str, Sheet], list[str]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets: dict[str, Sheet] = {}
    for title in book.sheet_names:
        name = _WANTED.get(fold(title))
        if name is None or name in sheets or title not in bounds:
            continue
        formats = _Formats(data, title)
        sheet = book.get_sheet_by_name(title)
        values = sheet.to_python(skip_empty_area=False, nrows=max(bounds[title], 1))
        sheets[name] = Sheet(
            name,
            [
                _trimmed(
                    tuple(_Cell(None if v == "" else v, r, c, formats) for c, v in enumerate(row))
                )
                for r, row in enumerate(values, start=1)
            ],
        )
    return sheets, [nfc(t) for t in book.sheet_names]


def _load_openpyxl(data: bytes, bounds: dict[str, int]) -> tuple[dict[str, Sheet], list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    try:
        sheets: dict[str, Sheet] = {}
        for ws in book.worksheets:
            name = _WANTED.get(fold(ws.title))
            if name is None or name in sheets or ws.title not in bounds:
                continue
            ws.reset_dimensions()  # some writers record a wrong used range; read what is there
            rows = ws.iter_rows(max_row=max(bounds[ws.title], 1), max_col=MAX_SHEET_COLUMNS)
            sheets[name] = Sheet(name, [_trimmed(row) for row in rows])
        return sheets, [nfc(t) for t in book.sheetnames]
    finally:
        book.close()


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row without its trailing empty cells: whole columns formatted down to row 1048576
    (a common habit) then cost nothing to keep."""
    last = len(row)
    while last and row[last - 1].value is None:
        last -= 1
    return row[:last] if last else ()
