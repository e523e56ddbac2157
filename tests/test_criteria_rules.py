"""One set of rules for a criteria set, whichever way it arrives (CSV, .xlsx, in-app editor)."""

from __future__ import annotations

from tracker.catalogue import catalogues, criteria_rules

UNITS = [("HCTC", "Phòng Hành chính - Tổ chức"), ("BTCD", "Ban Tiếp công dân")]
HEADER = "code,group_code,group_name,title,max_points,kind,evidence_hint,responsible_unit\n"


def _csv_problems(body: str) -> tuple[list[dict], list[str]]:
    problems: list[str] = []
    rows = catalogues.read_csv(HEADER + body, "criteria", problems)
    return catalogues.parse_criteria(rows, UNITS, problems), problems


def test_csv_and_app_share_messages() -> None:
    body = "A1,A,Nhóm A,Ban hành kế hoạch,100,thường,,HCTC\nA2,A,Nhóm A,Tiếp dân,5,xyz,,Không có\n"
    _, problems = _csv_problems(body)
    assert len(problems) == 2
    assert problems[0].startswith("criteria.csv, dòng 3: Loại tiêu chí 'xyz' không hợp lệ.")
    assert "Dùng một trong: Thường, Điểm thưởng, Điểm trừ" in problems[0]
    assert problems[1].startswith(
        "criteria.csv, dòng 3: Đơn vị phụ trách 'Không có' không có trong danh mục đơn vị."
    )


def test_csv_accepts_what_the_app_accepts() -> None:
    # Vietnamese kind words, a unit written by name, a penalty written as a negative maximum.
    body = (
        "A1,A,Nhóm A,Ban hành kế hoạch,100,Thường,,Ban Tiếp công dân\n"
        "P1,P,Điểm trừ,Báo cáo trễ hạn,-5,,,\n"
    )
    out, problems = _csv_problems(body)
    assert problems == []
    assert [(c["code"], c["kind"], c["max_points"], c["responsible_unit"]) for c in out] == [
        ("A1", "ordinary", 100.0, "BTCD"),
        ("P1", "penalty", 5.0, "HCTC"),
    ]


def test_total_other_than_100_is_only_a_warning_everywhere() -> None:
    body = "A1,A,Nhóm A,Ban hành kế hoạch,90,ordinary,,HCTC\n"
    out, problems = _csv_problems(body)
    assert problems == [] and len(out) == 1
    rows = [criteria_rules.Row(2, {"code": "A1", "title": "Ban hành kế hoạch", "max_points": 90})]
    _, found = criteria_rules.validate(rows, "Bộ tiêu chí", criteria_rules.unit_lookup(UNITS))
    assert [(p.code, p.severity) for p in found] == [("criteria_total_not_100", "warning")]


def test_empty_set_is_refused_without_a_line() -> None:
    _, problems = _csv_problems("")
    assert problems == [
        "criteria.csv: Bộ tiêu chí không có tiêu chí thường nào. "
        "Cần ít nhất một tiêu chí loại Thường có điểm tối đa."
    ]
