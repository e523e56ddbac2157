"""AppTest runs of Vướng mắc, Đôn đốc and Xuất dữ liệu per role, with URL filters, on the
follow-up dataset and on an empty database."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests import followup_fixture
from tests.apptest_helpers import open_page, texts
from tracker.ingest import submissions, template
from tracker.metrics import difficulties
from tracker.store import db
from tracker.ui.pages import don_doc

pytestmark = pytest.mark.now(followup_fixture.NOW)


@pytest.fixture
def fx(users) -> dict[str, int]:
    return followup_fixture.load()


def _table(at, index: int = 0):
    # AppTest does not expose a dataframe's key; each page's tables come in a fixed order.
    return at.dataframe[index].value


def test_vuong_mac_unit_user_raises_but_cannot_handle(users, fx) -> None:
    at = open_page(users["don_vi"], "vuong_mac")
    assert not at.exception
    assert len(_table(at)) == 10
    assert "handle_note" not in [t.key for t in at.text_area]
    at.selectbox(key="raise_task").set_value("II.2")
    at.text_area(key="raise_content").input("Cần thêm máy in")
    at.text_area(key="raise_proposal").input("Trang bị máy in")
    at.button(key="raise_submit").click().run()
    assert not at.exception
    assert "Đã ghi nhận vướng mắc số" in texts(at)
    row = db.rows(
        "select unit_code, task_code, content, raised_by from difficulty where content = 'Cần thêm máy in'"
    )
    assert row == [("HCTC", "II.2", "Cần thêm máy in", "hctc")]
    assert len(_table(at)) == 11  # the new one shows on the rerun


def test_vuong_mac_empty_content_is_refused(users, fx) -> None:
    at = open_page(users["don_vi"], "vuong_mac")
    at.text_area(key="raise_content").input("   ")
    at.button(key="raise_submit").click().run()
    assert any("nội dung" in e.value for e in at.error)
    assert db.scalar("select count(*) from difficulty") == 3


def test_vuong_mac_leader_marks_handled(users, fx) -> None:
    at = open_page(users["lanh_dao"], "vuong_mac", {"unit": "HCTC", "state": "Chưa xử lý"})
    assert not at.exception
    assert "raise_content" not in [t.key for t in at.text_area]
    table = _table(at)
    assert table["Khó khăn, vướng mắc"].tolist() == ["Chưa có hướng dẫn mới"]
    at.text_area(key="handle_note").input("Đã xin ý kiến Sở Nội vụ")
    at.button(key="handle_submit").click().run()
    assert not at.exception
    assert "Đã đánh dấu vướng mắc là đã xử lý." in texts(at)
    assert difficulties.open_count("2026-W10") == 4
    handled = db.rows(
        "select ref, handled_by, note from difficulty_handled where ref = 'HCTC|II.6'"
    )
    assert handled == [("HCTC|II.6", "lanhdao", "Đã xin ý kiến Sở Nội vụ")]


def test_vuong_mac_filters_round_trip_through_the_url(users, fx) -> None:
    at = open_page(
        users["quan_tri"], "vuong_mac", {"unit": "BTCD", "task": "II.4", "state": "Đã xử lý"}
    )
    table = _table(at)
    assert table["Khó khăn, vướng mắc"].tolist() == ["Thiếu cán bộ tiếp dân"]
    at.selectbox(key="filter_state").set_value("Chưa xử lý").run()
    assert at.query_params["state"] == "Chưa xử lý"
    assert _table(at)["Khó khăn, vướng mắc"].tolist() == ["Phòng tiếp dân xuống cấp"]


def test_don_doc_lists_missing_and_late_with_reminder(users, fx) -> None:
    at = open_page(users["quan_tri"], "don_doc", {"week": "2026-W10"})
    assert not at.exception
    follow = _table(at)
    assert follow["Mã đơn vị"].tolist() == ["TH", "VX", "NC", "KSTT", "QTTV", "TTPVHCC", "BTCD"]
    assert follow.set_index("Mã đơn vị").loc["VX", "Điện thoại"] == "0909000004"
    reminder = at.code[0].value
    assert reminder.startswith("[Đôn đốc báo cáo] Tuần 10/2026")
    assert "Đơn vị chưa nộp báo cáo (6):" in reminder
    assert "BTCD" not in reminder  # late, but reported: the reminder chases the missing only
    assert "9 đơn vị đang hoạt động phải báo cáo tuần 10/2026" in texts(at)
    assert [m.value for m in at.metric][:2] == ["3/9", "2"]


def test_don_doc_every_unit_is_drawn_only_when_opened(users, fx) -> None:
    """Every unit's state sits in an expander drawn when opened (a closed one's grid was still
    sent and drawn by the browser on every visit; issue 35): closed, only the units to remind;
    opened, every active unit as well."""
    at = open_page(users["lanh_dao"], "don_doc", {"week": "2026-W10"})
    assert len(at.dataframe) == 1  # the units to remind
    at.session_state[don_doc.ALL_UNITS_OPEN] = True  # what a click on the expander sets
    at.run()
    assert not at.exception
    assert len(at.dataframe) == 2
    assert len(_table(at, 1)) == 9  # every active unit of the fixture
    assert _table(at, 0)["Mã đơn vị"].tolist()[0] == "TH"  # the reminders unchanged above it


def test_don_doc_exempt_week(users, fx) -> None:
    at = open_page(users["lanh_dao"], "don_doc", {"week": "2026-W08"})
    assert not at.exception
    assert "không yêu cầu báo cáo" in texts(at)
    assert len(at.code) == 0


def test_don_doc_refused_for_unit_user(users) -> None:
    at = open_page(users["don_vi"], "don_doc")
    assert any("không dành cho vai trò" in e.value for e in at.error)
    assert len(at.code) == 0


def test_xuat_du_lieu_offers_every_export(users, fx) -> None:
    at = open_page(users["don_vi"], "xuat_du_lieu", {"week": "2026-W10", "range": "6thang"})
    assert not at.exception
    keys = [b.key for b in at.get("download_button")]
    assert keys[:3] == ["dl_summary", "dl_detail", "dl_indicators"]
    assert {"dl_report", "dl_indicators_range"} <= set(keys)
    page = texts(at)
    assert "dấu chấm phẩy (;)" in page
    assert ".xlsx" in page
    # 6 tháng per Nghị định 09/2019/NĐ-CP, Điều 12: 15/12 of the year before to 14/06.
    assert "Từ ngày 15/12/2025 đến ngày 14/06/2026" in page


def test_xuat_du_lieu_custom_range(users, fx) -> None:
    at = open_page(users["lanh_dao"], "xuat_du_lieu", {"week": "2026-W10", "range": "tuy_chon"})
    assert not at.exception
    assert at.date_input(key="report_from").value.isoformat() == "2026-03-01"
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in texts(at)


@pytest.mark.parametrize("page_key", ["vuong_mac", "don_doc", "xuat_du_lieu"])
def test_pages_on_an_empty_database(users, page_key: str) -> None:
    at = open_page(users["quan_tri"], page_key)
    assert not at.exception
    if page_key == "vuong_mac":
        assert "Chưa có vướng mắc nào" in texts(at)


def test_don_doc_numbers_change_after_an_accepted_upload(users, fx) -> None:
    at = open_page(users["quan_tri"], "don_doc", {"week": "2026-W10"})
    assert "TH" in _table(at)["Mã đơn vị"].tolist()
    data = template.build("TH", "2026-W10")
    result = submissions.submit(data, "th.xlsx", users["quan_tri"], now=datetime(2026, 3, 6, 10, 0))
    assert result.status == "accepted", result.errors
    at.run()
    assert "TH" not in _table(at)["Mã đơn vị"].tolist()
    assert [m.value for m in at.metric][:2] == ["4/9", "3"]
