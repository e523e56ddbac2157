"""A body's side of Sở Nội vụ's records on its pages (issue 34), on the city-shaped sample
(tests/city_fixture.py: the Office, VPUB, and three bodies beside it): Xuất dữ liệu's "Báo cáo gửi
Sở Nội vụ" (the leader approves, frozen from exactly the page's Báo cáo export; the
administrator submits and gets Sở Nội vụ's number; statuses as reports.statuses says), Sở Nội
vụ's requests answered by the body, and Vướng mắc's "Chuyển Sở Nội vụ". Each action × role: a
unit account sees none of it, and without a registry (a lone Office) nothing of it shows."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import open_page, texts
from tests.city_fixture import CITY_NOW
from tracker import roles, settings
from tracker.catalogue import periods
from tracker.city import escalations, registry, reports, requests
from tracker.exports import export
from tracker.metrics import difficulties
from tracker.store import db

pytestmark = pytest.mark.now(CITY_NOW)  # 01/07/2026: quý I and 6 tháng due, 9 tháng not yet

SECTION = "Báo cáo định kỳ đã duyệt, gửi Sở Nội vụ"
REQUESTS = "Yêu cầu của Sở Nội vụ gửi cơ quan"
ESCALATE = "Chuyển Sở Nội vụ"
SNV = roles.User("sonoivu", "so_noi_vu")


def _account(username: str, path: Path | None = None) -> roles.User:
    """The sample account as the session holds it after signing in."""
    role, unit, active, epoch = db.query_rows("account_session", path, username=username)[0]
    assert active, username
    return roles.User(username, role, unit, None, epoch)


def _subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _states(at: AppTest) -> list[str]:
    table = next(d.value for d in at.dataframe if "Hạn nộp" in d.value.columns)
    return list(table["Trạng thái"])


# --- Xuất dữ liệu: the Báo cáo to Sở Nội vụ ----------------------------------------------------


def test_a_unit_account_sees_none_of_the_city_records(city: Path) -> None:
    unit = _account("hctc")
    assert unit.role == "don_vi"
    at = open_page(unit, "xuat_du_lieu")
    assert not at.exception, at.exception
    assert SECTION not in _subheaders(at) and REQUESTS not in _subheaders(at)
    assert not [b for b in at.button if b.label in ("Phê duyệt", "Gửi Sở Nội vụ", "Ghi trả lời")]
    at = open_page(unit, "vuong_mac")
    assert not at.exception, at.exception
    assert ESCALATE not in _subheaders(at)


def test_without_a_registry_the_offices_pages_are_as_before(users) -> None:
    assert not registry.exists()
    for role in ("lanh_dao", "quan_tri"):
        at = open_page(users[role], "xuat_du_lieu")
        assert not at.exception, at.exception
        assert SECTION not in _subheaders(at) and REQUESTS not in _subheaders(at)
        at = open_page(users[role], "vuong_mac")
        assert not at.exception, at.exception
        assert ESCALATE not in _subheaders(at)
    assert not registry.exists()  # the pages made none


def test_the_leader_sees_the_periods_and_approves_what_the_export_makes(
    city_rw: Path, still_clock
) -> None:
    still_clock(CITY_NOW)  # the files carry their making time: the export below is made then too
    leader = _account("lanhdao")
    at = open_page(leader, "xuat_du_lieu")
    assert not at.exception, at.exception
    assert SECTION in _subheaders(at)
    expected = reports.body_statuses("VPUB", 2026, registry.open_registry())
    assert _states(at) == list(expected["state"])
    assert _states(at) == [reports.MISSING, reports.MISSING, reports.NOT_DUE, reports.NOT_DUE]
    assert "Gửi Sở Nội vụ" not in [b.label for b in at.button]  # the administrator's
    # Only the ended periods can be approved (on 01/07: quý I and 6 tháng), the latest offered.
    assert at.selectbox(key="approve_period").options == ["Quý I năm 2026", "6 tháng đầu năm 2026"]
    assert at.selectbox(key="approve_period").value == "6thang"

    at.text_input(key="approve_number").set_value("17")
    _button(at, "Phê duyệt").click().run()  # not confirmed: nothing frozen
    assert not at.exception, at.exception
    assert "Hãy đánh dấu ô xác nhận" in texts(at)
    reg = registry.open_registry()
    assert reports.body_reports("VPUB", 2026, reg).empty

    at.checkbox(key="approve_sure").check()
    _button(at, "Phê duyệt").click().run()
    assert not at.exception, at.exception
    assert "Đã phê duyệt Báo cáo 6 tháng đầu năm 2026" in texts(at)
    mine = reports.body_reports("VPUB", 2026, reg)
    assert len(mine) == 1 and mine.iloc[0]["period"] == "6thang" and mine.iloc[0]["number"] == "17"
    assert mine.iloc[0]["approved_by"] == "lanhdao" and pd.isna(mine.iloc[0]["submitted_at"])
    # Frozen from exactly what the page's Báo cáo buttons make for that period and number.
    options = {"period": "6thang", "year": 2026, "number": "17", "path": settings.db_path()}
    made = export.download(leader, "baocao", **options)
    annex = export.download(leader, "phu_luc", **options)
    assert mine.iloc[0]["docx_sha256"] == hashlib.sha256(made).hexdigest()
    assert mine.iloc[0]["xlsx_sha256"] == hashlib.sha256(annex).hexdigest()
    # The leader downloads the frozen files.
    assert {"dl_frozen_docx", "dl_frozen_xlsx"} <= {b.key for b in at.get("download_button")}


def test_the_administrator_submits_and_gets_the_next_number(city_rw: Path) -> None:
    reg = registry.open_registry()
    leader, admin = _account("lanhdao"), _account("quantri")
    reports.approve(leader, "VPUB", "quy1", 2026, reg)
    at = open_page(admin, "xuat_du_lieu")
    assert not at.exception, at.exception
    assert "Phê duyệt" not in [b.label for b in at.button]  # the leader's
    waiting = at.selectbox(key="submit_report")
    assert len(waiting.options) == 1 and waiting.options[0].startswith("Quý I năm 2026 · duyệt")
    # SNV's submitted sample reports (numbers 1 and 2) are not this body's: never listed.
    assert len(at.selectbox(key="frozen_report").options) == 1

    _button(at, "Gửi Sở Nội vụ").click().run()  # not confirmed
    assert "Hãy đánh dấu ô xác nhận trước khi gửi" in texts(at)
    assert reports.body_reports("VPUB", 2026, reg)["submitted_at"].isna().all()

    at.checkbox(key="submit_sure").check()
    _button(at, "Gửi Sở Nội vụ").click().run()
    assert not at.exception, at.exception
    assert "Đã gửi Sở Nội vụ Báo cáo quý I năm 2026; số đến: 3." in texts(at)  # after SNV's 1, 2
    sent = reports.body_reports("VPUB", 2026, reg).iloc[0]
    assert sent["received_no"] == 3 and sent["submitted_by"] == "quantri"
    states = reports.statuses(2026, reg).set_index(["body", "period"])["state"]
    assert states[("VPUB", "quy1")] == reports.LATE  # due 20/03, sent in July
    assert _states(at)[0] == reports.LATE
    assert "Không có Báo cáo đã phê duyệt đang chờ gửi." in texts(at)
    assert at.selectbox(key="frozen_report").options[0].endswith("đã gửi, số đến 3")


def test_the_leader_cannot_submit_nor_the_administrator_approve(city_rw: Path) -> None:
    reg = registry.open_registry()
    leader, admin = _account("lanhdao"), _account("quantri")
    with pytest.raises(roles.PermissionDenied):
        reports.approve(admin, "VPUB", "quy1", 2026, reg)
    made = reports.approve(leader, "VPUB", "quy1", 2026, reg)
    with pytest.raises(roles.PermissionDenied):
        reports.submit(leader, made, reg)
    with pytest.raises(roles.PermissionDenied, match="chỉ thao tác cho cơ quan của mình"):
        reports.approve(leader, "X001", "quy1", 2026, reg)


@pytest.mark.now("2026-06-16T09:00:00")  # 6 tháng ended 14/06, due 20/06
def test_approve_then_submit_is_on_time(city_rw: Path) -> None:
    leader, admin = _account("lanhdao"), _account("quantri")
    at = open_page(leader, "xuat_du_lieu")
    assert _states(at)[1] == reports.NOT_DUE
    at.checkbox(key="approve_sure").check()
    _button(at, "Phê duyệt").click().run()
    assert not at.exception, at.exception

    at = open_page(admin, "xuat_du_lieu")
    at.checkbox(key="submit_sure").check()
    _button(at, "Gửi Sở Nội vụ").click().run()
    assert not at.exception, at.exception
    assert "số đến: 3" in texts(at)
    assert _states(at)[1] == reports.ON_TIME
    reg = registry.open_registry()
    row = reports.statuses(2026, reg).set_index(["body", "period"]).loc[("VPUB", "6thang")]
    assert row["state"] == reports.ON_TIME and row["received_no"] == 3
    assert row["due_on"] == date(2026, 6, 20)
    # The leader is offered next the latest ended period not sent yet: quý I.
    assert open_page(leader, "xuat_du_lieu").selectbox(key="approve_period").value == "quy1"


def test_another_bodys_section_shows_its_own_reports_only(city_rw: Path) -> None:
    """X001's leader, its scope as the city-aware shell will build it: X001's snapshots only."""
    reg = registry.open_registry()
    x001 = settings.body_db_path("X001")
    leader = _account("x001.lanhdao", x001)
    reports.approve(_account("lanhdao"), "VPUB", "quy1", 2026, reg)  # the Office's, not X001's

    def page(username: str, path: str) -> None:
        from pathlib import Path

        from tracker.roles import User
        from tracker.scope import Scope
        from tracker.store import db
        from tracker.ui import city_reports_view

        role, unit, _, epoch = db.query_rows("account_session", Path(path), username=username)[0]
        user = User(username, role, unit, None, epoch)
        scope = Scope(user, "X001", Path(path), 2026, Path(path), "xuat_du_lieu", "Xuất dữ liệu")
        city_reports_view.section(scope)

    at = AppTest.from_function(page, args=(leader.username, str(x001)), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert "Chưa có Báo cáo nào được phê duyệt." in texts(at)  # not VPUB's, not SNV's
    at.checkbox(key="approve_sure").check()
    _button(at, "Phê duyệt").click().run()
    assert not at.exception, at.exception
    mine = reports.body_reports("X001", 2026, reg)
    assert len(mine) == 1 and mine.iloc[0]["approved_by"] == "x001.lanhdao"
    listed = at.selectbox(key="frozen_report").options
    assert len(listed) == 1 and "(x001.lanhdao)" in listed[0]
    # The sample's requests to every body show; none addressed to another body alone.
    requests.send(SNV, reg, year=2026, subject="Chỉ gửi X002", due_on=date(2026, 8, 1), to=["X002"])
    at.run()
    shown = next(d.value for d in at.dataframe if "Trích yếu" in d.value.columns)
    assert "Chỉ gửi X002" not in set(shown["Trích yếu"])
    assert len(shown) == len(requests.for_body("X001", reg))


# --- Sở Nội vụ's requests ------------------------------------------------------------------------


def test_the_body_answers_sở_nội_vụs_request(city_rw: Path) -> None:
    reg = registry.open_registry()
    asked = requests.send(
        SNV, reg, year=2026, subject="Báo cáo nhanh dân vận", due_on=date(2026, 7, 10), to=["VPUB"]
    )
    requests.send(
        SNV, reg, year=2026, subject="Riêng xã X001", due_on=date(2026, 7, 10), to=["X001"]
    )
    for username in ("lanhdao", "quantri"):
        at = open_page(_account(username), "xuat_du_lieu")
        assert not at.exception, at.exception
        assert REQUESTS in _subheaders(at)
        shown = next(d.value for d in at.dataframe if "Trích yếu" in d.value.columns)
        assert "Báo cáo nhanh dân vận" in set(shown["Trích yếu"])
        assert "Riêng xã X001" not in set(shown["Trích yếu"])
    at.selectbox(key="answer_req").set_value(asked)
    at.text_area(key="answer_text").set_value("Đã gửi số liệu qua Báo cáo 6 tháng")
    _button(at, "Ghi trả lời").click().run()
    assert not at.exception, at.exception
    assert "Đã ghi trả lời yêu cầu của Sở Nội vụ." in texts(at)
    row = requests.for_body("VPUB", reg).set_index("id").loc[asked]
    assert row["answer"] == "Đã gửi số liệu qua Báo cáo 6 tháng" and row["answered_by"] == "quantri"
    shown = next(d.value for d in at.dataframe if "Trích yếu" in d.value.columns)
    answered = shown[shown["Trích yếu"] == "Báo cáo nhanh dân vận"].iloc[0]
    assert answered["Tình trạng"] == "Đã trả lời"
    assert answered["Nội dung trả lời"] == "Đã gửi số liệu qua Báo cáo 6 tháng"
    assert answered["Ngày trả lời"].date() == date(2026, 7, 1)
    assert asked not in at.selectbox(key="answer_req").options


# --- Tổng quan: what the body still owes Sở Nội vụ ---------------------------------------------


def test_the_overview_lists_what_the_body_owes_sở_nội_vụ(city_rw: Path) -> None:
    reg = registry.open_registry()
    unanswered = requests.for_body("VPUB", reg)
    unanswered = unanswered[unanswered["answered_at"].isna()]
    assert not unanswered.empty  # the sample's requests the Office has not answered
    at = open_page(_account("hctc"), "tong_quan")
    assert not at.exception, at.exception
    assert "Việc cần làm với Sở Nội vụ" not in _subheaders(at)  # a unit account: nothing

    leader = _account("lanhdao")
    at = open_page(leader, "tong_quan")
    assert not at.exception, at.exception
    assert "Việc cần làm với Sở Nội vụ" in _subheaders(at)
    owed = next(d.value for d in at.dataframe if "Nội dung" in d.value.columns)
    # quý I and 6 tháng are past due on 01/07; 9 tháng (due 20/09) is not within 30 days.
    assert list(owed["Nội dung"][:2]) == ["Báo cáo quý I năm 2026", "Báo cáo 6 tháng đầu năm 2026"]
    assert list(owed["Tình trạng"][:2]) == [reports.MISSING, reports.MISSING]
    assert len(owed) == 2 + len(unanswered)

    admin = _account("quantri")
    for period in ("quy1", "6thang"):
        reports.submit(admin, reports.approve(leader, "VPUB", period, 2026, reg), reg)
    for request_id in unanswered["id"]:
        requests.answer(admin, reg, int(request_id), "VPUB", "Đã trả lời")
    at = open_page(leader, "tong_quan")
    assert not at.exception, at.exception
    assert "Việc cần làm với Sở Nội vụ" not in _subheaders(at)  # nothing owed: nothing drawn


# --- Vướng mắc: Chuyển Sở Nội vụ -----------------------------------------------------------------


def test_leader_and_administrator_escalate_and_withdraw(city_rw: Path) -> None:
    week = periods.week_id(settings.now().date())
    waiting = difficulties.open_list(week, settings.db_path())
    assert not waiting.empty
    for username in ("lanhdao", "quantri"):
        at = open_page(_account(username), "vuong_mac")
        assert not at.exception, at.exception
        assert ESCALATE in _subheaders(at)
        assert len(at.selectbox(key="escalate_item").options) == len(waiting)
    at.text_area(key="escalate_note").set_value("Đề nghị Sở Nội vụ hướng dẫn")
    _button(at, "Chuyển Sở Nội vụ").click().run()
    assert not at.exception, at.exception
    assert "Đã chuyển vướng mắc lên Sở Nội vụ." in texts(at)
    sent = escalations.open_escalations(week, path=settings.db_path())
    assert len(sent) == 1 and sent.iloc[0]["note"] == "Đề nghị Sở Nội vụ hướng dẫn"
    assert sent.iloc[0]["escalated_by"] == "quantri"
    table = next(d.value for d in at.dataframe if "Kiến nghị gửi Sở Nội vụ" in d.value.columns)
    assert list(table["Kiến nghị gửi Sở Nội vụ"]) == ["Đề nghị Sở Nội vụ hướng dẫn"]
    assert len(at.selectbox(key="escalate_item").options) == len(waiting) - 1  # sent once only

    at = open_page(_account("lanhdao"), "vuong_mac")
    _button(at, "Rút lại").click().run()  # not confirmed
    assert "Hãy đánh dấu ô xác nhận trước khi rút lại." in texts(at)
    assert len(escalations.open_escalations(week, path=settings.db_path())) == 1
    at.checkbox(key="withdraw_sure").check()
    _button(at, "Rút lại").click().run()
    assert not at.exception, at.exception
    assert "Đã rút lại kiến nghị gửi Sở Nội vụ." in texts(at)
    assert escalations.open_escalations(week, path=settings.db_path()).empty
    assert db.scalar("select withdrawn_by from escalation", path=settings.db_path()) == "lanhdao"
