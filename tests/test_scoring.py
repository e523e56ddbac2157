"""Self-score totals, grades, ranks, reviews, the Office's assessment and the scores CSV.

Expected totals are worked out by hand in the comments (provisional set: ordinary maxima sum to
100; T1 bonus ≤ 5; P1, P2 penalties ≥ −5; B1, B2 belong to BTCD, D2 to TTPVHCC, the rest HCTC).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.scoring_fixture import NA, ORDINARY_MAX, add_scores, ordinary_scores
from tracker.accounts import auth
from tracker.ingest import contract, submissions, template
from tracker.metrics import scoring
from tracker.store import db

W = "2026-W10"
FULL = {code: float(m) for code, m in ORDINARY_MAX.items()}
PROVISIONAL_SET = "Bộ tiêu chí tạm thời (chưa phải Phụ lục II chính thức)"


def total(unit: str) -> dict:
    result = scoring.unit_total(unit, 2026)
    assert result is not None
    return result


def test_full_marks_and_missing_criterion_scores_zero(tmp_db: Path) -> None:
    add_scores("HCTC", W, FULL)
    add_scores("KT", W, {"A1": 4})  # 20 ordinary criteria missing: 0 points, maxima still count
    assert total("HCTC")["final_total"] == pytest.approx(100.0)
    kt = total("KT")
    assert kt["self_total"] == pytest.approx(4.0)  # 100 × 4 / 100
    assert kt["applicable_points"] == pytest.approx(100.0)
    assert kt["reviewed_total"] is None
    assert scoring.unit_total("VX", 2026) is None  # no sheet, no total


def test_not_applicable_rescales(tmp_db: Path) -> None:
    scores = FULL | {"D2": NA, "C1": 3.5}
    add_scores("KT", W, scores)
    kt = total("KT")
    # applicable maxima 100 − 6 = 94; scores 94 − 7 + 3.5 = 90.5; 100 × 90.5 / 94
    assert kt["applicable_points"] == pytest.approx(94.0)
    assert kt["final_total"] == pytest.approx(9050 / 94)
    assert kt["grade"] == "Tốt"


def test_bonus_and_penalty(tmp_db: Path) -> None:
    add_scores("KT", W, ordinary_scores(80) | {"T1": 3.0})
    # A penalty typed "2" in the sheet is stored by the reader as −2.
    add_scores("VX", W, ordinary_scores(80) | {"T1": 3.0, "P1": -2.0})
    assert total("KT")["final_total"] == pytest.approx(83.0)  # 80 + 3
    assert total("VX")["final_total"] == pytest.approx(81.0)  # 80 + 3 − 2


def test_clamped_to_0_and_100(tmp_db: Path) -> None:
    add_scores("KT", W, FULL | {"T1": 5.0})  # 100 + 5 → 100
    add_scores("VX", W, ordinary_scores(2) | {"P1": -5.0, "P2": -5.0})  # 2 − 10 → 0
    assert total("KT")["final_total"] == pytest.approx(100.0)
    vx = total("VX")
    assert vx["final_total"] == pytest.approx(0.0)
    assert vx["grade"] == "Yếu"


@pytest.mark.parametrize(
    ("points", "grade", "next_grade", "gap"),
    [
        (49.9, "Yếu", "Trung bình", 0.1),
        (50.0, "Trung bình", "Khá", 20.0),
        (69.9, "Trung bình", "Khá", 0.1),
        (70.0, "Khá", "Tốt", 20.0),
        (89.9, "Khá", "Tốt", 0.1),
        (90.0, "Tốt", None, None),
    ],
)
def test_band_edges(tmp_db: Path, points: float, grade: str, next_grade, gap) -> None:
    add_scores("KT", W, ordinary_scores(points))
    kt = total("KT")
    assert kt["final_total"] == pytest.approx(points)
    assert kt["grade"] == grade
    assert kt["next_grade"] == next_grade
    assert kt["gap_to_next"] == (None if gap is None else pytest.approx(gap))


def test_grade_bands_are_configurable(tmp_db: Path) -> None:
    add_scores("KT", W, ordinary_scores(80))
    assert total("KT")["grade"] == "Khá"
    with db.transaction() as tx:
        tx.execute(
            "update plan_setting set value = 'Tốt:80;Khá:65;Trung bình:50;Yếu:0' "
            "where key = 'grade_bands'"
        )
    assert total("KT")["grade"] == "Tốt"


def test_latest_sheet_of_the_year_counts(tmp_db: Path) -> None:
    add_scores("KT", "2026-W10", ordinary_scores(60))
    add_scores("KT", "2026-W12", ordinary_scores(75))
    add_scores("KT", "2026-W11", ordinary_scores(90))
    kt = total("KT")
    assert kt["final_total"] == pytest.approx(75.0)
    assert kt["period"] == "2026-W12"


def test_reviewed_score_takes_precedence(users, tmp_db: Path) -> None:
    admin = users["quan_tri"]
    add_scores("KT", W, ordinary_scores(60))  # A1..D3 full (60 points), E and F missing
    scoring.set_review(admin, "KT", 2026, "A1", 1, "Kế hoạch ban hành muộn")
    kt = total("KT")
    assert kt["self_total"] == pytest.approx(60.0)
    assert kt["reviewed_total"] == pytest.approx(57.0)  # A1 4 → 1
    assert kt["final_total"] == pytest.approx(57.0)
    assert kt["reviewed_count"] == 1
    # The reviewer judges D2 (6 points, self 6) not applicable: 51 / 94.
    scoring.set_review(admin, "KT", 2026, "D2", None, "Đơn vị không có thủ tục hành chính")
    assert total("KT")["final_total"] == pytest.approx(5100 / 94)
    # A second review of A1 replaces the first; clearing it brings the self score back.
    scoring.set_review(admin, "KT", 2026, "A1", 2, "Bổ sung minh chứng")
    assert total("KT")["final_total"] == pytest.approx(5200 / 94)
    assert scoring.clear_review(admin, "KT", 2026, "A1") is True
    assert total("KT")["final_total"] == pytest.approx(5400 / 94)
    lines = scoring.criterion_lines(2026, "KT").set_index("criterion_code")
    assert lines.loc["D2", "self_score"] == 6
    assert bool(lines.loc["D2", "final_na"]) is True
    assert lines.loc["D2", "review_comment"] == "Đơn vị không có thủ tục hành chính"


def test_review_is_audited_with_before_and_after(users, tmp_db: Path) -> None:
    add_scores("KT", W, ordinary_scores(60))
    scoring.set_review(users["quan_tri"], "KT", 2026, "A1", 1.5, "Thiếu văn bản phân công")
    rows = db.rows(
        "select username, action, target, before_value, after_value from audit_log "
        "where action = 'score_review'"
    )
    assert len(rows) == 1
    username, _, target, before, after = rows[0]
    assert (username, target) == ("admin", "KT/2026/A1")
    assert '"self_score": 4.0' in before
    assert '"score": 1.5' in after


def test_review_bounds_and_comment(users, tmp_db: Path) -> None:
    admin = users["quan_tri"]
    add_scores("KT", W, ordinary_scores(60) | {"P1": 0.0})
    with pytest.raises(scoring.ScoringError, match="ngoài khoảng"):
        scoring.set_review(admin, "KT", 2026, "A1", 4.5, "quá điểm tối đa 4")
    with pytest.raises(scoring.ScoringError, match="ngoài khoảng"):
        scoring.set_review(admin, "KT", 2026, "A1", -1, "âm")
    with pytest.raises(scoring.ScoringError, match="nhận xét"):
        scoring.set_review(admin, "KT", 2026, "A1", 2, "   ")
    with pytest.raises(scoring.ScoringError, match="ngoài khoảng"):
        scoring.set_review(admin, "KT", 2026, "P1", 6, "trễ 6 lần, tối đa trừ 5")
    with pytest.raises(scoring.ScoringError, match="chưa có bảng tự chấm điểm"):
        scoring.set_review(admin, "VX", 2026, "A1", 1, "không có bảng")
    with pytest.raises(scoring.ScoringError, match="không có trong bộ tiêu chí"):
        scoring.set_review(admin, "KT", 2026, "Z9", 1, "mã lạ")
    # A penalty typed as a positive number means that many points deducted.
    scoring.set_review(admin, "KT", 2026, "P1", 3, "Trễ hạn 3 lần")
    lines = scoring.criterion_lines(2026, "KT").set_index("criterion_code")
    assert lines.loc["P1", "final_score"] == -3.0
    assert total("KT")["final_total"] == pytest.approx(57.0)  # 60 − 3
    assert db.scalar("select count(*) from review_score") == 1


@pytest.mark.parametrize("role", ["lanh_dao", "don_vi"])
def test_review_refused_for_non_admins(users, tmp_db: Path, role: str) -> None:
    add_scores("HCTC", W, ordinary_scores(60))
    with pytest.raises(auth.PermissionDenied):
        scoring.set_review(users[role], "HCTC", 2026, "A1", 1, "tự sửa điểm")
    with pytest.raises(auth.PermissionDenied):
        scoring.set_vp_adjustment(users[role], 2026, "A1", 1, "tự sửa điểm")
    with pytest.raises(auth.PermissionDenied):
        scoring.clear_review(users[role], "HCTC", 2026, "A1")
    assert db.scalar("select count(*) from review_score") == 0


def test_rank_needs_fifty_applicable_points(tmp_db: Path) -> None:
    add_scores("KT", W, ordinary_scores(90))
    add_scores("HCTC", W, ordinary_scores(80))
    add_scores("TH", W, ordinary_scores(80))
    add_scores("VX", W, ordinary_scores(70))
    # NC: only groups A and B apply (20 points), all full → 100, but not ranked.
    nc = {c: (m if c[0] in "AB" else NA) for c, m in FULL.items()}
    add_scores("NC", W, nc)
    # KSTT: C, D (40), E2 (5), F1 (5) not applicable → exactly 50 points, all full → 100, ranked.
    kstt = {c: (NA if c[0] in "CD" or c in ("E2", "F1") else m) for c, m in FULL.items()}
    add_scores("KSTT", W, kstt)
    table = scoring.scores_table(2026).set_index("unit_code")
    assert table.loc["NC", "final_total"] == pytest.approx(100.0)
    assert table.loc["NC", "applicable_points"] == pytest.approx(20.0)
    assert table["rank"].isna()["NC"]
    assert table.loc["KSTT", "applicable_points"] == pytest.approx(50.0)
    ranks = {u: int(table.loc[u, "rank"]) for u in ("KSTT", "KT", "HCTC", "TH", "VX")}
    assert ranks == {"KSTT": 1, "KT": 2, "HCTC": 3, "TH": 3, "VX": 5}
    assert table["rank"].isna()["VP"]
    with db.transaction() as tx:
        tx.execute("update plan_setting set value = '60' where key = 'rank_min_points'")
    assert scoring.unit_total("KSTT", 2026)["rank"] is None
    assert scoring.unit_total("KT", 2026)["rank"] == 1


def _vp_setup() -> None:
    # HCTC: everything it is responsible for full except C1 (5 of 7); its own B1, B2 and D2 do
    # not count for VP (BTCD and TTPVHCC are responsible for those). T1 +2, P1 −1, P2 missing.
    add_scores(
        "HCTC", W, FULL | {"C1": 5.0, "B1": 0.0, "B2": 0.0, "D2": 0.0, "T1": 2.0, "P1": -1.0}
    )
    add_scores("BTCD", W, {"B1": 3.0, "B2": 4.0})
    add_scores("TTPVHCC", W, {"D2": NA})


def test_vp_consolidates_responsible_units(users, tmp_db: Path) -> None:
    _vp_setup()
    vp = total("VP")
    # D2 not applicable (TTPVHCC said so): maxima 94; scores 94 − 2 (C1) − 1 (B1) = 91.
    # 100 × 91 / 94 + 2 − 1
    assert vp["applicable_points"] == pytest.approx(94.0)
    assert vp["self_total"] == pytest.approx(9100 / 94 + 1)
    assert vp["reviewed_total"] is None
    assert vp["rank"] is None
    assert vp["unit_name"] == "Văn phòng UBND thành phố (đánh giá chung)"
    lines = scoring.vp_lines(2026).set_index("criterion_code")
    assert lines.loc["B1", "responsible_unit"] == "BTCD"
    assert lines.loc["B1", "base_score"] == 3.0
    assert bool(lines.loc["D2", "base_na"]) is True
    # Reviewing BTCD's B1 (3 → 2) flows into VP: 90 / 94.
    admin = users["quan_tri"]
    scoring.set_review(admin, "BTCD", 2026, "B1", 2, "Còn 1 đơn quá hạn")
    assert total("VP")["final_total"] == pytest.approx(9000 / 94 + 1)
    # HCTC adjusts C1 to 7 for the Office: 92 / 94; self_total keeps the consolidated value.
    scoring.set_vp_adjustment(admin, 2026, "C1", 7, "Đã có quy chế phối hợp ký tháng 3")
    vp = total("VP")
    assert vp["self_total"] == pytest.approx(9000 / 94 + 1)
    assert vp["reviewed_total"] == pytest.approx(9200 / 94 + 1)
    assert vp["final_total"] == pytest.approx(9200 / 94 + 1)
    # An adjustment that makes D2 applicable with 3 of 6: 95 / 100.
    scoring.set_vp_adjustment(admin, 2026, "D2", 3, "Trung tâm có thủ tục hành chính")
    assert total("VP")["final_total"] == pytest.approx(95.0 + 1)
    assert scoring.clear_vp_adjustment(admin, 2026, "D2") is True
    assert total("VP")["final_total"] == pytest.approx(9200 / 94 + 1)
    actions = [r[0] for r in db.rows("select action from audit_log order by id")]
    assert actions.count("vp_adjustment") == 2
    assert "vp_adjustment_clear" in actions


def test_vp_without_responsible_sheet_scores_zero(tmp_db: Path) -> None:
    add_scores("HCTC", W, FULL)
    # BTCD and TTPVHCC have no sheet: B1 (4), B2 (4), D2 (6) score 0 → 86 / 100.
    assert total("VP")["final_total"] == pytest.approx(86.0)
    lines = scoring.vp_lines(2026).set_index("criterion_code")
    assert bool(lines.loc["B1", "has_source"]) is False


def test_vp_adjustment_bounds(users, tmp_db: Path) -> None:
    add_scores("HCTC", W, FULL)
    with pytest.raises(scoring.ScoringError, match="ngoài khoảng"):
        scoring.set_vp_adjustment(users["quan_tri"], 2026, "T1", 6, "thưởng tối đa 5")
    with pytest.raises(scoring.ScoringError, match="không có trong bộ tiêu chí"):
        scoring.set_vp_adjustment(users["quan_tri"], 2026, "Q1", 1, "mã lạ")


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_scores_csv_header_and_values(users, tmp_db: Path) -> None:
    add_scores("KT", W, FULL | {"D2": NA, "C1": 3.5})  # 96.276…
    add_scores("HCTC", W, ordinary_scores(60))
    scoring.set_review(users["quan_tri"], "HCTC", 2026, "A1", 1, "Kế hoạch ban hành muộn")
    rows = _read_csv(scoring.scores_csv("2026-W11"))
    assert rows[0] == list(scoring.SCORES_CSV_COLUMNS)
    assert rows[0] == [
        "Mã đơn vị",
        "Đơn vị",
        "Năm",
        "Điểm tự chấm",
        "Điểm thẩm định",
        "Điểm cuối cùng",
        "Xếp loại",
        "Hạng",
        "Bộ tiêu chí",
    ]
    body = {r[0]: r[:-1] for r in rows[1:]}
    assert {r[-1] for r in rows[1:]} == {PROVISIONAL_SET}
    assert body["KT"] == ["KT", "Phòng Kinh tế", "2026", "96.3", "", "96.3", "Tốt", "1"]
    assert body["HCTC"] == [
        "HCTC",
        "Phòng Hành chính - Tổ chức",
        "2026",
        "60.0",
        "57.0",
        "57.0",
        "Trung bình",
        "2",
    ]
    # VP: HCTC's A1 reviewed to 1; B1, B2 (BTCD) and D2 (TTPVHCC) have no sheet → 0.
    # HCTC's lines for HCTC criteria: A1 1 + A2..A3 6 + B3 2 + C 20 + D1 8 + D3 6 = 43 → 43.0.
    assert rows[-1][0] == "VP"
    assert rows[-1][1:-1] == [
        "Văn phòng UBND thành phố (đánh giá chung)",
        "2026",
        "43.0",
        "",
        "43.0",
        "Yếu",
        "",
    ]
    assert len(rows) == 4


def test_csv_neutralises_formula_text(tmp_db: Path) -> None:
    with db.transaction() as tx:
        tx.execute("update unit set name = '=HYPERLINK(\"http://x\")' where code = 'KT'")
    add_scores("KT", W, ordinary_scores(50))
    rows = _read_csv(scoring.scores_csv(W))
    kt = next(r for r in rows if r[0] == "KT")
    assert kt[1] == '\'=HYPERLINK("http://x")'
    assert kt[3] == "50.0"  # numbers stay numbers
    assert scoring.neutralise("-2") == "'-2"
    assert scoring.neutralise(-2.0) == -2.0


def test_scores_csv_for_a_year_without_scores(tmp_db: Path) -> None:
    rows = _read_csv(scoring.scores_csv("2026-W10"))
    assert rows == [list(scoring.SCORES_CSV_COLUMNS)]


def test_scores_from_an_uploaded_workbook(users, tmp_db: Path) -> None:
    """End to end through the template and ingest: a penalty typed as 3 deducts 3 points."""
    wb = load_workbook(io.BytesIO(template.build("HCTC", W, now=datetime(2026, 3, 2, 8, 0))))
    ws = wb[contract.SHEET_SCORES]
    given = FULL | {"C1": 3.0, "T1": 2.0, "P1": 3.0}
    for row in ws.iter_rows(min_row=5):
        code = row[0].value
        if code == "D2":
            row[3].value, row[4].value = "x", None
        elif code in given:
            row[4].value, row[5].value = given[code], "Văn bản số 1"
    out = io.BytesIO()
    wb.save(out)
    result = submissions.submit(
        out.getvalue(), "hctc.xlsx", users["don_vi"], now=datetime(2026, 3, 5, 9)
    )
    assert result.status == "accepted", result.errors
    assert any(p.cell.startswith("E") for p in result.warnings)  # the positive penalty
    hctc = total("HCTC")
    # maxima 100 − 6 (D2) = 94; scores 94 − 4 (C1 3 of 7) = 90; 100 × 90 / 94 + 2 − 3
    assert hctc["final_total"] == pytest.approx(9000 / 94 - 1)
    assert hctc["set_id"] == 1
    lines = scoring.criterion_lines(2026, "HCTC").set_index("criterion_code")
    assert lines.loc["P1", "self_score"] == -3.0
