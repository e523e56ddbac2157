"""Reporting discipline against the hand-computed follow-up dataset (tests/followup_fixture.py)."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import pytest

from tests import followup_fixture
from tracker.ingest import submissions, template
from tracker.metrics import reporting
from tracker.store import db


@pytest.fixture
def fx(tmp_db: Path) -> dict[str, int]:
    return followup_fixture.load()


def _states(week: str) -> dict[str, str]:
    df = reporting.week_status(week)
    return dict(zip(df["unit_code"], df["state"], strict=True))


def test_week_status_states_at_the_deadline_edge(fx) -> None:
    states = _states("2026-W10")
    # TTCBTH is inactive: not listed. HCTC at 16:30:00 is on time, BTCD at 16:30:01 late.
    assert states == {
        "HCTC": "Đúng hạn",
        "TH": "Chưa nộp",
        "KT": "Đúng hạn",
        "VX": "Chưa nộp",
        "NC": "Chưa nộp",  # only a rejected submission
        "KSTT": "Chưa nộp",
        "QTTV": "Chưa nộp",
        "BTCD": "Trễ hạn",
        "TTPVHCC": "Chưa nộp",
    }


def test_correction_keeps_first_upload_and_on_time(fx) -> None:
    df = reporting.week_status("2026-W10").set_index("unit_code")
    hctc = df.loc["HCTC"]
    assert hctc["first_upload"] == datetime(2026, 3, 6, 16, 30, 0)
    assert hctc["last_upload"] == datetime(2026, 3, 9, 9, 0)
    assert hctc["versions"] == 2
    assert bool(hctc["on_time"])


def test_contacts_come_from_the_last_accepted_sheet(fx) -> None:
    df = reporting.week_status("2026-W10").set_index("unit_code")
    # HCTC's correction (09/03) names another reporter than its first W10 sheet.
    assert (df.loc["HCTC", "reporter"], df.loc["HCTC", "phone"]) == ("Trần Văn Hùng", "0901000009")
    # BTCD: W10 (06/03) is later than W09 (26/02).
    assert (df.loc["BTCD", "reporter"], df.loc["BTCD", "phone"]) == ("Lê Minh Tâm", "0292000002")
    # VX is missing in W10: its contact comes from its exempt-week sheet.
    assert (df.loc["VX", "reporter"], df.loc["VX", "phone"]) == ("Đỗ Văn Tư", "0909000004")
    # NC only has a rejected file: no contact.
    assert df["reporter"].isna()["NC"]


def test_rates_for_week_10(fx) -> None:
    r = reporting.rates("2026-W10")
    assert (r["expected"], r["reported"], r["on_time"]) == (9, 3, 2)
    assert r["reporting_rate"] == pytest.approx(100 * 3 / 9)
    assert r["on_time_rate"] == pytest.approx(100 * 2 / 9)


def test_exempt_week_expects_nothing(fx) -> None:
    assert set(_states("2026-W08").values()) == {"Không yêu cầu"}
    r = reporting.rates("2026-W08")
    assert r == {
        "expected": 0,
        "reported": 0,
        "on_time": 0,
        "reporting_rate": None,
        "on_time_rate": None,
    }
    # The report VX sent anyway is still visible.
    vx = reporting.week_status("2026-W08").set_index("unit_code").loc["VX"]
    assert vx["first_upload"] == datetime(2026, 2, 20, 9, 0)


def test_week_before_first_week_expects_nothing(fx) -> None:
    assert set(_states("2026-W06").values()) == {"Không yêu cầu"}


def test_deadline_setting_is_used(fx) -> None:
    with db.transaction() as tx:
        tx.execute("update plan_setting set value = '17:00' where key = 'deadline_time'")
    assert _states("2026-W10")["BTCD"] == "Đúng hạn"
    assert reporting.deadline("2026-W10") == datetime(2026, 3, 6, 17, 0)


def test_trend_from_first_week(fx) -> None:
    df = reporting.trend("2026-W11")
    assert df["period"].tolist() == ["2026-W07", "2026-W08", "2026-W09", "2026-W10", "2026-W11"]
    assert df["expected_units"].tolist() == [9, 0, 9, 9, 9]
    assert df["reported"].tolist() == [0, 1, 2, 3, 0]
    assert df["on_time"].tolist() == [0, 1, 2, 2, 0]
    rr = df["reporting_rate"].tolist()
    assert rr[0] == 0
    assert math.isnan(rr[1])
    assert rr[2:] == pytest.approx([200 / 9, 300 / 9, 0])
    ot = df["on_time_rate"].tolist()
    assert math.isnan(ot[1])
    assert ot[3] == pytest.approx(200 / 9)


def test_trend_weeks_before_first_week_are_excluded(fx) -> None:
    df = reporting.trend("2026-W07", first_week="2026-W05")
    assert df["period"].tolist() == ["2026-W05", "2026-W06", "2026-W07"]
    assert df["expected"].tolist() == [False, False, True]
    assert df["reporting_rate"].isna().tolist() == [True, True, False]


def test_trend_agrees_with_rates(fx) -> None:
    df = reporting.trend("2026-W10").set_index("period")
    for week in ("2026-W09", "2026-W10"):
        r = reporting.rates(week)
        assert df.loc[week, "reporting_rate"] == pytest.approx(r["reporting_rate"])
        assert df.loc[week, "on_time_rate"] == pytest.approx(r["on_time_rate"])


def test_deadline_banner_variants(fx) -> None:
    before = datetime(2026, 3, 4, 9, 0)
    after = datetime(2026, 3, 7, 9, 0)
    assert reporting.deadline_banner("HCTC", "2026-W10") == (
        "Tuần 10: đã nộp lúc 16:30 06/03/2026 (đúng hạn)"
    )
    assert reporting.deadline_banner("BTCD", "2026-W10") == (
        "Tuần 10: đã nộp lúc 16:30 06/03/2026 (trễ hạn)"
    )
    assert reporting.deadline_banner("TH", "2026-W10", now=before) == (
        "Tuần 10: chưa nộp — hạn 16:30 thứ Sáu 06/03/2026"
    )
    assert reporting.deadline_banner("TH", "2026-W10", now=after) == (
        "Tuần 10: chưa nộp — đã quá hạn 16:30 thứ Sáu 06/03/2026"
    )
    assert reporting.deadline_banner("TH", "2026-W08") == "Tuần 8: không yêu cầu báo cáo"


def test_reminder_text_names_only_missing_units_with_contacts(fx) -> None:
    text = reporting.reminder_text("2026-W10", now=datetime(2026, 3, 9, 8, 0))
    assert "Tuần 10/2026 (02/03 - 08/03/2026)" in text
    assert "Hạn nộp: 16:30 thứ Sáu 06/03/2026." in text
    assert "Đến 08:00 09/03/2026: 3/9 đơn vị đã nộp (33,3%), 2 đơn vị nộp đúng hạn." in text
    assert "Đơn vị chưa nộp báo cáo (6):" in text
    assert "VX - Phòng Văn hóa - Xã hội (người lập: Đỗ Văn Tư, ĐT: 0909000004)" in text
    assert "TH - Phòng Tổng hợp (chưa có thông tin liên hệ)" in text
    # Units that reported, late (BTCD) or on time (HCTC, KT), are not named.
    for reported in ("BTCD", "HCTC", "KT -", "TTCBTH"):
        assert reported not in text
    assert "Đề nghị các đơn vị trên khẩn trương cập nhật biểu mẫu" in text
    before = reporting.reminder_text("2026-W10", now=datetime(2026, 3, 5, 8, 0))
    assert "nộp báo cáo trên hệ thống trước hạn nộp." in before


def test_reminder_text_when_every_unit_has_reported(fx) -> None:
    with db.transaction() as tx:
        tx.execute("update unit set active = false where code not in ('HCTC', 'BTCD', 'KT')")
    text = reporting.reminder_text("2026-W10", now=datetime(2026, 3, 9, 8, 0))
    assert "3/3 đơn vị đã nộp (100,0%), 2 đơn vị nộp đúng hạn." in text
    assert "Tất cả đơn vị đã nộp báo cáo tuần 10/2026. Trân trọng cảm ơn!" in text
    assert "chưa nộp" not in text
    assert "Đề nghị" not in text


def test_reminder_text_for_exempt_week(fx) -> None:
    assert "không yêu cầu" in reporting.reminder_text("2026-W08")


def test_follow_up_lists_missing_then_late(fx) -> None:
    df = reporting.follow_up("2026-W10")
    assert df["unit_code"].tolist() == ["TH", "VX", "NC", "KSTT", "QTTV", "TTPVHCC", "BTCD"]


def test_empty_database(tmp_db: Path) -> None:
    r = reporting.rates("2026-W10")
    assert (r["expected"], r["reported"], r["reporting_rate"]) == (10, 0, 0.0)
    assert "Đơn vị chưa nộp báo cáo (10):" in reporting.reminder_text("2026-W10")


def test_through_ingest_correction_keeps_on_time_and_contact_follows(users) -> None:
    admin = users["quan_tri"]
    first = template.build("TH", "2026-W10", now=datetime(2026, 3, 6, 9, 0))
    again = template.build("TH", "2026-W10", now=datetime(2026, 3, 9, 9, 0))
    assert first != again
    r1 = submissions.submit(first, "th.xlsx", admin, now=datetime(2026, 3, 6, 16, 29))
    r2 = submissions.submit(again, "th-sua.xlsx", admin, now=datetime(2026, 3, 9, 8, 0))
    assert (r1.status, r2.status) == ("accepted", "accepted")
    th = reporting.week_status("2026-W10").set_index("unit_code").loc["TH"]
    assert th["state"] == "Đúng hạn"
    assert th["first_upload"] == datetime(2026, 3, 6, 16, 29)
    assert th["versions"] == 2
    late = template.build("KT", "2026-W10")
    assert (
        submissions.submit(late, "kt.xlsx", admin, now=datetime(2026, 3, 6, 16, 31)).status
        == "accepted"
    )
    assert _states("2026-W10")["KT"] == "Trễ hạn"
