"""The rejected workbook handed back marked: fills and comments on the right cells, a list sheet."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl.comments import Comment

from tests.workbook_factory import Book, context, progress_rows, save
from tracker.ingest import contract, markup, reader
from tracker.ingest.parsed import ParsedWorkbook
from tracker.problems import Problem

PROGRESS = contract.SHEET_PROGRESS
RED, AMBER = "00FFC7CE", "00FFEB9C"


def bad_book() -> Book:
    """Three errors on cells, a warning on a cell, a sheet-level warning, a _meta error."""
    rows = [r for r in progress_rows() if r["task_code"] != "III.1"]  # task_missing (no cell)
    rows[0]["percent"] = "nhiều"  # F11 percent_invalid
    rows[1]["status"] = "Xong"  # E12 status_invalid
    rows[3]["evidence"] = ""  # H14 evidence_missing (warning)
    rows[4]["task_code"] = "II.99"  # B15 task_unknown (and II.3 missing)
    meta = {"template_version": "2025.1", "unit_code": "HCTC", "period": "2026-W10"}
    return Book(progress=rows, meta=meta)


def read(data: bytes) -> ParsedWorkbook:
    return reader.read(data, context(), "bao_cao.xlsx")


@pytest.fixture(scope="module")
def marked() -> tuple[bytes, ParsedWorkbook, bytes]:
    data = bad_book().to_bytes()
    parsed = read(data)
    return data, parsed, markup.mark(data, parsed.problems)


def fill(cell: object) -> str | None:
    f = cell.fill  # type: ignore[attr-defined]
    return f.fgColor.rgb if f is not None and f.fill_type == "solid" else None


def test_problems_of_the_bad_book_are_as_built(marked: tuple) -> None:
    _, parsed, _ = marked
    assert {(p.code, p.cell) for p in parsed.problems} == {
        ("percent_invalid", "F11"),
        ("status_invalid", "E12"),
        ("evidence_missing", "H14"),
        ("task_unknown", "B15"),
        ("task_missing", ""),
        ("task_missing", ""),
        ("template_outdated", "B1"),
    }


def test_faulty_cells_filled_and_commented(marked: tuple) -> None:
    _, _, out = marked
    ws = openpyxl.load_workbook(io.BytesIO(out))[PROGRESS]
    for ref in ("F11", "E12", "B15"):
        assert fill(ws[ref]) == RED, ref
        assert ws[ref].comment is not None, ref
    assert fill(ws["H14"]) == AMBER
    assert "Cảnh báo: Nhiệm vụ đã hoàn thành nhưng chưa ghi văn bản" in ws["H14"].comment.text
    comment = ws["F11"].comment
    assert "Lỗi: Không đọc được tỷ lệ hoàn thành 'nhiều'." in comment.text
    assert "Cách sửa: Ghi một số từ 0 đến 100" in comment.text
    assert comment.author == markup.COMMENT_AUTHOR
    # Cells without problems are left alone.
    for ref in ("F12", "E11", "B11", "H13", "B4"):
        assert fill(ws[ref]) is None, ref
        assert ws[ref].comment is None, ref


def test_error_sheet_first_lists_every_problem(marked: tuple) -> None:
    _, parsed, out = marked
    book = openpyxl.load_workbook(io.BytesIO(out))
    assert book.sheetnames[0] == markup.ERROR_SHEET
    assert book.active.title == markup.ERROR_SHEET
    ws = book[markup.ERROR_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    # Vietnamese only: the problem codes stay in the command line's JSON (issue 36).
    assert rows[0] == ("Trang tính", "Ô", "Nội dung", "Cách sửa", "Mức độ")
    assert len(rows) - 1 == len(parsed.problems) == 7
    by_message = {p.message: p for p in parsed.problems}
    listed = {(r[0], r[1] or "", by_message[r[2]].code) for r in rows[1:]}
    assert (PROGRESS, "", "task_missing") in listed
    assert (contract.SHEET_META, "B1", "template_outdated") in listed
    assert not {p.code for p in parsed.problems} & {v for r in rows for v in r}
    # Errors first, then warnings.
    severities = [r[4] for r in rows[1:]]
    assert severities == sorted(severities, key=lambda s: s != "Lỗi")
    missing = next(r for r in rows[1:] if by_message[r[2]].code == "task_missing")
    assert "III.1" in missing[2] or "II.3" in missing[2]


def test_rest_of_workbook_intact(marked: tuple) -> None:
    data, parsed, out = marked
    before = openpyxl.load_workbook(io.BytesIO(data))
    after = openpyxl.load_workbook(io.BytesIO(out))
    assert after.sheetnames[1:] == before.sheetnames
    for name in before.sheetnames:
        old = [list(r) for r in before[name].iter_rows(values_only=True)]
        new = [list(r) for r in after[name].iter_rows(values_only=True)]
        assert new == old, name
    assert after[contract.SHEET_META].sheet_state == "hidden"
    assert after[PROGRESS].merged_cells.ranges == before[PROGRESS].merged_cells.ranges
    # The unit can fix the marked file and upload it: the reader sees the same problems.
    again = read(out)
    assert again.problems == parsed.problems


def test_fixing_and_marking_again_replaces_old_marks(marked: tuple) -> None:
    _, _, out = marked
    book = openpyxl.load_workbook(io.BytesIO(out))
    ws = book[PROGRESS]
    ws["F11"] = 20  # fixed
    ws["E12"] = "Đang thực hiện"  # fixed
    fixed = save(book)
    parsed = read(fixed)
    assert {p.code for p in parsed.errors} == {"task_unknown", "template_outdated"}
    again = openpyxl.load_workbook(io.BytesIO(markup.mark(fixed, parsed.problems)))
    ws = again[PROGRESS]
    assert again.sheetnames.count(markup.ERROR_SHEET) == 1
    assert (fill(ws["F11"]), ws["F11"].comment) == (None, None)
    assert (fill(ws["E12"]), ws["E12"].comment) == (None, None)
    assert fill(ws["B15"]) == RED
    assert ws["B15"].comment.text.count(markup.COMMENT_MARK) == 1
    assert again[markup.ERROR_SHEET].max_row - 1 == len(parsed.problems)


def test_users_own_comment_is_kept() -> None:
    book = bad_book().workbook()
    book[PROGRESS]["F11"].comment = Comment("Số liệu chờ chị Lan xác nhận", "Lan")
    data = save(book)
    out = markup.mark(data, read(data).problems)
    text = openpyxl.load_workbook(io.BytesIO(out))[PROGRESS]["F11"].comment.text
    assert text.startswith("Số liệu chờ chị Lan xác nhận")
    assert "Không đọc được tỷ lệ hoàn thành" in text
    # Marked again after a fix: only the user's note remains.
    fixed = openpyxl.load_workbook(io.BytesIO(out))
    fixed[PROGRESS]["F11"] = 20
    data2 = save(fixed)
    out2 = markup.mark(data2, read(data2).problems)
    cell = openpyxl.load_workbook(io.BytesIO(out2))[PROGRESS]["F11"]
    assert cell.comment.text == "Số liệu chờ chị Lan xác nhận"
    assert fill(cell) is None


def test_cell_inside_merged_range_marks_its_top_left() -> None:
    book = Book().workbook()
    book[PROGRESS].merge_cells("B3:D3")
    data = save(book)
    problem = Problem(PROGRESS, "C3", "unit_unknown", "Không nhận ra đơn vị.", "Ghi đúng tên.")
    ws = openpyxl.load_workbook(io.BytesIO(markup.mark(data, [problem])))[PROGRESS]
    assert fill(ws["B3"]) == RED
    assert "Không nhận ra đơn vị." in ws["B3"].comment.text


def test_sheet_names_written_differently_are_found() -> None:
    data = Book(sheet_titles={PROGRESS: "TIẾN ĐỘ"}, nfd=True).to_bytes()
    problem = Problem(PROGRESS, "F12", "percent_invalid", "Sai.", "Sửa.")
    ws = openpyxl.load_workbook(io.BytesIO(markup.mark(data, [problem]))).worksheets[1]
    assert fill(ws["F12"]) == RED


def test_problems_without_a_usable_cell_only_listed() -> None:
    data = Book().to_bytes()
    problems = [
        Problem("Không có sheet này", "A1", "x1", "Một.", ""),
        Problem(PROGRESS, "không-phải-ô", "x2", "Hai.", ""),
        Problem("", "", "x3", "Ba.", "", "warning"),
    ]
    book = openpyxl.load_workbook(io.BytesIO(markup.mark(data, problems)))
    assert [r[2] for r in book[markup.ERROR_SHEET].iter_rows(min_row=2, values_only=True)] == [
        "Một.",
        "Hai.",
        "Ba.",
    ]
    assert all(c.comment is None for row in book[PROGRESS].iter_rows() for c in row)


def test_unopenable_file_gives_just_the_list() -> None:
    data = b"Ma nhiem vu;Trang thai\nII.4;Xong\n"
    problems = read(data).problems
    assert [p.code for p in problems] == ["file_not_xlsx"]
    book = openpyxl.load_workbook(io.BytesIO(markup.mark(data, problems)))
    assert book.sheetnames == [markup.ERROR_SHEET]
    row = next(book[markup.ERROR_SHEET].iter_rows(min_row=2, values_only=True))
    assert "văn bản" in row[2] and "file_not_xlsx" not in row


def test_message_starting_with_equals_stays_text() -> None:
    data = Book().to_bytes()
    problem = Problem(PROGRESS, "", "x", "=SUM(A1:A2) không phải là số.", "")
    ws = openpyxl.load_workbook(io.BytesIO(markup.mark(data, [problem])))[markup.ERROR_SHEET]
    assert ws["C2"].value == "=SUM(A1:A2) không phải là số."
    assert ws["C2"].data_type == "s"
