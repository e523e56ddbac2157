"""Open difficulties, the register, raising and marking handled (tests/followup_fixture.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests import followup_fixture
from tracker.accounts import auth
from tracker.metrics import difficulties
from tracker.store import db
from tracker.ui import tables

YEAR = 2026  # the plan of the fixture's database


@pytest.fixture
def fx(tmp_db: Path) -> dict[str, int]:
    return followup_fixture.load()


def _keys(week: str) -> list[tuple[str, str, str]]:
    df = difficulties.open_list(week)
    return list(zip(df["source"], df["ref"], df["content"], strict=True))


def test_open_as_of_week_10(fx) -> None:
    assert _keys("2026-W10") == [
        ("sheet", "HCTC|II.6", "Chưa có hướng dẫn mới"),  # 09/03 09:00
        ("sheet", "BTCD|II.4", "Phòng tiếp dân xuống cấp"),  # reopened by a new text
        ("sheet", "KT|II.1.a", followup_fixture.INJECTION),
        ("app", str(fx["app_nc"]), "Cần hướng dẫn ghi minh chứng"),
        ("sheet", "VX|II.5", "Lịch tập huấn trùng"),  # W08 carried forward
    ]
    assert difficulties.open_count("2026-W10") == 5


def test_handled_text_stays_closed_when_repeated(fx) -> None:
    refs = [ref for _, ref, _ in _keys("2026-W10")]
    assert "HCTC|II.2" not in refs  # same text as the handled one, in W09 and W10


def test_open_as_of_week_9_and_11(fx) -> None:
    # W09: HCTC II.2 and BTCD II.4 (old text) handled; app items raised in W10 not yet there.
    assert _keys("2026-W09") == [("sheet", "VX|II.5", "Lịch tập huấn trùng")]
    w11 = _keys("2026-W11")
    assert len(w11) == 6
    assert w11[0] == ("app", str(fx["app_th"]), "Chưa nhận được kế hoạch")


def test_inactive_unit_is_not_open(fx) -> None:
    assert "TTCBTH|II.5" not in [ref for _, ref, _ in _keys("2026-W10")]


def test_open_by_task(fx) -> None:
    assert difficulties.open_by_task("2026-W10") == {"II.6": 1, "II.4": 1, "II.1.a": 1, "II.5": 1}


def test_register_states_newest_first(fx) -> None:
    df = difficulties.all(year=YEAR)
    got = list(zip(df["ref"], df["content"].str[:12], df["state"], strict=True))
    assert got == [
        (str(fx["app_th"]), "Chưa nhận đư", "Chưa xử lý"),
        ("HCTC|II.6", "Chưa có hướn", "Chưa xử lý"),
        ("BTCD|II.4", "Phòng tiếp d", "Chưa xử lý"),
        ("KT|II.1.a", '=HYPERLINK("', "Chưa xử lý"),
        (str(fx["app_nc"]), "Cần hướng dẫ", "Chưa xử lý"),
        ("TTCBTH|II.5", "Đơn vị ngừng", "Chưa xử lý"),
        (str(fx["app_ttpv"]), "Phần mềm một", "Đã xử lý"),
        ("HCTC|II.2", "Thiếu kinh p", "Đã xử lý"),
        ("BTCD|II.4", "Thiếu cán bộ", "Đã xử lý"),
        ("VX|II.5", "Lịch tập huấ", "Chưa xử lý"),
    ]
    hctc = df[df["ref"] == "HCTC|II.2"].iloc[0]
    assert (hctc["first_period"], hctc["last_period"]) == ("2026-W09", "2026-W10")
    assert hctc["handled_note"] == "Đã xử lý"


def test_register_filters(fx) -> None:
    assert difficulties.all({"unit": "BTCD"}, year=YEAR)["state"].tolist() == [
        "Chưa xử lý",
        "Đã xử lý",
    ]
    assert len(difficulties.all({"state": "Đã xử lý"}, year=YEAR)) == 3
    assert difficulties.all({"task": "II.6", "source": "app"}, year=YEAR)["unit_code"].tolist() == [
        "TTPVHCC"
    ]


def test_dropped_text_is_no_longer_open(fx) -> None:
    # KT's next week no longer states the difficulty: it leaves the open list, stays in the register.
    with db.transaction() as tx:
        sid = tx.scalar(
            "insert into submission (sha256, filename, unit_code, period, status, uploaded_at) "
            "values ('kt11', 'kt11.xlsx', 'KT', '2026-W11', 'accepted', "
            "timestamp '2026-03-12 09:00') returning id"
        )
        tx.execute(f"insert into current_sheet values ('KT', '2026-W11', 'progress', {sid})")
        tx.execute(
            f"insert into progress_row (submission_id, task_code, row_no, status, percent, "
            f"difficulty) values ({sid}, 'II.1.a', 1, 'Đang thực hiện', 30, '')"
        )
    assert "KT|II.1.a" not in [ref for _, ref, _ in _keys("2026-W11")]
    assert "KT|II.1.a" in [ref for _, ref, _ in _keys("2026-W10")]
    row = difficulties.all({"unit": "KT"}, year=YEAR).iloc[0]
    assert row["state"] == "Không còn nêu"


def test_raise_by_unit_user_and_audit(users, fx) -> None:
    new_id = difficulties.raise_difficulty(
        users["don_vi"], "HCTC", "II.2", "  Cần thêm máy in  ", "Trang bị máy in", year=YEAR
    )
    row = db.rows(
        "select unit_code, task_code, content, proposal, raised_by from difficulty where id = $i",
        {"i": new_id},
    )[0]
    assert row == ("HCTC", "II.2", "Cần thêm máy in", "Trang bị máy in", "hctc")
    audit = db.rows(
        "select username, action, target from audit_log where action = 'difficulty_raise'"
    )
    assert audit == [("hctc", "difficulty_raise", f"app|{new_id}")]
    assert difficulties.all({"source": "app", "unit": "HCTC"}, year=YEAR)["state"].tolist() == [
        "Chưa xử lý"
    ]


def test_unit_user_cannot_raise_for_another_unit(users, fx) -> None:
    with pytest.raises(auth.PermissionDenied, match="chỉ được nêu vướng mắc của đơn vị mình"):
        difficulties.raise_difficulty(users["don_vi"], "BTCD", None, "Nội dung", "", year=YEAR)
    assert db.scalar("select count(*) from difficulty") == 3


def test_leader_cannot_raise(users) -> None:
    with pytest.raises(auth.PermissionDenied):
        difficulties.raise_difficulty(users["lanh_dao"], "HCTC", None, "Nội dung", "", year=YEAR)
    with pytest.raises(auth.PermissionDenied):
        difficulties.raise_difficulty(None, "HCTC", None, "Nội dung", "", year=YEAR)


def test_admin_raises_for_any_unit(users) -> None:
    new_id = difficulties.raise_difficulty(
        users["quan_tri"], "BTCD", None, "Thiếu phòng", "", year=YEAR
    )
    assert db.scalar("select unit_code from difficulty where id = $i", {"i": new_id}) == "BTCD"


@pytest.mark.parametrize(
    ("unit", "task", "content", "message"),
    [
        ("HCTC", None, "   ", "nội dung"),
        ("HCTC", "II.99", "x", "Không có nhiệm vụ"),
        ("ZZZ", None, "x", "Không có đơn vị"),
    ],
)
def test_raise_validation(users, unit, task, content, message) -> None:
    with pytest.raises(difficulties.DifficultyError, match=message):
        difficulties.raise_difficulty(users["quan_tri"], unit, task, content, "", year=YEAR)


def test_mark_handled_sheet_then_new_text_reopens(users, fx) -> None:
    difficulties.mark_handled(
        users["lanh_dao"], "sheet", "HCTC|II.6", "Chưa có hướng dẫn mới", "Đã xin ý kiến Sở"
    )
    assert "HCTC|II.6" not in [ref for _, ref, _ in _keys("2026-W10")]
    audit = db.rows(
        "select username, target, detail from audit_log where action = 'difficulty_handle'"
    )
    assert audit[0][:2] == ("lanhdao", "sheet|HCTC|II.6")
    assert "Đã xin ý kiến Sở" in audit[0][2]
    # Next week HCTC reports a different difficulty for II.6: open again.
    with db.transaction() as tx:
        sid = tx.scalar(
            "insert into submission (sha256, filename, unit_code, period, status, uploaded_at) "
            "values ('h11', 'h11.xlsx', 'HCTC', '2026-W11', 'accepted', "
            "timestamp '2026-03-12 09:00') returning id"
        )
        tx.execute(f"insert into current_sheet values ('HCTC', '2026-W11', 'progress', {sid})")
        tx.execute(
            f"insert into progress_row (submission_id, task_code, row_no, status, percent, "
            f"difficulty) values ({sid}, 'II.6', 1, 'Đang thực hiện', 50, 'Thiếu nhân lực')"
        )
    assert ("sheet", "HCTC|II.6", "Thiếu nhân lực") in _keys("2026-W11")
    assert "HCTC|II.6" not in [ref for _, ref, _ in _keys("2026-W10")]


def test_mark_handled_app(users, fx) -> None:
    ref = str(fx["app_nc"])
    difficulties.mark_handled(users["quan_tri"], "app", ref, "", "Đã hướng dẫn bằng văn bản")
    assert ref not in [r for _, r, _ in _keys("2026-W10")]
    row = difficulties.all({"source": "app", "unit": "NC"}, year=YEAR).iloc[0]
    assert (row["state"], row["handled_by"], row["handled_note"]) == (
        "Đã xử lý",
        "admin",
        "Đã hướng dẫn bằng văn bản",
    )
    with pytest.raises(difficulties.DifficultyError, match="đã được đánh dấu"):
        difficulties.mark_handled(users["quan_tri"], "app", ref, "", "Lần hai")


def test_unit_user_cannot_mark_handled(users, fx) -> None:
    with pytest.raises(auth.PermissionDenied):
        difficulties.mark_handled(
            users["don_vi"], "sheet", "HCTC|II.6", "Chưa có hướng dẫn mới", "Tự xử lý"
        )
    assert db.scalar("select count(*) from difficulty_handled") == 3
    assert difficulties.open_count("2026-W10") == 5


@pytest.mark.parametrize(
    ("source", "ref", "text", "note", "message"),
    [
        ("app", "999", "", "ghi chú", "Không tìm thấy"),
        ("app", "abc", "", "ghi chú", "Không tìm thấy"),
        ("sheet", "HCTC", "x", "ghi chú", "không hợp lệ"),
        ("sheet", "HCTC|II.6", "", "ghi chú", "Thiếu nội dung"),
        ("other", "1", "", "ghi chú", "Nguồn"),
        ("sheet", "HCTC|II.6", "Chưa có hướng dẫn mới", "  ", "ghi nội dung xử lý"),
    ],
)
def test_mark_handled_validation(users, fx, source, ref, text, note, message) -> None:
    with pytest.raises(difficulties.DifficultyError, match=message):
        difficulties.mark_handled(users["lanh_dao"], source, ref, text, note)


def test_table_has_vietnamese_headers(fx, tmp_db: Path) -> None:
    t = tables.difficulty_table(difficulties.all(year=YEAR), tmp_db)
    assert list(t.columns) == [
        "Ngày nêu",
        "Đơn vị",
        "Nhiệm vụ",
        "Tình trạng",
        "Khó khăn, vướng mắc",
        "Đề xuất, kiến nghị",
        "Xử lý",
        "Nguồn",
    ]
    assert t.iloc[0]["Ngày nêu"] == pd.Timestamp("2026-03-10 08:00")
    assert t.iloc[4]["Nhiệm vụ"] == "—"


def test_empty_database(tmp_db: Path) -> None:
    assert difficulties.open_count("2026-W10") == 0
    assert difficulties.all(year=YEAR).empty
