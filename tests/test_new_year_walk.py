"""The first weeks of 2027 as the Office will live them (issue 36), walked on the office sample:
20/12/2026 (HCTC copies the plan), 06/01/2027 (the plan gets its number; units report 2027-W01
and the late 2026-W53; nothing has closed yet), 25/01/2027 (three weeks closed), 20/02/2027
(after Tết; self-scores in). At each date the pages are opened as the Office's people open them
and what they say is asserted, and the exports are made.

One test, in order: each date starts from what the previous one left (a walk, not four states).
The sample is the shared office sample (tests/conftest.py office_w10: ten units, 2026 reported
to W10), copied; 2026's later weeks are missing in it, which P1's record counts.
"""

from __future__ import annotations

import io
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import open_page, texts
from tests.conftest import set_now
from tests.states import workbook_bytes
from tracker.accounts import auth
from tracker.catalogue import plan, plan_files, plan_loading, plans
from tracker.exports import export
from tracker.ingest import contract, submissions
from tracker.metrics import progress, scoring
from tracker.store import db
from tracker.ui import overview

LEADER = auth.User("lanhdao", "lanh_dao", None, "Lãnh đạo Văn phòng (mẫu)")
ADMIN = auth.User("quantri", "quan_tri", None, "Quản trị (mẫu)")
OFFICER = auth.User("hctc", "don_vi", "HCTC", "Cán bộ HCTC (mẫu)")
REPORTERS = ("HCTC", "BTCD", "TTPVHCC", "TH")
WAITING = "Kế hoạch năm 2027 chưa có tuần báo cáo nào hết hạn nộp"


@pytest.fixture
def office(office_w10: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shared office sample, as the database of this test."""
    db.close_all()
    path = tmp_path / "office.duckdb"
    shutil.copyfile(office_w10, path)
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    return path


def _page(user: auth.User, key: str, query: dict | None = None) -> AppTest:
    at = open_page(user, key, query)
    assert not at.exception, at.exception
    return at


def _officer(unit: str) -> auth.User:
    return auth.User(unit.lower(), "don_vi", unit, f"Cán bộ {unit} (mẫu)")


def _send(unit: str, week: str, at: datetime, percent: int, scores: dict | None = None) -> Any:
    """The unit's template for `week`, filled as an officer does, uploaded as the unit at `at`."""
    tasks = db.query("unit_tasks", unit=unit, year=plans.of_week(week))["code"]
    rows = {
        code: {
            "status": contract.STATUS_IN_PROGRESS if percent else contract.STATUS_NOT_STARTED,
            "percent": percent,
            "result_text": f"Triển khai {code}" if percent else None,
        }
        for code in tasks
    }
    data = workbook_bytes(unit, week, at, rows, scores)
    return submissions.submit(data, f"{unit}-{week}.xlsx", _officer(unit), now=at)


def _scores_2027() -> dict[str, dict]:
    active = db.query("criteria_active", year=2027)
    values = {
        row.code: {"score": float(row.max_points) * 0.8, "evidence": "Biên bản, kế hoạch"}
        for row in active.itertuples(index=False)
        if row.kind == "ordinary"
    }
    return values | {"P1": {"score": -1.0, "evidence": "Sổ theo dõi"}}


def _year_tab(at: AppTest) -> AppTest:
    """Tổng quan with its trends opened and their tab "So với năm …", as clicks on them do
    (issue 35: what is closed is not drawn)."""
    at.session_state[overview.TRENDS_OPEN] = True
    at.run()
    at.session_state[overview.TRENDS_KEY] = next(
        t.label for t in at.tabs if t.label.startswith("So với năm")
    )
    at.run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta or "") for m in at.metric}


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_the_first_weeks_of_2027(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _20_december(monkeypatch)
    _6_january(monkeypatch)
    _25_january(monkeypatch)
    _20_february(monkeypatch)


def _20_december(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sunday of 2026-W51: HCTC copies 2026's plan as next year's draft."""
    set_now(monkeypatch, "2026-12-20T09:00:00")
    loaded = plan_loading.copy(ADMIN, 2026, 2027)
    lines = "\n".join(loaded.lines())
    assert "Tuần báo cáo đầu tiên: Tuần 1/2027 (04/01 - 10/01/2027)" in lines
    assert "hạn nộp 16:30 thứ Sáu 08/01/2027" in lines
    # The copy is next year's text: task names, criteria, the plan's title.
    titles = plan.tasks(year=2027).set_index("code")["short_title"]
    assert titles["II.1.c"].endswith("năm 2027") and titles["II.6"].endswith("và năm 2027")
    a1 = db.query("criteria_active", year=2027).set_index("code").loc["A1", "title"]
    assert "năm 2027 của đơn vị" in a1 and "2026" not in a1
    assert "2031" in plan.tasks(year=2027).set_index("code").loc["II.1.a", "full_text"]
    assert "(hạn nộp đầu tiên 16:30 thứ Sáu 08/01/2027)" in plan_files.list_lines()[1]
    # 2026 is still the plan in force: the leader's Tổng quan shows 2026, with no waiting notice.
    at = _page(LEADER, "tong_quan")
    assert [s.value for s in at.selectbox if s.label == "Kế hoạch năm"] == ["2026"]
    assert WAITING not in texts(at) and at.metric
    draft = _page(LEADER, "ke_hoach", {"nam": "2027"})
    shown = texts(draft)
    assert "Kế hoạch năm 2027" in shown and "(Kế hoạch chưa ghi số, ngày ban hành)" in shown
    assert "Tuần báo cáo: từ Tuần 1/2027 (04/01 - 10/01/2027) đến Tuần 52/2027" in shown
    assert "năm 2026" not in " ".join(t.label for t in draft.expander)


def _6_january(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wednesday of 2027-W01: the plan is issued; units report W01 and the late 2026-W53; no
    week of 2027 has closed, so no page shows a status, a pace or a fall."""
    set_now(monkeypatch, "2027-01-06T09:00:00")
    numbered = plan_loading.set_details(ADMIN, 2027, number="05/KH-VPUB", issued_on="05/01/2027")
    assert numbered.label == "Kế hoạch số 05/KH-VPUB ngày 05/01/2027"
    assert plans.first_week(2027) == "2027-W01"  # set alone: the number and date, not the week
    assert "Tuần 2/2027" in "\n".join(numbered.lines())  # the first full week after 05/01
    at = datetime(2027, 1, 6, 9, 0)
    assert _send("HCTC", "2027-W01", at, 5).status == "accepted"
    late = _send("BTCD", "2026-W53", at, 40)
    assert late.status == "accepted"
    assert [p.message for p in late.warnings if p.code == "late"] == [
        "Nộp sau hạn (04/01/2027 16:30)."
    ]
    early = _send("HCTC", "2027-W02", at, 10)
    assert [p.code for p in early.errors] == ["week_not_started"]
    assert "Tuần 2/2027 (11/01 - 17/01/2027) chưa bắt đầu" in early.errors[0].message
    for key in ("tong_quan", "nhiem_vu", "don_vi", "xuat_du_lieu"):
        page = _page(LEADER, key)
        shown = texts(page)
        assert (
            f"{WAITING}: tuần báo cáo đầu tiên là Tuần 1/2027 (04/01 - 10/01/2027), hạn nộp "
            "16:30 thứ Sáu 08/01/2027; đến lúc đó chưa có tiến độ, trạng thái hay so sánh với "
            "năm 2026 để xem."
        ) in shown, key
        assert not page.metric and not page.get("plotly_chart"), key
        assert "Chậm tiến độ" not in shown and "−" not in shown, key
    unit = texts(_page(OFFICER, "tong_quan"))
    assert WAITING in unit
    upload = _page(OFFICER, "nop_bao_cao")
    assert upload.selectbox(key="filter_week").value == "2027-W01"
    assert [b for b in upload.get("download_button") if "biểu mẫu" in b.proto.label]
    assert "Kế hoạch số 05/KH-VPUB ngày 05/01/2027" in texts(_page(LEADER, "ke_hoach"))
    # 2026 from 2027: its last week, named so (not "tuần hiện tại"), its figures complete.
    last_year = _page(LEADER, "tong_quan", {"nam": "2026"})
    assert "Đang xem tuần cuối của Kế hoạch" in texts(last_year)
    assert "tuần hiện tại" not in texts(last_year) and last_year.metric
    with pytest.raises(export.ExportError, match="chưa hết hạn nộp"):
        export.build("summary", week="2027-W01")
    annual = _docx_text(export.build("baocao", period="nam", year=2026))
    assert "Tuần 50/2026" in annual


def _25_january(monkeypatch: pytest.MonkeyPatch) -> None:
    """Monday of 2027-W04: W01-W03 have closed. The figures are 2027's alone: the cards compare
    with 2027's own weeks, and last year's same week (before 2026's first reporting week) is no
    figure to fall from."""
    for week, friday in (("2027-W02", 14), ("2027-W03", 21)):
        at = datetime(2027, 1, friday, 10, 0)
        for n, unit in enumerate(REPORTERS):
            assert _send(unit, week, at, 5 + 5 * n).status == "accepted", (unit, week)
    set_now(monkeypatch, "2027-01-25T09:00:00")
    at = _year_tab(_page(LEADER, "tong_quan"))
    shown = texts(at)
    assert WAITING not in shown
    assert "số liệu đến hết Tuần 3/2027 (18/01 - 24/01/2027)" in shown
    figures = _metrics(at)
    assert figures["Đơn vị đã nộp tuần 3/2027"][0] == f"{len(REPORTERS)}/10"
    assert not [d for _, d in figures.values() if d.startswith("-")]  # no fall, anywhere
    # 2026-W03 came before 2026's first reporting week: nothing to compare with, so no delta.
    assert figures["Tỷ lệ nộp báo cáo bình quân"][1] == ""
    assert figures["Tỷ lệ nộp đúng hạn bình quân"][1] == ""
    statuses = progress.task_completion("2027-W03")["status"]
    assert "Chậm tiến độ" not in set(statuses)  # 6,6% expected: nobody is 10 points behind
    # Where statuses are drawn, the tolerance they are drawn with is stated.
    assert "“Chậm tiến độ” khi tỷ lệ hoàn thành thấp hơn tiến độ theo kế hoạch quá 10 điểm" in shown
    summary = export.build("summary", week="2027-W03").decode("utf-8-sig")
    assert summary.count("\n") == len(plan.tasks(year=2027)) + 1
    tasks_page = texts(_page(LEADER, "nhiem_vu"))
    assert "quá 10 điểm phần trăm (ngưỡng của Kế hoạch năm 2027)" in tasks_page


def _20_february(monkeypatch: pytest.MonkeyPatch) -> None:
    """Saturday of 2027-W07 (after Tết 2027): HCTC has scored itself; the leader's headline and
    the ranking's first columns show last year beside this year; P1 names its weeks."""
    for week, at in (
        ("2027-W04", datetime(2027, 1, 28, 10)),
        ("2027-W05", datetime(2027, 2, 3, 10)),
        ("2027-W06", datetime(2027, 2, 12, 10)),
    ):
        assert _send("HCTC", week, at, 30).status == "accepted", week
    scored = _send("HCTC", "2027-W07", datetime(2027, 2, 19, 10), 35, _scores_2027())
    assert scored.status == "accepted", scored.errors
    set_now(monkeypatch, "2027-02-20T09:00:00")
    at = _page(LEADER, "tu_cham_diem")
    shown = texts(at)
    headline = _metrics(at)["Điểm của Văn phòng"]
    assert headline[1]  # the change against 2026, as the headline's delta
    last = scoring.unit_total(scoring.VP, 2026)
    assert f"Năm 2026: {last['final_total']:.1f}".replace(".", ",") in shown
    ranking = next(d.value for d in at.dataframe if "Hạng" in d.value.columns)
    assert list(ranking.columns)[:10] == [
        "Hạng",
        "Mã đơn vị",
        "Đơn vị",
        "Điểm cuối cùng",
        "Thang 100",  # the same score drawn as a bar (issue 35)
        "Xếp loại",
        "Điểm năm 2026",
        "Xếp loại năm 2026",
        "Hạng năm 2026",
        "Thay đổi (điểm)",
    ]
    assert ranking["Điểm cuối cùng"].dtype == "float64"
    note = texts(_page(ADMIN, "tu_cham_diem", {"score_unit": "HCTC"}))
    assert "P1 theo sổ theo dõi, các tuần báo cáo từ Tuần 1/2027 (04/01 - 10/01/2027)" in note
    assert "2027-W" not in note and "2026-W" not in note
    quarter = _docx_text(export.build("baocao", period="quy1", year=2027))
    assert "Tuần 7/2027" in quarter
