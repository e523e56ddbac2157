"""Catalogue files: the shipped ones load and imply the plan's assignments; mistakes are named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import set_plan_setting
from tracker import settings
from tracker.catalogue import catalogues, plan, plans
from tracker.store import db

ALL_UNIT_TASKS = ["II.1.a", "II.1.b", "II.1.c", "II.2", "II.3", "II.4", "II.5", "II.6", "III.1"]


def test_shipped_catalogues_load(tmp_db: Path) -> None:
    tasks = plan.tasks(year=2026)
    assert tasks["code"].tolist() == [
        "II.1.a",
        "II.1.b",
        "II.1.c",
        "II.2",
        "II.3",
        "II.4",
        "II.5",
        "II.6",
        "III.1",
        "III.2.a",
        "III.2.b",
    ]
    kinds = dict(zip(tasks["code"], tasks["kind"], strict=True))
    assert kinds["III.2.a"] == kinds["III.2.b"] == "theo_yeu_cau"
    assert kinds["II.4"] == "thuong_xuyen"
    inferred = set(tasks.loc[tasks["assignment_inferred"], "code"])
    # 1.a/1.b take 1.c's assignment; section III never names who directs (Chánh Văn phòng).
    assert inferred == {"II.1.a", "II.1.b", "III.1", "III.2.a", "III.2.b"}
    assert {"HCTC", "BTCD", "TTPVHCC"} <= set(plan.units()["code"])
    assert "Ban Tiếp công dân thành phố" in plan.unit_names().values()
    assert tasks["start_date"].min().strftime("%d/%m/%Y") == "01/01/2026"
    assert tasks["due_date"].max().strftime("%d/%m/%Y") == "31/12/2026"
    crit = db.frame("select code, kind from criterion order by sort_order")
    assert crit["code"].tolist()[:3] == ["A1", "A2", "A3"]
    assert crit["code"].tolist()[-3:] == ["T1", "P1", "P2"]
    assert db.scalar("select provisional from criteria_set where active")
    assert catalogues.setting("first_week") == "2026-W07"
    # Tết (2026-W08) is exempt by the working-day calendar, not listed by hand any more.
    assert catalogues.setting("exempt_weeks") == ""


def test_assignments_follow_the_plan(tmp_db: Path) -> None:
    a = plan.assignments(year=2026)
    active = set(plan.units()["code"])
    by_task = {code: g for code, g in a.groupby("task_code")}
    for code in ALL_UNIT_TASKS:
        assert set(by_task[code]["unit_code"]) == active, code
    leads = {code: set(g.loc[g["role"] == "chu_tri", "unit_code"]) for code, g in by_task.items()}
    assert leads["II.2"] == leads["II.6"] == {"HCTC"}
    assert leads["II.4"] == {"BTCD"}
    for code in ("II.1.a", "II.1.b", "II.1.c", "II.3", "II.5", "III.1"):
        assert leads[code] == set(), code
    assert leads["III.2.a"] == {"HCTC"}
    assert set(by_task["III.2.a"]["unit_code"]) == active
    assert set(by_task["III.2.b"]["unit_code"]) == {"HCTC"}


def test_inactive_unit_drops_out_of_assignments(tmp_db: Path) -> None:
    with db.transaction() as tx:
        tx.execute("update unit set active = false where code = 'KT'")
    assert "KT" not in set(plan.assignments(year=2026)["unit_code"])


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "cat"
    target.mkdir()
    for file, _ in catalogues.FILES.values():
        shutil.copy(settings.DATA_DIR / file, target / file)
    return target


def test_mistakes_are_reported_with_file_and_line(tmp_path: Path) -> None:
    source = _copy(tmp_path)
    tasks = (source / "tasks.csv").read_text(encoding="utf-8").splitlines()
    tasks[6] = tasks[6].replace(",BTCD,", ",NOPE,")  # II.4 lead: unknown unit (line 7)
    tasks[11] = tasks[11].replace(",theo_yeu_cau,", ",bat_ky,")  # III.2.b kind (line 12)
    (source / "tasks.csv").write_text("\n".join(tasks) + "\n", encoding="utf-8")
    units = (source / "units.csv").read_text(encoding="utf-8") + "HCTC,Trùng mã,true,false,\n"
    (source / "units.csv").write_text(units, encoding="utf-8")
    with pytest.raises(catalogues.CatalogueError) as err:
        catalogues.read_dir(source)
    problems = err.value.problems
    assert any(p.startswith("tasks.csv, dòng 7:") and "NOPE" in p for p in problems)
    assert any(p.startswith("tasks.csv, dòng 12:") and "bat_ky" in p for p in problems)
    assert any(p.startswith("units.csv, dòng 12:") and "trùng" in p for p in problems)


def test_no_unit_takes_the_code_of_the_bodys_own_assessment(tmp_path: Path) -> None:
    """'VP' is the scores' column of the body's general assessment: a unit coded so would merge
    with it (Tự chấm điểm failed on a xã's "Văn phòng" coded VP)."""
    source = _copy(tmp_path)
    units = (source / "units.csv").read_text(encoding="utf-8") + "VP,Văn phòng,true,false,\n"
    (source / "units.csv").write_text(units, encoding="utf-8")
    with pytest.raises(catalogues.CatalogueError) as err:
        catalogues.read_dir(source)
    assert any(
        p.startswith("units.csv, dòng 12:") and "dành cho điểm đánh giá chung" in p
        for p in err.value.problems
    )


def test_bad_setting_value_in_csv_is_refused_with_file_and_line(tmp_path: Path) -> None:
    source = _copy(tmp_path)
    lines = (source / "settings.csv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith("deadline_time,"))
    lines[line - 1] = "deadline_time,16h30," + lines[line - 1].split(",", 2)[2]
    (source / "settings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(catalogues.CatalogueError) as err:
        catalogues.read_dir(source)
    assert any(
        p.startswith(f"settings.csv, dòng {line}: Tham số deadline_time phải là giờ dạng HH:MM")
        and "16h30" in p
        for p in err.value.problems
    )


def test_missing_column_and_file(tmp_path: Path) -> None:
    source = _copy(tmp_path)
    (source / "settings.csv").unlink()
    text = (source / "indicators.csv").read_text(encoding="utf-8").replace("kind,", "loai,", 1)
    (source / "indicators.csv").write_text(text, encoding="utf-8")
    with pytest.raises(catalogues.CatalogueError) as err:
        catalogues.read_dir(source)
    assert any("settings.csv" in p and "không tìm thấy" in p for p in err.value.problems)
    assert any(p.startswith("indicators.csv, dòng 1: thiếu cột kind") for p in err.value.problems)


def test_bad_catalogue_leaves_database_unchanged(tmp_db: Path, tmp_path: Path) -> None:
    source = _copy(tmp_path)
    (source / "units.csv").write_text(
        "code,name,active,sample,note\nX,,maybe,false,\n", encoding="utf-8"
    )
    before = plan.units()["code"].tolist()
    with pytest.raises(catalogues.CatalogueError):
        catalogues.load_all(source=source)
    assert plan.units()["code"].tolist() == before


def test_reload_keeps_settings_edited_in_app(tmp_db: Path) -> None:
    with db.transaction() as tx:
        tx.execute("update setting set value = 'BC-VP' where key = 'report_number_prefix'")
    set_plan_setting("lock_days", "7")
    catalogues.load_all()
    assert catalogues.setting("report_number_prefix") == "BC-VP"
    assert plans.setting(2026, "lock_days") == "7"
    assert db.scalar("select count(*) from criteria_set") == 1


def test_export_round_trips(tmp_db: Path, tmp_path: Path) -> None:
    out = _copy(tmp_path)
    for name, (file, _) in catalogues.FILES.items():
        (out / file).write_bytes(catalogues.export_csv(name, year=2026))
    data = catalogues.read_dir(out)
    assert [t["code"] for t in data["tasks"]][-1] == "III.2.b"
    assert len(data["criteria"]) == 24
