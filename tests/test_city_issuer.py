"""A body's Báo cáo, its annex and its report workbook speak as that body (report_issuer_*
settings, tracker/catalogue/issuer.py), read back with python-docx and openpyxl on the city
sample (tests/city_fixture.py): Sở Nội vụ (a sở) and X001 (a UBND xã, phường)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from tests.baocao_reading import paragraphs
from tests.city_fixture import CITY_NOW
from tracker import settings
from tracker.catalogue import catalogues, editing, issuer
from tracker.city import bodies, registry
from tracker.exports import export
from tracker.store import db

pytestmark = pytest.mark.now(CITY_NOW)


def _made(code: str) -> tuple[bytes, bytes, bytes]:
    path = settings.body_db_path(code)
    doc, annex = export.baocao_files(period="quy1", year=2026, path=path, number="7")
    workbook = export.build("report", period="6thang", year=2026, path=path)
    return doc, annex, workbook


def _header(data: bytes) -> list[str]:
    """The issuer's cell at the top left: its lines, the rule's empty paragraph dropped."""
    cell = docx.Document(io.BytesIO(data)).tables[0].cell(0, 0)
    return [p.text for p in cell.paragraphs if p.text]


def _bold(data: bytes) -> list[bool]:
    cell = docx.Document(io.BytesIO(data)).tables[0].cell(0, 0)
    return [bool(p.runs[0].bold) for p in cell.paragraphs if p.text]


def _sheet_texts(data: bytes) -> tuple[str, list[str]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    first = book.worksheets[0]
    return book.properties.creator, [
        str(v) for r in first.iter_rows(values_only=True) for v in r if v
    ]


def _office_free(*texts: str) -> None:
    for text in texts:
        assert "văn phòng ubnd" not in text.casefold()
        assert "HCTC" not in text  # its places to complete ask the body, not the Office's HCTC


def test_a_so_speaks_as_itself(city: Path) -> None:
    doc, annex, workbook = _made("SNV")
    assert _header(doc) == ["UBND THÀNH PHỐ CẦN THƠ", "SỞ NỘI VỤ"]
    assert _bold(doc) == [False, True]
    lines = paragraphs(doc)
    opening = next(x for x in lines if "báo cáo kết quả thực hiện" in x)
    assert "của Sở Nội vụ về" in opening and ", Sở Nội vụ báo cáo kết quả thực hiện" in opening
    assert any(x.endswith("của Sở Nội vụ./.") for x in lines)
    assert any(
        x.startswith(
            "(Kèm theo Báo cáo số 7/BC-SNV ngày 01 tháng 7 năm 2026 của Sở Nội vụ thành phố"
        )
        for x in lines
    )
    nhan = lines.index("Nơi nhận:")
    assert lines[nhan + 3 : nhan + 5] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    props = docx.Document(io.BytesIO(doc)).core_properties
    assert props.author == props.last_modified_by == "Sở Nội vụ thành phố Cần Thơ"
    creator, cells = _sheet_texts(annex)
    assert creator == "Sở Nội vụ thành phố Cần Thơ"
    assert any("ngày 01 tháng 7 năm 2026 của Sở Nội vụ thành phố Cần Thơ" in c for c in cells)
    assert "SỞ NỘI VỤ" in cells  # who signs under Bảng 1
    creator, cells = _sheet_texts(workbook)
    assert any(c.startswith("(SỞ NỘI VỤ THÀNH PHỐ CẦN THƠ: Báo cáo tổng hợp") for c in cells)
    _office_free("\n".join(lines), "\n".join(cells), creator)


def test_a_xa_speaks_as_its_ubnd(city: Path) -> None:
    name = bodies.find("X001", registry.path()).name  # 'UBND xã …' / 'UBND phường …'
    place = name.removeprefix("UBND ")
    doc, annex, workbook = _made("X001")
    # No chủ quản line above an Ủy ban nhân dân; its name on two bold lines.
    assert _header(doc) == ["ỦY BAN NHÂN DÂN", place.upper()]
    assert _bold(doc) == [True, True]
    lines = paragraphs(doc)
    assert any(f", {name} báo cáo kết quả thực hiện" in x for x in lines)
    assert any(x.endswith(f"của {name}./.") for x in lines)
    assert any(x.endswith(f"của {name})") and x.startswith("(Kèm theo") for x in lines)
    nhan = lines.index("Nơi nhận:")
    assert lines[nhan + 3 : nhan + 5] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert not any("Lãnh đạo Văn phòng" in x for x in lines)
    assert any("[Cơ quan bổ sung: họ và tên người ký]" in x for x in lines)
    creator, cells = _sheet_texts(annex)
    assert creator == name
    assert f"ỦY BAN NHÂN DÂN {place.upper()}" in cells
    creator, cells = _sheet_texts(workbook)
    assert any(c.startswith(f"({name.upper()}: Báo cáo tổng hợp") for c in cells)
    _office_free("\n".join(lines), "\n".join(cells), creator)


def test_the_body_administrators_edit_shows_in_the_next_report(city_rw: Path) -> None:
    path = settings.body_db_path("X001")
    with db.transaction(path) as tx:
        for key, value in {
            "report_issuer_name": "ỦY BAN NHÂN DÂN;XÃ MẪU;THÀNH PHỐ CẦN THƠ",
            "report_signer_authority": "KT. CHỦ TỊCH",
            "report_signer_title": "PHÓ CHỦ TỊCH",
        }.items():
            tx.update("setting", "set value = $v where key = $k", {"k": key, "v": value})
    doc, _, _ = _made("X001")
    assert _header(doc) == ["ỦY BAN NHÂN DÂN", "XÃ MẪU", "THÀNH PHỐ CẦN THƠ"]
    lines = paragraphs(doc)
    nhan = lines.index("Nơi nhận:")
    assert lines[nhan + 3 : nhan + 5] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_a_body_file_made_before_the_settings_speaks_from_the_catalogue(city_rw: Path) -> None:
    """A body's file seeded before report_issuer_* has its words from the body catalogue (never
    the Office's); the admin's Tham số table lists them with those values to edit."""
    path = settings.body_db_path("X001")
    with db.transaction(path) as tx:
        tx.delete("setting", "where key like 'report_issuer%' or key = 'report_compiler'")
    name = bodies.find("X001", registry.path()).name
    assert issuer.of(path).text == name and issuer.of(path).parent == ""
    doc, _, _ = _made("X001")
    assert _header(doc)[0] == "ỦY BAN NHÂN DÂN"
    shown = editing.catalogue_frame("settings", path, year=2026)
    values = dict(zip(shown["key"], shown["value"], strict=True))
    assert values["report_issuer_text"] == name
    assert values["report_issuer_parent"] == ""
    assert set(catalogues.required_settings()) <= set(values)


def test_the_offices_words_are_the_defaults() -> None:
    rows = {r["key"]: r["value"] for r in catalogues.shipped_settings()}
    assert {k: rows[k] for k in issuer.KEYS} == issuer.OFFICE


@pytest.mark.parametrize(
    ("name", "kind", "header", "signer"),
    [
        (
            "Sở Tư pháp",
            "so_ban_nganh",
            "UBND THÀNH PHỐ CẦN THƠ|SỞ TƯ PHÁP",
            "KT. GIÁM ĐỐC|PHÓ GIÁM ĐỐC",
        ),
        (
            "Thanh tra thành phố",
            "so_ban_nganh",
            "UBND THÀNH PHỐ CẦN THƠ|THANH TRA THÀNH PHỐ",
            "KT. CHÁNH THANH TRA|PHÓ CHÁNH THANH TRA",
        ),
        (
            "UBND phường Cái Khế",
            "xa_phuong",
            "|ỦY BAN NHÂN DÂN;PHƯỜNG CÁI KHẾ",
            "TM. ỦY BAN NHÂN DÂN|CHỦ TỊCH",
        ),
    ],
)
def test_seeded_values_follow_decree_30(name: str, kind: str, header: str, signer: str) -> None:
    v = issuer.body_values(name, kind)
    assert f"{v['report_issuer_parent']}|{v['report_issuer_name']}" == header
    assert f"{v['report_signer_authority']}|{v['report_signer_title']}" == signer
