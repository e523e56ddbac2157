"""Bounded work per upload (PRODUCT.md §10): far cells, many rows, problem cap, isolated workers.

The hostile files of issue 10: the template with one value at XFD1048576 (once a SIGABRT of the
whole server), a value at GR100000 (23 s and ~1 GB), and a small file of 93,000 tiny rows
(8 s, 280,311 problems, 239 s to mark up). Each must get its verdict quickly, in bounded
memory, through the reader, the CLI and the upload page, and a crash inside the reader must
stay in its worker process.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from tests.apptest_helpers import open_page
from tests.conftest import ROOT, set_now
from tests.workbook_factory import Book, context
from tracker.ingest import isolation, markup, reader, sheetextent, submissions
from tracker.problems import MORE_PROBLEMS
from tracker.store import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS = "Tiến độ"


def with_cell(ref: str, value: object = "x") -> bytes:
    book = Book().workbook()
    book[PROGRESS][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_rows(count: int, first_row: int = 30) -> bytes:
    """The template plus `count` tiny rows written straight into the sheet XML (as a script or
    another tool would), so the file stays small: the zip compresses the repetition."""
    source = zipfile.ZipFile(io.BytesIO(Book().to_bytes()))
    part = sheetextent.sheet_parts(source)[PROGRESS]
    # Rows without r follow the last numbered one, as some writers leave them.
    rows = f'<row r="{first_row}"><c><v>1</v></c></row>' + "<row><c><v>1</v></c></row>" * count
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                content = content.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.fixture(scope="module")
def far_cell() -> bytes:
    return with_cell("XFD1048576")


@pytest.fixture(scope="module")
def many_rows() -> bytes:
    return with_rows(93_000)


def read(data: bytes) -> reader.ParsedWorkbook:
    return reader.read(data, context(), "bao-cao.xlsx")


# --------------------------------------------------------------------------------------------
# The extent scan.


def scan_xml(xml: str, max_rows: int = 2000, max_columns: int = 60) -> sheetextent.Extent:
    return sheetextent.scan(iter([xml.encode()]), max_rows, max_columns)


def test_extent_counts_only_filled_cells() -> None:
    xml = (
        '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>5</v></c></row>'
        '<row r="3"><c r="B3" s="2"/><c r="D3" s="1"><v></v></c></row>'
        '<row r="1048576"><c r="XFD1048576" s="3"/></row></sheetData>'
    )
    assert scan_xml(xml) == sheetextent.Extent(rows=1, columns=3, far_cell=None)


def test_extent_follows_positions_without_r() -> None:
    # Some writers leave out r: rows and cells then count by position.
    xml = "<sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c><is><t>x</t></is></c></row></sheetData>"
    assert scan_xml(xml) == sheetextent.Extent(rows=2, columns=2, far_cell=None)


def test_extent_stops_at_the_first_far_cell() -> None:
    xml = '<sheetData><row r="5"><c r="BH5"><v>1</v></c><c r="BI5"><f>A1</f><v>1</v></c></row></sheetData>'
    assert scan_xml(xml).far_cell == "BI5"  # column 61 > 60
    xml = '<x:sheetData><x:row r="2001"><x:c r="A2001"><x:v>1</x:v></x:c></x:row></x:sheetData>'
    assert scan_xml(xml).far_cell == "A2001"  # a namespace prefix changes nothing


def test_extent_across_chunk_boundaries() -> None:
    xml = '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="7"><c r="E7"><v>2</v></c></row></sheetData>'
    pieces = [xml[i : i + 3].encode() for i in range(0, len(xml), 3)]
    assert sheetextent.scan(iter(pieces), 2000, 60) == sheetextent.Extent(7, 5, None)


# --------------------------------------------------------------------------------------------
# The reader.


def test_far_cell_is_refused_unread_with_its_address(far_cell: bytes) -> None:
    parsed = read(far_cell)
    assert [(p.sheet, p.cell, p.code) for p in parsed.errors] == [
        (PROGRESS, "XFD1048576", "sheet_too_large")
    ]
    message = parsed.errors[0].message + parsed.errors[0].fix
    assert "2.000 dòng" in message
    assert "Ctrl+End" in message


def test_many_rows_are_refused_at_the_first_row_past_the_limit(many_rows: bytes) -> None:
    assert len(many_rows) < 40_000  # small on disk: the size limits do not catch it
    parsed = read(many_rows)
    assert [(p.cell, p.code) for p in parsed.errors] == [("A2001", "sheet_too_large")]


def test_styled_empty_cells_to_the_last_row_are_harmless() -> None:
    book = Book().workbook()
    sheet = book[PROGRESS]
    for row in (1_048_576, 500_000):
        sheet.cell(row, 6).number_format = "0%"  # styled, no value
    out = io.BytesIO()
    book.save(out)
    parsed = read(out.getvalue())
    assert parsed.problems == []
    assert len(parsed.progress) == 11


def test_a_far_cell_in_an_ignored_sheet_does_not_matter() -> None:
    book = Book().workbook()
    book["Hướng dẫn"]["XFD1048576"] = "ghi chú"
    out = io.BytesIO()
    book.save(out)
    assert read(out.getvalue()).problems == []


def test_problems_are_capped_with_a_count_of_the_rest() -> None:
    book = Book().workbook()
    sheet = book[PROGRESS]
    for row in range(30, 1030):  # 1,000 rows, each with a bad code, status and percent
        sheet.cell(row, 2, f"X.{row}")
        sheet.cell(row, 5, "Sai")
        sheet.cell(row, 6, "abc")
    out = io.BytesIO()
    book.save(out)
    parsed = read(out.getvalue())
    assert len(parsed.problems) == 201
    last = parsed.problems[-1]
    assert last.code == MORE_PROBLEMS
    assert last.severity == "error"
    total = int(re.search(r"và ([\d.]+) lỗi", last.message).group(1).replace(".", ""))
    assert total > 1000


# --------------------------------------------------------------------------------------------
# Isolation: a crash or an overrun stays in the worker.


@pytest.fixture
def unbounded_reader(monkeypatch: pytest.MonkeyPatch):
    """Workers started with the extent limits lifted, so hostile files reach the grid reader
    (as they did before the extent scan): what remains between them and the server is the
    worker's memory and time limits."""
    monkeypatch.setenv("TRACKER_MAX_SHEET_ROWS", "2000000")
    monkeypatch.setenv("TRACKER_MAX_SHEET_COLUMNS", "20000")
    monkeypatch.setenv("TRACKER_PARSE_MEMORY_MB", "700")
    isolation.shutdown()
    yield
    isolation.shutdown()  # later tests get workers with the normal limits


def test_reader_crash_stays_in_the_worker(unbounded_reader, users, far_cell: bytes) -> None:
    # calamine asks for 512 GiB and aborts its process: only the worker dies.
    result = submissions.check(far_cell, "xa.xlsx", users["quan_tri"])
    assert result.status == "rejected"
    assert [e.code for e in result.errors] == ["reader_failed"]
    # The next file is read by a fresh worker (checked after W10 began: a week not begun is
    # refused).
    after_w10 = datetime(2026, 3, 11, 10, 0)
    good = submissions.check(Book().to_bytes(), "dung.xlsx", users["quan_tri"], now=after_w10)
    assert good.status == "checked"


def test_reader_time_limit(unbounded_reader, monkeypatch, users) -> None:
    monkeypatch.setattr("tracker.settings.PARSE_TIMEOUT_SECONDS", 0.3)
    slow = with_rows(200_000, first_row=30)  # 200,000 rows: longer than 0.3 s to read
    result = submissions.check(slow, "cham.xlsx", users["quan_tri"])
    assert [e.code for e in result.errors] == ["reader_failed"]
    assert "0.3 giây" in result.errors[0].message


def test_server_keeps_serving_while_a_hostile_file_is_checked(
    unbounded_reader, monkeypatch, users
) -> None:
    monkeypatch.setattr("tracker.settings.PARSE_TIMEOUT_SECONDS", 30.0)
    # Slow but light: 300,000 one-cell rows take ~6 s to read in ~300 MB, so the check is still
    # running while the other session is served, even on a machine short of memory (a wide
    # sheet needs ~1 GB at once, and CI's worker could not get it: the check failed at once).
    monkeypatch.setenv("TRACKER_PARSE_MEMORY_MB", "1500")
    isolation.shutdown()
    hostile = with_rows(300_000)
    outcome: dict[str, object] = {}

    def check() -> None:
        outcome["result"] = submissions.check(hostile, "xa.xlsx", users["quan_tri"])

    worker = threading.Thread(target=check)
    worker.start()
    time.sleep(0.2)
    at = open_page(users["lanh_dao"], "tong_quan", {})
    checking = worker.is_alive()
    worker.join(timeout=30)
    assert not at.exception
    assert checking, "the hostile check ended before the other session was served"
    assert outcome["result"].status in {"checked", "rejected"}  # read in full, or refused


# --------------------------------------------------------------------------------------------
# Through the CLI and the upload page.


_MEASURE = textwrap.dedent(
    """
    import json, sys, time
    from tracker.ingest import isolation
    from tracker.tools import cli

    def hwm(pid="self"):
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024

    started = time.perf_counter()
    try:
        code = cli.main(sys.argv[1:])
    except SystemExit as exit:
        code = exit.code
    elapsed = time.perf_counter() - started
    pool = isolation._POOL
    workers = [hwm(w.process.pid) for w in list(pool.idle.queue)] if pool else []
    print(json.dumps({"code": code, "seconds": elapsed, "mb": max([hwm(), *workers])}),
          file=sys.stderr)
    """
)


def cli_measure(data: bytes, tmp_path: Path) -> tuple[dict, dict]:
    """`python -m tracker import FILE --dry-run` on `data`: its JSON line, and its exit code,
    seconds and peak memory in MB (the CLI's and its worker's own VmHWM, not inherited)."""
    file = tmp_path / "xa.xlsx"
    file.write_bytes(data)
    command = [sys.executable, "-c", _MEASURE, "import", str(file), "--dry-run"]
    command += ["--db", str(tmp_path / "t.duckdb")]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    return json.loads(run.stdout.splitlines()[-1]), json.loads(run.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["far_cell", "many_rows"])
def test_cli_verdict_in_bounded_memory(kind: str, request, tmp_path: Path) -> None:
    verdict, measured = cli_measure(request.getfixturevalue(kind), tmp_path)
    assert verdict["status"] == "rejected"
    assert [e["code"] for e in verdict["errors"]] == ["sheet_too_large"]
    assert measured["code"] == 1
    assert measured["mb"] < 400


@pytest.mark.timing
@pytest.mark.parametrize("kind", ["far_cell", "many_rows"])
def test_cli_verdict_in_under_five_seconds(kind: str, request, tmp_path: Path) -> None:
    assert cli_measure(request.getfixturevalue(kind), tmp_path)[1]["seconds"] < 5


@pytest.mark.parametrize("kind", ["far_cell", "many_rows"])
def test_upload_page_rejects_hostile_files(kind: str, request, users, monkeypatch) -> None:
    set_now(monkeypatch, "2026-03-05T10:00:00")
    data = request.getfixturevalue(kind)
    at = open_page(users["don_vi"], "nop_bao_cao", {"week": "2026-W10"})
    at.file_uploader(key="upload_files").set_value([("xa.xlsx", data, XLSX)]).run()
    assert not at.exception
    problems = at.dataframe[1].value
    assert "Mã" not in problems.columns  # the officer reads Vietnamese, not codes (issue 36)
    assert problems["Nội dung"].str.contains("ngoài vùng được đọc").tolist() == [True]
    assert db.scalar("select count(*) from submission where status = 'rejected'") == 1


def test_marked_copy_of_a_far_cell_file(far_cell: bytes) -> None:
    problems = read(far_cell).problems
    marked = markup.mark_isolated(far_cell, problems)
    book = openpyxl.load_workbook(io.BytesIO(marked))
    assert book.sheetnames[0] == markup.ERROR_SHEET
    assert book[PROGRESS]["XFD1048576"].comment is not None
