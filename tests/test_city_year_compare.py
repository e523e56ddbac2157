"""Thành phố's year over year (tracker/city/year_compare.py): the chosen year against the year
before at the same week (and, for the periodic Báo cáo, the same date), on a small two-year
registry whose rollup rows are written here by hand (two bodies, a few weeks each year, some of
last year's after the point), every expectation computed by hand below."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from tests.apptest_helpers import open_page, texts
from tests.conftest import PASSWORD
from tracker import roles
from tracker.accounts import auth
from tracker.catalogue import plan_loading
from tracker.city import bodies, overview, registry, reports, rollup, year_compare
from tracker.metrics import progress, scoring
from tracker.roles import CITY_SYSTEM, SYSTEM
from tracker.store import db

pytestmark = pytest.mark.now("2026-07-20T10:00:00")  # Monday of 2026-W30; data week 2026-W29
OFFICER = roles.User("snv.canbo", "so_noi_vu")


def _weeks(year: int, rows: list[tuple]) -> list[dict]:
    return [
        {"week": f"{year}-W{n:02d}", "expected": e, "reported": r, "on_time": o}
        | {"plan_completion": pc}
        for n, e, r, o, pc in rows
    ]


def _year(year: int, week: str, completion: float, score: float | None) -> dict:
    return {"year": year, "data_week": week, "tasks": 5, "plan_completion": completion} | {
        "self_score": score,
        "self_grade": None,
        "open_difficulties": 0,
    }


# Body VPUB (the home body) and X1; last year's weeks after W29 must not count.
ROLLUPS = {
    "VPUB": {
        "years": [_year(2025, "2025-W52", 90.0, 80.0), _year(2026, "2026-W29", 58.0, 70.0)],
        "weeks": _weeks(
            2025,
            [
                (26, 4, 4, 4, 40.0),
                (27, 4, 3, 2, 45.0),
                (28, 4, 4, 3, 50.0),
                (29, 4, 2, 2, 52.0),
                (30, 4, 4, 4, 55.0),
                (40, 4, 0, 0, 70.0),
            ],
        )
        + _weeks(2026, [(27, 4, 4, 4, 50.0), (28, 4, 4, 3, 55.0), (29, 4, 3, 3, 58.0)]),
        "scores": [{"year": 2025, "week": "2025-W29", "self_score": 60.0}],
    },
    "X1": {
        "years": [_year(2025, "2025-W52", 80.0, None), _year(2026, "2026-W29", 40.0, 75.0)],
        "weeks": _weeks(2025, [(28, 5, 5, 5, 30.0), (29, 5, 4, 2, 35.0), (31, 5, 5, 5, 60.0)])
        + _weeks(2026, [(28, 5, 5, 5, 38.0), (29, 5, 5, 4, 40.0)]),
        "scores": [],
    },
}

# (body, year, period, submitted): due 20/04 (quý I) and 10/07 (6 tháng) both years
SENT = [
    ("VPUB", 2026, "quy1", datetime(2026, 4, 18, 9)),  # on time
    ("VPUB", 2026, "6thang", datetime(2026, 7, 12, 9)),  # late
    ("X1", 2026, "quy1", datetime(2026, 4, 20, 15)),  # on time (the due day's end)
    # X1 2026 6 tháng: not sent (missing)
    ("VPUB", 2025, "quy1", datetime(2025, 4, 25, 9)),  # late
    ("VPUB", 2025, "6thang", datetime(2025, 7, 9, 9)),  # on time
    ("X1", 2025, "quy1", datetime(2025, 4, 22, 9)),  # late
    ("X1", 2025, "6thang", datetime(2025, 7, 25, 9)),  # after 20/07/2025: not sent as of then
]


def _store(reg: Path, rollups: dict, sent: list) -> None:
    for code, rows in rollups.items():
        rollup.store(code, 1, {"units": 3, "items": [], "escalations": []} | rows, reg)
    for year in (2025, 2026):
        reports.set_due(OFFICER, year, "quy1", date(year, 4, 20), reg)
        reports.set_due(OFFICER, year, "6thang", date(year, 7, 10), reg)
    with db.transaction(reg) as tx:
        for i, (code, year, period, at) in enumerate(sent, start=1):
            tx.insert_row(
                "body_report",
                {
                    "body": code,
                    "year": year,
                    "period": period,
                    "date_from": date(year, 1, 1),
                    "date_to": date(year, 3, 14),
                    "docx": b"",
                    "xlsx": b"",
                    "docx_sha256": "",
                    "xlsx_sha256": "",
                    "figures": "{}",
                    "approved_by": "x",
                    "approved_at": at,
                    "submitted_by": "x",
                    "submitted_at": at,
                    "received_no": i,
                },
            )


CITY_USERS: dict[str, roles.User] = {}


@pytest.fixture
def two_years(tmp_db: Path) -> Path:
    """The registry: VPUB and X1 active (Sở Nội vụ's body made inactive), two city accounts."""
    reg = registry.open_registry()
    bodies.save_body(
        CITY_SYSTEM, reg, code="SNV", name="Sở Nội vụ", kind="so_ban_nganh", active=False
    )
    bodies.save_body(CITY_SYSTEM, reg, code="X1", name="UBND xã Một", kind="xa_phuong")
    for name, role in (("snv.canbo", "so_noi_vu"), ("snv.lanhdao", "lanh_dao_snv")):
        CITY_USERS[name] = auth.create_user(name, role, PASSWORD, by=CITY_SYSTEM, path=reg)
    return reg


def test_the_city_figures_at_the_same_week_and_date(two_years: Path) -> None:
    _store(two_years, ROLLUPS, SENT)
    found = year_compare.compare(OFFICER, 2026, two_years)
    assert found is not None
    this, last = found.this, found.last
    assert (this.week, last.week, this.bodies, last.bodies) == ("2026-W29", "2025-W29", 2, 2)
    assert last.day.date() == date(2025, 7, 20)
    # 2026: VPUB 58, 11/12 reported, 10/12 on time, 70; X1 40, 10/10, 9/10, 75
    assert this.plan_completion == pytest.approx(49.0)
    assert this.reporting_rate == pytest.approx((100 * 11 / 12 + 100) / 2)
    assert this.on_time_rate == pytest.approx((100 * 10 / 12 + 90) / 2)
    assert this.self_score == pytest.approx(72.5)
    assert (this.report_on_time, this.reports_due) == (pytest.approx(50.0), 4)
    # 2025 up to W29 only: VPUB weeks 26-29 (16 expected, 13 reported, 11 on time), completion
    # 52 at W29, self-score 60 as of W29; X1 weeks 28-29 (10, 9, 7), 35, no self-score
    assert last.plan_completion == pytest.approx((52 + 35) / 2)
    assert last.reporting_rate == pytest.approx((100 * 13 / 16 + 90) / 2)
    assert last.on_time_rate == pytest.approx((100 * 11 / 16 + 70) / 2)
    assert last.self_score == pytest.approx(60.0)
    # as of 20/07/2025: VPUB late + on time, X1 late + not sent yet
    assert (last.report_on_time, last.reports_due) == (pytest.approx(25.0), 4)
    states = reports.statuses(2025, two_years, last.day).set_index(["body", "period"])["state"]
    assert states[("X1", "6thang")] == reports.MISSING  # sent 25/07/2025, after the date
    assert (
        reports.statuses(2025, two_years)
        .set_index(["body", "period"])
        .loc[("X1", "6thang"), "state"]
        == reports.LATE
    )  # as of today: sent, late
    assert found.change("plan_completion") == pytest.approx(5.5)
    assert found.change("report_on_time") == pytest.approx(25.0)
    assert found.change("self_score") == pytest.approx(12.5)


def test_the_full_years_overview_is_unchanged(two_years: Path) -> None:
    """Without $upto, last year's figures are its full year's, as before."""
    _store(two_years, ROLLUPS, SENT)
    full = overview.body_overview(OFFICER, 2025, two_years).set_index("body")
    assert full.loc["VPUB", "plan_completion"] == 90.0 and full.loc["VPUB", "self_score"] == 80.0
    assert full.loc["VPUB", "data_week"] == "2025-W52"
    assert full.loc["VPUB", "reporting_rate"] == pytest.approx(100 * 17 / 24)


@pytest.mark.parametrize("username", ["snv.canbo", "snv.lanhdao"])
def test_the_page_compares_with_last_year(two_years: Path, username: str) -> None:
    _store(two_years, ROLLUPS, SENT)
    user = CITY_USERS[username]
    at = open_page(user, "thanh_pho")
    assert not at.exception, at.exception
    assert "So với năm 2025" in [h.value for h in at.subheader]
    shown = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert shown["Hoàn thành Kế hoạch bình quân"] == ("49,0%", "5,5 điểm %")
    assert shown["Báo cáo định kỳ nộp đúng hạn"] == ("50,0%", "25,0 điểm %")
    assert shown["Điểm tự chấm bình quân"] == ("72,5", "12,5 điểm")
    on_time = shown["Tỷ lệ nộp đúng hạn bình quân"]
    assert on_time == ("86,7%", "17,3 điểm %")
    said = texts(at)
    assert "Tuần 29/2026" in said and "Tuần 29/2025" in said and "20/07/2025" in said


@pytest.mark.parametrize("username", ["snv.canbo", "snv.lanhdao"])
def test_a_year_before_without_data_is_said_so(two_years: Path, username: str) -> None:
    only_2026 = {
        code: {
            "years": [y for y in rows["years"] if y["year"] == 2026],
            "weeks": [w for w in rows["weeks"] if w["week"].startswith("2026")],
            "scores": [],
        }
        for code, rows in ROLLUPS.items()
    }
    _store(two_years, only_2026, [s for s in SENT if s[1] == 2026])
    found = year_compare.compare(OFFICER, 2026, two_years)
    assert found is not None and not found.last.has_data
    at = open_page(CITY_USERS[username], "thanh_pho")
    assert not at.exception, at.exception
    assert "Năm 2025 chưa có dữ liệu để so sánh." in [i.value for i in at.info]
    assert not at.metric and "-100" not in texts(at)


@pytest.mark.now("2027-03-18T10:00:00")
def test_the_rollup_keeps_each_weeks_completion_and_last_years_score_at_the_same_week(
    office_w10: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a real body's file with two plans (the office sample's 2026, copied to 2027): the
    weekly completion is the plan_trend its Tổng quan draws, and last year's self-score is
    unit_scores' as of the week matching this year's data week."""
    db.checkpoint(office_w10)
    home = tmp_path / "office.duckdb"
    shutil.copyfile(office_w10, home)
    monkeypatch.setenv("TRACKER_DB", str(home))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    plan_loading.copy(SYSTEM, 2026, 2027, path=home)
    assert rollup.data_week(2027, home) == "2027-W10"
    rows = rollup.compute(home)
    weeks = {w["week"]: w["plan_completion"] for w in rows["weeks"]}
    trend = progress.plan_trend("2026-W53", home)
    done = trend.dropna(subset=["plan_completion"])
    assert len(done) >= 5
    for week, value in zip(done["week"], done["plan_completion"], strict=True):
        assert weeks[week] == pytest.approx(value)
    year_2026 = next(y for y in rows["years"] if y["year"] == 2026)
    assert weeks[year_2026["data_week"]] == pytest.approx(year_2026["plan_completion"])
    own = scoring.scores_table(2026, home, week="2026-W10")
    own = own[own["unit_code"] == "VP"].iloc[0]["final_total"]
    expected = None if pd.isna(own) else pytest.approx(float(own))
    assert rows["scores"] == [{"year": 2026, "week": "2026-W10", "self_score": expected}]
    db.close_all()
