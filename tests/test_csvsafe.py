"""The one guarded CSV writer (tracker/csvsafe.py): the neutralisation rule, numbers untouched,
every CSV writer routed through it, the catalogue and audit CSVs, the .xlsx text cells, and the
dataframe toolbars that would otherwise export raw unit text."""

from __future__ import annotations

import csv
import io
import re
import tomllib
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from tests import browser_support as bs
from tests.conftest import ROOT
from tests.seeded import plant, source_copy
from tests.workbook_factory import Book, save
from tracker import csvsafe, settings
from tracker.accounts import admin
from tracker.catalogue import catalogues, criteria
from tracker.ingest import contract, submissions, template
from tracker.store import audit, db

CALC = "=cmd|' /C calc'!A0"
ISSUE_10 = "Đã họp giao ban;" + CALC  # the text of issue 10


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM expected"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _excel_vi_cells(line: str) -> list[str]:
    """What Vietnamese-locale Excel makes of one CSV line: cells split on ';'."""
    return line.split(";")


# --- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("-5", "'-5"),  # text that looks like a negative number is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        (ISSUE_10, "Đã họp giao ban;'" + CALC),
        ("Đã họp;  =1+1", "Đã họp;'  =1+1"),  # leading spaces do not hide a segment
        ('Đã họp;"=1+1"', 'Đã họp;\'"=1+1"'),  # nor a double quote
        ("Kết quả\t@SUM(A1)", "Kết quả\t'@SUM(A1)"),  # tab-separated segment
        ("Kết quả\t-5 hội nghị", "Kết quả\t'-5 hội nghị"),
        ("a;b;+c;d;-e", "a;b;'+c;d;'-e"),
        ("=a;=b", "'=a;'=b"),
        (" =1+1", "' =1+1"),
    ],
)
def test_neutralise_prefixes_every_formula_looking_segment(text: str, expected: str) -> None:
    assert csvsafe.neutralise(text) == expected
    assert csvsafe.is_formula_like(text)
    assert csvsafe.restore(expected) == text
    # Opened in an Excel that splits on ';', no cell starts with a formula character.
    for cell in _excel_vi_cells(expected):
        assert not cell.lstrip(' "').startswith(csvsafe.FORMULA_PREFIXES), cell


@pytest.mark.parametrize(
    "text",
    [
        "Bình thường",
        "",
        "Quán triệt Chỉ thị 46-CT/TW",
        "2026-W08;2026-W09",
        "Tốt:90;Khá:70;Trung bình:50;Yếu:0",
        "a - b; c - d",
        "'=đã có dấu nháy",
    ],
)
def test_plain_text_is_left_alone(text: str) -> None:
    assert csvsafe.neutralise(text) == text
    assert not csvsafe.is_formula_like(text)


@pytest.mark.parametrize("value", [-5, -5.25, np.float64(-1.5), np.int64(-2), True, None])
def test_numbers_and_missing_values_pass(value: object) -> None:
    assert csvsafe.neutralise(value) is value


def test_rows_csv_keeps_numbers_and_neutralises_text() -> None:
    data = csvsafe.rows_csv(
        ["Mã", "Số", "Văn bản", "Điểm", "Trống"],
        [
            ["A", -3, "-3", csvsafe.Number(-5.25), None],
            ["B", 2.5, ISSUE_10, csvsafe.Number(7, 0), ""],
        ],
    )
    assert (
        data
        == (
            "\ufeffMã,Số,Văn bản,Điểm,Trống\r\n"
            "A,-3,'-3,-5.2,\r\n"
            "B,2.5,Đã họp giao ban;'=cmd|' /C calc'!A0,7,\r\n"
        ).encode()
    )


def test_frame_csv_keeps_numbers_and_neutralises_text() -> None:
    df = pd.DataFrame(
        {
            "Mã": ["A", "B"],
            "Điểm": [-1.25, 90.0],
            "Hạng": pd.array([pd.NA, 1], dtype="Int64"),
            "Ghi chú": ["Kết quả\t@SUM(A1)", None],
        }
    )
    assert (
        csvsafe.frame_csv(df, float_format="%.1f")
        == ("\ufeffMã,Điểm,Hạng,Ghi chú\r\nA,-1.2,,Kết quả\t'@SUM(A1)\r\nB,90.0,1,\r\n").encode()
    )
    assert csvsafe.safe_frame(df)["Điểm"].dtype == "float64"  # numeric columns stay numeric


# --- every CSV writer goes through csvsafe ------------------------------------------------

_WRITER = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(|\.writerows?\(")


def csv_writers(root: Path) -> list[str]:
    """Every line outside tracker/csvsafe.py that writes CSV by itself: 'file:line'."""
    sources = [*(root / "tracker").rglob("*.py"), *(root / "pages").rglob("*.py"), root / "app.py"]
    guarded = root / "tracker" / "csvsafe.py"
    assert guarded.is_file(), "the guarded writer moved: update this guard"
    return [
        f"{path.relative_to(root)}:{n}"
        for path in sources
        if path != guarded
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _WRITER.search(line)
    ]


def test_no_csv_writer_outside_csvsafe() -> None:
    assert csv_writers(ROOT) == [], "write CSV only through tracker.csvsafe (rows_csv / frame_csv)"


def test_the_csv_guard_sees_a_writer_of_its_own(tmp_path: Path) -> None:
    root = source_copy(tmp_path)
    plant(root, "tracker/exports/seeded.py", '"""x."""\n\ndef f(df):\n    return df.to_csv()\n')
    plant(root, "pages/seeded.py", '"""x."""\nimport csv\nw = csv.writer(open("x"))\n')
    assert sorted(csv_writers(root)) == ["pages/seeded.py:3", "tracker/exports/seeded.py:4"]


# --- catalogue and audit CSVs -----------------------------------------------------------


def test_catalogue_export_neutralises_and_reads_back(tmp_db: Path) -> None:
    with db.transaction() as tx:
        tx.execute(
            "update unit set name = $n, note = '-5 biên chế' where code = 'KT'", {"n": ISSUE_10}
        )
    data = catalogues.export_csv("units")
    kt = next(r for r in _rows(data) if r[0] == "KT")
    assert kt[1] == "Đã họp giao ban;'" + CALC
    assert kt[4] == "'-5 biên chế"
    assert kt[2] == "True"  # booleans are not text
    assert data.startswith("\ufeffcode,name,active,sample,note\n".encode())  # LF, as in data/
    # Read back (the admin's edit-and-reload round trip): the guard apostrophes are dropped.
    problems: list[str] = []
    rows = dict(
        (r["code"], r) for _, r in catalogues.read_csv(data.decode("utf-8"), "units", problems)
    )
    assert problems == []
    assert (rows["KT"]["name"], rows["KT"]["note"]) == (ISSUE_10, "-5 biên chế")


def test_audit_csv_neutralises_segments(users: dict) -> None:
    audit.record(
        "catalogue_edit", username="admin", role="quan_tri", target=ISSUE_10, detail="\t@x"
    )
    today = settings.now().date()
    entries = admin.audit_entries(users["quan_tri"], date_from=today, date_to=today)
    rows = _rows(admin.audit_csv(entries, users["quan_tri"]))
    edit = next(r for r in rows if r[4].startswith("Đã họp"))
    assert edit[4] == "Đã họp giao ban;'" + CALC
    assert edit[5] == "'\t'@x"
    assert all(not c.startswith(csvsafe.FORMULA_PREFIXES) for r in rows for c in r)


def test_audit_csv_handles_empty_range(users: dict) -> None:
    entries = admin.audit_entries(
        users["quan_tri"], date_from=date(2020, 1, 1), date_to=date(2020, 1, 2)
    )
    assert _rows(admin.audit_csv(entries, users["quan_tri"])) == [
        list(admin.AUDIT_COLUMNS.values())
    ]


# --- .xlsx text cells ---------------------------------------------------------------------


def test_xlsx_text_is_never_a_formula() -> None:
    wb = Workbook()
    ws = wb.active
    for row, text in enumerate([CALC, ISSUE_10, "-5", "Bình thường"], start=1):
        csvsafe.xlsx_text(ws.cell(row=row, column=1), text)
    out = io.BytesIO()
    wb.save(out)
    back = load_workbook(io.BytesIO(out.getvalue()))
    cells = [back.active.cell(row=r, column=1) for r in range(1, 5)]
    assert [c.value for c in cells] == [CALC, ISSUE_10, "-5", "Bình thường"]  # text kept as is
    assert [c.data_type for c in cells] == ["s"] * 4
    assert [c.quotePrefix for c in cells] == [True, True, True, False]


# --- st.dataframe toolbars ------------------------------------------------------------------


def test_dataframe_toolbar_export_is_disabled() -> None:
    """The st.dataframe / st.data_editor / chart toolbars would download raw unit text as CSV
    (and copy it to the clipboard, which Excel also evaluates): `client.disableDataExport` hides
    them in every table at once, so CSVs come only from the guarded download buttons."""
    from streamlit import config

    assert "client.disableDataExport" in config._config_options_template
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        assert tomllib.load(f)["client"]["disableDataExport"] is True


def _formulas(xlsx: bytes) -> list[str]:
    """Worksheets of an .xlsx that hold a formula element."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return [
            n
            for n in z.namelist()
            if n.startswith("xl/worksheets/sheet") and re.search(r"<f[ >]", z.read(n).decode())
        ]


def test_template_does_not_turn_last_weeks_text_into_a_formula(users: dict) -> None:
    """The reporter typed as text ('=1+1 in Excel) comes back pre-filled next week as text."""
    book = Book()
    wb = book.workbook()
    cell = wb.worksheets[0][book.header_cell(contract.LABEL_REPORTER)]
    cell.value, cell.data_type = "=1+1", "s"
    result = submissions.submit(
        save(wb), "hctc-w10.xlsx", users["don_vi"], now=datetime(2026, 3, 5, 10)
    )
    assert result.status == "accepted", result.errors
    data = template.build("HCTC", "2026-W11")
    assert _formulas(data) == []
    back = load_workbook(io.BytesIO(data)).worksheets[0]
    reporter = next(
        r[1] for r in back.iter_rows(max_col=2) if r[0].value == f"{contract.LABEL_REPORTER}:"
    )
    assert (reporter.value, reporter.data_type, reporter.quotePrefix) == ("=1+1", "s", True)


def test_criteria_xlsx_keeps_formula_looking_text_as_text(tmp_db: Path) -> None:
    set_id = criteria.active_set()["id"]
    with db.transaction() as tx:
        tx.execute(
            "update criterion set title = $t where set_id = $s and sort_order = "
            "(select min(sort_order) from criterion where set_id = $s)",
            {"t": CALC, "s": set_id},
        )
    data = criteria.to_xlsx(set_id)
    assert _formulas(data) == []
    rows, problems = criteria.parse_xlsx(data)
    assert problems == []
    assert rows[0]["title"] == CALC  # round trip: the text, not a formula's missing result


@pytest.mark.browser
@pytest.mark.skipif(not bs.CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium")
def test_grid_toolbar_has_no_csv_download_in_a_real_browser(tmp_path: Path) -> None:
    """The app as served (`streamlit run app.py` with the repo's config): a table's toolbar
    offers search but no "Download as CSV"."""
    from playwright.sync_api import expect

    path = tmp_path / "tracker.duckdb"
    db.close_all()
    bs.create_accounts(path)
    with bs.running_server(path) as url, bs.chromium() as browser:
        context, page, watch = bs.new_page(browser, url)
        try:
            page.goto(f"{url}/ke_hoach")
            bs.login(page, bs.ACCOUNTS["lanh_dao"])
            bs.heading(page, "Kế hoạch năm 2026")
            grid = page.get_by_test_id("stDataFrame").first
            grid.hover()
            expect(grid.get_by_role("button", name="Search")).to_be_attached()
            assert grid.get_by_role("button", name="Download as CSV").count() == 0
            watch.assert_clean()
        finally:
            context.close()
