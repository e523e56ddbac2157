"""Reading the standard workbook (PRODUCT.md §4): strict about the data, kind about the layout.

`read()` turns the bytes of an uploaded .xlsx into a ParsedWorkbook holding the header, the rows
of each sheet and every problem found at once (sheet, cell, code, Vietnamese message and fix).
It never raises: whatever goes wrong becomes a Problem. Checks that need the database (another
unit's sheet, locked week, lower progress than last week, late upload) belong to ingest.

Cells are read with python-calamine (cached formula values, about 20x faster than openpyxl);
the number format, which only the percent rule needs ('0%' cells hold 0.45 for 45%), is looked up
lazily from the sheet's XML. A file calamine cannot read falls back to openpyxl (read-only).
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from tracker import settings
from tracker.catalogue import periods
from tracker.ingest import contract, filesafety, sheetextent
from tracker.ingest.parsed import (
    IndicatorRow,
    ModelRow,
    ParsedWorkbook,
    Problem,
    ProgressRow,
    ScoreRow,
    capped,
)
from tracker.store import db
from tracker.text import fmt_date, fmt_number, key, nfc

# How far a sheet's filled cells may reach; past that the sheet is refused unread (a stray
# value at XFD1048576 would otherwise make a grid of 17 billion cells).
MAX_SHEET_ROWS = settings.MAX_SHEET_ROWS
MAX_SHEET_COLUMNS = settings.MAX_SHEET_COLUMNS
# How far down the header block and a table's header row are looked for.
HEADER_SCAN_ROWS = 60
# How far right a header-block value may sit when the label cell is merged across columns.
HEADER_VALUE_COLUMNS = 4

# Header block label -> the key used in ParsedWorkbook.header.cells.
HEADER_FIELDS = {
    contract.LABEL_UNIT: "unit",
    contract.LABEL_UNIT_CODE: "unit_code",
    contract.LABEL_PERIOD: "period",
    contract.LABEL_REPORTER: "reporter",
    contract.LABEL_PHONE: "phone",
    contract.LABEL_DATE: "report_date",
}

_DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")
_MARKS = re.compile(r"\(\s*\*\s*\)|\(\s*%\s*\)|[*%]")
_PERCENT_TEXT = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*(%?)$")
_NUMBER_TEXT = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')

FIX_PERCENT = "Ghi một số từ 0 đến 100, ví dụ 45 hoặc 45,5 hoặc 45%."
FIX_STATUS = "Chọn một trong: " + ", ".join(contract.STATUSES) + "."


def fold(value: Any) -> str:
    """key() without Vietnamese diacritics, for tolerant matching of sheet names and words."""
    text = unicodedata.normalize("NFD", key(value).replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _header_key(value: Any) -> str:
    """Column header key: also ignores required marks '(*)' and the '(%)' unit."""
    return " ".join(_MARKS.sub(" ", key(value)).split())


def _name_key(value: Any) -> str:
    """Unit name key: dashes of any kind with or without spaces compare equal."""
    return _DASHES.sub("-", key(value))


def _code_key(value: Any) -> str:
    """Task/criterion/indicator code key: 'II. 4.' and 'ii.4' both read as 'ii.4'."""
    return key(value).replace(" ", "").rstrip(".")


# --------------------------------------------------------------------------------------------
# The reading context: catalogues the reader checks codes against.


@dataclass
class Context:
    """What a workbook is checked against: the catalogues, loaded once per import batch."""

    units: dict[str, str]  # code -> name (active units)
    unit_tasks: dict[str, dict[str, str]]  # unit code -> {task code: role}
    task_codes: list[str]  # plan order
    indicators: dict[str, tuple[str, str, str]]  # code -> (name, measure, kind)
    criteria: dict[str, tuple[float, str, str]]  # code -> (max_points, kind, title)
    criteria_set_id: int | None = None
    _unit_by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _task_by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _indicator_by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _criterion_by_key: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._unit_by_key = {_name_key(name): code for code, name in self.units.items()}
        self._unit_by_key.update({key(code): code for code in self.units})
        self._task_by_key = {_code_key(code): code for code in self.task_codes}
        self._indicator_by_key = {_code_key(code): code for code in self.indicators}
        self._criterion_by_key = {_code_key(code): code for code in self.criteria}

    @classmethod
    def load(cls, path: Path | None = None) -> Context:
        """The catalogues as the reader needs them; rebuilt only after a catalogue changes."""
        version = db.catalogue_version(path)
        context = _CONTEXTS.get(version)
        if context is None:
            if len(_CONTEXTS) > 8:
                _CONTEXTS.clear()
            context = _CONTEXTS[version] = cls._build(path)
        return context

    @classmethod
    def _build(cls, path: Path | None) -> Context:
        units = db.query("reading_context_units", path=path)
        tasks = db.query("reading_context_tasks", path=path)
        assignments = db.query("reading_context_assignments", path=path)
        indicators = db.query("reading_context_indicators", path=path)
        criteria = db.query("criteria_active", path=path)
        unit_tasks: dict[str, dict[str, str]] = {code: {} for code in units["code"]}
        for row in assignments.itertuples(index=False):
            unit_tasks.setdefault(row.unit_code, {})[row.task_code] = row.role
        set_ids = criteria["set_id"].unique().tolist()
        return cls(
            units=dict(zip(units["code"], units["name"], strict=True)),
            unit_tasks=unit_tasks,
            task_codes=list(tasks["code"]),
            indicators={
                r.code: (r.name, nfc(r.measure), r.kind) for r in indicators.itertuples(index=False)
            },
            criteria={
                r.code: (float(r.max_points), r.kind, r.title)
                for r in criteria.itertuples(index=False)
            },
            criteria_set_id=int(set_ids[0]) if set_ids else None,
        )

    def unit(self, value: Any) -> str | None:
        """The unit a header cell names, by code or by name (trimmed, NFC, any case)."""
        text = key(value)
        return self._unit_by_key.get(text) or self._unit_by_key.get(_name_key(value))

    def task(self, value: Any) -> str | None:
        return self._task_by_key.get(_code_key(value))

    def indicator(self, value: Any) -> str | None:
        return self._indicator_by_key.get(_code_key(value))

    def criterion(self, value: Any) -> str | None:
        return self._criterion_by_key.get(_code_key(value))


# --------------------------------------------------------------------------------------------
# Entry point.


def read(data: bytes, context: Context, filename: str = "") -> ParsedWorkbook:
    """Read and check an uploaded workbook; every problem at once; never raises.

    The file-safety checks run first (they only look at the zip's directory), so a caller
    need not run filesafety.check() separately: its problems come back here.
    """
    try:
        unsafe = filesafety.check(data, filename)
        if unsafe:
            return ParsedWorkbook(problems=unsafe)
        parsed = _Reader(context).read(data)
        parsed.problems = capped(parsed.problems, settings.MAX_PROBLEMS_LISTED)
        return parsed
    except Exception as exc:  # the contract: a validation result, never a traceback
        return ParsedWorkbook(problems=[_unreadable(exc)])


def _unreadable(exc: BaseException) -> Problem:
    return Problem(
        sheet="",
        cell="",
        code="unreadable",
        message=f"Không đọc được nội dung tệp ({type(exc).__name__}).",
        fix="Mở tệp bằng Excel, kiểm tra nội dung, lưu lại dưới dạng .xlsx (Excel Workbook) "
        "rồi tải lên lại; nếu vẫn lỗi, tải biểu mẫu mới và nhập lại số liệu.",
    )


# --------------------------------------------------------------------------------------------
# Sheets and cells.


@dataclass
class _Sheet:
    name: str  # the contract's name (used in problems), whatever the file's spelling
    rows: list[tuple[Any, ...]]  # cells with .value and .number_format; index 0 is row 1

    def cell(self, row: int, col: int) -> Any:
        """Cell at 1-based row, 0-based column (an empty cell when absent)."""
        cells = self.rows[row - 1] if 0 < row <= len(self.rows) else ()
        return cells[col] if col < len(cells) else None

    def value(self, row: int, col: int) -> Any:
        cell = self.cell(row, col)
        return None if cell is None else cell.value


def _address(row: int, col: int) -> str:
    return f"{get_column_letter(col + 1)}{row}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
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


def _number(value: Any) -> float | None:
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


def _percent(cell: Any) -> float | None:
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
class _Table:
    header_row: int
    columns: dict[str, int]  # field -> 0-based column


def _find_table(
    sheet: _Sheet, spec: dict[str, str], required: Sequence[str]
) -> tuple[_Table | None, list[str]]:
    """The table's header row, found by header text; and the required fields it lacks."""
    wanted = {_header_key(text): name for name, text in spec.items()}
    best: _Table | None = None
    for row_no, cells in enumerate(sheet.rows[:HEADER_SCAN_ROWS], start=1):
        columns: dict[str, int] = {}
        for col, cell in enumerate(cells):
            value = cell.value
            if isinstance(value, str) and (name := wanted.get(_header_key(value))):
                columns.setdefault(name, col)
        if all(name in columns for name in required):
            return _Table(row_no, columns), []
        if len(columns) >= 2 and (best is None or len(columns) > len(best.columns)):
            best = _Table(row_no, columns)
    if best is None:
        return None, list(required)
    return best, [name for name in required if name not in best.columns]


def _data_rows(sheet: _Sheet, table: _Table) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {field: cell}) for each non-blank row below the header row."""
    out = []
    for row_no in range(table.header_row + 1, len(sheet.rows) + 1):
        cells = {name: sheet.cell(row_no, col) for name, col in table.columns.items()}
        if any(c is not None and not _blank(c.value) for c in cells.values()):
            out.append((row_no, cells))
    return out


def _value(cells: dict[str, Any], name: str) -> Any:
    cell = cells.get(name)
    return None if cell is None else cell.value


# --------------------------------------------------------------------------------------------
# The reader.


class _Reader:
    def __init__(self, context: Context) -> None:
        self.ctx = context
        self.problems: list[Problem] = []
        self.result = ParsedWorkbook(problems=self.problems)
        self.header_cells: dict[str, tuple[Any, str]] = {}  # label -> (value, cell)

    def add(
        self, sheet: str, cell: str, code: str, message: str, fix: str = "", warning: bool = False
    ) -> None:
        severity = "warning" if warning else "error"
        self.problems.append(Problem(sheet, cell, code, message, fix, severity))

    # -- workbook -------------------------------------------------------------------------

    def read(self, data: bytes) -> ParsedWorkbook:
        loaded = _load(data)
        sheets = loaded.sheets
        for name, cell in loaded.far.items():
            self.add_far_cell(name, cell)
        progress = sheets.get(contract.SHEET_PROGRESS)
        if progress is None and contract.SHEET_PROGRESS not in loaded.far:
            found = ", ".join(f"'{t}'" for t in loaded.titles) or "(không có)"
            self.add(
                contract.SHEET_PROGRESS,
                "",
                "sheet_missing",
                f"Không tìm thấy sheet bắt buộc '{contract.SHEET_PROGRESS}'. "
                f"Các sheet có trong tệp: {found}.",
                f"Đặt tên sheet báo cáo tiến độ đúng là '{contract.SHEET_PROGRESS}', "
                "hoặc tải biểu mẫu mới từ trang Nộp báo cáo.",
            )
        elif progress is not None:
            self.read_progress(progress)
        if sheet := sheets.get(contract.SHEET_INDICATORS):
            self.result.indicators = self.read_indicators(sheet)
        if sheet := sheets.get(contract.SHEET_SCORES):
            scores = self.read_scores(sheet)
            # An untouched scoring sheet (the template's blank one) is not a self-assessment of
            # zero: treat it as absent, so earlier scores stand and a unit that never scored has
            # no score yet.
            if any(r.score is not None or r.not_applicable for r in scores):
                self.result.scores = scores
        if sheet := sheets.get(contract.SHEET_MODELS):
            self.result.models = self.read_models(sheet)
        if sheet := sheets.get(contract.SHEET_META):
            self.read_meta(sheet, progress)
        return self.result

    def add_far_cell(self, sheet: str, cell: str) -> None:
        self.add(
            sheet,
            cell,
            "sheet_too_large",
            f"Sheet '{sheet}' có dữ liệu ở ô {cell}, ngoài vùng được đọc "
            f"(tối đa {fmt_number(MAX_SHEET_ROWS, 0)} dòng và {MAX_SHEET_COLUMNS} cột); "
            "sheet này chưa được kiểm tra.",
            f"Trong Excel, nhấn Ctrl+End để tới ô cuối cùng có dữ liệu; xóa các dòng, cột thừa "
            f"bên dưới và bên phải bảng (từ ô {cell} trở đi), lưu lại rồi tải lên lại.",
        )

    # -- Tiến độ --------------------------------------------------------------------------

    def read_progress(self, sheet: _Sheet) -> None:
        table, missing = _find_table(sheet, contract.PROGRESS_COLUMNS, contract.PROGRESS_REQUIRED)
        last_header_row = table.header_row - 1 if table else HEADER_SCAN_ROWS
        self.header_cells = self.read_header(sheet, last_header_row)
        self.result.progress = []
        if not self.table_ok(sheet, table, missing, contract.PROGRESS_COLUMNS):
            return
        assert table is not None
        seen: dict[str, int] = {}
        for row_no, cells in _data_rows(sheet, table):
            row = self.progress_row(sheet, table, row_no, cells, seen)
            if row is not None:
                self.result.progress.append(row)
        self.check_missing_tasks(seen)

    def table_ok(
        self,
        sheet: _Sheet,
        table: _Table | None,
        missing: list[str],
        spec: dict[str, str],
    ) -> bool:
        names = ", ".join(f"'{spec[name]}'" for name in missing)
        if table is not None:
            self.result.columns[sheet.name] = {
                name: get_column_letter(col + 1) for name, col in table.columns.items()
            }
        if table is None:
            self.add(
                sheet.name,
                "",
                "table_not_found",
                f"Sheet '{sheet.name}' không có dòng tiêu đề bảng (cần các cột {names}).",
                "Giữ nguyên dòng tiêu đề cột như biểu mẫu (có thể đổi thứ tự cột).",
            )
            return False
        for name in missing:
            self.add(
                sheet.name,
                _address(table.header_row, 0),
                "column_missing",
                f"Bảng ở sheet '{sheet.name}' thiếu cột bắt buộc '{spec[name]}' "
                f"(dòng tiêu đề là dòng {table.header_row}).",
                f"Thêm cột '{spec[name]}' vào dòng tiêu đề, ghi đúng tên cột như biểu mẫu.",
            )
        return not missing

    def read_header(self, sheet: _Sheet, last_row: int) -> dict[str, tuple[Any, str]]:
        """Header block: label in column A (by text), value in the next non-empty cell."""
        labels = {_header_key(label): label for label in contract.HEADER_LABELS}
        found: dict[str, tuple[Any, str]] = {}
        for row_no in range(1, min(last_row, len(sheet.rows)) + 1):
            first = sheet.value(row_no, 0)
            if not isinstance(first, str):
                continue
            label, inline = _split_label(first, labels)
            if label is None or label in found:
                continue
            found[label] = _header_value(sheet, row_no, inline)
        self.result.header.cells = {
            HEADER_FIELDS[label]: cell for label, (_, cell) in found.items()
        }
        self.apply_header(sheet, found)
        return found

    def apply_header(self, sheet: _Sheet, found: dict[str, tuple[Any, str]]) -> None:
        header = self.result.header
        header.reporter = _text(found.get(contract.LABEL_REPORTER, (None, ""))[0])
        header.phone = _text(found.get(contract.LABEL_PHONE, (None, ""))[0])
        header.report_date = _text(found.get(contract.LABEL_DATE, (None, ""))[0])
        header.unit_code = self.header_unit(sheet, found)
        header.period = self.header_period(sheet, found)

    def header_unit(self, sheet: _Sheet, found: dict[str, tuple[Any, str]]) -> str | None:
        given = [
            (label, found[label])
            for label in (contract.LABEL_UNIT_CODE, contract.LABEL_UNIT)
            if label in found and not _blank(found[label][0])
        ]
        if not given:
            cell = next(
                (
                    found[lb][1]
                    for lb in (contract.LABEL_UNIT_CODE, contract.LABEL_UNIT)
                    if lb in found
                ),
                "",
            )
            self.add(
                sheet.name,
                cell,
                "unit_missing",
                "Chưa ghi đơn vị báo cáo (ô 'Đơn vị:' hoặc 'Mã đơn vị:' ở đầu sheet).",
                "Ghi mã đơn vị (ví dụ HCTC) vào ô bên phải nhãn 'Mã đơn vị:' và tên đơn vị "
                "vào ô bên phải nhãn 'Đơn vị:'.",
            )
            return None
        resolved: list[tuple[str, str, str]] = []  # (label, cell, unit code)
        for label, (value, cell) in given:
            code = self.ctx.unit(value)
            if code is None:
                self.add(
                    sheet.name,
                    cell,
                    "unit_unknown",
                    f"Không nhận ra đơn vị '{_text(value)}' (ô '{label}:').",
                    f"Ghi đúng mã hoặc tên đơn vị như trong danh mục, ví dụ {self.unit_example()}.",
                )
            else:
                resolved.append((label, cell, code))
        if len({code for _, _, code in resolved}) > 1:
            (_, _, first), (_, cell, second) = resolved[0], resolved[1]
            self.add(
                sheet.name,
                cell,
                "unit_mismatch",
                f"Ô 'Mã đơn vị:' và ô 'Đơn vị:' chỉ hai đơn vị khác nhau "
                f"({first} - {self.ctx.units[first]} và {second} - {self.ctx.units[second]}).",
                "Sửa để hai ô cùng chỉ một đơn vị (đơn vị lập báo cáo).",
            )
            return None
        if len(resolved) != len(given):
            return None
        return resolved[0][2]

    def unit_example(self) -> str:
        code, name = next(iter(self.ctx.units.items()), ("HCTC", "Phòng Hành chính - Tổ chức"))
        return f"'{code}' hoặc '{name}'"

    def header_period(self, sheet: _Sheet, found: dict[str, tuple[Any, str]]) -> str | None:
        value, cell = found.get(contract.LABEL_PERIOD, (None, ""))
        example = "'Tuần 10/2026', '2026-W10', một ngày trong tuần (06/03/2026) hoặc '02/03/2026 - 08/03/2026'"
        if _blank(value):
            self.add(
                sheet.name,
                cell,
                "period_missing",
                "Chưa ghi kỳ báo cáo (ô bên phải nhãn 'Kỳ báo cáo:').",
                f"Ghi kỳ báo cáo theo một trong các dạng {example}.",
            )
            return None
        period = periods.parse_period(value)
        if period is None:
            self.add(
                sheet.name,
                cell,
                "period_invalid",
                f"Không hiểu kỳ báo cáo '{_text(value)}'.",
                f"Ghi theo một trong các dạng {example}; khoảng ngày phải đúng từ thứ Hai "
                "đến Chủ nhật của một tuần.",
            )
        return period

    def progress_row(
        self,
        sheet: _Sheet,
        table: _Table,
        row_no: int,
        cells: dict[str, Any],
        seen: dict[str, int],
    ) -> ProgressRow | None:
        cols = table.columns
        at = {name: _address(row_no, col) for name, col in cols.items()}
        raw_code = _value(cells, "task_code")
        if (
            _blank(raw_code)
            and _blank(_value(cells, "status"))
            and _blank(_value(cells, "percent"))
        ):
            self.note_stray_row(sheet, row_no, cells)
            return None
        code = self.progress_code(sheet, row_no, at["task_code"], raw_code, seen)
        status = self.progress_status(sheet, at["status"], _value(cells, "status"))
        percent = self.progress_percent(sheet, at["percent"], cells.get("percent"), status)
        if status is None or percent is None:
            return None
        self.check_consistency(sheet, at, status, percent, cells)
        if code is None:
            return None
        return ProgressRow(
            row_no=row_no,
            task_code=code,
            status=status,
            percent=percent,
            role=_text(_value(cells, "role")),
            result_text=_text(_value(cells, "result_text")),
            evidence=_text(_value(cells, "evidence")),
            difficulty=_text(_value(cells, "difficulty")),
            proposal=_text(_value(cells, "proposal")),
        )

    def note_stray_row(self, sheet: _Sheet, row_no: int, cells: dict[str, Any]) -> None:
        texts = ("result_text", "evidence", "difficulty", "proposal")
        if any(not _blank(_value(cells, name)) for name in texts):
            self.add(
                sheet.name,
                _address(row_no, 0),
                "row_without_task",
                f"Dòng {row_no} có nội dung nhưng không có Mã nhiệm vụ, Trạng thái và Tỷ lệ: "
                "dòng này không được ghi nhận.",
                "Nếu là nội dung của một nhiệm vụ, chuyển vào đúng dòng của nhiệm vụ đó "
                "(không tách một nhiệm vụ thành nhiều dòng).",
                warning=True,
            )

    def progress_code(
        self, sheet: _Sheet, row_no: int, cell: str, raw: Any, seen: dict[str, int]
    ) -> str | None:
        if _blank(raw):
            self.add(
                sheet.name,
                cell,
                "task_code_missing",
                f"Dòng {row_no} chưa ghi mã nhiệm vụ.",
                "Ghi mã nhiệm vụ theo Kế hoạch (ví dụ II.4), hoặc xóa dòng nếu thừa.",
            )
            return None
        code = self.ctx.task(raw)
        if code is None:
            self.add(
                sheet.name,
                cell,
                "task_unknown",
                f"Mã nhiệm vụ '{_text(raw)}' không có trong Kế hoạch.",
                "Dùng một mã trong danh sách: " + ", ".join(self.ctx.task_codes) + ".",
            )
            return None
        if code in seen:
            self.add(
                sheet.name,
                cell,
                "task_duplicate",
                f"Nhiệm vụ {code} được ghi hai lần (dòng {seen[code]} và dòng {row_no}).",
                "Mỗi nhiệm vụ chỉ ghi một dòng: gộp nội dung vào một dòng và xóa dòng còn lại.",
            )
            return None
        seen[code] = row_no
        unit = self.result.header.unit_code
        if unit is not None and code not in self.ctx.unit_tasks.get(unit, {}):
            self.add(
                sheet.name,
                cell,
                "task_not_assigned",
                f"Nhiệm vụ {code} không được giao cho đơn vị {unit} trong Kế hoạch.",
                "Xóa dòng này; chỉ báo cáo các nhiệm vụ đơn vị chủ trì, phối hợp hoặc thực hiện.",
            )
            return None
        return code

    def progress_status(self, sheet: _Sheet, cell: str, raw: Any) -> str | None:
        if _blank(raw):
            self.add(sheet.name, cell, "status_missing", "Chưa chọn trạng thái.", FIX_STATUS)
            return None
        status = _choose(raw, contract.STATUSES)
        if status is None:
            self.add(
                sheet.name,
                cell,
                "status_invalid",
                f"Trạng thái '{_text(raw)}' không hợp lệ.",
                FIX_STATUS,
            )
        return status

    def progress_percent(
        self, sheet: _Sheet, cell_ref: str, cell: Any, status: str | None
    ) -> float | None:
        raw = None if cell is None else cell.value
        if _blank(raw):
            if status == contract.STATUS_NOT_STARTED:
                return 0.0
            self.add(
                sheet.name,
                cell_ref,
                "percent_missing",
                "Chưa ghi tỷ lệ hoàn thành (chỉ được để trống khi trạng thái là "
                f"'{contract.STATUS_NOT_STARTED}').",
                FIX_PERCENT,
            )
            return None
        value = _percent(cell)
        if value is None:
            self.add(
                sheet.name,
                cell_ref,
                "percent_invalid",
                f"Không đọc được tỷ lệ hoàn thành '{_text(raw)}'.",
                FIX_PERCENT,
            )
            return None
        if not 0 <= value <= 100:
            self.add(
                sheet.name,
                cell_ref,
                "percent_out_of_range",
                f"Tỷ lệ hoàn thành {fmt_number(value)}% nằm ngoài khoảng 0-100.",
                FIX_PERCENT + " Ô định dạng % thì gõ 45 sẽ hiện 45%.",
            )
            return None
        return value

    def check_consistency(
        self,
        sheet: _Sheet,
        at: dict[str, str],
        status: str,
        percent: float,
        cells: dict[str, Any],
    ) -> None:
        shown = fmt_number(percent).removesuffix(",0") + "%"
        conflict = None
        if status == contract.STATUS_DONE and percent < 100:
            conflict = f"Trạng thái '{status}' nhưng tỷ lệ chỉ {shown}."
        elif status == contract.STATUS_NOT_STARTED and percent > 0:
            conflict = f"Trạng thái '{status}' nhưng tỷ lệ đã {shown}."
        elif percent == 100 and status != contract.STATUS_DONE:
            conflict = f"Tỷ lệ 100% nhưng trạng thái là '{status}'."
        if conflict:
            self.add(
                sheet.name,
                at["percent"],
                "status_percent_conflict",
                conflict,
                f"'{contract.STATUS_DONE}' đi với 100%, '{contract.STATUS_NOT_STARTED}' đi với 0%; "
                "sửa trạng thái hoặc tỷ lệ cho khớp.",
            )
        if status == contract.STATUS_DONE and _blank(_value(cells, "evidence")):
            self.add(
                sheet.name,
                at.get("evidence", at["status"]),
                "evidence_missing",
                "Nhiệm vụ đã hoàn thành nhưng chưa ghi văn bản, minh chứng.",
                "Ghi số, ngày văn bản hoặc minh chứng kết quả vào cột 'Văn bản, minh chứng'.",
                warning=True,
            )

    def check_missing_tasks(self, seen: dict[str, int]) -> None:
        unit = self.result.header.unit_code
        if unit is None:
            return
        assigned = self.ctx.unit_tasks.get(unit, {})
        for code in self.ctx.task_codes:
            if code in assigned and code not in seen:
                role = contract.ROLE_LABELS.get(assigned[code], assigned[code])
                self.add(
                    contract.SHEET_PROGRESS,
                    "",
                    "task_missing",
                    f"Thiếu nhiệm vụ {code} được giao cho đơn vị ({role}); tiến độ nhiệm vụ này "
                    "giữ như lần báo cáo trước.",
                    f"Thêm một dòng cho nhiệm vụ {code} với trạng thái và tỷ lệ hiện tại.",
                    warning=True,
                )

    # -- Chỉ số ---------------------------------------------------------------------------

    def read_indicators(self, sheet: _Sheet) -> list[IndicatorRow]:
        table, missing = _find_table(sheet, contract.INDICATOR_COLUMNS, contract.INDICATOR_REQUIRED)
        if not self.table_ok(sheet, table, missing, contract.INDICATOR_COLUMNS):
            return []
        assert table is not None
        out: list[IndicatorRow] = []
        seen: dict[str, int] = {}
        for row_no, cells in _data_rows(sheet, table):
            code_at = _address(row_no, table.columns["indicator_code"])
            code = self.row_code(
                sheet, row_no, code_at, _value(cells, "indicator_code"), seen, "indicator"
            )
            value = self.indicator_value(sheet, _address(row_no, table.columns["value"]), cells)
            if code is not None and value is not None:
                note = _text(_value(cells, "note"))
                out.append(IndicatorRow(row_no, code, value, note))
        return out

    def indicator_value(self, sheet: _Sheet, cell: str, cells: dict[str, Any]) -> float | None:
        raw = _value(cells, "value")
        if _blank(raw):
            return None  # not reported this week: nothing stored, no error
        value = _number(raw)
        if value is None:
            self.add(
                sheet.name,
                cell,
                "indicator_value_invalid",
                f"Giá trị chỉ số '{_text(raw)}' không phải là số.",
                "Ghi một số (ví dụ 12); để trống nếu kỳ này không có số liệu.",
            )
        elif value < 0:
            self.add(
                sheet.name,
                cell,
                "indicator_value_negative",
                f"Giá trị chỉ số {fmt_number(value, 2)} là số âm.",
                "Ghi số lớn hơn hoặc bằng 0.",
            )
            return None
        return value

    def row_code(
        self,
        sheet: _Sheet,
        row_no: int,
        cell: str,
        raw: Any,
        seen: dict[str, int],
        kind: str,
    ) -> str | None:
        """A catalogue code (indicator or criterion): required, known, not repeated."""
        noun, lookup, catalogue = {
            "indicator": ("chỉ số", self.ctx.indicator, self.ctx.indicators),
            "criterion": ("tiêu chí", self.ctx.criterion, self.ctx.criteria),
        }[kind]
        if _blank(raw):
            self.add(
                sheet.name,
                cell,
                f"{kind}_code_missing",
                f"Dòng {row_no} chưa ghi mã {noun}.",
                f"Ghi mã {noun} như biểu mẫu, hoặc xóa dòng nếu thừa.",
            )
            return None
        code = lookup(raw)
        if code is None:
            self.add(
                sheet.name,
                cell,
                f"{kind}_unknown",
                f"Mã {noun} '{_text(raw)}' không có trong danh mục.",
                f"Dùng một mã trong danh mục: {', '.join(catalogue)}.",
            )
            return None
        if code in seen:
            self.add(
                sheet.name,
                cell,
                f"{kind}_duplicate",
                f"Mã {noun} {code} được ghi hai lần (dòng {seen[code]} và dòng {row_no}).",
                "Mỗi mã chỉ ghi một dòng: xóa dòng thừa.",
            )
            return None
        seen[code] = row_no
        return code

    # -- Tự chấm điểm ---------------------------------------------------------------------

    def read_scores(self, sheet: _Sheet) -> list[ScoreRow]:
        table, missing = _find_table(sheet, contract.SCORE_COLUMNS, contract.SCORE_REQUIRED)
        if table is not None and "score" not in table.columns and not missing:
            missing = ["score"]
        if not self.table_ok(sheet, table, missing, contract.SCORE_COLUMNS):
            return []
        assert table is not None
        out: list[ScoreRow] = []
        seen: dict[str, int] = {}
        for row_no, cells in _data_rows(sheet, table):
            row = self.score_row(sheet, table, row_no, cells, seen)
            if row is not None:
                out.append(row)
        return out

    def score_row(
        self,
        sheet: _Sheet,
        table: _Table,
        row_no: int,
        cells: dict[str, Any],
        seen: dict[str, int],
    ) -> ScoreRow | None:
        at = {name: _address(row_no, col) for name, col in table.columns.items()}
        raw_code = _value(cells, "criterion_code")
        raw_score, raw_na = _value(cells, "score"), _value(cells, "not_applicable")
        if self.ctx.criterion(raw_code) is None and all(
            _blank(v) for v in (raw_score, raw_na, _value(cells, "max_points"))
        ):
            return None  # a group heading such as "A. Lãnh đạo, chỉ đạo"
        code = self.row_code(sheet, row_no, at["criterion_code"], raw_code, seen, "criterion")
        not_applicable = self.score_not_applicable(sheet, at.get("not_applicable", ""), raw_na)
        score = self.score_value(sheet, at["score"], raw_score)
        if code is None or not_applicable is None or score is _BAD:
            return None
        assert not isinstance(score, _Bad)
        evidence = _text(_value(cells, "evidence"))
        explanation = _text(_value(cells, "explanation"))
        row = ScoreRow(row_no, code, not_applicable, score, evidence, explanation)
        return row if self.check_score(sheet, at, row) else None

    def score_not_applicable(self, sheet: _Sheet, cell: str, raw: Any) -> bool | None:
        if _blank(raw):
            return False
        if key(raw) == contract.NOT_APPLICABLE_MARK:
            return True
        self.add(
            sheet.name,
            cell,
            "not_applicable_invalid",
            f"Cột 'Không áp dụng' chỉ nhận 'x' hoặc để trống, không nhận '{_text(raw)}'.",
            "Ghi x nếu tiêu chí không áp dụng với đơn vị; ngược lại để trống.",
        )
        return None

    def score_value(self, sheet: _Sheet, cell: str, raw: Any) -> float | _Bad | None:
        if _blank(raw):
            return None
        value = _number(raw)
        if value is None:
            self.add(
                sheet.name,
                cell,
                "score_invalid",
                f"Điểm tự chấm '{_text(raw)}' không phải là số.",
                "Ghi số điểm (ví dụ 3 hoặc 2,5); để trống nếu chưa chấm.",
            )
            return _BAD
        return value

    def check_score(self, sheet: _Sheet, at: dict[str, str], row: ScoreRow) -> bool:
        """Bounds and evidence of one criterion's score; penalties are stored as <= 0."""
        maximum, kind, _ = self.ctx.criteria[row.criterion_code]
        code, cell = row.criterion_code, at["score"]
        limit = fmt_number(maximum).removesuffix(",0")
        if row.score is None:
            return True
        if row.not_applicable:
            self.add(
                sheet.name,
                cell,
                "score_not_applicable",
                f"Tiêu chí {code} đánh dấu 'Không áp dụng' nhưng vẫn có điểm tự chấm.",
                "Xóa điểm, hoặc bỏ dấu x nếu tiêu chí có áp dụng với đơn vị.",
            )
            return False
        if kind == "penalty":
            return self.check_penalty(sheet, cell, row, maximum, limit)
        if not 0 <= row.score <= maximum:
            self.add(
                sheet.name,
                cell,
                "score_out_of_range",
                f"Điểm tự chấm {fmt_number(row.score)} của tiêu chí {code} nằm ngoài khoảng "
                f"0 đến {limit}.",
                f"Ghi điểm từ 0 đến {limit} (điểm tối đa theo bộ tiêu chí đang áp dụng).",
            )
            return False
        if row.score > 0 and not (row.evidence or row.explanation):
            self.add(
                sheet.name,
                at.get("evidence", cell),
                "score_without_evidence",
                f"Tiêu chí {code} có điểm nhưng chưa ghi tài liệu kiểm chứng hoặc giải trình; "
                "khi thẩm định, điểm này có thể không được công nhận.",
                "Ghi tài liệu kiểm chứng (số, ngày văn bản) hoặc giải trình.",
                warning=True,
            )
        return True

    def check_penalty(
        self, sheet: _Sheet, cell: str, row: ScoreRow, maximum: float, limit: str
    ) -> bool:
        assert row.score is not None
        if row.score > 0:
            self.add(
                sheet.name,
                cell,
                "penalty_positive",
                f"Tiêu chí trừ điểm {row.criterion_code}: số {fmt_number(row.score)} được hiểu là "
                f"trừ {fmt_number(row.score)} điểm (ghi nhận -{fmt_number(row.score)}).",
                "Ở dòng trừ điểm nên ghi số âm (ví dụ -2) cho rõ.",
                warning=True,
            )
            row.score = -row.score
        if not -maximum <= row.score <= 0:
            self.add(
                sheet.name,
                cell,
                "score_out_of_range",
                f"Tiêu chí {row.criterion_code} trừ tối đa {limit} điểm, không thể trừ "
                f"{fmt_number(-row.score)}.",
                f"Ghi số từ -{limit} đến 0.",
            )
            return False
        return True

    # -- Dân vận khéo ---------------------------------------------------------------------

    def read_models(self, sheet: _Sheet) -> list[ModelRow]:
        table, missing = _find_table(sheet, contract.MODEL_COLUMNS, contract.MODEL_REQUIRED)
        if not self.table_ok(sheet, table, missing, contract.MODEL_COLUMNS):
            return []
        assert table is not None
        out = []
        for row_no, cells in _data_rows(sheet, table):
            row = self.model_row(sheet, table, row_no, cells)
            if row is not None:
                out.append(row)
        return out

    def model_row(
        self, sheet: _Sheet, table: _Table, row_no: int, cells: dict[str, Any]
    ) -> ModelRow | None:
        at = {name: _address(row_no, col) for name, col in table.columns.items()}
        name = _text(_value(cells, "name"))
        if not name:
            self.add(
                sheet.name,
                at["name"],
                "model_name_missing",
                f"Dòng {row_no} chưa ghi tên mô hình.",
                "Ghi tên mô hình, điển hình 'Dân vận khéo', hoặc xóa dòng nếu thừa.",
            )
        field_value = self.model_choice(
            sheet, at["field"], _value(cells, "field"), contract.MODEL_FIELDS, "lĩnh vực", True
        )
        status = self.model_choice(
            sheet,
            at.get("status", ""),
            _value(cells, "status"),
            contract.MODEL_STATUSES,
            "trạng thái",
            False,
        )
        if not name or field_value is None or status is None:
            return None
        return ModelRow(
            row_no=row_no,
            name=name,
            field=field_value,
            content=_text(_value(cells, "content")),
            timeframe=_text(_value(cells, "timeframe")),
            outcome=_text(_value(cells, "outcome")),
            status=status,
        )

    def model_choice(
        self,
        sheet: _Sheet,
        cell: str,
        raw: Any,
        allowed: tuple[str, ...],
        noun: str,
        required: bool,
    ) -> str | None:
        fix = f"Chọn một trong: {', '.join(allowed)}."
        if _blank(raw):
            if not required:
                return ""
            self.add(sheet.name, cell, "model_field_missing", f"Chưa chọn {noun} của mô hình.", fix)
            return None
        chosen = _choose(raw, allowed)
        if chosen is None:
            code = "model_field_invalid" if required else "model_status_invalid"
            self.add(
                sheet.name, cell, code, f"{noun.capitalize()} '{_text(raw)}' không hợp lệ.", fix
            )
        return chosen

    # -- _meta ----------------------------------------------------------------------------

    def read_meta(self, sheet: _Sheet, progress: _Sheet | None) -> None:
        meta: dict[str, str] = {}
        meta_cells: dict[str, str] = {}
        for row_no in range(1, min(len(sheet.rows), 50) + 1):
            name = key(sheet.value(row_no, 0))
            if name in contract.META_KEYS and name not in meta:
                meta[name] = _text(sheet.value(row_no, 1))
                meta_cells[name] = _address(row_no, 1)
        self.result.meta = meta
        version = meta.get("template_version", "")
        if version and version not in contract.ACCEPTED_TEMPLATE_VERSIONS:
            self.add(
                contract.SHEET_META,
                meta_cells["template_version"],
                "template_outdated",
                f"Biểu mẫu phiên bản {version} đã cũ (phiên bản hiện hành "
                f"{contract.TEMPLATE_VERSION}); danh mục nhiệm vụ, tiêu chí có thể đã thay đổi.",
                "Tải biểu mẫu mới tại trang Nộp báo cáo, chép số liệu sang rồi tải lên lại.",
            )
        if progress is not None:
            self.check_meta_agrees(progress, meta)

    def check_meta_agrees(self, progress: _Sheet, meta: dict[str, str]) -> None:
        header = self.result.header
        cells = self.header_cells
        meta_unit, meta_period = meta.get("unit_code", ""), meta.get("period", "")
        if meta_unit and header.unit_code and self.ctx.unit(meta_unit) != header.unit_code:
            cell = cells.get(contract.LABEL_UNIT_CODE, cells.get(contract.LABEL_UNIT, (None, "")))
            self.add(
                progress.name,
                cell[1],
                "meta_unit_mismatch",
                f"Biểu mẫu này được tạo cho đơn vị {meta_unit} nhưng phần đầu sheet ghi đơn vị "
                f"{header.unit_code}.",
                f"Tải biểu mẫu của đơn vị {header.unit_code} tại trang Nộp báo cáo, "
                "hoặc sửa lại ô đơn vị cho đúng.",
            )
        meta_week = periods.parse_period(meta_period) if meta_period else None
        if meta_period and header.period and meta_week != header.period:
            cell = cells.get(contract.LABEL_PERIOD, (None, ""))
            self.add(
                progress.name,
                cell[1],
                "meta_period_mismatch",
                f"Biểu mẫu này được tạo cho kỳ {_week_label(meta_period)} nhưng ô 'Kỳ báo cáo' "
                f"ghi {_week_label(header.period)}.",
                "Mỗi tuần dùng biểu mẫu của tuần đó: tải biểu mẫu đúng tuần tại trang Nộp báo "
                "cáo, hoặc sửa lại ô 'Kỳ báo cáo:'.",
            )


class _Bad:
    """Marker: a cell that could not be read (already reported)."""


_BAD = _Bad()


def _week_label(period: str) -> str:
    try:
        return periods.short_label(period)
    except ValueError:
        return period


def _choose(raw: Any, allowed: tuple[str, ...]) -> str | None:
    """The allowed word a cell means: case, spaces, NFC, and even missing diacritics ignored."""
    wanted = key(raw)
    for option in allowed:
        if key(option) == wanted:
            return option
    folded = fold(raw)
    matches = [option for option in allowed if fold(option) == folded]
    return matches[0] if len(matches) == 1 else None


def _split_label(text: str, labels: dict[str, str]) -> tuple[str | None, str]:
    """('Mã đơn vị', '') for 'Mã đơn vị:'; ('Mã đơn vị', 'HCTC') for 'Mã đơn vị: HCTC'."""
    label = labels.get(_header_key(text))
    if label is not None:
        return label, ""
    head, sep, tail = nfc(text).partition(":")
    if sep and (label := labels.get(_header_key(head))):
        return label, tail.strip()
    return None, ""


def _header_value(sheet: _Sheet, row_no: int, inline: str) -> tuple[Any, str]:
    """(value, cell) next to a label: the first non-empty cell of B..E, else 'B<row>'."""
    for col in range(1, 1 + HEADER_VALUE_COLUMNS):
        value = sheet.value(row_no, col)
        if not _blank(value):
            return value, _address(row_no, col)
    return (inline or None), (_address(row_no, 0) if inline else _address(row_no, 1))


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


_CONTEXTS: dict[tuple[str, int], Context] = {}


@dataclass
class _Loaded:
    sheets: dict[str, _Sheet]  # contract name -> sheet, only those safe to read
    titles: list[str]  # every sheet title in the file
    far: dict[str, str]  # contract name -> the first filled cell beyond the reading limits


def _load(data: bytes) -> _Loaded:
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
    return _Loaded(sheets, titles, far)


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


def _load_calamine(data: bytes, bounds: dict[str, int]) -> tuple[dict[str, _Sheet], list[str]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets: dict[str, _Sheet] = {}
    for title in book.sheet_names:
        name = _WANTED.get(fold(title))
        if name is None or name in sheets or title not in bounds:
            continue
        formats = _Formats(data, title)
        sheet = book.get_sheet_by_name(title)
        values = sheet.to_python(skip_empty_area=False, nrows=max(bounds[title], 1))
        sheets[name] = _Sheet(
            name,
            [
                _trimmed(
                    tuple(_Cell(None if v == "" else v, r, c, formats) for c, v in enumerate(row))
                )
                for r, row in enumerate(values, start=1)
            ],
        )
    return sheets, [nfc(t) for t in book.sheet_names]


def _load_openpyxl(data: bytes, bounds: dict[str, int]) -> tuple[dict[str, _Sheet], list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    try:
        sheets: dict[str, _Sheet] = {}
        for ws in book.worksheets:
            name = _WANTED.get(fold(ws.title))
            if name is None or name in sheets or ws.title not in bounds:
                continue
            ws.reset_dimensions()  # some writers record a wrong used range; read what is there
            rows = ws.iter_rows(max_row=max(bounds[ws.title], 1), max_col=MAX_SHEET_COLUMNS)
            sheets[name] = _Sheet(name, [_trimmed(row) for row in rows])
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
