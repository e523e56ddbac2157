"""Exports read back: CSV bytes and columns, formula injection, the compiled .xlsx and its print
setup, and `python -m tracker export` writing the same bytes (tests/followup_fixture.py)."""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests import followup_fixture
from tests.conftest import ROOT
from tests.libreoffice import convert, needs_libreoffice
from tests.workbook_factory import Book, save
from tracker import csvsafe
from tracker.accounts import auth
from tracker.catalogue import periods
from tracker.exports import export, report, tables
from tracker.ingest import submissions
from tracker.store import db
from tracker.tools import cli

NOW = datetime(2026, 4, 1, 8, 15)


@pytest.fixture
def fx(tmp_db: Path) -> dict[str, int]:
    return followup_fixture.load()


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM expected"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_summary_csv_header_and_rows(fx) -> None:
    data = tables.summary_csv("2026-W10")
    rows = _rows(data)
    assert data[3:].split(b"\r\n")[0].decode() == (
        "Mã nhiệm vụ,Nội dung nhiệm vụ,Đơn vị chủ trì,Số đơn vị được giao,Số đơn vị đã báo cáo,"
        "Tỷ lệ hoàn thành (%),Tiến độ kỳ vọng (%),Trạng thái,Số vướng mắc chưa xử lý,"
        "Cập nhật lần cuối"
    )
    assert rows[0] == tables.SUMMARY_COLUMNS
    body = {r[0]: r for r in rows[1:]}
    assert list(body) == [
        "II.1.a",
        "II.1.b",
        "II.1.c",
        "II.2",
        "II.3",
        "II.4",
        "II.5",
        "II.6",
        "III.1",
        "III.2.a",
        "III.2.b",
    ]
    # Expected progress W10: 67 days (01/01..08/03) of 365 = 18.356 -> 18.4.
    # II.1.a has no lead: KT's 20 averaged over the 9 active units = 2.2 (< 18.4 - 10: behind).
    assert body["II.1.a"][2:] == [
        "Các phòng, ban, đơn vị",
        "9",
        "1",
        "2.2",
        "18.4",
        "Chậm tiến độ",
        "1",
        "05/03/2026 14:05",
    ]
    # II.2: the lead HCTC's corrected 60; its repeated, handled difficulty is not counted.
    assert body["II.2"][2:] == [
        "HCTC",
        "9",
        "1",
        "60.0",
        "18.4",
        "Đúng tiến độ",
        "0",
        "09/03/2026 09:00",
    ]
    assert body["II.4"][2:] == [
        "BTCD",
        "9",
        "1",
        "50.0",
        "18.4",
        "Đúng tiến độ",
        "1",
        "06/03/2026 16:30",
    ]
    # II.5: VX's 10 from the exempt week carried forward (the inactive unit does not count).
    assert body["II.5"][5:] == ["1.1", "18.4", "Chậm tiến độ", "1", "20/02/2026 09:00"]
    # theo_yeu_cau: no expected progress.
    assert body["III.2.b"][2:] == ["HCTC", "1", "0", "0.0", "", "Chưa có báo cáo", "0", ""]


def test_summary_csv_neutralises_text(fx) -> None:
    with db.transaction() as tx:
        tx.execute("update task set short_title = '@SUM(A1)' where code = 'II.6'")
    rows = _rows(tables.summary_csv("2026-W10"))
    assert [r[1] for r in rows if r[0] == "II.6"] == ["'@SUM(A1)"]


def test_detail_csv_injection_and_numbers(fx) -> None:
    rows = _rows(tables.detail_csv("2026-W10"))
    assert rows[0] == tables.DETAIL_COLUMNS
    kt = next(r for r in rows if r[0] == "II.1.a" and r[2] == "KT")
    assert kt[4:8] == ["Thực hiện", "2026-W10", "Đang thực hiện", "20.0"]
    assert kt[8] == "'-5 hội nghị"
    assert kt[10] == "'" + followup_fixture.INJECTION
    assert kt[11] == "'" + followup_fixture.INJECTION_PROPOSAL
    missing = next(r for r in rows if r[0] == "II.1.a" and r[2] == "TH")
    assert missing[5:8] == ["", "Chưa báo cáo", ""]
    # One row per (task, assigned unit): 9 units x 10 tasks open to all + III.2.b (HCTC only).
    assert len(rows) - 1 == 9 * 10 + 1


def test_neutralise_and_numbers() -> None:
    for text in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert tables.neutralise(text) == "'" + text
    assert tables.neutralise("Bình thường") == "Bình thường"
    data = tables.write_csv(["a", "b", "c"], [[tables.Number(-5.25), "-5", tables.Number(3, 0)]])
    assert data.decode("utf-8-sig").splitlines()[1] == "-5.2,'-5,3"


# --- formula injection through the real upload path (issue 10) --------------------------------

CALC = "=cmd|' /C calc'!A0"
ISSUE_10 = "Đã họp giao ban;" + CALC
EQUALS = '=HYPERLINK("http://example.com","x")'
ON_TIME = datetime(2026, 3, 5, 10, 0)  # Thursday of W10, before the deadline


def _submit_injected(users: dict) -> Book:
    """HCTC's W10 workbook with issue 10's text and a text cell starting with '=', uploaded."""
    book = Book()
    next(r for r in book.progress if r["task_code"] == "II.1.a")["result_text"] = ISSUE_10
    wb = book.workbook()
    cell = wb.worksheets[0][book.cell("II.1.b", "result_text")]
    cell.value = EQUALS
    cell.data_type = "s"  # typed as text in Excel ('=...), not a formula
    result = submissions.submit(save(wb), "hctc-w10.xlsx", users["don_vi"], now=ON_TIME)
    assert result.status == "accepted", result.errors
    return book


def test_uploaded_semicolon_formula_is_neutralised_in_detail_csv(users) -> None:
    _submit_injected(users)
    data = tables.detail_csv("2026-W10")
    rows = _rows(data)
    hctc = {r[0]: r for r in rows if r[2] == "HCTC"}
    assert hctc["II.1.a"][8] == "Đã họp giao ban;'" + CALC
    assert hctc["II.1.b"][8] == "'" + EQUALS
    assert hctc["II.1.a"][7] == "20.0"  # numbers stay numbers
    # Opened in Vietnamese-locale Excel (cells split on ';'), no cell is a formula.
    for line in data.decode("utf-8-sig").splitlines():
        for cell in line.split(";"):
            assert not cell.lstrip(' "').startswith(csvsafe.FORMULA_PREFIXES), line


def test_report_xlsx_has_no_formula_from_unit_text(users) -> None:
    _submit_injected(users)
    data = report.report_xlsx("2026-03-02", "2026-03-08", now=NOW)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert "<f>" not in z.read(name).decode() and "<f " not in z.read(name).decode(), name
    ws = load_workbook(io.BytesIO(data))["Phụ lục II - Kết quả"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value in (ISSUE_10, EQUALS)}
    assert set(cells) == {ISSUE_10, EQUALS}  # the units' texts, unchanged and readable
    assert all(c.data_type == "s" and c.quotePrefix for c in cells.values())


def test_indicators_csv_up_to_week_and_range(fx) -> None:
    rows = _rows(tables.indicators_csv("2026-W10"))
    assert rows[0] == tables.INDICATOR_COLUMNS
    got = {r[0]: (r[3], r[5], r[6], r[7], r[8]) for r in rows[1:]}
    assert got["TCD_LUOT"] == ("Cộng dồn các tuần", "01/01/2026", "08/03/2026", "20.0", "1")
    assert got["VAN_BAN"][3:] == ("5.0", "1")
    assert got["MO_HINH"] == ("Giá trị mới nhất", "01/01/2026", "08/03/2026", "3.0", "2")
    assert got["TAP_HUAN"][3:] == ("", "0")
    # March: only W10 has its Thursday in the month; W09's values are out.
    march = {
        r[0]: (r[7], r[8])
        for r in _rows(tables.indicators_csv(None, "2026-03-01", "31/03/2026"))[1:]
    }
    assert march["TCD_LUOT"] == ("12.0", "1")
    assert march["VAN_BAN"] == ("3.0", "1")
    assert march["MO_HINH"] == ("3.0", "2")
    # February: only W09 (Thursday 26/02); the stock is HCTC's W09 value.
    feb = {
        r[0]: (r[7], r[8])
        for r in _rows(tables.indicators_csv(None, "2026-02-01", "2026-02-28"))[1:]
    }
    assert feb["TCD_LUOT"] == ("8.0", "1")
    assert feb["MO_HINH"] == ("1.0", "1")
    # A week with no report: flows empty, stock carried forward.
    w11 = {
        r[0]: (r[7], r[8])
        for r in _rows(tables.indicators_csv(None, "2026-03-09", "2026-03-15"))[1:]
    }
    assert w11["TCD_LUOT"] == ("", "0")
    assert w11["MO_HINH"] == ("3.0", "2")


def test_as_of_week_uses_the_thursday_rule() -> None:
    assert periods.as_of_week(date(2026, 3, 31)) == "2026-W13"  # Tuesday of W14
    assert periods.as_of_week(date(2026, 4, 2)) == "2026-W14"  # Thursday
    assert periods.as_of_week(date(2026, 3, 8)) == "2026-W10"  # Sunday


def _report() -> bytes:
    return report.report_xlsx("2026-03-01", "2026-03-31", now=NOW)


def _cells(ws) -> list[tuple[int, int, object]]:
    return [
        (c.row, c.column, c.value) for row in ws.iter_rows() for c in row if c.value is not None
    ]


def _table(ws) -> list[dict[str, object]]:
    """A sheet's table (header on report.HEADER_ROW) as one dict per row."""
    rows = list(ws.iter_rows(min_row=report.HEADER_ROW, values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] is not None or any(r)]


SHEETS = [
    "Bảng 1 - Nhiệm vụ",
    "Phụ lục II - Kết quả",
    "Phụ lục III - Vướng mắc",
    "Phụ lục IV - Dân vận khéo",
    "Phụ lục V - Tự chấm điểm",
    "Bảng 2 - Chỉ số",
]


def test_report_xlsx_content(fx) -> None:
    wb = load_workbook(io.BytesIO(_report()))
    assert wb.sheetnames == SHEETS
    tasks = wb["Bảng 1 - Nhiệm vụ"]
    assert tasks["A1"].value == "BẢNG 1. TIẾN ĐỘ CÁC NHIỆM VỤ"
    assert tasks["A2"].value == (
        "(VĂN PHÒNG UBND THÀNH PHỐ CẦN THƠ: Báo cáo tổng hợp từ ngày 01/03/2026 đến ngày "
        "31/03/2026)"
    )
    assert tasks["A3"].value.startswith("Số liệu đến hết Tuần 13/2026")
    assert "Cần Thơ, ngày 01 tháng 04 năm 2026" in [c.value for c in tasks["C"]]
    rows = [r for r in _table(tasks) if isinstance(r["STT"], int)]
    assert [r["STT"] for r in rows] == list(range(1, 12))
    assert [r["Mã nhiệm vụ"] for r in rows][:4] == ["II.1.a", "II.1.b", "II.1.c", "II.2"]
    ii4 = next(r for r in rows if r["Mã nhiệm vụ"] == "II.4")
    assert ii4["Tỷ lệ hoàn thành (%)"] == pytest.approx(50.0)
    assert ii4["Trạng thái"] == "Đúng tiến độ"
    # II.4 as of W13: BTCD's W09 text (handled) and its W10 text (open): 2 raised.
    assert [ii4[c] for c in ("Khó khăn, vướng mắc đã nêu", "Đã xử lý", "Chưa xử lý")] == [2, 1, 1]
    # Phụ lục II: one plain row per (task, unit), sortable: a filter on the header, no merge.
    results = wb["Phụ lục II - Kết quả"]
    assert results.auto_filter.ref.startswith(f"A{report.HEADER_ROW}:")
    assert not results.merged_cells.ranges
    ii2 = next(r for r in _table(results) if r["Mã nhiệm vụ"] == "II.2")
    assert ii2["Đơn vị"] == "Phòng Hành chính - Tổ chức"
    assert ii2["Tỷ lệ hoàn thành (%)"] == pytest.approx(60.0)
    assert ii2["Kết quả thực hiện trong kỳ"] == "Ban hành Quy chế dân chủ"  # March: W10 only
    values = [c.value for row in results.iter_rows() for c in row]
    assert "Bản nộp đầu bị thay" not in values  # the superseded sheet
    assert "Dự thảo Quy chế dân chủ" not in values  # W09 is February's
    inj = next(
        c
        for row in wb["Phụ lục III - Vướng mắc"].iter_rows()
        for c in row
        if c.value == followup_fixture.INJECTION
    )
    assert inj.data_type == "s"
    assert not any(
        c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row
    )


def test_report_xlsx_other_sheets(fx) -> None:
    wb = load_workbook(io.BytesIO(_report()))
    ind = {r["Mã chỉ số"]: r["Giá trị"] for r in _table(wb["Bảng 2 - Chỉ số"])}
    assert ind["TCD_LUOT"] == 12
    assert ind["MO_HINH"] == 3
    assert ind["TAP_HUAN"] is None
    # Every difficulty raised by the end of W13, with what became of it (9 = 3 + 6).
    raised = _table(wb["Phụ lục III - Vướng mắc"])
    assert len(raised) == 9
    assert sorted(r["Tình trạng"] for r in raised) == ["Chưa xử lý"] * 6 + ["Đã xử lý"] * 3
    assert "đã nêu 9 (đã xử lý 3, chưa xử lý 6)" in wb["Phụ lục III - Vướng mắc"]["A3"].value
    models = [(r["Đơn vị"], r["Tên mô hình"]) for r in _table(wb["Phụ lục IV - Dân vận khéo"])]
    assert models == [
        ("Phòng Hành chính - Tổ chức", "Một cửa thân thiện"),
        ("Phòng Hành chính - Tổ chức", "Dân vận khéo trong tiếp dân"),
    ]
    scores = wb["Phụ lục V - Tự chấm điểm"]
    assert [c.value for c in scores[report.HEADER_ROW]][:3] == ["Mã đơn vị", "Đơn vị", "Năm"]
    assert scores.cell(row=report.HEADER_ROW + 1, column=1).value == (
        "Chưa có đơn vị nào tự chấm điểm."
    )


def test_report_xlsx_print_setup(fx) -> None:
    wb = load_workbook(io.BytesIO(_report()))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert str(ws.page_setup.paperSize) == "9", ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == f"${report.HEADER_ROW}:${report.HEADER_ROW}", ws.title
        assert ws.freeze_panes == f"A{report.HEADER_ROW + 1}", ws.title


def test_report_is_deterministic(fx) -> None:
    data = _report()
    assert data == _report()
    # Nothing in the file depends on the clock at save time: properties and zip entries use NOW.
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(2026, 4, 1, 8, 15, 0)}
    assert ">2026-04-01T08:15:00Z</dcterms:modified>" in core
    assert ">2026-04-01T08:15:00Z</dcterms:created>" in core


def test_empty_database_exports(tmp_db: Path) -> None:
    rows = _rows(tables.summary_csv("2026-W10"))
    assert len(rows) == 12
    assert all(r[7] == "Chưa có báo cáo" for r in rows[1:])
    wb = load_workbook(io.BytesIO(report.report_xlsx("2026-03-02", "2026-03-08", now=NOW)))
    assert "Các đơn vị chưa nêu khó khăn, vướng mắc." in [
        c.value for c in wb["Phụ lục III - Vướng mắc"]["A"]
    ]


@pytest.mark.now("2026-03-18T10:00:00")  # after W10's deadline: its data may be exported
def test_download_requires_sign_in(fx, users) -> None:
    with pytest.raises(auth.PermissionDenied):
        export.download(None, "summary", week="2026-W10")
    assert export.download(users["don_vi"], "summary", week="2026-W10") == tables.summary_csv(
        "2026-W10"
    )


@pytest.mark.parametrize(
    ("kind", "week", "date_from", "date_to"),
    [
        ("summary", None, None, None),
        ("report", None, "2026-03-01", None),
        ("report", None, "2026-03-31", "2026-03-01"),
        ("indicators", None, "31-03-2026", "2026-04-01"),
        ("summary", "2026-W99", None, None),
    ],
)
def test_cli_usage_errors(
    tmp_db: Path, tmp_path: Path, capsys, kind, week, date_from, date_to
) -> None:
    args = argparse.Namespace(
        kind=kind, week=week, date_from=date_from, date_to=date_to, out=str(tmp_path / "x")
    )
    assert cli.cmd_export(args) == 2
    assert "Lỗi:" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("kind", "week", "date_from", "date_to", "expected"),
    [
        ("summary", "2026-W10", None, None, lambda: tables.summary_csv("2026-W10")),
        ("detail", "2026-W10", None, None, lambda: tables.detail_csv("2026-W10")),
        ("indicators", "2026-W10", None, None, lambda: tables.indicators_csv("2026-W10")),
        (
            "report",
            None,
            "2026-03-01",
            "2026-03-31",
            lambda: report.report_xlsx("2026-03-01", "2026-03-31", now=NOW),
        ),
        (
            "report",
            "2026-W10",
            None,
            None,
            lambda: report.report_xlsx("2026-03-02", "2026-03-08", now=NOW),
        ),
    ],
)
def test_cli_export_writes_the_same_bytes(
    fx, tmp_path: Path, still_clock, kind, week, date_from, date_to, expected
) -> None:
    still_clock(NOW)
    out = tmp_path / "out.bin"
    args = argparse.Namespace(
        kind=kind, week=week, date_from=date_from, date_to=date_to, out=str(out)
    )
    assert cli.cmd_export(args) == 0
    assert out.read_bytes() == expected()
    assert out.read_bytes() == export.download(
        auth.SYSTEM, kind, week=week, date_from=date_from, date_to=date_to
    )


@pytest.mark.now("2026-03-18T10:00:00")  # after W10's deadline: its data may be exported
def test_cli_subprocess_summary(fx, tmp_db: Path, tmp_path: Path) -> None:
    expected = tables.summary_csv("2026-W10")
    db.close_all()  # let the child process open the database file
    out = tmp_path / "tong-hop.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tracker",
            "--db",
            str(tmp_db),
            "export",
            "summary",
            "--week",
            "2026-W10",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == expected


def test_preset_ranges() -> None:
    assert periods.preset_range("tuan", "2026-W10") == (date(2026, 3, 2), date(2026, 3, 8))
    assert periods.preset_range("thang", "2026-W09") == (date(2026, 2, 1), date(2026, 2, 28))
    assert periods.preset_range("thang", "2026-W53") == (date(2026, 12, 1), date(2026, 12, 31))
    # Nghị định 09/2019/NĐ-CP, Điều 12: from 15/12 of the year before to the 14th.
    assert periods.preset_range("6thang", "2026-W26") == (date(2025, 12, 15), date(2026, 6, 14))
    assert periods.preset_range("quy1", "2026-W27") == (date(2025, 12, 15), date(2026, 3, 14))
    assert periods.preset_range("9thang", "2026-W01", 2027) == (
        date(2026, 12, 15),
        date(2027, 9, 14),
    )
    assert periods.preset_range("nam", "2026-W01") == (date(2025, 12, 15), date(2026, 12, 14))
    with pytest.raises(periods.RangeError):
        periods.preset_range("quy", "2026-W01")


@pytest.mark.slow
@needs_libreoffice
def test_report_prints_on_a4_landscape_in_libreoffice(fx, tmp_path: Path) -> None:
    xlsx = tmp_path / "bao-cao.xlsx"
    xlsx.write_bytes(_report())
    pdf = convert(xlsx, "pdf", tmp_path / "pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "no pages"
    for width, height in boxes:  # A4 landscape: 297 x 210 mm = 841.9 x 595.3 pt
        assert float(width) == pytest.approx(841.9, abs=1)
        assert float(height) == pytest.approx(595.3, abs=1)


@pytest.mark.now("2026-03-18T10:00:00")
def test_scores_and_models_read_the_database_asked_for(tmp_db: Path, tmp_path: Path) -> None:
    """export.build(path=…) reads that database for every kind, not the default one (the
    scores and models exports once dropped `path`)."""
    other = tmp_path / "khac.duckdb"
    result = submissions.submit(
        Book().to_bytes(), "a.xlsx", auth.SYSTEM, now=datetime(2026, 3, 5, 10), path=other
    )
    assert result.status == "accepted" and result.rows["scores"] and result.rows["models"]
    for kind in ("scores", "models"):
        asked = _rows(export.build(kind, week="2026-W10", path=other))
        default = _rows(export.build(kind, week="2026-W10"))
        assert any(row[0] == "HCTC" for row in asked[1:]), kind
        assert len(default) == 1, kind  # the default database has no data: the header alone
