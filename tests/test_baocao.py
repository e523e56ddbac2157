"""The Báo cáo (.docx) to Sở Nội vụ read back with python-docx (tests/followup_fixture.py): the
layout of Nghị định 30/2020/NĐ-CP, the body drafted from the data, the settings behind the signer
and Nơi nhận, the report periods of Nghị định 09/2019/NĐ-CP, the command line and who may make it.
LibreOffice's PDF conversion is in tests/test_baocao_pdf.py."""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import docx
import pandas as pd
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from docxtpl import DocxTemplate

from tests import followup_fixture
from tests.apptest_helpers import open_page, texts
from tests.conftest import ROOT, child_env
from tracker.accounts import auth
from tracker.catalogue import periods, setting_rules
from tracker.exports import baocao, baocao_results, export, tables
from tracker.store import db
from tracker.tools import baocao_template, cli

NOW = datetime(2026, 3, 18, 10, 0)
SUBJECT = "Kết quả thực hiện công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở"
PLAN_ORDER = [
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


@pytest.fixture
def fx(tmp_db: Path, still_clock) -> Path:
    followup_fixture.load()
    still_clock(NOW)  # a clock that does not tick: equal bytes
    return tmp_db


def paragraphs(data: bytes) -> list[str]:
    """Every paragraph's text in reading order, table cells included."""
    body = docx.Document(io.BytesIO(data)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def _quy1() -> bytes:
    return export.build("baocao", period="quy1", year=2026, number="12")


# --- periods (Nghị định 09/2019/NĐ-CP, Điều 12) ---------------------------------------------------


@pytest.mark.parametrize(
    ("period", "end"),
    [
        ("quy1", date(2026, 3, 14)),
        ("6thang", date(2026, 6, 14)),
        ("9thang", date(2026, 9, 14)),
        ("nam", date(2026, 12, 14)),
    ],
)
def test_decree_periods_start_on_15_december_of_the_year_before(period: str, end: date) -> None:
    assert periods.decree_range(period, 2026) == (date(2025, 12, 15), end)
    assert periods.period_dates(period, "2026", None, None) == (date(2025, 12, 15), end)


def test_period_titles_and_errors() -> None:
    start, end = date(2025, 12, 15), date(2026, 6, 14)
    assert periods.period_title("6thang", 2026, start, end) == "6 tháng đầu năm 2026"
    assert periods.period_title("quy1", "2026", start, end) == "quý I năm 2026"
    assert periods.period_title(None, None, start, end) == "từ ngày 15/12/2025 đến ngày 14/06/2026"
    assert periods.period_dates(None, None, "01/03/2026", "2026-03-31") == (
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    for args, message in [
        (("6thang", None, None, None), "Cần chọn năm"),
        (("quy2", 2026, None, None), "Kỳ báo cáo 'quy2' không hợp lệ"),
        (("nam", 1999, None, None), "Năm không hợp lệ"),
        (("nam", 2026, "2026-01-01", None), "không cả hai"),
        ((None, None, None, None), "Cần chọn kỳ báo cáo"),
    ]:
        with pytest.raises(periods.RangeError, match=message):
            periods.period_dates(*args)


# --- settings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "good", "bad"),
    [
        ("report_number_prefix", "BC-VPUB", "bc vpub"),
        ("report_signer_authority", "", "Chánh Văn phòng"),
        ("report_signer_title", "CHÁNH VĂN PHÒNG", ""),
        ("report_signer_name", "", "x" * 81),
        ("report_recipients", "Sở Nội vụ;Lưu: VT, HCTC", " ; "),
    ],
)
def test_report_settings_are_validated(key: str, good: str, bad: str) -> None:
    assert setting_rules.value_problem(key, good) is None
    problem = setting_rules.value_problem(key, bad)
    assert problem and problem.startswith(f"Tham số {key}")


# --- the document -------------------------------------------------------------------------------


def test_layout_of_decree_30(fx) -> None:
    document = docx.Document(io.BytesIO(_quy1()))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (20, 20)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    header = document.tables[0]
    left, right = header.cell(0, 0).text.split("\n"), header.cell(0, 1).text.split("\n")
    assert left[:2] == ["UBND THÀNH PHỐ CẦN THƠ", "VĂN PHÒNG"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header.cell(1, 0).text.strip() == "Số: 12/BC-VPUB"
    place = header.cell(1, 1).paragraphs[0]
    assert place.text == "Cần Thơ, ngày 18 tháng 3 năm 2026"
    assert all(run.italic for run in place.runs if run.text.strip())


def test_title_sections_and_closing(fx) -> None:
    lines = paragraphs(_quy1())
    title = lines.index("BÁO CÁO")
    assert lines[title + 1] == f"{SUBJECT} quý I năm 2026"
    heads = [
        "I. KẾT QUẢ THỰC HIỆN",
        "II. ĐÁNH GIÁ CHUNG",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    positions = [lines.index(h) for h in heads]
    assert positions == sorted(positions) and positions[0] > title
    # Each of II-IV keeps a marked place for HCTC's own judgement.
    for a, b in zip(positions[1:], [*positions[2:], len(lines)], strict=True):
        assert any(x.startswith("[HCTC bổ sung:") for x in lines[a:b])
    # The plan cited by number and date: slots where the plan records neither.
    assert any(
        x.startswith(
            "Thực hiện Kế hoạch số [HCTC bổ sung: số Kế hoạch] ngày [HCTC bổ sung: ngày ban "
            "hành Kế hoạch] của Văn phòng UBND thành phố về thực hiện công tác dân vận chính quyền"
        )
        for x in lines[title : positions[0]]
    )
    # The annexes are named, never a file name.
    (annexed,) = [x for x in lines if x.startswith("(Kèm theo Phụ lục I: ")]
    assert "Phụ lục II. Kết quả của từng đơn vị" in annexed and ".xlsx" not in annexed
    assert not any(".xlsx" in x or ".docx" in x for x in lines)
    # Phụ lục I follows the signature, headed as Nghị định 30/2020 heads a phụ lục.
    at = lines.index("Phụ lục I")
    assert at > lines.index("PHÓ CHÁNH VĂN PHÒNG")
    assert lines[at + 1] == "KẾT QUẢ THỰC HIỆN THEO NHIỆM VỤ"
    assert lines[at + 2] == (
        "(Kèm theo Báo cáo số 12/BC-VPUB ngày 18 tháng 3 năm 2026 của Văn phòng UBND thành "
        "phố Cần Thơ)"
    )
    nhan = lines.index("Nơi nhận:")
    assert lines[nhan + 1 : nhan + 4] == [
        "- Sở Nội vụ;",
        "- Lãnh đạo Văn phòng;",
        "- Lưu: VT, HCTC.",
    ]
    assert lines[nhan + 4 : nhan + 6] == ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]
    # No signer's name in the settings: a highlighted slot where it goes.
    assert "[HCTC bổ sung: họ và tên người ký]" in lines[nhan + 6 : at]
    assert not any("{{" in x or "{%" in x for x in lines), "a template field was left unfilled"


def _highlighted(data: bytes) -> list[str]:
    """The text of every highlighted run."""
    body = docx.Document(io.BytesIO(data)).element.body
    return [
        "".join(t.text or "" for t in r.iter(qn("w:t")))
        for r in body.iter(qn("w:r"))
        if r.find(f"{qn('w:rPr')}/{qn('w:highlight')}") is not None
        or r.find(f"{qn('w:rPr')}/{qn('w:shd')}") is not None
    ]


def test_the_offices_places_are_highlighted_and_nothing_internal_is_plain(fx) -> None:
    data = _quy1()
    marked = _highlighted(data)
    for slot in (
        "[HCTC bổ sung: số Kế hoạch]",
        "[HCTC bổ sung: họ và tên người ký]",
        "[HCTC bổ sung: ưu điểm, hạn chế và nguyên nhân; nhận định của Lãnh đạo Văn phòng.]",
    ):
        assert slot in marked, slot
    # Every "[HCTC …]" of the document is highlighted; the provisional-criteria note is one.
    text = " ".join(paragraphs(data))
    assert text.count("[HCTC") == sum(m.count("[HCTC") for m in marked)
    assert "TẠM THỜI" not in text and "Lưu ý:" not in text


def test_the_plans_number_and_date_come_from_the_plan(fx) -> None:
    with db.transaction() as tx:
        tx.update(
            "plan",
            "set number = '05/KH-VPUB', issued_on = date '2026-01-12' where year = 2026",
        )
    lines = paragraphs(_quy1())
    assert any(
        x.startswith("Thực hiện Kế hoạch số 05/KH-VPUB ngày 12/01/2026 của Văn phòng UBND")
        for x in lines
    )
    assert not any("số Kế hoạch]" in x for x in lines)


def test_pages_are_numbered_at_the_top_centre_from_the_second(fx) -> None:
    """Nghị định 30/2020: the number at the top centre, not on the first page; the phụ lục
    numbered on its own from 1."""
    document = docx.Document(io.BytesIO(_quy1()))
    body, annex = document.sections
    for section in (body, annex):
        assert section.different_first_page_header_footer
        (number,) = section.header.paragraphs
        assert number.alignment == 1  # centre
        assert "PAGE" in "".join(t.text or "" for t in number._p.iter(qn("w:instrText")))
        assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    restart = annex._sectPr.find(qn("w:pgNumType"))
    assert restart is not None and restart.get(qn("w:start")) == "1"


def _summary(week: str) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(tables.summary_csv(week).decode("utf-8-sig"))))
    return {r[0]: r for r in rows[1:]}


@pytest.mark.parametrize(
    ("period", "week", "now"),
    [("quy1", "2026-W11", NOW), ("6thang", "2026-W24", datetime(2026, 6, 20, 9, 0))],
)
def test_every_task_in_plan_order_with_the_summary_csv_completion(
    fx, still_clock, period: str, week: str, now: datetime
) -> None:
    still_clock(now)
    data = export.build("baocao", period=period, year=2026)
    assert periods.as_of_week(periods.decree_range(period, 2026)[1]) == week
    summary = _summary(week)
    assert list(summary) == PLAN_ORDER
    task_table = docx.Document(io.BytesIO(data)).tables[1]
    rows = [[c.text for c in r.cells] for r in task_table.rows[1:]]
    assert [r[1].rsplit("(", 1)[1].rstrip(")") for r in rows] == PLAN_ORDER
    for r in rows:
        code = r[1].rsplit("(", 1)[1].rstrip(")")
        # Same figure as the summary CSV for the period's last week, Vietnamese decimal comma.
        assert r[2] == summary[code][5].replace(".", ","), code
        assert r[4] == summary[code][7]
        assert r[5] == f"{summary[code][4]}/{summary[code][3]}"
    lines = paragraphs(data)
    headings = [x for x in lines if x.startswith("1.") and "(nhiệm vụ " in x]
    codes = [h.rsplit("(nhiệm vụ ", 1)[1].rstrip(")") for h in headings]
    assert codes == [c for c in PLAN_ORDER if c in codes]  # plan order
    reported = [c for c in PLAN_ORDER if summary[c][4] != "0"]
    assert set(reported) <= set(codes)  # every task with a report has its section
    for h, code in zip(headings, codes, strict=True):
        figure = lines[lines.index(h) + 1]
        if summary[code][7] == "Chưa có báo cáo":
            assert figure.startswith(
                f"Tiến độ: chưa có đơn vị báo cáo; {summary[code][3]} đơn vị được giao"
            )
        elif summary[code][7] == "Hoàn thành":
            assert figure.startswith("Tiến độ: đã hoàn thành;")
        else:
            assert figure.startswith(f"Tiến độ: đạt {summary[code][5].replace('.', ',')}%")
            assert f"; {summary[code][4]}/{summary[code][3]} đơn vị đã báo cáo" in figure


def test_indicator_totals_equal_a_hand_computed_sum(fx) -> None:
    table = docx.Document(io.BytesIO(_quy1())).tables[2]
    values = {
        r.cells[1].text.rsplit("(", 1)[1].rstrip(")"): (r.cells[4].text, r.cells[5].text)
        for r in table.rows[1:]
    }
    # Flow, summed over the weeks of 15/12/2025..14/03/2026: VAN_BAN HCTC 2 (W09) + 3 (W10);
    # TCD_LUOT BTCD 8 (W09) + 12 (W10); DOI_THOAI 1. Stock, each unit's latest: MO_HINH HCTC 2 + BTCD 1.
    assert values["VAN_BAN"] == ("5", "1")
    assert values["TCD_LUOT"] == (str(8 + 12), "1")
    assert values["DOI_THOAI"] == ("1", "1")
    assert values["MO_HINH"] == (str(2 + 1), "2")
    assert values["TAP_HUAN"] == ("", "0")
    lines = paragraphs(_quy1())
    assert (
        "Chỉ số: Lượt tiếp công dân: 20 lượt (cộng dồn trong kỳ, 1 đơn vị); Cuộc đối thoại với Nhân dân: 1 cuộc (cộng dồn trong kỳ, 1 đơn vị)."
        in lines
    )


def test_results_documents_models_difficulties(fx) -> None:
    data = _quy1()
    lines = paragraphs(data)
    assert (
        "Kết quả nổi bật: Ban Tiếp công dân thành phố: Tiếp 8 lượt công dân; Tiếp 12 lượt công "
        "dân. Có 1 đơn vị nêu kết quả trong kỳ (Phụ lục II)." in lines
    )
    # KT's only result on II.1.a ("-5 hội nghị") is too short to say anything: not quoted.
    assert "Kết quả: Có 1 đơn vị nêu kết quả trong kỳ (Phụ lục II), chưa nêu việc cụ thể." in lines
    assert "Văn bản: các đơn vị nêu 1 quyết định." in lines
    assert any(
        x.startswith(
            "Đến hết Tuần 11/2026, theo danh sách các đơn vị đăng ký (Phụ lục IV), 1 đơn vị có "
            '2 mô hình, điển hình "Dân vận khéo": 1 mô hình ở trạng thái “Đăng ký”; 1 mô hình '
            "ở trạng thái “Đang thực hiện”."
        )
        for x in lines
    )
    # followup_fixture as of W11: 9 raised (5 sheet texts with a mark or open, 1 reopened, 3 in
    # the app), 3 handled, 6 still open; every one accounted for.
    (account,) = [x for x in lines if x.startswith("Từ đầu năm 2026 đến hết Tuần 11/2026")]
    assert "các đơn vị nêu 9 khó khăn, vướng mắc: Lãnh đạo Văn phòng đã xử lý 3 khó khăn" in account
    assert "còn 6 khó khăn, vướng mắc chưa xử lý" in account
    # Phụ lục I: one block per task, the open difficulties named in it.
    blocks = {r[1]: r for r in _annex_rows(data)[1:]}
    assert "Phòng tiếp dân xuống cấp" in blocks["Tiếp dân, đối thoại (II.4)"][4]
    assert "đã nêu 2 (đã xử lý 1, chưa xử lý 1)" in blocks["Tiếp dân, đối thoại (II.4)"][2]
    assert "Cần hướng dẫn ghi minh chứng" in blocks["Khó khăn, vướng mắc không gắn với nhiệm vụ"][4]
    assert len(blocks) == len(PLAN_ORDER) + 1


def _annex_rows(data: bytes) -> list[list[str]]:
    """The rows (header first) of Phụ lục I's table."""
    document = docx.Document(io.BytesIO(data))
    (table,) = [
        t for t in document.tables if "Tiến độ, số liệu" in [c.text for c in t.rows[0].cells]
    ]
    return [[c.text for c in r.cells] for r in table.rows]


def test_documents_cited_once_with_their_units() -> None:
    ev = pd.DataFrame(
        {
            "task_code": ["II.2", "II.2", "II.2", "II.4"],
            "unit_code": ["HCTC", "BTCD", "HCTC", "BTCD"],
            "evidence": [
                "Kế hoạch 5/KH-VPUB; QĐ 12/QĐ-VP",
                "kế hoạch  5/KH-VPUB",
                "QĐ 12/QĐ-VP\nCông văn 7",
                "Sổ tiếp dân",
            ],
        }
    )
    found = baocao_results.split_documents(ev)
    assert found == {
        "II.2": {
            "Kế hoạch 5/KH-VPUB": ["HCTC", "BTCD"],
            "QĐ 12/QĐ-VP": ["HCTC"],
            "Công văn 7": ["HCTC"],
        },
        "II.4": {"Sổ tiếp dân": ["BTCD"]},
    }
    assert baocao_results.doc_counts(list(found["II.2"])) == (
        "3 văn bản (1 công văn, 1 kế hoạch, 1 quyết định)"
    )
    assert baocao_results.doc_counts(["Kế hoạch 1", "Số 2/KH-VP"]) == "2 kế hoạch"
    assert baocao_results.doc_type("Thông báo số 86/TB-HCTC ngày 24/02/2026") == "thông báo"
    assert baocao_results.doc_type("Số 144/TB-TTPVHCC ngày 12/05/2026") == "thông báo"
    assert baocao_results.doc_type("Sổ tiếp dân") == "văn bản khác"


def test_signer_and_recipients_come_from_the_settings(fx) -> None:
    with db.transaction() as tx:
        for k, v in [
            ("report_signer_authority", ""),
            ("report_signer_title", "CHÁNH VĂN PHÒNG"),
            ("report_signer_name", "Nguyễn Văn A"),
            ("report_recipients", "Sở Nội vụ;Lưu: VT"),
            ("report_number_prefix", "BC-VP"),
        ]:
            tx.execute("update setting set value = $v where key = $k", {"k": k, "v": v})
    lines = paragraphs(export.build("baocao", date_from="2026-03-01", date_to="2026-03-31"))
    nhan = lines.index("Nơi nhận:")
    assert lines[nhan + 1 : nhan + 4] == ["- Sở Nội vụ;", "- Lưu: VT.", "CHÁNH VĂN PHÒNG"]
    assert "Nguyễn Văn A" in lines and "KT. CHÁNH VĂN PHÒNG" not in lines
    assert "Số: " + "\u00a0" * 8 + "/BC-VP" in lines  # blank: the văn thư writes the number
    assert f"{SUBJECT} từ ngày 01/03/2026 đến ngày 31/03/2026" in lines


# Weeks of the plan have closed, none reported: the report's sections say "none" (before the first
# week closes it says only that: tests/test_baocao_figures.py).
@pytest.mark.now("2026-11-25T10:00:00")
def test_an_empty_database_still_gives_a_report(tmp_db: Path) -> None:
    lines = paragraphs(export.build("baocao", period="nam", year=2026))
    assert f"{SUBJECT} năm 2026" in lines
    assert any("chưa có đơn vị nào đăng ký mô hình" in x for x in lines)
    assert any("chưa có đơn vị nào tự chấm điểm" in x for x in lines)


def test_template_fields_match_the_context(fx) -> None:
    """The committed template asks for exactly the fields baocao.context fills."""
    p = baocao.period_of("quy1", 2026, None, None)
    fields = DocxTemplate(str(baocao.template_path())).get_undeclared_template_variables()
    assert fields == set(baocao.context(p, None, NOW))


def test_template_script_writes_only_where_told(tmp_path: Path) -> None:
    out = tmp_path / "mau.docx"
    assert baocao_template.main(["--out", str(out)]) == 0
    lines = paragraphs(out.read_bytes())
    assert "Số: {{ so }}/{{ ky_hieu }}" in lines and "BÁO CÁO" in lines


# --- who may make it, the command line ----------------------------------------------------------


def test_only_leaders_and_admins_may_download_it(fx, users) -> None:
    for kind in ("baocao", "phu_luc"):
        with pytest.raises(auth.PermissionDenied, match="Lãnh đạo hoặc Quản trị"):
            export.download(users["don_vi"], kind, period="quy1", year=2026)
    for role in ("lanh_dao", "quan_tri"):
        made = export.download(users[role], "baocao", period="quy1", year=2026, number="12")
        assert made == _quy1()


def test_is_deterministic_and_names_its_file(fx) -> None:
    assert _quy1() == _quy1()
    assert (
        export.file_name("baocao", period="6thang", year=2026) == "bao-cao_20251215-20260614.docx"
    )
    assert (
        export.file_name("phu_luc", period="6thang", year=2026)
        == "bao-cao_20251215-20260614_phu-luc.xlsx"
    )
    # On 18/03/2026 the 6-month period has data to W11 only: the workbook holds (and is named
    # after) those dates; the Báo cáo keeps its period's name and says where its data stop.
    assert (
        export.file_name("report", period="6thang", year=2026)
        == "bao-cao-tong-hop_20251215-20260315.xlsx"
    )
    lines = paragraphs(export.build("baocao", period="6thang", year=2026))
    assert any(
        "tính đến hết Tuần 11/2026 (09/03 - 15/03/2026), tuần gần nhất đã hết hạn nộp báo cáo "
        "(kỳ báo cáo đến ngày 14/06/2026 chưa kết thúc)" in x
        for x in lines
    )


@pytest.mark.parametrize(
    ("period", "year", "date_from", "date_to"),
    [
        ("6thang", "2026", None, None),
        ("quy1", "2026", None, None),
        (None, None, "2026-03-01", "2026-03-31"),
    ],
)
def test_cli_writes_the_same_bytes_as_the_page(
    fx, users, tmp_path: Path, period, year, date_from, date_to
) -> None:
    """`export baocao` writes the Báo cáo and, beside it, its annex workbook: the bytes of the
    page's two buttons."""
    out = tmp_path / "bc.docx"
    args = argparse.Namespace(
        kind="baocao",
        week=None,
        date_from=date_from,
        date_to=date_to,
        period=period,
        year=year,
        number="7",
        out=str(out),
    )
    assert cli.cmd_export(args) == 0
    asked = {"period": period, "year": year, "date_from": date_from, "date_to": date_to}
    page = export.download(users["lanh_dao"], "baocao", number="7", **asked)
    annex = export.download(users["lanh_dao"], "phu_luc", number="7", **asked)
    assert out.read_bytes() == page
    assert (tmp_path / "bc_phu-luc.xlsx").read_bytes() == annex
    args.annex = str(tmp_path / "khac" / "phu-luc.xlsx")
    assert cli.cmd_export(args) == 0
    assert (tmp_path / "khac" / "phu-luc.xlsx").read_bytes() == annex


@pytest.mark.parametrize(
    "argv",
    [
        ["baocao"],
        ["baocao", "--period", "6thang"],
        ["baocao", "--period", "6thang", "--year", "1999"],
        ["baocao", "--period", "6thang", "--year", "2026", "--number", "12a"],
        [
            "baocao",
            "--period",
            "6thang",
            "--year",
            "2026",
            "--from",
            "2026-01-01",
            "--to",
            "2026-02-01",
        ],
        ["baocao", "--from", "2026-03-31", "--to", "2026-03-01"],
    ],
)
def test_cli_usage_errors(tmp_db: Path, tmp_path: Path, capsys, argv) -> None:
    out = tmp_path / "x.docx"
    args = cli.build_parser().parse_args(["export", *argv, "--out", str(out)])
    assert cli.cmd_export(args) == 2
    assert "Lỗi:" in capsys.readouterr().err
    assert not out.exists()


def test_cli_subprocess(tmp_db: Path, tmp_path: Path) -> None:
    followup_fixture.load()
    db.close_all()  # let the child process open the database file
    out = tmp_path / "bc.docx"
    argv = [
        "--db",
        str(tmp_db),
        "export",
        "baocao",
        "--period",
        "6thang",
        "--year",
        "2026",
        "--out",
        str(out),
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(),
    )
    assert proc.returncode == 0, proc.stderr
    # The child's clock ticks: rebuild here at the instant its file records.
    stamped = docx.Document(str(out)).core_properties.modified.replace(tzinfo=None)
    p = baocao.period_of("6thang", 2026, None, None)
    assert out.read_bytes() == baocao.report_docx(p, now=stamped)


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.now(followup_fixture.NOW)
def test_page_offers_the_baocao_to_leaders_only(users, fx) -> None:
    query = {"week": "2026-W10", "range": "6thang", "report_year": "2026"}
    at = open_page(users["lanh_dao"], "xuat_du_lieu", query)
    assert not at.exception
    keys = [b.key for b in at.get("download_button")]
    assert {"dl_report", "dl_baocao", "dl_phu_luc"} <= set(keys)
    assert "Từ ngày 15/12/2025 đến ngày 14/06/2026" in texts(at)
    at.text_input(key="baocao_number").input("12a").run()
    assert any("Số báo cáo phải là số nguyên dương" in e.value for e in at.error)
    unit = open_page(users["don_vi"], "xuat_du_lieu", query)
    assert not unit.exception
    assert not {"dl_baocao", "dl_phu_luc"} & {b.key for b in unit.get("download_button")}
    assert "dành cho tài khoản Lãnh đạo và Quản trị" in texts(unit)


def test_an_edit_of_the_offices_template_shows_in_the_report(
    fx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Office edits data/bao_cao_mau.docx in Word (no programmer): what it types is in the
    next report, the fields around it still filled."""
    folder = tmp_path / "danh-muc"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("*.duckdb*", "*_files"))
    template = folder / baocao.TEMPLATE_NAME
    edited = docx.Document(str(template))
    (place,) = [p for p in edited.paragraphs if p.text == "BÁO CÁO"]
    place.runs[0].text = "BÁO CÁO NHANH"
    (annex,) = [p for p in edited.paragraphs if p.text == "Phụ lục I"]
    annex.insert_paragraph_before("Ghi chú của Văn phòng: số liệu do các đơn vị tự báo cáo.")
    edited.save(str(template))
    monkeypatch.setenv("TRACKER_CATALOGUES", str(folder))
    assert baocao.template_path() == template
    lines = paragraphs(_quy1())
    assert "BÁO CÁO NHANH" in lines and "BÁO CÁO" not in lines
    assert "Ghi chú của Văn phòng: số liệu do các đơn vị tự báo cáo." in lines
    assert lines[lines.index("BÁO CÁO NHANH") + 1] == f"{SUBJECT} quý I năm 2026"
