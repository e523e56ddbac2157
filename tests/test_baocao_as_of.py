"""Figures as of a week (issue 33): self-scores, reviews and the VP's criteria set, the Dân vận
khéo register and the difficulties' account each counted up to the end of one ISO week, by the
same queries the pages use with the week given (the pages pass none and keep their numbers);
the sentences the Báo cáo must never write, with their seeded violations."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from tests import followup_fixture
from tests.baocao_reading import zero_findings
from tests.conftest import set_now
from tests.scoring_fixture import add_models, add_scores, ordinary_scores
from tests.test_labels import case_labels
from tracker import roles
from tracker.catalogue import plan_store
from tracker.exports import baocao_sections
from tracker.metrics import difficulties, models_register, scoring
from tracker.store import db, queries

ADMIN = roles.SYSTEM


def _final(unit: str, week: str | None) -> float | None:
    df = scoring.scores_table(2026, week=week).set_index("unit_code")
    return None if unit not in df.index else float(df.loc[unit, "final_total"])


@pytest.mark.now("2026-01-05T09:00:00")
def test_scores_as_of_a_week_read_its_sheets_and_the_reviews_made_by_its_end(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_scores("KT", "2026-W10", ordinary_scores(60))
    add_scores("KT", "2026-W30", ordinary_scores(90))
    add_scores("VX", "2026-W25", ordinary_scores(70))
    assert _final("KT", "2026-W20") == pytest.approx(60.0)
    assert _final("VX", "2026-W20") is None  # its first sheet is of a later week
    assert _final("KT", None) == pytest.approx(90.0)  # the page: the year's latest sheet
    # A review saved on 02/06/2026 (W23): not yet there at the end of W20, there at W23's.
    set_now(monkeypatch, "2026-06-02T09:00:00")
    scoring.set_review(ADMIN, "KT", 2026, "A1", 1, "Kế hoạch ban hành muộn")  # A1: 4 -> 1
    assert _final("KT", "2026-W20") == pytest.approx(60.0)
    assert _final("KT", "2026-W23") == pytest.approx(57.0)
    assert _final("KT", None) == pytest.approx(87.0)
    ranked = scoring.scores_table(2026, week="2026-W26").set_index("unit_code")
    assert ranked.loc["VX", "rank"] == 1 and ranked.loc["KT", "rank"] == 2  # 70 > 57


@pytest.mark.now("2026-01-05T09:00:00")
def test_the_offices_assessment_as_of_a_week_uses_the_set_in_force_then(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = db.scalar("select id from criteria_set where active")
    add_scores("HCTC", "2026-W10", ordinary_scores(100))
    criteria = db.query("criteria", set_id=first)
    kept = criteria[criteria["code"] != "A1"][list(plan_store._CRITERION_COLUMNS)]
    set_now(monkeypatch, "2026-06-02T09:00:00")  # W23: the Office loads a new set
    with db.transaction() as tx:
        second = plan_store.store_criteria_set(
            tx, 2026, kept.to_dict("records"), label="Bộ mới", source="t", provisional=False, by="t"
        )
    before = scoring.scores_table(2026, week="2026-W20").set_index("unit_code")
    after = scoring.scores_table(2026, week="2026-W30").set_index("unit_code")
    assert before.loc["VP", "set_id"] == first and bool(before.loc["VP", "provisional"])
    assert after.loc["VP", "set_id"] == second and not bool(after.loc["VP", "provisional"])
    assert scoring.scores_table(2026).set_index("unit_code").loc["VP", "set_id"] == second


def test_the_register_as_of_a_week(tmp_db: Path) -> None:
    add_models("HCTC", "2026-W10", [{"name": "A", "field": "Kinh tế", "status": "Đăng ký"}])
    add_models(
        "HCTC",
        "2026-W30",
        [
            {"name": "A", "field": "Kinh tế", "status": "Được công nhận"},
            {"name": "B", "field": "Kinh tế", "status": "Đăng ký"},
        ],
    )
    at_w20 = models_register.register(year=2026, week="2026-W20")
    assert at_w20["name"].tolist() == ["A"] and at_w20["status"].tolist() == ["Đăng ký"]
    assert len(models_register.register(year=2026)) == 2  # the page: the year's latest sheet
    assert len(models_register.register(year=2026, week="2026-W09")) == 0


def _states(week: str) -> dict[str, list[str]]:
    df = db.query("difficulty_accounting", week=week)
    return {state: sorted(df.loc[df["state"] == state, "content"]) for state in difficulties.STATES}


@pytest.mark.now(followup_fixture.NOW)
def test_every_difficulty_raised_is_handled_dropped_or_open_as_of_its_week(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    followup_fixture.load()
    w10 = _states("2026-W10")
    # BTCD's W09 text was handled, its W10 text is open; the app difficulty of 10/03 (W11) is
    # not raised yet at W10.
    assert w10[difficulties.HANDLED] == [
        "Phần mềm một cửa lỗi",
        "Thiếu cán bộ tiếp dân",
        "Thiếu kinh phí in tài liệu",
    ]
    assert not any("Chưa nhận được kế hoạch" in texts for texts in w10.values())
    # The open ones are exactly those of the pages' list (no mark was made after W10's end).
    page = db.query("open_difficulties", week="2026-W10")
    assert sorted(page["content"]) == w10[difficulties.OPEN]
    # A mark made on 20/03 (W12): the pages drop it at once, W11's account keeps it open.
    set_now(monkeypatch, "2026-03-20T09:00:00")
    difficulties.mark_handled(ADMIN, "sheet", "VX|II.5", "Lịch tập huấn trùng", "Đã đổi lịch")
    assert "Lịch tập huấn trùng" in _states("2026-W11")[difficulties.OPEN]
    assert "Lịch tập huấn trùng" in _states("2026-W12")[difficulties.HANDLED]
    assert "Lịch tập huấn trùng" not in set(
        db.query("open_difficulties", week="2026-W11")["content"]
    )


@pytest.mark.now(followup_fixture.NOW)
def test_a_difficulty_no_longer_stated_is_counted_as_such(tmp_db: Path) -> None:
    followup_fixture.load()
    with db.transaction() as tx:  # VX's W11 report leaves the cell empty
        sub = tx.scalar(
            "insert into submission (sha256, filename, unit_code, period, status, uploaded_at, "
            "uploaded_by, uploader_role, has_progress) values ('vx11', 'vx.xlsx', 'VX', "
            "'2026-W11', 'accepted', $t, 'vx', 'don_vi', true) returning id",
            {"t": datetime(2026, 3, 12, 9, 0)},
        )
        tx.execute(
            "insert into current_sheet values ('VX', '2026-W11', 'progress', $s)", {"s": sub}
        )
        tx.execute(
            "insert into progress_row (submission_id, task_code, row_no, status, percent, "
            "difficulty) values ($s, 'II.5', 1, 'Đang thực hiện', 20, '')",
            {"s": sub},
        )
    w11 = _states("2026-W11")
    assert w11[difficulties.DROPPED] == ["Lịch tập huấn trùng"]
    assert _states("2026-W10")[difficulties.OPEN].count("Lịch tập huấn trùng") == 1


def test_the_accounts_states_are_the_registers_words() -> None:
    sql = queries.load("difficulty_accounting").sql
    assert case_labels(sql, "state") == set(difficulties.STATES)
    reworded = sql.replace("'Không còn nêu'", "'Không nêu nữa'")
    assert case_labels(reworded, "state") != set(difficulties.STATES)


def test_the_guard_against_zero_findings_sees_each_form() -> None:
    seeded = [
        "Trong kỳ, các đơn vị nêu 0 khó khăn, vướng mắc.",
        "Lãnh đạo Văn phòng đã xử lý 0; còn 1.",
        "Năm 2026 có 0 đơn vị đã tự chấm điểm.",
        "0/11 nhiệm vụ đã hoàn thành.",
    ]
    assert zero_findings(seeded) == seeded
    fine = ["đạt 10,0%", "Có 10 đơn vị nêu kết quả", "1/10 đơn vị", "Tuần 10/2026", "2.040 lượt"]
    assert zero_findings(fine) == []


def test_three_units_named_as_most_late_only_when_the_cut_is_not_arbitrary() -> None:
    late = pd.DataFrame(
        {
            "unit_name": ["A", "B", "C", "D", "E"],
            "late": [3, 1, 1, 0, 0],
            "missing": [1, 1, 1, 2, 1],
        }
    )
    assert baocao_sections.late_text(late) == (
        "A (3 tuần trễ hạn, 1 tuần chưa nộp); B (1 tuần trễ hạn, 1 tuần chưa nộp); C (1 tuần "
        "trễ hạn, 1 tuần chưa nộp); và 1 đơn vị khác cùng 2 tuần"
    )
    assert baocao_sections.late_text(late.head(3)).endswith("1 tuần chưa nộp)")
