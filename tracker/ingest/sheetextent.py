"""How far each sheet's values reach, read from its XML before any grid is built.

A cell typed by mistake at XFD1048576 (after Ctrl+↓, Ctrl+→) makes a grid reader allocate
16,384 × 1,048,576 cells: half a terabyte, and the process aborts. So the reader first streams
each sheet's XML (bounded chunks, no tree) and follows the `r` of rows and cells (or their
position when a writer leaves `r` out). Only cells holding something count: a value (`<v>`), an
inline string (`<is>`) or a formula (`<f>`). Empty styled cells, such as a column formatted
down to row 1,048,576, cost nothing. The first cell beyond the limits stops the scan and is
named in the error, so the verdict comes in milliseconds whatever the file declares.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from openpyxl.utils import get_column_letter

CHUNK_BYTES = 1 << 20

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# One token per tag that matters: (closing slash, name, attributes, self-closing slash).
_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|v|is|f)\b([^>]*?)(/?)>")
_ROW_R = re.compile(rb'\br="(\d+)"')
_CELL_R = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


@dataclass(frozen=True)
class Extent:
    """The used region of one sheet: last row and column (1-based) holding something."""

    rows: int = 0
    columns: int = 0
    far_cell: str | None = None  # the first cell found beyond the limits, e.g. "XFD1048576"


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the zip path of its worksheet XML."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(_REL_NS), "")
        if target:
            parts[sheet.get("name", "")] = (
                target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            )
    return parts


def extents(
    archive: zipfile.ZipFile, wanted: Callable[[str], bool], max_rows: int, max_columns: int
) -> dict[str, Extent]:
    """The extent of every sheet whose title `wanted` accepts, each scan stopping past a limit."""
    found = {}
    for title, part in sheet_parts(archive).items():
        if wanted(title) and part in archive.NameToInfo:
            with archive.open(part) as stream:
                found[title] = scan(_chunks(stream), max_rows, max_columns)
    return found


def scan(chunks: Iterator[bytes], max_rows: int, max_columns: int) -> Extent:
    """Follow rows and cells through the XML; stop at the first filled cell past a limit."""
    tracker = _Tracker(max_rows, max_columns)
    tail = b""
    for chunk in chunks:
        buffer = tail + chunk
        cut = buffer.rfind(b"<")  # a tag is never split: keep the unfinished one for later
        cut = len(buffer) if cut < 0 else cut
        if tracker.feed(buffer, cut):
            return tracker.extent()
        tail = buffer[cut:]
    tracker.feed(tail, len(tail))
    return tracker.extent()


def _chunks(stream: object) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_BYTES):  # type: ignore[attr-defined]
        yield chunk


class _Tracker:
    """The running position in a sheet's XML and the farthest filled cell so far."""

    def __init__(self, max_rows: int, max_columns: int) -> None:
        self.max_rows, self.max_columns = max_rows, max_columns
        self.row = self.column = 0
        self.rows = self.columns = 0
        self.in_cell = self.filled = False
        self.far_cell: str | None = None

    def feed(self, buffer: bytes, end: int) -> bool:
        """Process the tags starting before `end`; True once a cell past the limits is found."""
        for match in _TOKEN.finditer(buffer, 0, end):
            closing, name, attributes, self_closing = match.groups()
            if name == b"row" and not closing:
                self.start_row(attributes)
            elif name == b"c":
                if closing:
                    self.in_cell = False
                else:
                    self.start_cell(attributes, bool(self_closing))
            elif self.in_cell and not (closing or self.filled or self_closing):
                # <v>45</v>, <is>…, <f>…: the cell holds something (<v></v> does not).
                self.filled = not buffer.startswith(b"</", match.end())
                if self.filled and self.note_filled():
                    return True
        return False

    def start_row(self, attributes: bytes) -> None:
        found = _ROW_R.search(attributes)
        self.row = int(found.group(1)) if found else self.row + 1
        self.column = 0

    def start_cell(self, attributes: bytes, self_closing: bool) -> None:
        found = _CELL_R.search(attributes)
        if found:
            self.column = _column_number(found.group(1))
            self.row = int(found.group(2))
        else:
            self.column += 1
        self.in_cell, self.filled = not self_closing, False

    def note_filled(self) -> bool:
        if self.row > self.max_rows or self.column > self.max_columns:
            self.far_cell = f"{get_column_letter(self.column)}{self.row}"
            return True
        self.rows, self.columns = max(self.rows, self.row), max(self.columns, self.column)
        return False

    def extent(self) -> Extent:
        return Extent(self.rows, self.columns, self.far_cell)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
