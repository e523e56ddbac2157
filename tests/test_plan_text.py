"""The plan's text and honest labels (issue 15): group headings stored and shown, inferred
directing authorities marked, the plan's own terms, sample units marked "(mẫu)", the criteria
set named in the scores CSV and on the guide sheet."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from tests.apptest_helpers import open_page, texts
from tests.scoring_fixture import add_scores, ordinary_scores
from tracker import settings
from tracker.catalogue import catalogues, editing, plan
from tracker.ingest import contract, template
from tracker.metrics import scoring
from tracker.store import db

II_1 = (
    "Tăng cường sự lãnh đạo của cấp ủy, chính quyền đối với công tác dân vận chính quyền, "
    "thực hiện dân chủ ở cơ sở"
)
III_2 = "Giao Trưởng Phòng Hành chính - Tổ chức:"
TEAM = "Tổ thực hiện công tác dân vận chính quyền và thực hiện dân chủ ở cơ quan, đơn vị"


def test_groups_carry_the_plan_s_headings(tmp_db: Path) -> None:
    groups = plan.groups(year=2026).set_index("code")
    assert groups.loc["II.1", "heading"] == II_1
    assert groups.loc["III.2", "heading"] == III_2
    assert groups.loc["II", "heading"] == "NỘI DUNG THỰC HIỆN"
    assert (groups.loc["III", "number"], groups.loc["III.2", "number"]) == ("III.", "2.")
    assert groups.loc["II.3", "heading"] == ""  # the item is itself the task


def test_outline_reads_like_the_document(tmp_db: Path) -> None:
    entries = [(e["kind"], e["code"]) for e in plan.outline(year=2026)]
    assert entries[:6] == [
        ("section", "II"),
        ("group", "II.1"),
        ("task", "II.1.a"),
        ("task", "II.1.b"),
        ("task", "II.1.c"),
        ("group", "II.2"),
    ]
    assert entries[-5:] == [
        ("section", "III"),
        ("task", "III.1"),
        ("group", "III.2"),
        ("task", "III.2.a"),
        ("task", "III.2.b"),
    ]
    heading = next(e for e in plan.outline(year=2026) if e["code"] == "III.2")
    assert (heading["number"], heading["text"]) == ("2.", III_2)


def test_inferred_directing_is_marked_and_the_plan_s_terms_are_used(tmp_db: Path) -> None:
    table = plan.plan_table(year=2026).set_index("Mã")
    for code in ("II.1.a", "II.1.b", "III.1", "III.2.a", "III.2.b"):
        assert table.loc[code, "Chỉ đạo"].endswith(plan.INFERRED_MARK), code
        assert table.loc[code, "Phân công suy ra"] == "Có"
    assert table.loc["III.1", "Chỉ đạo"] == "Chánh Văn phòng (suy ra)"
    assert table.loc["II.1.c", "Chỉ đạo"] == "Lãnh đạo Văn phòng"
    assert TEAM in table.loc["II.2", "Nhiệm vụ"]
    assert all("Tổ dân vận" not in t for t in plan.tasks(year=2026)["short_title"])


def test_a_task_in_an_unknown_group_is_refused(tmp_path: Path, users: dict) -> None:
    source = tmp_path / "cat"
    source.mkdir()
    for file, _ in catalogues.FILES.values():
        if (settings.DATA_DIR / file).exists():
            shutil.copy(settings.DATA_DIR / file, source / file)
    groups = (source / "task_groups.csv").read_text(encoding="utf-8")
    (source / "task_groups.csv").write_text(groups.replace("III.2,", "III.9,"), encoding="utf-8")
    with pytest.raises(catalogues.CatalogueError) as err:
        catalogues.read_dir(source)
    assert err.value.problems == [
        "tasks.csv, dòng 11: nhóm 'III.2' không có trong task_groups.csv; thêm nhóm đó hoặc sửa "
        "cột 'group_code'.",
        "tasks.csv, dòng 12: nhóm 'III.2' không có trong task_groups.csv; thêm nhóm đó hoặc sửa "
        "cột 'group_code'.",
    ]
    frame = editing.catalogue_frame("task_groups", year=2026)
    with pytest.raises(catalogues.CatalogueError, match=r"Không xóa được 'III\.2' vì còn nhiệm vụ"):
        editing.save_catalogue(
            "task_groups", frame[frame["code"] != "III.2"], users["quan_tri"], year=2026
        )
    frame.loc[frame["code"] == "II.3", "heading"] = "Triển khai Nghị quyết"
    assert editing.save_catalogue("task_groups", frame, users["quan_tri"], year=2026) == 1
    assert (
        plan.groups(year=2026).set_index("code").loc["II.3", "heading"] == "Triển khai Nghị quyết"
    )


def test_plan_page_shows_headings_and_the_inferred_note(users: dict) -> None:
    at = open_page(users["don_vi"], "ke_hoach")
    assert not at.exception, at.exception
    shown = texts(at)
    assert f"1. {II_1}" in shown and f"2. {III_2}" in shown
    assert "II. NỘI DUNG THỰC HIỆN" in shown
    assert "“(suy ra)”" in shown
    table = at.dataframe[0].value.set_index("Mã")
    assert table.loc["III.2.a", "Chỉ đạo"] == "Chánh Văn phòng (suy ra)"
    assert table.loc["II.4", "Chủ trì"] == "Ban Tiếp công dân thành phố"  # not a sample unit


# --- honest labels ---------------------------------------------------------------------------


def test_a_task_s_detail_is_drawn_when_its_expander_is_opened(users: dict) -> None:
    """Kế hoạch sends a closed task as its title only (issue 35: a grid per closed expander was
    drawn by the browser on every visit); opened, it shows who directs, the units and roles, and
    the task's full text."""
    at = open_page(users["don_vi"], "ke_hoach")
    assert not at.exception, at.exception
    entries = plan.outline(year=2026)
    task = next(e["task"] for e in entries if e["kind"] == "task" and e["task"].code == "III.2.a")
    label = f"{task.code} — {task.short_title}"
    assert label in [e.label for e in at.expander]
    assert len(at.dataframe) == 1  # the plan table only
    assert task.full_text not in [t.value for t in at.text]
    at.session_state["plan_task_III.2.a"] = True  # what the click on its title sets
    at.run()
    assert not at.exception, at.exception
    box = next(e for e in at.expander if e.label == label)
    assert "**Chỉ đạo:** Chánh Văn phòng (suy ra)" in [m.value for m in box.markdown]
    units = box.dataframe[0].value
    assert list(units.columns) == ["Đơn vị", "Vai trò"] and not units.empty
    assert [t.value for t in box.text] == [task.full_text]
    assert len(at.dataframe) == 2  # no other task opened with it


def test_sample_units_are_marked_in_lists(users: dict) -> None:
    labels = plan.unit_labels()
    assert labels["KT"] == "Phòng Kinh tế (mẫu)"
    assert labels["HCTC"] == "Phòng Hành chính - Tổ chức"
    assert plan.unit_names()["KT"] == "Phòng Kinh tế"  # the name workbooks carry
    assert "KT" in plan.sample_units() and "BTCD" not in plan.sample_units()
    at = open_page(users["lanh_dao"], "dan_van_kheo")
    assert not at.exception, at.exception
    unit_filter = at.selectbox(key="filter_unit")
    assert "KT - Phòng Kinh tế (mẫu)" in unit_filter.options
    assert "BTCD - Ban Tiếp công dân thành phố" in unit_filter.options
    # Once the Office's own list is loaded (sample = false), the mark goes.
    with db.transaction() as tx:
        tx.execute("update unit set sample = false")
    assert plan.unit_labels()["KT"] == "Phòng Kinh tế"


def test_scores_csv_ends_with_the_criteria_set(users: dict) -> None:
    add_scores("KT", "2026-W10", ordinary_scores(80))
    rows = list(csv.reader(io.StringIO(scoring.scores_csv("2026-W10").decode("utf-8-sig"))))
    assert rows[0][-1] == "Bộ tiêu chí" and rows[0][:-1] == list(scoring.SCORES_CSV_COLUMNS[:-1])
    assert rows[1][-1] == "Bộ tiêu chí tạm thời (chưa phải Phụ lục II chính thức)"
    assert rows[1][1] == "Phòng Kinh tế"  # exports keep the catalogue's name
    with db.transaction() as tx:  # a provisional set named without the word still says so
        tx.execute("update criteria_set set label = 'Bộ tiêu chí năm 2026'")
    rows = list(csv.reader(io.StringIO(scoring.scores_csv("2026-W10").decode("utf-8-sig"))))
    assert rows[1][-1] == "Bộ tiêu chí năm 2026 (tạm thời)"


def test_guide_sheet_says_the_set_is_provisional(tmp_db: Path) -> None:
    data = template.build("HCTC", "2026-W10", now=datetime(2026, 3, 2, 8, 0))
    guide = openpyxl.load_workbook(io.BytesIO(data))[contract.SHEET_GUIDE]
    text = " ".join(str(c.value) for c in guide["A"] if c.value)
    assert "bộ tiêu chí TẠM THỜI, chưa phải Phụ lục II chính thức" in text
