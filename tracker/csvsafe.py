"""The one guarded writer for every CSV the product writes (PRODUCT.md §8 and §10 "Security").

Every CSV byte leaves through `rows_csv` (rows of cells) or `frame_csv` (a DataFrame): UTF-8
with BOM, ',' separator, '.' decimals, CRLF rows unless told otherwise. No other module calls
`csv.writer` or `DataFrame.to_csv` (tests/test_csvsafe.py greps for it).

Neutralisation rule (`neutralise`), applied to every text cell, never to numbers:

* A text value is cut into segments at ';', tab and every line break (CR, LF and the rarer
  ones: VT, FF, NEL, U+2028, U+2029). Vietnamese-locale Excel splits a CSV line on ';', a paste
  or a .txt import splits on tab, and an import with the wrong separator (LibreOffice with ';'
  on this comma file) loses track of the quotes around a multi-line field and starts a new row
  at each of its lines: every segment can become a cell of its own.
* A segment is dangerous when, after leading spaces, double quotes and invisible characters
  (Unicode Zs and Cf: no-break and ideographic spaces, zero-width spaces and joiners, the BOM),
  it starts with tab, CR or a character that is, or folds (NFKC) to, one of `= + - @` or the
  minus sign: full-width `＝ ＋ － ＠`, small and super/subscript forms (OWASP CSV injection). A
  spreadsheet would run it as a formula (`=cmd|' /C calc'!A0`, `@SUM(...)`, `-2+3`). The first
  segment is the start of the value itself.
* Each dangerous segment gets an apostrophe at its start, and nothing else changes, so the text
  stays readable: `=1+1` -> `'=1+1`, `-5` -> `'-5`,
  `Đã họp giao ban;=cmd|' /C calc'!A0` -> `Đã họp giao ban;'=cmd|' /C calc'!A0`,
  `Đã triển khai\n=1+1+N(` -> `Đã triển khai\n'=1+1+N(` (issue 32).
* Numbers (int, float, numpy numbers, `Number`), booleans, dates and missing values pass as they
  are: a negative number stored as a number stays `-5.2`; only text such as "-5" is prefixed.

`restore` undoes the rule (for catalogue CSVs read back in). The .xlsx exports need no visible
apostrophe: a string cell is never evaluated, so `xlsx_text` writes text as a string (never a
formula, which openpyxl would make of any text starting with "=") and sets Excel's own invisible
quote prefix on the cells this rule flags, so editing the cell keeps it text.
"""

from __future__ import annotations

import csv
import io
import numbers
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from openpyxl.cell.cell import Cell

from tracker.text import is_missing

# Text starting with these is run as a formula by Excel/LibreOffice/WPS when the file is opened.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may start a new cell inside one CSV field: ';', tab and the line breaks.
SEGMENT_SEPARATORS = (";", "\t", "\r", "\n", "\v", "\f", "\x85", "\u2028", "\u2029")
# Characters a segment may start with before its first visible one: spaces, double quotes and
# the invisible ones (Unicode categories Zs and Cf; tests/test_csvsafe.py checks this covers
# every such character of the running Python's Unicode).
SKIPPED = (
    ' "\u00a0\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u1680\u180e'
    "\u2000-\u200f\u202a-\u202f\u205f-\u2064\u2066-\u206f\u3000\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
# Characters that start a formula: FORMULA_PREFIXES and every character NFKC folds to one of
# = + - @ or to the minus sign (full-width, small, superscript and subscript forms).
FORMULA_STARTS = (
    "=+\\-@\t\r\u207a-\u207c\u208a-\u208c\u2212\u2a75\u2a76\ufb29\ufe62\ufe63\ufe66"
    "\ufe6b\uff0b\uff0d\uff1d\uff20"
)
BOM = "\ufeff"

_SEPARATOR = "[" + "".join(SEGMENT_SEPARATORS) + "]"
# The start of the value or of a segment followed, past skipped characters, by a formula start.
_RISKY = re.compile(f"(^|{_SEPARATOR})(?=[{SKIPPED}]*[{FORMULA_STARTS}])")
_NEUTRALISED = re.compile(f"(^|{_SEPARATOR})'(?=[{SKIPPED}]*[{FORMULA_STARTS}])")


def is_formula_like(text: str) -> bool:
    """Whether `neutralise` would change this text (some segment looks like a formula)."""
    return _RISKY.search(text) is not None


def neutralise(value: Any) -> Any:
    """Text with an apostrophe before every formula-looking segment; other values pass."""
    if isinstance(value, str):
        return _RISKY.sub(r"\1'", value)
    return value


def restore(text: str) -> str:
    """Drop the apostrophes `neutralise` added (a catalogue CSV read back in)."""
    return _NEUTRALISED.sub(r"\1", text)


class Number:
    """A CSV cell that is a number, formatted here ('.' decimal point): never neutralised."""

    def __init__(self, value: Any, decimals: int = 1) -> None:
        if is_missing(value):
            self.text = ""
        elif decimals == 0:
            self.text = str(int(value))
        else:
            self.text = f"{float(value):.{decimals}f}"


def _cell(value: Any) -> str:
    if isinstance(value, Number):
        return value.text
    if is_missing(value):
        return ""
    if isinstance(value, numbers.Number):
        return str(value)
    return neutralise(str(value))


def _encode(text: str) -> bytes:
    return (BOM + text).encode("utf-8")


def rows_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, lineterminator: str = "\r\n"
) -> bytes:
    """A header and rows as CSV: text neutralised, `Number` cells and plain numbers as they are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow([_cell(name) for name in header])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return _encode(out.getvalue())


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised; numeric, date and bool columns untouched."""
    safe = df.copy()
    safe.columns = [neutralise(c) for c in safe.columns]
    for column in safe.columns:
        if pd.api.types.is_string_dtype(safe[column]) or safe[column].dtype == object:
            safe[column] = safe[column].map(neutralise)
    return safe


def frame_csv(
    df: pd.DataFrame, *, float_format: str | None = None, lineterminator: str = "\r\n"
) -> bytes:
    """A DataFrame as CSV (no index): text cells neutralised, numbers untouched."""
    buffer = io.StringIO()
    safe_frame(df).to_csv(
        buffer, index=False, float_format=float_format, lineterminator=lineterminator
    )
    return _encode(buffer.getvalue())


def xlsx_text(cell: Cell, value: Any) -> None:
    """Write text into an openpyxl cell as a string, never a formula (see the module rule)."""
    text = str(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl makes a formula of any text starting with "="
    if is_formula_like(text):
        cell.quotePrefix = True
