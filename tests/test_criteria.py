"""Criteria sets: reading a replacement from .xlsx, validation with cells, versions, editing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.libreoffice import convert, needs_libreoffice
from tests.scoring_fixture import add_scores, ordinary_scores
from tracker.accounts import auth
from tracker.catalogue import criteria
from tracker.metrics import scoring
from tracker.store import db

HEADER = ["Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Loại", "Đơn vị phụ trách"]


def xlsx(rows: list[list], header: list[str] = HEADER, title_rows: int = 2) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục II"
    for _ in range(title_rows):
        ws.append(["BỘ TIÊU CHÍ ĐÁNH GIÁ CÔNG TÁC DÂN VẬN CHÍNH QUYỀN"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


OFFICIAL = [
    ["A. Lãnh đạo, chỉ đạo", None, None, None, None],
    ["A1", "Ban hành kế hoạch", 30, "Thường", ""],
    ["A2", "Tổ chức quán triệt", 20, "", "Ban Tiếp công dân thành phố"],
    ["B", "Thực hiện dân chủ", None, None, None],
    ["B1", "Công khai thông tin", 50, "thường", "TTPVHCC"],
    ["T1", "Khen thưởng", 5, "Điểm thưởng", None],
    ["P1", "Báo cáo trễ", -5, None, None],
]


def test_parse_official_layout(tmp_db: Path) -> None:
    rows, problems = criteria.parse_xlsx(xlsx(OFFICIAL))
    assert problems == []
    by_code = {r["code"]: r for r in rows}
    assert list(by_code) == ["A1", "A2", "B1", "T1", "P1"]
    assert by_code["A1"]["group_code"] == "A"
    assert by_code["A1"]["group_name"] == "A. Lãnh đạo, chỉ đạo"
    assert by_code["B1"]["group_name"] == "B. Thực hiện dân chủ"
    assert by_code["A1"]["responsible_unit"] == "HCTC"  # empty → HCTC
    assert by_code["A2"]["responsible_unit"] == "BTCD"  # matched by name
    assert by_code["B1"]["responsible_unit"] == "TTPVHCC"
    assert (by_code["T1"]["kind"], by_code["T1"]["max_points"]) == ("bonus", 5.0)
    assert (by_code["P1"]["kind"], by_code["P1"]["max_points"]) == ("penalty", 5.0)


def test_every_problem_reported_with_its_cell(tmp_db: Path) -> None:
    bad = [
        ["A1", "Ban hành kế hoạch", 60, "Thường", "HCTC"],
        ["A1", "Trùng mã", 10, "Thường", "HCTC"],
        ["A2", "", 10, "Thường", "HCTC"],
        ["A3", "Điểm không đọc được", "mười", "Thường", "HCTC"],
        ["A4", "Đơn vị lạ", 10, "Thường", "Phòng Không Tồn Tại"],
        ["A5", "Loại lạ", 10, "Đặc biệt", "HCTC"],
        ["A 6", "Mã có khoảng trắng", 10, "Thường", "HCTC"],
        ["A7", "Âm mà không phải điểm trừ", -3, "Thường", "HCTC"],
    ]
    _, problems = criteria.parse_xlsx(xlsx(bad))
    found = {(p.code, p.cell) for p in problems}
    # The header is on row 3 (two title rows), so data starts on row 4.
    assert ("criterion_code_duplicate", "A5") in found
    assert ("criterion_title_missing", "B6") in found
    assert ("criterion_max_invalid", "C7") in found
    assert ("criterion_unit_unknown", "E8") in found
    assert ("criterion_kind_invalid", "D9") in found
    assert ("criterion_code_invalid", "A10") in found
    assert ("criterion_max_negative", "C11") in found
    duplicate = next(p for p in problems if p.code == "criterion_code_duplicate")
    assert "A4" in duplicate.message
    assert all(p.sheet == "Phụ lục II" for p in problems)


def test_total_not_100_is_a_warning(tmp_db: Path) -> None:
    rows, problems = criteria.parse_xlsx(xlsx([["A1", "Một tiêu chí", 40, "", ""]]))
    assert len(rows) == 1
    assert [(p.code, p.severity) for p in problems] == [("criteria_total_not_100", "warning")]


def test_refuses_files_that_are_not_plain_xlsx(tmp_db: Path) -> None:
    _, problems = criteria.parse_xlsx(b"Ma tieu chi,Diem\nA1,4\n", "tieu_chi.csv")
    assert problems
    assert "file_not_xlsx" in [p.code for p in criteria.parse_xlsx(b"Ma,Diem\nA1,4\n")[1]]
    assert all("xlsx" in p.fix for p in problems)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx(OFFICIAL))) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"macro")
    _, problems = criteria.parse_xlsx(buffer.getvalue())
    assert "file_macro" in [p.code for p in problems]
    _, problems = criteria.parse_xlsx(xlsx(OFFICIAL, header=["Mã", "Tên"]))
    assert [p.code for p in problems] == ["criteria_header_missing"]


def test_round_trip_of_the_provisional_set(tmp_db: Path) -> None:
    rows, problems = criteria.parse_xlsx(criteria.to_xlsx(1))
    assert problems == []
    original = criteria.criteria_of(1)
    assert [r["code"] for r in rows] == original["code"].tolist()
    assert [r["max_points"] for r in rows] == original["max_points"].tolist()
    assert [r["kind"] for r in rows] == original["kind"].tolist()
    assert [r["responsible_unit"] for r in rows] == original["responsible_unit"].tolist()
    assert [r["group_name"] for r in rows] == original["group_name"].tolist()


@needs_libreoffice
def test_reads_a_file_saved_by_libreoffice(tmp_db: Path, tmp_path: Path) -> None:
    source = tmp_path / "src" / "bo_tieu_chi.xlsx"
    source.parent.mkdir()
    source.write_bytes(xlsx(OFFICIAL))
    saved = convert(source, "xlsx:Calc MS Excel 2007 XML", tmp_path / "out")
    rows, problems = criteria.parse_xlsx(saved.read_bytes())
    assert problems == []
    assert [r["code"] for r in rows] == ["A1", "A2", "B1", "T1", "P1"]
    assert sum(r["max_points"] for r in rows if r["kind"] == "ordinary") == 100


@pytest.mark.parametrize("role", ["lanh_dao", "don_vi"])
def test_replacement_refused_for_non_admins(users, role: str) -> None:
    with pytest.raises(auth.PermissionDenied):
        criteria.replace_set(users[role], xlsx(OFFICIAL), "Phụ lục II chính thức", year=2026)
    with pytest.raises(auth.PermissionDenied):
        criteria.save_edited(
            users[role], criteria.edit_frame(1), "Sửa", provisional=True, year=2026
        )
    assert db.scalar("select count(*) from criteria_set") == 1


def test_replacement_with_errors_changes_nothing(users) -> None:
    with pytest.raises(criteria.CriteriaError) as info:
        criteria.replace_set(users["quan_tri"], xlsx([["A1", "", "x", "", ""]]), "Lỗi", year=2026)
    assert {p.code for p in info.value.problems} >= {"criterion_title_missing"}
    assert criteria.active_set(year=2026)["id"] == 1


def test_replacement_versions_the_set_and_keeps_earlier_scores(users) -> None:
    admin = users["quan_tri"]
    add_scores("KT", "2026-W10", ordinary_scores(75))
    add_scores("HCTC", "2026-W10", ordinary_scores(75))
    before = scoring.unit_total("KT", 2026)
    assert before["provisional"] is True
    new_id = criteria.replace_set(admin, xlsx(OFFICIAL), "Phụ lục II - QĐ 2579/QĐ-UBND", year=2026)
    active = criteria.active_set(year=2026)
    assert (active["id"], active["provisional"]) == (new_id, False)
    assert criteria.sets()["active"].sum() == 1
    # KT's sheet was given under set 1: same total, same set, still labelled provisional.
    after = scoring.unit_total("KT", 2026)
    assert after["final_total"] == pytest.approx(75.0)
    assert (after["set_id"], after["set_label"]) == (1, before["set_label"])
    assert len(criteria.criteria_of(1)) == 24
    # A later sheet under the new set is scored against it: A1 30, A2 10 of 20, B1 50 → 90 + 5 − 2.
    add_scores("VX", "2026-W11", {"A1": 30, "A2": 10, "B1": 50, "T1": 5, "P1": -2}, set_id=new_id)
    vx = scoring.unit_total("VX", 2026)
    assert vx["final_total"] == pytest.approx(93.0)
    assert vx["set_id"] == new_id
    assert vx["provisional"] is False
    # The Office's assessment follows the active set: A1 and T1 from HCTC (no set-2 sheet → 0),
    # A2 from BTCD and B1 from TTPVHCC (no sheets → 0).
    assert scoring.unit_total("VP", 2026)["final_total"] == pytest.approx(0.0)
    audit = db.rows("select action, username, after_value from audit_log")
    assert any(a == "criteria_replace" and u == "admin" for a, u, _ in audit)


def test_edit_creates_a_new_version(users) -> None:
    admin = users["quan_tri"]
    add_scores("KT", "2026-W10", ordinary_scores(75))
    table = criteria.edit_frame(1)
    table.loc[table["Mã tiêu chí"] == "A1", "Điểm tối đa"] = 5.0
    table.loc[table["Mã tiêu chí"] == "A2", "Đơn vị phụ trách"] = "BTCD"
    new_id = criteria.save_edited(admin, table, "Bộ tạm thời (sửa A1)", provisional=True, year=2026)
    edited = criteria.criteria_of(new_id).set_index("code")
    assert edited.loc["A1", "max_points"] == 5.0
    assert edited.loc["A2", "responsible_unit"] == "BTCD"
    assert criteria.criteria_of(1).set_index("code").loc["A1", "max_points"] == 4.0
    assert scoring.unit_total("KT", 2026)["final_total"] == pytest.approx(75.0)
    assert criteria.active_set(year=2026)["provisional"] is True
    bad = table.copy()
    bad.loc[0, "Điểm tối đa"] = 0.0
    with pytest.raises(criteria.CriteriaError) as info:
        criteria.save_edited(admin, bad, "Sai", provisional=True, year=2026)
    assert info.value.problems[0].cell == "dòng 1, cột Điểm tối đa"
