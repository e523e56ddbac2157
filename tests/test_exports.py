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
    ws = load_workbook(io.BytesIO(data))["Báo cáo tổng hợp"]
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


def test_report_xlsx_content(fx) -> None:
    wb = load_workbook(io.BytesIO(_report()))
    # The scores sheet is always there (the product ships tracker.metrics.scoring).
    assert wb.sheetnames == [
        "Báo cáo tổng hợp",
        "Chỉ số",
        "Vướng mắc",
        "Dân vận khéo",
        "Tự chấm điểm",
    ]
    ws = wb["Báo cáo tổng hợp"]
    assert "DÂN VẬN CHÍNH QUYỀN" in ws["A3"].value
    assert ws["A4"].value.startswith(
        "Từ ngày 01/03/2026 đến ngày 31/03/2026; tiến độ tính đến hết Tuần 13/2026"
    )
    header = [c.value for c in ws[6]]
    assert header[:4] == ["STT", "Mã nhiệm vụ", "Nội dung nhiệm vụ", "Đơn vị thực hiện"]
    values = [v for _, _, v in _cells(ws)]
    assert "Cần Thơ, ngày 01 tháng 04 năm 2026" in values
    # Task rows in plan order, numbered.
    tasks = [
        (r[0].value, r[1].value) for r in ws.iter_rows(min_row=7) if isinstance(r[0].value, int)
    ]
    assert [t for _, t in tasks][:4] == ["II.1.a", "II.1.b", "II.1.c", "II.2"]
    assert [n for n, _ in tasks] == list(range(1, 12))
    # II.2: the task's completion as a number, then HCTC's result text of March (W10, corrected).
    ii2 = next(r for r in ws.iter_rows(min_row=7) if r[1].value == "II.2")
    assert ii2[6].value == pytest.approx(60.0)
    assert ii2[5].value == "Đúng tiến độ"
    unit_row = ws[ii2[0].row + 1]
    assert unit_row[3].value == "Phòng Hành chính - Tổ chức (HCTC)"
    assert unit_row[8].value == "Ban hành Quy chế dân chủ"
    assert "Bản nộp đầu bị thay" not in values  # the superseded sheet
    assert "Dự thảo Quy chế dân chủ" not in values  # W09 is February's
    # Formula injection: kept as text, never as a formula.
    inj = next(c for row in ws.iter_rows() for c in row if c.value == followup_fixture.INJECTION)
    assert inj.data_type == "s"
    assert not any(
        isinstance(v, str) and v.startswith("=") and c.data_type == "f"
        for row in ws.iter_rows()
        for c in row
        for v in [c.value]
    )


def test_report_xlsx_other_sheets(fx) -> None:
    wb = load_workbook(io.BytesIO(_report()))
    ind = {r[0].value: r[5].value for r in wb["Chỉ số"].iter_rows(min_row=4)}
    assert ind["TCD_LUOT"] == 12
    assert ind["MO_HINH"] == 3
    assert ind["TAP_HUAN"] is None
    diff = [r[3].value for r in wb["Vướng mắc"].iter_rows(min_row=4)]
    assert len(diff) == 6  # as of W13: the 5 of W10 plus TH's app difficulty of 10/03
    assert diff[0] == "Chưa nhận được kế hoạch"
    models = [(r[1].value, r[2].value) for r in wb["Dân vận khéo"].iter_rows(min_row=4)]
    assert models == [
        ("Phòng Hành chính - Tổ chức (HCTC)", "Một cửa thân thiện"),
        ("Phòng Hành chính - Tổ chức (HCTC)", "Dân vận khéo trong tiếp dân"),
    ]
    scores = wb["Tự chấm điểm"]
    assert "TẠM THỜI" in scores["A1"].value
    assert [c.value for c in scores[3]][:3] == ["Mã đơn vị", "Đơn vị", "Năm"]


def test_report_xlsx_print_setup(fx) -> None:
    wb = load_workbook(io.BytesIO(_report()))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert str(ws.page_setup.paperSize) == "9", ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows is not None
    assert wb["Báo cáo tổng hợp"].print_title_rows == "$6:$6"
    assert wb["Chỉ số"].print_title_rows == "$3:$3"


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
    assert "Không có vướng mắc chưa xử lý." in [c.value for c in wb["Vướng mắc"]["A"]]


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
