"""Requests from Sở Nội vụ (migration 009): registered with a past deadline and unanswered, the
on-request task is 'Quá hạn' (task_completion.sql, so every page and the summary CSV); answering
clears it; the answer's file is kept; bad input gets a Vietnamese message
(tests/followup_fixture.py)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import docx
import pytest

from tests import followup_fixture
from tests.apptest_helpers import open_page, texts
from tracker.accounts import auth
from tracker.exports import export, tables
from tracker.metrics import requests_register as rr
from tracker.store import db

REQ = rr.Request(
    task_code="III.2.b",
    doc_number="125/SNV-XDCQ",
    doc_date="2026-03-02",
    issuer="Sở Nội vụ",
    subject="Báo cáo kết quả công tác dân vận chính quyền quý I năm 2026",
    due_date="10/03/2026",
    content="Gửi báo cáo trước ngày 10/03/2026",
    period_from="2025-12-15",
    period_to="2026-03-14",
)


@pytest.fixture
def fx(users) -> dict:
    followup_fixture.load()
    return users


def _status(week: str, code: str = "III.2.b") -> str:
    tc = db.query("task_completion", week=week)
    return tc.loc[tc["code"] == code, "status"].item()


def _summary_status(week: str, code: str = "III.2.b") -> str:
    rows = csv.reader(io.StringIO(tables.summary_csv(week).decode("utf-8-sig")))
    return next(r for r in rows if r[0] == code)[7]


@pytest.mark.now(followup_fixture.NOW)
def test_unanswered_past_deadline_is_overdue_and_answering_clears_it(fx) -> None:
    before = _status("2026-W11")
    assert before != "Quá hạn"
    request_id = rr.register(fx["quan_tri"], REQ, year=2026)
    assert _status("2026-W10") == before  # W10 ends 08/03, before the deadline 10/03
    assert _status("2026-W11") == "Quá hạn"  # W11 ends 15/03: past 10/03, unanswered
    assert _summary_status("2026-W11") == "Quá hạn"
    assert _status("2026-W11", "III.2.a") != "Quá hạn"  # only the task asked for
    assert rr.due()["id"].tolist() == [request_id]
    assert rr.requests()["state"].tolist() == [rr.OVERDUE]  # today 18/03 > 10/03
    rr.answer(
        fx["lanh_dao"],
        request_id,
        "25/BC-VPUB",
        "2026-03-12",
        data=b"PK\x03\x04 docx",
        file_name="bc.docx",
    )
    assert _status("2026-W11") == before
    assert _summary_status("2026-W11") == before
    assert _status("2026-W12") == before
    row = rr.requests().iloc[0]
    assert (row["state"], row["report_number"], row["file_name"]) == (
        rr.ANSWERED,
        "25/BC-VPUB",
        "bc.docx",
    )
    assert rr.kept_file(row["file_sha256"], row["file_name"]) == b"PK\x03\x04 docx"
    assert rr.due().empty
    actions = db.rows("select action from audit_log where action like 'request_%' order by id")
    assert [a for (a,) in actions] == ["request_register", "request_answer"]


@pytest.mark.now(followup_fixture.NOW)
def test_an_answer_sent_after_the_week_does_not_count_for_that_week(fx) -> None:
    request_id = rr.register(fx["quan_tri"], REQ, year=2026)
    rr.answer(fx["quan_tri"], request_id, "25/BC-VPUB", "2026-03-17")
    assert _status("2026-W11") == "Quá hạn"  # as of W11 (to 15/03) it was still unanswered
    assert _status("2026-W12") != "Quá hạn"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"task_code": "II.4"}, "không phải nhiệm vụ thực hiện khi có yêu cầu"),
        ({"doc_number": "  "}, "Hãy nhập số văn bản"),
        ({"due_date": "2026-03-01"}, "Hạn báo cáo phải sau"),
        ({"doc_date": "32/03/2026"}, "Ngày văn bản"),
        ({"period_to": None}, "Kỳ số liệu"),
        ({"subject": "x" * 301}, "dài quá"),
    ],
)
def test_bad_requests_are_refused_in_vietnamese(fx, change: dict, message: str) -> None:
    values = {**REQ.__dict__, **change}
    with pytest.raises(rr.RequestError, match=message):
        rr.register(fx["quan_tri"], rr.Request(**values), year=2026)
    assert rr.requests().empty


def test_bad_answers_and_roles(fx) -> None:
    with pytest.raises(auth.PermissionDenied, match="Lãnh đạo hoặc Quản trị"):
        rr.register(fx["don_vi"], REQ, year=2026)
    request_id = rr.register(fx["quan_tri"], REQ, year=2026)
    with pytest.raises(rr.RequestError, match="Không tìm thấy yêu cầu số 999"):
        rr.answer(fx["quan_tri"], 999, "25/BC-VPUB", "2026-03-12")
    with pytest.raises(rr.RequestError, match="Ngày gửi báo cáo phải sau"):
        rr.answer(fx["quan_tri"], request_id, "25/BC-VPUB", "2026-03-01")
    with pytest.raises(rr.RequestError, match="Tệp báo cáo phải là"):
        rr.answer(fx["quan_tri"], request_id, "25", "2026-03-12", data=b"x", file_name="a.exe")
    rr.answer(fx["quan_tri"], request_id, "25/BC-VPUB", "2026-03-12")
    with pytest.raises(rr.RequestError, match="đã được ghi nhận trả lời"):
        rr.answer(fx["quan_tri"], request_id, "26/BC-VPUB", "2026-03-13")


def test_only_on_request_tasks_may_be_asked_for(tmp_db: Path) -> None:
    assert rr.on_request_tasks(year=2026)["code"].tolist() == ["III.2.a", "III.2.b"]


@pytest.mark.now(followup_fixture.NOW)
def test_page_register_answer_and_report_from_a_request(fx) -> None:
    at = open_page(fx["quan_tri"], "xuat_du_lieu", {"week": "2026-W11"})
    assert not at.exception
    assert "Chưa ghi yêu cầu nào." in texts(at)
    at.text_input(key="req_number").input("125/SNV-XDCQ")
    at.date_input(key="req_doc_date").set_value(date(2026, 3, 2))
    at.text_input(key="req_subject").input("Báo cáo quý I")
    submit = next(b for b in at.button if b.label == "Ghi yêu cầu")
    submit.click().run()
    assert any("Hãy nhập hạn báo cáo" in e.value for e in at.error)  # no deadline typed
    at.date_input(key="req_due").set_value(date(2026, 3, 10))
    next(b for b in at.button if b.label == "Ghi yêu cầu").click().run()
    assert not at.exception
    assert any("Đã ghi yêu cầu" in s.value for s in at.success)
    (request_id,) = rr.requests()["id"].tolist()
    at = open_page(fx["quan_tri"], "xuat_du_lieu", {"week": "2026-W11"})
    assert "dl_baocao_request" in [b.key for b in at.get("download_button")]
    frame = at.dataframe[0].value
    assert frame["Trạng thái"].tolist() == [rr.OVERDUE]
    lines = [
        t.text
        for t in docx.Document(
            io.BytesIO(
                export.build(
                    "baocao", request=request_id, date_from="2026-03-01", date_to="2026-03-14"
                )
            )
        ).paragraphs
    ]
    assert any(
        x.startswith(
            "Thực hiện Văn bản số 125/SNV-XDCQ ngày 02/03/2026 của Sở Nội vụ về việc Báo cáo quý I; thực hiện Kế hoạch"
        )
        for x in lines
    )
    at.text_input(key="ans_number").input("25/BC-VPUB")
    at.date_input(key="ans_sent").set_value(date(2026, 3, 12))
    next(b for b in at.button if b.label == "Ghi nhận đã trả lời").click().run()
    assert not at.exception
    assert rr.requests()["state"].tolist() == [rr.ANSWERED]
    unit = open_page(fx["don_vi"], "xuat_du_lieu", {"week": "2026-W11"})
    assert "Yêu cầu báo cáo của Sở Nội vụ" not in texts(unit)


def test_report_from_a_request_takes_its_period(fx) -> None:
    request_id = rr.register(fx["quan_tri"], REQ, year=2026)
    data = export.build("baocao", request=request_id)
    assert export.file_name("baocao", request=request_id) == "bao-cao_20251215-20260314.docx"
    lines = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert any(
        x.startswith("Thực hiện Văn bản số 125/SNV-XDCQ ngày 02/03/2026 của Sở Nội vụ")
        for x in lines
    )
    assert not any(x.startswith("[HCTC bổ sung: căn cứ") for x in lines)
    with pytest.raises(ValueError, match="Không tìm thấy yêu cầu số 99"):
        export.build("baocao", request=99)
