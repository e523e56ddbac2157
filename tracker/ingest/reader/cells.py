"""Cell and text helpers shared by the sheet readers: tolerant keys, cell values, table lookup.

Everything here is pure (no database, no problems reported): the sheet readers decide what a
value that does not read means.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from openpyxl.utils import get_column_letter

from tracker.text import fmt_date, key, nfc

# How far down the header block and a table's header row are looked for.
HEADER_SCAN_ROWS = 60

_DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")
_MARKS = re.compile(r"\(\s*\*\s*\)|\(\s*%\s*\)|[*%]")
_PERCENT_TEXT = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*(%?)$")
_NUMBER_TEXT = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


@dataclass(frozen=True)
class Number:
    """A numeric cell as read: `value` is None when the cell is blank; `ok` is False when the
    cell holds something that is not a number (the reader has already reported it)."""

    value: float | None
    ok: bool = True


def fold(value: Any) -> str:
    """key() without Vietnamese diacritics, for tolerant matching of sheet names and words."""
    text = unicodedata.normalize("NFD", key(value).replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def header_key(value: Any) -> str:
    """Column header key: also ignores required marks '(*)' and the '(%)' unit."""
    return " ".join(_MARKS.sub(" ", key(value)).split())


def name_key(value: Any) -> str:
    """Unit name key: dashes of any kind with or without spaces compare equal."""
    return _DASHES.sub("-", key(value))


def code_key(value: Any) -> str:
    """Task/criterion/indicator code key: 'II. 4.' and 'ii.4' both read as 'ii.4'."""
    return key(value).replace(" ", "").rstrip(".")


@dataclass
class Sheet:
    name: str  # the contract's name (used in problems), whatever the file's spelling
    rows: list[tuple[Any, ...]]  # cells with .value and .number_format; index 0 is row 1

    def cell(self, row: int, col: int) -> Any:
        """Cell at 1-based row, 0-based column (an empty cell when absent)."""
        cells = self.rows[row - 1] if 0 < row <= len(self.rows) else ()
        return cells[col] if col < len(cells) else None

    def value(self, row: int, col: int) -> Any:
        cell = self.cell(row, col)
        return None if cell is None else cell.value


def address(row: int, col: int) -> str:
    return f"{get_column_letter(col + 1)}{row}"


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str:
    """A cell as text: NFC and trimmed; whole numbers without '.0'; dates as dd/mm/yyyy."""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return fmt_date(value) if value.time() == time(0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return fmt_date(value)
    return nfc(value)


def _is_percent_format(number_format: str | None) -> bool:
    """True when the format scales by 100 (a '%' outside quoted literals)."""
    return bool(number_format) and "%" in _FORMAT_LITERALS.sub("", number_format)


def as_number(value: Any) -> float | None:
    """A numeric cell or a number typed as text ('12', '12,5', '1.234'); None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = nfc(value).replace(" ", "").replace("\u00a0", "")
    if _THOUSANDS.match(text):
        return float(text.replace(".", ""))
    if _NUMBER_TEXT.match(text):
        return float(text.replace(",", "."))
    return None


def as_percent(cell: Any) -> float | None:
    """Read a percent cell: 45, 45.5, '45,5', '45%', or 0.45 in a percent-formatted cell."""
    value = cell.value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None
        scale = 100.0 if _is_percent_format(getattr(cell, "number_format", None)) else 1.0
        return round(float(value) * scale, 9)
    match = _PERCENT_TEXT.match(nfc(value).replace("\u00a0", " "))
    return float(match.group(1).replace(",", ".")) if match else None


@dataclass
class Table:
    header_row: int
    columns: dict[str, int]  # field -> 0-based column


def find_table(
    sheet: Sheet, spec: dict[str, str], required: Sequence[str]
) -> tuple[Table | None, list[str]]:
    """The table's header row, found by header text; and the required fields it lacks."""
    wanted = {header_key(text): name for name, text in spec.items()}
    best: Table | None = None
    for row_no, cells in enumerate(sheet.rows[:HEADER_SCAN_ROWS], start=1):
        columns: dict[str, int] = {}
        for col, cell in enumerate(cells):
            value = cell.value
            if isinstance(value, str) and (name := wanted.get(header_key(value))):
                columns.setdefault(name, col)
        if all(name in columns for name in required):
            return Table(row_no, columns), []
        if len(columns) >= 2 and (best is None or len(columns) > len(best.columns)):
            best = Table(row_no, columns)
    if best is None:
        return None, list(required)
    return best, [name for name in required if name not in best.columns]


def data_rows(sheet: Sheet, table: Table) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {field: cell}) for each non-blank row below the header row."""
    out = []
    for row_no in range(table.header_row + 1, len(sheet.rows) + 1):
        cells = {name: sheet.cell(row_no, col) for name, col in table.columns.items()}
        if any(c is not None and not blank(c.value) for c in cells.values()):
            out.append((row_no, cells))
    return out


def cell_value(cells: dict[str, Any], name: str) -> Any:
    cell = cells.get(name)
    return None if cell is None else cell.value


def choose(raw: Any, allowed: tuple[str, ...]) -> str | None:
    """The allowed word a cell means: case, spaces, NFC, and even missing diacritics ignored."""
    wanted = key(raw)
    for option in allowed:
        if key(option) == wanted:
            return option
    folded = fold(raw)
    matches = [option for option in allowed if fold(option) == folded]
    return matches[0] if len(matches) == 1 else None
