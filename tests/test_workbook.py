"""Reading the standard workbook (PRODUCT.md §4): real-life variants read right, bad files told why."""

from __future__ import annotations

import io
import statistics
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.workbook_factory import (
    SOFFICE,
    Book,
    clean_cell_text,
    context,
    progress_rows,
    resave_with_libreoffice,
    save,
    score_rows,
    table_cell,
)
from tracker.catalogue import periods
from tracker.ingest import contract, reader
from tracker.ingest.parsed import ParsedWorkbook
from tracker.problems import Problem

PROGRESS, INDICATORS, SCORES, MODELS = (
    contract.SHEET_PROGRESS,
    contract.SHEET_INDICATORS,
    contract.SHEET_SCORES,
    contract.SHEET_MODELS,
)

# The base workbook's progress, hand-copied from the factory's table (II.5's blank percent = 0).
BASE_PROGRESS = {
    "II.1.a": ("Đang thực hiện", 20.0),
    "II.1.b": ("Đang thực hiện", 25.0),
    "II.1.c": ("Hoàn thành", 100.0),
    "II.2": ("Hoàn thành", 100.0),
    "II.3": ("Đang thực hiện", 15.0),
    "II.4": ("Đang thực hiện", 20.0),
    "II.5": ("Chưa triển khai", 0.0),
    "II.6": ("Đang thực hiện", 30.0),
    "III.1": ("Đang thực hiện", 10.0),
    "III.2.a": ("Chưa triển khai", 0.0),
    "III.2.b": ("Tạm dừng", 5.0),
}


def read(book: Book | bytes) -> ParsedWorkbook:
    data = book if isinstance(book, bytes) else book.to_bytes()
    return reader.read(data, context(), "bao_cao.xlsx")


def progress_of(parsed: ParsedWorkbook) -> dict[str, tuple[str, float]]:
    return {r.task_code: (r.status, r.percent) for r in parsed.progress or []}


def codes(parsed: ParsedWorkbook) -> list[str]:
    return [p.code for p in parsed.problems]


def only(parsed: ParsedWorkbook, code: str) -> Problem:
    found = [p for p in parsed.problems if p.code == code]
    assert len(found) == 1, parsed.problems
    return found[0]


def with_row(task: str, **changes: object) -> list[dict]:
    rows = progress_rows()
    for row in rows:
        if row["task_code"] == task:
            row.update(changes)
    return rows


# --- the reading context --------------------------------------------------------------------


def test_context_load_reads_catalogues() -> None:
    ctx = context()
    assert ctx.units["HCTC"] == "Phòng Hành chính - Tổ chức"
    assert list(ctx.task_codes[:4]) == ["II.1.a", "II.1.b", "II.1.c", "II.2"]
    assert ctx.for_year(2026).task_codes == ctx.task_codes  # the latest plan until a week is read
    assert ctx.for_year(2027).task_codes == ()  # a year without a plan: nothing
    assert len(ctx.task_codes) == 11
    assert ctx.unit_tasks["HCTC"]["II.2"] == "chu_tri"
    assert ctx.unit_tasks["HCTC"]["II.4"] == "phoi_hop"
    assert ctx.unit_tasks["BTCD"]["II.4"] == "chu_tri"
    assert "III.2.b" not in ctx.unit_tasks["BTCD"]
    assert ctx.indicators["MO_HINH"][2] == "stock"
    assert ctx.criteria["A1"][:2] == (4.0, "ordinary")
    assert ctx.criteria["P2"][:2] == (5.0, "penalty")
    assert ctx.criteria_set_id == 1


# --- valid workbooks -------------------------------------------------------------------------


def test_base_workbook_reads_every_sheet() -> None:
    parsed = read(Book())
    assert parsed.problems == []
    h = parsed.header
    assert (h.unit_code, h.period, h.reporter, h.phone, h.report_date) == (
        "HCTC",
        "2026-W10",
        "Nguyễn Thị Lan",
        "0292 3821 456",
        "06/03/2026",
    )
    assert h.cells["unit_code"] == "B4"
    assert h.cells["period"] == "B5"
    assert progress_of(parsed) == BASE_PROGRESS
    first = parsed.progress[0]
    assert (first.row_no, first.role) == (11, "Thực hiện")
    six = next(r for r in parsed.progress if r.task_code == "II.6")
    assert six.difficulty == "Một số đơn vị nộp báo cáo chậm"
    assert six.proposal == "Đề nghị Lãnh đạo Văn phòng nhắc nhở"
    assert parsed.columns[PROGRESS]["percent"] == "F"
    # Blank indicator values are "not reported", not zero.
    assert {r.indicator_code: r.value for r in parsed.indicators} == {
        "TCD_LUOT": 12.0,
        "DOI_THOAI": 1.0,
        "DON_TIEP_NHAN": 5.0,
        "VAN_BAN": 2.0,
        "MO_HINH": 1.0,
    }
    scores = {r.criterion_code: r for r in parsed.scores}
    assert len(scores) == 24  # three group heading rows ignored
    assert (scores["A3"].score, scores["B2"].score, scores["P1"].score) == (2.5, None, 0.0)
    assert scores["D2"].not_applicable
    assert scores["D2"].score is None
    assert [(m.name[:9], m.field, m.status) for m in parsed.models] == [
        ("Tiếp nhận", "Xây dựng hệ thống chính trị", "Đăng ký"),
        ("Chi đoàn ", "Văn hóa - xã hội", "Đang thực hiện"),
    ]
    assert parsed.meta["period"] == "2026-W10"


def test_optional_sheets_absent_are_none() -> None:
    parsed = read(Book(indicators=None, scores=None, models=None, meta=None, guide=False))
    assert parsed.problems == []
    assert (parsed.indicators, parsed.scores, parsed.models) == (None, None, None)
    assert len(parsed.progress) == 11


def test_nfd_text_everywhere_reads_like_nfc() -> None:
    parsed = read(Book(nfd=True))
    assert parsed.problems == []
    assert progress_of(parsed) == BASE_PROGRESS
    assert parsed.header.unit_code == "HCTC"
    assert parsed.header.reporter == "Nguyễn Thị Lan"  # stored as NFC
    assert parsed.models[1].field == "Văn hóa - xã hội"
    assert len(parsed.scores) == 24


def test_header_block_moved_down_and_table_lower() -> None:
    book = Book(title_rows=5, table_gap=3)
    parsed = read(book)
    assert parsed.problems == []
    assert progress_of(parsed) == BASE_PROGRESS
    assert parsed.header.cells["period"] == "B8"
    assert parsed.progress[0].row_no == book.data_row(0) == 16


def test_reordered_columns_and_extra_column() -> None:
    columns = (
        "percent",
        "status",
        "task_code",
        "evidence",
        "stt",
        "Ghi chú nội bộ",
        "result_text",
        "difficulty",
        "proposal",
        "task_title",
        "role",
    )
    book = Book(columns=columns)
    parsed = read(book)
    assert parsed.problems == []
    assert progress_of(parsed) == BASE_PROGRESS
    assert parsed.columns[PROGRESS]["percent"] == "A"


def test_headers_and_labels_written_loosely() -> None:
    book = Book(
        header_texts={
            "status": "  TRẠNG THÁI ",
            "percent": "Tỷ lệ hoàn thành (%):",
            "task_code": "Mã nhiệm vụ (*)",
            "evidence": "văn bản,  minh chứng",
        },
        header_labels={
            contract.LABEL_UNIT: "ĐƠN VỊ :",
            contract.LABEL_PERIOD: "Kỳ báo cáo",
            contract.LABEL_UNIT_CODE: "Mã đơn vị: HCTC",
        },
        unit_code=None,  # the code is written in the label cell itself
    )
    parsed = read(book)
    assert parsed.problems == []
    assert parsed.header.unit_code == "HCTC"
    assert progress_of(parsed) == BASE_PROGRESS


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (45, None, 45.0),
        (45.5, None, 45.5),
        ("45,5", None, 45.5),
        ("45.5", None, 45.5),
        ("45%", None, 45.0),
        (" 45,5 % ", None, 45.5),
        (0.45, "0%", 45.0),
        (0.455, "0.0%", 45.5),
        (45, '0.0"%"', 45.0),  # a quoted % is a literal sign, not a scale
    ],
)
def test_percent_forms(value: object, number_format: str | None, expected: float) -> None:
    rows = with_row("II.3", percent=value, _percent_format=number_format)
    book = Book(progress=rows)
    parsed = read(book)
    assert parsed.errors == []
    assert progress_of(parsed)["II.3"] == ("Đang thực hiện", expected)


def test_whole_column_formatted_as_percent() -> None:
    rows = progress_rows()
    for row in rows:
        if isinstance(row["percent"], int):
            row["percent"] = row["percent"] / 100
    parsed = read(Book(progress=rows, percent_format="0%"))
    assert parsed.problems == []
    assert progress_of(parsed) == BASE_PROGRESS


@pytest.mark.parametrize(
    "period",
    [
        "Tuần 10/2026",
        "tuần 10 năm 2026",
        "2026-W10",
        "2026-w10",
        datetime(2026, 3, 4),
        "04/03/2026",
        "02/03/2026 - 08/03/2026",
        "02/03/2026 đến 08/03/2026",
    ],
)
def test_period_forms(period: object) -> None:
    parsed = read(Book(period=period))
    assert parsed.errors == []
    assert parsed.header.period == "2026-W10"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("  phòng hành chính - tổ chức ", None),
        ("Phòng Hành chính – Tổ chức", ""),  # an en dash, as Word autocorrects it
        (None, "hctc"),
        ("HCTC", None),  # a code written in the name cell
        (None, "Phòng Hành chính - Tổ chức"),  # a name written in the code cell
    ],
)
def test_unit_by_code_or_name(name: object, code: object) -> None:
    parsed = read(Book(unit_name=name, unit_code=code))
    assert parsed.errors == []
    assert parsed.header.unit_code == "HCTC"


def test_blank_rows_and_numbered_empty_rows_are_skipped() -> None:
    rows = [*progress_rows(), {"stt": 12}, {"stt": 13}]
    book = Book(progress=rows, blank_rows_after=(0, 3, 3, 7))
    parsed = read(book)
    assert parsed.problems == []
    assert progress_of(parsed) == BASE_PROGRESS
    assert next(r.row_no for r in parsed.progress if r.task_code == "II.2") == book.data_row(3)
    assert book.data_row(3) == 15  # two blank rows above it: 11 + 3 + 1


def test_statuses_tolerant_of_case_spaces_and_missing_accents() -> None:
    rows = with_row("II.1.c", status="hoàn thành")
    rows[0]["status"] = " ĐANG   THỰC HIỆN "
    rows[6]["status"] = "Chua trien khai"
    rows[10]["status"] = "tạm dừng"
    parsed = read(Book(progress=rows))
    assert parsed.problems == []
    assert progress_of(parsed) == BASE_PROGRESS


def test_sheet_names_tolerant_and_unknown_sheets_ignored() -> None:
    book = Book(
        sheet_titles={PROGRESS: "TIẾN ĐỘ", INDICATORS: "chỉ số", SCORES: "Tu cham diem"},
        extra_sheets=("Ghi chú", "Sheet1"),
    )
    parsed = read(book)
    assert parsed.problems == []
    assert len(parsed.progress) == 11
    assert len(parsed.indicators) == 5
    assert len(parsed.scores) == 24


def test_task_codes_written_loosely() -> None:
    rows = progress_rows()
    rows[5]["task_code"] = " II. 4 "
    rows[9]["task_code"] = "iii.2.A"
    parsed = read(Book(progress=rows))
    assert parsed.problems == []
    assert progress_of(parsed) == BASE_PROGRESS


@pytest.fixture(scope="module")
def libreoffice_book() -> tuple[Book, bytes]:
    """A workbook with formulas, merged header cells and a real date, saved by LibreOffice."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    rows = with_row("II.1.a", percent="=10+10")
    rows[0]["stt"] = "=ROW()-10"
    rows[3]["percent"] = "=50*2"
    book = Book(
        progress=rows, period=datetime(2026, 3, 6), unit_name='="Phòng Hành chính"&" - Tổ chức"'
    )
    wb = book.workbook()
    ws = wb[PROGRESS]
    ws.merge_cells("B3:D3")  # the unit name spans three columns, as in many hand-made sheets
    ws["B5"].number_format = "dd/mm/yyyy"
    return book, resave_with_libreoffice(save(wb))


def test_libreoffice_saved_file_uses_cached_formula_values(
    libreoffice_book: tuple[Book, bytes],
) -> None:
    _book, data = libreoffice_book
    parsed = read(data)
    assert parsed.problems == []
    assert parsed.header.unit_code == "HCTC"
    assert parsed.header.period == "2026-W10"
    assert progress_of(parsed) == BASE_PROGRESS
    assert len(parsed.scores) == 24
    assert len(parsed.models) == 2
    assert parsed.meta["unit_code"] == "HCTC"  # the hidden sheet survives LibreOffice


def test_formula_without_cached_value_is_reported() -> None:
    # openpyxl writes formulas without results; a file never opened in a spreadsheet has none.
    rows = with_row("II.1.a", percent="=10+10")
    parsed = read(Book(progress=rows))
    problem = only(parsed, "percent_missing")
    assert problem.cell == "F11"


# --- errors and warnings ---------------------------------------------------------------------


def test_unknown_task_code() -> None:
    rows = with_row("II.3", task_code="II.9")
    parsed = read(Book(progress=rows))
    problem = only(parsed, "task_unknown")
    assert (problem.sheet, problem.cell, problem.severity) == (PROGRESS, "B15", "error")
    assert "II.9" in problem.message
    assert "II.1.a" in problem.fix
    # II.3 is now missing from the sheet: a warning, not an error.
    assert only(parsed, "task_missing").severity == "warning"


def test_duplicate_task_code() -> None:
    rows = [*progress_rows(), {"task_code": "II.4", "status": "Đang thực hiện", "percent": 40}]
    parsed = read(Book(progress=rows))
    problem = only(parsed, "task_duplicate")
    assert problem.cell == "B22"
    assert "dòng 16 và dòng 22" in problem.message
    assert progress_of(parsed)["II.4"] == ("Đang thực hiện", 20.0)


def test_task_not_assigned_to_unit() -> None:
    meta = {
        "template_version": contract.TEMPLATE_VERSION,
        "unit_code": "BTCD",
        "period": "2026-W10",
    }
    book = Book(unit_name="Ban Tiếp công dân thành phố", unit_code="BTCD", meta=meta)
    parsed = read(book)
    problem = only(parsed, "task_not_assigned")
    assert problem.cell == book.cell("III.2.b", "task_code") == "B21"
    assert "III.2.b" in problem.message
    assert "BTCD" in problem.message
    assert codes(parsed) == ["task_not_assigned"]


def test_assigned_task_missing_is_a_warning() -> None:
    rows = [r for r in progress_rows() if r["task_code"] not in ("II.5", "III.1")]
    parsed = read(Book(progress=rows))
    assert parsed.errors == []
    missing = [p for p in parsed.problems if p.code == "task_missing"]
    assert [("II.5" in p.message, "III.1" in p.message) for p in missing] == [
        (True, False),
        (False, True),
    ]
    assert all(p.cell == "" and p.severity == "warning" for p in missing)


@pytest.mark.parametrize(
    ("status", "code"),
    [("Xong", "status_invalid"), (None, "status_missing"), ("Đang làm", "status_invalid")],
)
def test_bad_status(status: object, code: str) -> None:
    parsed = read(Book(progress=with_row("II.3", status=status)))
    problem = only(parsed, code)
    assert problem.cell == "E15"
    assert "Hoàn thành" in problem.fix
    assert "II.3" not in progress_of(parsed)


@pytest.mark.parametrize(
    ("percent", "number_format", "code", "words"),
    [
        ("khoảng 50", None, "percent_invalid", "khoảng 50"),
        ("50-60", None, "percent_invalid", "50-60"),
        (120, None, "percent_out_of_range", "120"),
        (-5, None, "percent_out_of_range", "-5"),
        (45, "0%", "percent_out_of_range", "4.500"),  # 45 typed into a % cell shows 4500%
        (None, None, "percent_missing", "Chưa triển khai"),
        (True, None, "percent_invalid", "Có"),
    ],
)
def test_bad_percent(percent: object, number_format: str | None, code: str, words: str) -> None:
    rows = with_row("II.3", percent=percent, _percent_format=number_format)
    parsed = read(Book(progress=rows))
    problem = only(parsed, code)
    assert (problem.sheet, problem.cell) == (PROGRESS, "F15")
    assert words in problem.message
    assert "0 đến 100" in problem.fix


@pytest.mark.parametrize(
    ("task", "status", "percent", "words"),
    [
        ("II.3", "Hoàn thành", 90, "chỉ 90%"),
        ("II.3", "Chưa triển khai", 10, "đã 10%"),
        ("II.3", "Đang thực hiện", 100, "Tỷ lệ 100%"),
        ("II.3", "Tạm dừng", "100%", "Tỷ lệ 100%"),
    ],
)
def test_status_percent_contradictions(task: str, status: str, percent: object, words: str) -> None:
    rows = with_row(task, status=status, percent=percent, evidence="Báo cáo số 3")
    parsed = read(Book(progress=rows))
    problem = only(parsed, "status_percent_conflict")
    assert problem.cell == "F15"
    assert words in problem.message


def test_done_without_evidence_is_a_warning() -> None:
    parsed = read(Book(progress=with_row("II.2", evidence="")))
    problem = only(parsed, "evidence_missing")
    assert (problem.cell, problem.severity) == ("H14", "warning")
    assert parsed.errors == []
    assert progress_of(parsed)["II.2"] == ("Hoàn thành", 100.0)


def test_row_with_text_but_no_task_is_a_warning() -> None:
    rows = [*progress_rows(), {"difficulty": "Thiếu kinh phí tập huấn"}]
    parsed = read(Book(progress=rows))
    problem = only(parsed, "row_without_task")
    assert (problem.cell, problem.severity) == ("A22", "warning")


def test_row_with_status_but_no_code_is_an_error() -> None:
    rows = [*progress_rows(), {"status": "Đang thực hiện", "percent": 10}]
    parsed = read(Book(progress=rows))
    assert only(parsed, "task_code_missing").cell == "B22"


@pytest.mark.parametrize(
    ("name", "code", "problem_code", "cell", "words"),
    [
        (None, None, "unit_missing", "B4", "Chưa ghi đơn vị"),
        ("Phòng Kế hoạch", None, "unit_unknown", "B3", "Phòng Kế hoạch"),
        (None, "XYZ", "unit_unknown", "B4", "XYZ"),
        ("Phòng Hành chính - Tổ chức", "BTCD", "unit_mismatch", "B3", "HCTC"),
    ],
)
def test_unit_problems(
    name: object, code: object, problem_code: str, cell: str, words: str
) -> None:
    parsed = read(Book(unit_name=name, unit_code=code, meta=None))
    problem = only(parsed, problem_code)
    assert (problem.cell, problem.severity) == (cell, "error")
    assert words in problem.message
    assert parsed.header.unit_code is None
    # Without a unit the assignment checks cannot run, so no task problems are invented.
    assert not {"task_missing", "task_not_assigned"} & set(codes(parsed))


@pytest.mark.parametrize(
    ("period", "code"),
    [
        (None, "period_missing"),
        ("Tuần 54/2026", "period_invalid"),
        ("03/03/2026 - 09/03/2026", "period_invalid"),  # Tuesday to Monday
        ("tháng 3/2026", "period_invalid"),
        (10, "period_invalid"),
    ],
)
def test_period_problems(period: object, code: str) -> None:
    parsed = read(Book(period=period, meta=None))
    problem = only(parsed, code)
    assert problem.cell == "B5"
    assert f"Tuần 10/{periods.example_year()}" in problem.fix  # this year's, as an example
    assert parsed.header.period is None


def test_meta_disagreeing_with_header() -> None:
    meta = {
        "template_version": contract.TEMPLATE_VERSION,
        "unit_code": "BTCD",
        "period": "2026-W09",
    }
    parsed = read(Book(meta=meta))
    unit = only(parsed, "meta_unit_mismatch")
    assert (unit.sheet, unit.cell) == (PROGRESS, "B4")
    assert "BTCD" in unit.message
    assert "HCTC" in unit.message
    period = only(parsed, "meta_period_mismatch")
    assert period.cell == "B5"
    assert "Tuần 9/2026" in period.message
    assert "Tuần 10/2026" in period.message


def test_outdated_template_version() -> None:
    meta = {"template_version": "2025.3", "unit_code": "HCTC", "period": "2026-W10"}
    parsed = read(Book(meta=meta))
    problem = only(parsed, "template_outdated")
    assert (problem.sheet, problem.cell) == (contract.SHEET_META, "B1")
    assert "2025.3" in problem.message
    assert contract.TEMPLATE_VERSION in problem.message
    assert "Tải biểu mẫu mới" in problem.fix


def test_progress_sheet_missing_lists_sheets_found() -> None:
    parsed = read(Book(sheet_titles={PROGRESS: "Báo cáo tuần"}))
    problem = only(parsed, "sheet_missing")
    assert (problem.sheet, problem.cell) == (PROGRESS, "")
    assert "'Báo cáo tuần'" in problem.message
    assert "'Chỉ số'" in problem.message
    assert parsed.progress is None
    assert len(parsed.scores) == 24  # the other sheets are still checked


def test_required_column_missing() -> None:
    columns = tuple(c for c in Book().columns if c != "percent")
    parsed = read(Book(columns=columns))
    problem = only(parsed, "column_missing")
    assert problem.cell == "A10"
    assert "Tỷ lệ hoàn thành (%)" in problem.message
    assert parsed.progress == []


def test_no_table_header_row() -> None:
    book = Book(header_texts={name: f"Cột {i}" for i, name in enumerate(Book().columns)})
    parsed = read(book)
    problem = only(parsed, "table_not_found")
    assert "'Mã nhiệm vụ'" in problem.message


def test_many_problems_reported_at_once() -> None:
    rows = progress_rows()
    rows[0]["percent"] = "nhiều"  # F11
    rows[1]["status"] = "Xong"  # E12
    rows[2]["percent"] = 80  # F13: Hoàn thành with 80
    rows[4]["task_code"] = "II.99"  # B15
    book = Book(progress=rows, period="Tuần 60/2026", meta=None)
    parsed = read(book)
    found = {(p.code, p.cell) for p in parsed.errors}
    assert found == {
        ("percent_invalid", "F11"),
        ("status_invalid", "E12"),
        ("status_percent_conflict", "F13"),
        ("task_unknown", "B15"),
        ("period_invalid", "B5"),
    }


# --- the other sheets ------------------------------------------------------------------------


def test_indicator_problems() -> None:
    rows = [
        {"indicator_code": "TCD_LUOT", "value": 12},
        {"indicator_code": "KHONG_CO", "value": 3},
        {"indicator_code": "TCD_LUOT", "value": 4},
        {"indicator_code": "DOI_THOAI", "value": -1},
        {"indicator_code": "TAP_HUAN", "value": "mười"},
        {"indicator_code": "VAN_BAN", "value": "1.250"},
        {"indicator_code": "MO_HINH", "value": "2,5"},
    ]
    parsed = read(Book(indicators=rows))
    found = {(p.code, p.cell) for p in parsed.problems}
    assert found == {
        ("indicator_unknown", table_cell(INDICATORS, 1, "indicator_code")),
        ("indicator_duplicate", "A6"),
        ("indicator_value_negative", "D7"),
        ("indicator_value_invalid", "D8"),
    }
    assert {r.indicator_code: r.value for r in parsed.indicators} == {
        "TCD_LUOT": 12.0,
        "VAN_BAN": 1250.0,  # Vietnamese thousands separator
        "MO_HINH": 2.5,
    }


def score_book(**changes: dict) -> Book:
    """The base scores sheet without group rows, with some criteria's cells changed."""
    rows = score_rows(groups=False)
    for row in rows:
        row.update(changes.get(row["criterion_code"], {}))
    return Book(scores=rows)


def test_score_out_of_range_uses_catalogue_maximum() -> None:
    # The file claims A1 is worth 10; the catalogue's 4 is authoritative.
    parsed = read(score_book(A1={"score": 5, "max_points": 10}))
    problem = only(parsed, "score_out_of_range")
    assert problem.cell == table_cell(SCORES, 0, "score") == "E4"
    assert "0 đến 4" in problem.message


def test_score_on_not_applicable_row() -> None:
    parsed = read(score_book(D2={"score": 3, "evidence": "Số liệu"}))
    problem = only(parsed, "score_not_applicable")
    assert problem.cell == "E14"


def test_not_applicable_mark_must_be_x() -> None:
    parsed = read(score_book(D3={"not_applicable": "có"}, D2={"not_applicable": "X"}))
    assert only(parsed, "not_applicable_invalid").cell == "D15"
    assert next(r for r in parsed.scores if r.criterion_code == "D2").not_applicable


def test_unknown_and_duplicate_criteria() -> None:
    rows = [
        *score_rows(groups=False),
        {"criterion_code": "G9", "score": 2, "evidence": "x"},
        {"criterion_code": "A2", "score": 1, "evidence": "y"},
    ]
    parsed = read(Book(scores=rows))
    assert only(parsed, "criterion_unknown").cell == "A28"
    assert only(parsed, "criterion_duplicate").cell == "A29"


def test_group_heading_rows_ignored_but_not_when_scored() -> None:
    rows = [
        {"criterion_code": "A. Lãnh đạo, chỉ đạo"},
        {"criterion_code": "Nhóm tiêu chí khác", "title": "Ghi chú cho người đọc"},
        *score_rows(groups=False),
        {"criterion_code": "Tổng cộng", "score": 27.5},
    ]
    parsed = read(Book(scores=rows))
    problem = only(parsed, "criterion_unknown")
    assert problem.cell == "A30"
    assert len(parsed.scores) == 24


def test_penalty_rows() -> None:
    parsed = read(score_book(P1={"score": 2}, P2={"score": -7}))
    warning = only(parsed, "penalty_positive")
    assert (warning.cell, warning.severity) == ("E26", "warning")
    assert "trừ 2" in warning.message
    error = only(parsed, "score_out_of_range")
    assert error.cell == "E27"
    scores = {r.criterion_code: r.score for r in parsed.scores}
    assert scores["P1"] == -2.0
    assert "P2" not in scores


def test_positive_score_needs_evidence_or_explanation() -> None:
    parsed = read(
        score_book(
            B2={"score": 3},
            B3={"score": 2, "explanation": "Đơn vị không có vụ việc"},
            C2={"score": 0},
        )
    )
    problem = only(parsed, "score_without_evidence")
    assert (problem.cell, problem.severity) == ("F8", "warning")
    assert "B2" in problem.message
    assert parsed.errors == []


def test_score_not_a_number() -> None:
    parsed = read(score_book(C3={"score": "đạt", "evidence": "Biên bản"}))
    assert only(parsed, "score_invalid").cell == "E12"


def test_model_problems() -> None:
    rows = [
        {"name": "Mô hình A", "field": "văn hóa - xã hội", "status": "ĐƯỢC CÔNG NHẬN"},
        {"name": "Mô hình B", "field": "Giáo dục"},
        {"name": "Mô hình C"},
        {"field": "Kinh tế", "content": "Nội dung"},
        {"name": "Mô hình D", "field": "Kinh te", "status": "Hoàn thành"},
    ]
    parsed = read(Book(models=rows))
    found = {(p.code, p.cell) for p in parsed.problems}
    assert found == {
        ("model_field_invalid", "B5"),
        ("model_field_missing", "B6"),
        ("model_name_missing", "A7"),
        ("model_status_invalid", "F8"),
    }
    assert [(m.name, m.field, m.status) for m in parsed.models] == [
        ("Mô hình A", "Văn hóa - xã hội", "Được công nhận")
    ]


# --- robustness ------------------------------------------------------------------------------


def test_unsafe_or_broken_files_never_raise() -> None:
    assert codes(reader.read(b"", context(), "a.xlsx")) == ["file_empty"]
    assert codes(reader.read(b"a;b\n1;2\n", context(), "a.xlsx")) == ["file_not_xlsx"]
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<không phải xml")
    parsed = reader.read(broken.getvalue(), context(), "a.xlsx")
    assert codes(parsed) == ["unreadable"]
    assert "Traceback" not in parsed.problems[0].message


_cell_values = st.one_of(
    st.none(),
    st.text(max_size=30).map(clean_cell_text),
    st.sampled_from(["Hoàn thành", "45%", "45,5", "II.4", "Tuần 10/2026", "=1/0", "x", " "]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.booleans(),
)
_fields = st.sampled_from(tuple(contract.PROGRESS_COLUMNS))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    header=st.tuples(_cell_values, _cell_values, _cell_values),
    cells=st.lists(st.tuples(st.integers(0, 12), _fields, _cell_values), min_size=1, max_size=25),
    percent_format=st.sampled_from([None, "0%", "General", '0.0"%"']),
)
def test_random_cell_contents_always_give_a_validation_result(
    header: tuple, cells: list, percent_format: str | None
) -> None:
    rows = progress_rows()
    for index, name, value in cells:
        if index >= len(rows):
            rows.append({})
            index = len(rows) - 1
        rows[index][name] = value
    book = Book(
        unit_name=header[0],
        unit_code=header[1],
        period=header[2],
        progress=rows,
        percent_format=percent_format,
    )
    parsed = read(book)
    assert isinstance(parsed, ParsedWorkbook)
    for problem in parsed.problems:
        assert problem.code
        assert problem.message
        assert problem.severity in ("error", "warning")
    for row in parsed.progress or []:
        assert 0 <= row.percent <= 100
        assert row.status in contract.STATUSES


# --- speed -----------------------------------------------------------------------------------


def _median(fn: object, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@pytest.mark.timing
def test_reading_a_weekly_workbook_is_fast() -> None:
    data = Book().to_bytes()
    ctx = context()
    ours = _median(lambda: reader.read(data, ctx, "a.xlsx"))
    pandas_all = _median(
        lambda: pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl")
    )
    pandas_first = _median(lambda: pd.read_excel(io.BytesIO(data), engine="openpyxl"))
    print(
        f"\nread(): {ours * 1000:.1f} ms; pandas.read_excel(openpyxl) all sheets "
        f"{pandas_all * 1000:.1f} ms, first sheet {pandas_first * 1000:.1f} ms"
    )
    assert ours < 0.3
    assert ours <= pandas_all * 1.1


def test_generated_template_reads_clean(tmp_db: Path) -> None:
    # The contract between the template writer and this reader: an untouched template is valid.
    from tracker.ingest import template

    ctx = reader.Context.load(tmp_db)
    for unit, tasks in (("HCTC", 11), ("BTCD", 10)):
        parsed = reader.read(template.build(unit, "2026-W10", path=tmp_db), ctx, "mau.xlsx")
        assert parsed.problems == [], unit
        assert (parsed.header.unit_code, parsed.header.period) == (unit, "2026-W10")
        assert len(parsed.progress) == tasks
        assert parsed.meta["unit_code"] == unit
