"""P1 from the record (issue 15 item 3): beside a unit's self-scored P1, the deduction its late
and missing weeks imply under the criterion's rule (−1 a week, at most the maximum), and HCTC's
one-click review with that value."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.apptest_helpers import open_page, texts
from tests.scoring_fixture import add_scores, ordinary_scores
from tracker.metrics import scoring
from tracker.text import fmt_number

ON_TIME_W07 = datetime(2026, 2, 12, 10, 0)  # Thursday, before Friday 13/02 16:30
LATE_W09 = datetime(2026, 2, 28, 9, 0)  # Saturday, after Friday 27/02 16:30


def _record(unit: str) -> dict:
    late = scoring.late_record(2026)
    return late[late["unit_code"] == unit].iloc[0].to_dict()


@pytest.mark.now("2026-03-11T10:00:00")  # W11 (deadline not yet passed): through W10
def test_late_and_missing_weeks_imply_the_deduction(users) -> None:
    add_scores("HCTC", "2026-W07", ordinary_scores(80) | {"P1": -1.0}, uploaded_at=ON_TIME_W07)
    add_scores("HCTC", "2026-W09", ordinary_scores(80) | {"P1": -1.0}, uploaded_at=LATE_W09)
    hctc, kt = _record("HCTC"), _record("KT")
    assert hctc["through"] == "2026-W10"
    assert hctc["late"] == 1 and hctc["missing"] == hctc["expected_weeks"] - 2
    assert hctc["implied"] == -(hctc["late"] + hctc["missing"])
    assert kt["late"] == 0 and kt["missing"] == kt["expected_weeks"] > 0
    assert kt["implied"] == -kt["expected_weeks"]


@pytest.mark.now("2026-11-25T10:00:00")
def test_the_deduction_stops_at_the_criterion_maximum(users) -> None:
    kt = _record("KT")  # no report all year
    assert kt["missing"] > 5 and kt["implied"] == -5.0


@pytest.mark.now("2026-01-20T09:00:00")  # before the first reporting week
def test_no_deduction_before_the_first_reporting_week(users) -> None:
    assert (scoring.late_record(2026)["implied"] == 0).all()


@pytest.mark.now("2026-03-11T10:00:00")
def test_page_shows_it_and_the_office_reviews_with_it(users) -> None:
    add_scores("HCTC", "2026-W07", ordinary_scores(80) | {"P1": -1.0}, uploaded_at=ON_TIME_W07)
    add_scores("HCTC", "2026-W09", ordinary_scores(80) | {"P1": -1.0}, uploaded_at=LATE_W09)
    implied = _record("HCTC")["implied"]
    shown = f"→ {fmt_number(implied, 1)} điểm"
    at = open_page(users["don_vi"], "tu_cham_diem")  # the unit sees it beside its own P1
    assert not at.exception, at.exception
    assert shown in texts(at) and "đơn vị tự chấm: -1,0" in texts(at)
    assert not [b for b in at.button if b.key == "late_review_HCTC"]
    at = open_page(users["quan_tri"], "tu_cham_diem", {"score_unit": "HCTC"})  # its detail tab
    at.button(key="late_review_HCTC").click().run()
    assert not at.exception, at.exception
    assert "Đã lưu điểm thẩm định P1 của HCTC theo sổ theo dõi." in texts(at)
    lines = scoring.criterion_lines(2026, "HCTC")
    p1 = lines[lines["criterion_code"] == "P1"].iloc[0]
    assert p1["reviewed"] and p1["final_score"] == implied
    assert "sổ theo dõi" in p1["review_comment"]
