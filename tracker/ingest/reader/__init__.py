"""Reading the standard workbook (PRODUCT.md §4): strict about the data, kind about the layout.

`read()` turns the bytes of an uploaded .xlsx into a ParsedWorkbook holding the header, the rows
of each sheet and every problem found at once (sheet, cell, code, Vietnamese message and fix).
It never raises: whatever goes wrong becomes a Problem. Checks that need the database (another
unit's sheet, locked week, lower progress than last week, late upload) belong to
tracker.ingest.submissions.

The package, in reading order:
- loading: the extent check, then the cells (calamine, openpyxl fallback, lazy number formats);
- context: the catalogues codes are checked against (Context);
- cells: pure cell and text helpers (tolerant keys, numbers, percents, table lookup);
- base: the state one workbook's sheet readers share, problem reporting;
- progress, indicators, scores, models, meta: one reader per sheet.
"""

from __future__ import annotations

from tracker import filesafety, settings
from tracker.ingest import contract
from tracker.ingest.parsed import ParsedWorkbook, ScoreRow
from tracker.ingest.reader import loading
from tracker.ingest.reader.base import Reading, SheetReader
from tracker.ingest.reader.cells import fold
from tracker.ingest.reader.context import Context
from tracker.ingest.reader.indicators import IndicatorReader
from tracker.ingest.reader.meta import MetaReader
from tracker.ingest.reader.models import ModelReader
from tracker.ingest.reader.progress import ProgressReader
from tracker.ingest.reader.scores import ScoreReader
from tracker.problems import Problem, capped
from tracker.text import fmt_number

__all__ = ["Context", "fold", "read"]


def read(data: bytes, context: Context, filename: str = "") -> ParsedWorkbook:
    """Read and check an uploaded workbook; every problem at once; never raises.

    The file-safety checks run first (they only look at the zip's directory), so a caller
    need not run filesafety.check() separately: its problems come back here.
    """
    try:
        unsafe = filesafety.check(data, filename)
        if unsafe:
            return ParsedWorkbook(problems=unsafe)
        parsed = _read_sheets(Reading(context), data)
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


def _read_sheets(reading: Reading, data: bytes) -> ParsedWorkbook:
    """Each sheet by its own reader; progress first, since the others check against its header."""
    loaded = loading.load(data)
    sheets = loaded.sheets
    book = _BookReader(reading)
    for name, cell in loaded.far.items():
        book.add_far_cell(name, cell)
    progress = sheets.get(contract.SHEET_PROGRESS)
    if progress is None and contract.SHEET_PROGRESS not in loaded.far:
        book.add_sheet_missing(loaded.titles)
    elif progress is not None:
        ProgressReader(reading).read_progress(progress)
    result = reading.result
    if sheet := sheets.get(contract.SHEET_INDICATORS):
        result.indicators = IndicatorReader(reading).read_indicators(sheet)
    # A week whose year has no plan is refused already (plan_missing): no criteria to check.
    planned = result.header.period is None or reading.ctx.has_plan
    if (sheet := sheets.get(contract.SHEET_SCORES)) and planned:
        result.scores = _scored(ScoreReader(reading).read_scores(sheet))
    if sheet := sheets.get(contract.SHEET_MODELS):
        result.models = ModelReader(reading).read_models(sheet)
    if sheet := sheets.get(contract.SHEET_META):
        MetaReader(reading).read_meta(sheet, progress)
    return result


def _scored(scores: list[ScoreRow]) -> list[ScoreRow] | None:
    # An untouched scoring sheet (the template's blank one) is not a self-assessment of
    # zero: treat it as absent, so earlier scores stand and a unit that never scored has
    # no score yet.
    if any(r.score is not None or r.not_applicable for r in scores):
        return scores
    return None


class _BookReader(SheetReader):
    """Problems about the workbook as a whole rather than one sheet's content."""

    def add_far_cell(self, sheet: str, cell: str) -> None:
        self.add(
            sheet,
            cell,
            "sheet_too_large",
            f"Trang tính '{sheet}' có dữ liệu ở ô {cell}, ngoài vùng được đọc "
            f"(tối đa {fmt_number(loading.MAX_SHEET_ROWS, 0)} dòng và "
            f"{loading.MAX_SHEET_COLUMNS} cột); "
            "trang tính này chưa được kiểm tra.",
            f"Trong Excel, nhấn Ctrl+End để tới ô cuối cùng có dữ liệu; xóa các dòng, cột thừa "
            f"bên dưới và bên phải bảng (từ ô {cell} trở đi), lưu lại rồi tải lên lại.",
        )

    def add_sheet_missing(self, titles: list[str]) -> None:
        found = ", ".join(f"'{t}'" for t in titles) or "(không có)"
        self.add(
            contract.SHEET_PROGRESS,
            "",
            "sheet_missing",
            f"Không tìm thấy trang tính bắt buộc '{contract.SHEET_PROGRESS}'. "
            f"Các trang tính có trong tệp: {found}.",
            f"Đặt tên trang tính báo cáo tiến độ đúng là '{contract.SHEET_PROGRESS}', "
            "hoặc tải biểu mẫu mới từ trang Nộp báo cáo.",
        )
