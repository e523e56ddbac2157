"""Issue 14: Tổng quan and Đôn đốc list the requests of Sở Nội vụ still unanswered, soonest deadline
first, overdue ones "Quá hạn", deadlines typed as dates (dd/mm/yyyy); only leaders and admins (the
roles of the requests register) see them, and nothing shows when none is waiting."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import open_page, texts
from tracker.metrics import requests_register as rr
from tracker.ui import display, requests_view

pytestmark = pytest.mark.now("2026-03-18T10:00:00")  # a Wednesday of 2026-W12

HEADING = "Yêu cầu báo cáo của Sở Nội vụ chưa trả lời"
OVERDUE = rr.Request(  # deadline 10/03, before today 18/03
    task_code="III.2.b",
    doc_number="125/SNV-XDCQ",
    doc_date="2026-03-02",
    issuer="Sở Nội vụ",
    subject="Báo cáo kết quả công tác dân vận chính quyền quý I năm 2026",
    due_date="2026-03-10",
)
WAITING = rr.Request(  # deadline 25/03, still ahead
    task_code="III.2.a",
    doc_number="140/SNV-XDCQ",
    doc_date="2026-03-16",
    issuer="Sở Nội vụ",
    subject="Báo cáo việc thực hiện dân chủ ở cơ sở",
    due_date="2026-03-25",
)
ANSWERED = rr.Request(  # answered on time: never listed
    task_code="III.2.b",
    doc_number="98/SNV-XDCQ",
    doc_date="2026-02-23",
    issuer="Sở Nội vụ",
    subject="Báo cáo nhanh tháng 02",
    due_date="2026-03-05",
)


@pytest.fixture
def registered(users) -> dict[str, int]:
    ids = {
        "overdue": rr.register(users["quan_tri"], OVERDUE, year=2026),
        "waiting": rr.register(users["lanh_dao"], WAITING, year=2026),
        "answered": rr.register(users["quan_tri"], ANSWERED, year=2026),
    }
    rr.answer(users["quan_tri"], ids["answered"], "20/BC-VPUB", "2026-03-04")
    return ids


def _due_element(at: AppTest):
    found = [d for d in at.dataframe if "Hạn báo cáo" in d.value.columns]
    assert len(found) <= 1
    return found[0] if found else None


def _days(values: pd.Series) -> list[date]:
    return [pd.Timestamp(v).date() for v in values]


def test_due_table_is_short_and_typed(registered) -> None:
    table = requests_view.due_table(rr.due())
    assert list(table.columns) == [
        "Hạn báo cáo",
        "Tình trạng",
        "Nhiệm vụ",
        "Số văn bản",
        "Trích yếu",
    ]
    assert table["Hạn báo cáo"].tolist() == [date(2026, 3, 10), date(2026, 3, 25)]
    assert table["Tình trạng"].tolist() == ["Quá hạn", "Chưa trả lời"]
    assert table["Nhiệm vụ"].tolist() == ["III.2.b", "III.2.a"]
    config = display.column_config(table)["Hạn báo cáo"]
    assert config["type_config"]["type"] == "date"
    assert config["type_config"]["format"] == "DD/MM/YYYY"


@pytest.mark.parametrize(
    ("role", "page"), [(r, p) for r in sorted(rr.ROLES) for p in ("tong_quan", "don_doc")]
)
def test_leaders_and_admins_see_the_requests_due(users, registered, role: str, page: str) -> None:
    at = open_page(users[role], page)
    assert not at.exception, at.exception
    assert HEADING in texts(at)
    element = _due_element(at)
    assert element is not None
    shown = element.value
    assert _days(shown["Hạn báo cáo"]) == [date(2026, 3, 10), date(2026, 3, 25)]
    assert shown["Tình trạng"].tolist() == ["Quá hạn", "Chưa trả lời"]
    assert shown["Số văn bản"].tolist() == ["125/SNV-XDCQ", "140/SNV-XDCQ"]
    assert "98/SNV-XDCQ" not in shown["Số văn bản"].tolist()  # answered: not due
    columns = json.loads(element.proto.columns)
    assert columns["Hạn báo cáo"]["type_config"] == {"type": "date", "format": "DD/MM/YYYY"}
    assert "2 yêu cầu chưa trả lời, 1 quá hạn (tính đến ngày 18/03/2026)" in texts(at)


def test_unit_accounts_do_not_see_them(users, registered) -> None:
    at = open_page(users["don_vi"], "tong_quan")
    assert not at.exception, at.exception
    assert HEADING not in texts(at)
    assert _due_element(at) is None


def test_nothing_shows_when_none_is_due(users) -> None:
    for role in rr.ROLES:
        for page in ("tong_quan", "don_doc"):
            at = open_page(users[role], page)
            assert not at.exception, at.exception
            assert HEADING not in texts(at)
            assert _due_element(at) is None


def test_answering_removes_a_request_and_the_last_answer_removes_the_section(
    users, registered
) -> None:
    rr.answer(users["lanh_dao"], registered["overdue"], "25/BC-VPUB", "2026-03-17")
    at = open_page(users["lanh_dao"], "don_doc")
    assert not at.exception, at.exception
    shown = _due_element(at).value
    assert shown["Số văn bản"].tolist() == ["140/SNV-XDCQ"]
    assert shown["Tình trạng"].tolist() == ["Chưa trả lời"]
    assert "1 yêu cầu chưa trả lời, 0 quá hạn" in texts(at)
    rr.answer(users["quan_tri"], registered["waiting"], "26/BC-VPUB", "2026-03-18")
    at = open_page(users["lanh_dao"], "tong_quan")
    assert not at.exception, at.exception
    assert HEADING not in texts(at)
    assert _due_element(at) is None


@pytest.mark.now("2026-03-26T08:00:00")
def test_a_request_past_its_deadline_becomes_overdue(users, registered) -> None:
    at = open_page(users["quan_tri"], "tong_quan")
    assert not at.exception, at.exception
    assert _due_element(at).value["Tình trạng"].tolist() == ["Quá hạn", "Quá hạn"]
    assert "2 yêu cầu chưa trả lời, 2 quá hạn (tính đến ngày 26/03/2026)" in texts(at)
