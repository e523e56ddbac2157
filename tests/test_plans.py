"""One plan per year (issue 24): today's catalogue migrated to the 2026 plan, loading, copying and
listing plans (commands and messages), every week under its year's plan (templates, uploads,
carry-forward), the year change at the clock, and year over year."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from tests.apptest_helpers import open_page, texts
from tests.conftest import ROOT, child_env, set_now
from tests.workbook_factory import Book
from tracker import settings
from tracker.catalogue import calendar, plan, plan_files, plan_loading, plans
from tracker.exports import export
from tracker.ingest import contract, submissions, template
from tracker.metrics import progress, year_over_year
from tracker.roles import SYSTEM
from tracker.store import db

pytestmark = pytest.mark.now("2027-01-20T10:00:00")  # a working Wednesday of 2027-W03

TASKS_2027 = """code,group_code,short_title,full_text,directing,lead_unit,coordinating,start_date,due_date,weight,kind,assignment_inferred
II.3,II.3,Đối thoại với Nhân dân,3. Tổ chức đối thoại,Chánh Văn phòng,,*,2027-01-01,2027-12-31,1,thuong_xuyen,false
II.4,II.4,Tiếp công dân,4. Tiếp công dân,Trưởng ban,BTCD,*,2027-01-01,2027-12-31,1,thuong_xuyen,false
II.7,II.7,Chuyển đổi số,7. Chuyển đổi số,Chánh Văn phòng,HCTC,*,2027-01-01,2027-12-31,2,thuong_xuyen,false
"""
GROUPS_2027 = """code,heading
II,NỘI DUNG THỰC HIỆN
II.3,
II.4,
II.7,
"""


def _files(
    tasks: str = TASKS_2027, groups: str | None = GROUPS_2027, **kw
) -> plan_loading.PlanFiles:
    return plan_loading.PlanFiles(
        tasks=tasks.encode(),
        tasks_name="tasks-2027.csv",
        groups=groups.encode() if groups is not None else None,
        **kw,
    )


def _cli(*args: str, db_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(db_path), *args],
        cwd=ROOT,
        env=child_env(TRACKER_DAILY_BACKUP="0"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- the migration ----------------------------------------------------------------------------


def test_migration_makes_the_catalogue_the_2026_plan(tmp_path: Path) -> None:
    """A database at migration 010 (one task catalogue, a 'year' setting) migrates without
    touching a stored row: its tasks, headings, settings, criteria set, requests and
    difficulties become the 2026 plan's."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "create table schema_migration (version integer primary key, name varchar not null, "
        "applied_at timestamp not null)"
    )
    for file in sorted(settings.MIGRATIONS_DIR.glob("0[01][0-9]_*.sql"))[:10]:
        con.execute(file.read_text(encoding="utf-8"))
        con.execute(
            "insert into schema_migration values (?, ?, timestamp '2026-02-01 08:00:00')",
            [int(file.name[:3]), file.stem],
        )
    con.execute("insert into setting values ('year', '2026', ''), ('lock_days', '9', '')")
    con.execute(
        "insert into task (code, sort_order, group_code, short_title, full_text, directing, "
        "lead_unit, coordinating, start_date, due_date, weight, kind) values ('II.4', 1, 'II.4', "
        "'Tiếp dân', 'x', 'Trưởng ban', 'BTCD', '*', date '2026-01-01', date '2026-12-31', 1, "
        "'thuong_xuyen')"
    )
    con.execute(
        "insert into criteria_set (id, label, source, provisional, active, loaded_at) values "
        "(1, 'Tạm thời', 'data', true, true, timestamp '2026-02-01 08:00:00')"
    )
    con.execute(
        "insert into difficulty (id, unit_code, content, raised_at) values "
        "(1, 'HCTC', 'x', timestamp '2026-03-02 08:00:00')"
    )
    con.close()
    db.close_all()
    db.connection(path)
    assert db.rows("select year, number from plan", path=path) == [(2026, None)]
    assert db.rows("select plan_year, code, retired from task", path=path) == [
        (2026, "II.4", False)
    ]
    assert db.scalar("select count(*) from task_group where plan_year = 2026", path=path) == 10
    assert plans.setting(2026, "lock_days", path) == "9"
    assert db.scalar("select plan_year from criteria_set", path=path) == 2026
    assert db.scalar("select plan_year from difficulty", path=path) == 2026
    latest = max(int(f.name[:3]) for f in settings.MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    applied = db.migrations_applied(path)
    assert 11 in applied and applied[-1] == latest  # 011 and every later one
    db.close_all()


# --- loading, copying, listing ------------------------------------------------------------------


def test_copy_moves_dates_blanks_the_number_and_lists(tmp_db: Path) -> None:
    loaded = plan_loading.copy(SYSTEM, 2026, 2027)
    assert loaded.label == "Kế hoạch năm 2027" and not loaded.numbered
    tasks = plan.tasks(year=2027)
    assert list(tasks["code"]) == list(plan.tasks(year=2026)["code"])
    assert {str(d)[:10] for d in tasks["start_date"]} == {"2027-01-01"}
    # No date yet: the first full week of the year (issue 36), Monday 04/01/2027.
    assert plans.first_week(2027) == "2027-W01"
    assert plans.setting(2027, "exempt_weeks") == ""  # Tết 2027 is exempted by the calendar
    assert db.scalar("select count(*) from criteria_set where plan_year = 2027 and active") == 1
    lines = plan_files.list_lines()
    assert lines[1].startswith("2027  Kế hoạch năm 2027 · 11 nhiệm vụ · 10 đơn vị được giao")
    with pytest.raises(plan_loading.PlanFileError, match="Đã có Kế hoạch năm 2027"):
        plan_loading.copy(SYSTEM, 2026, 2027)


def test_load_from_csv_and_xlsx_alike(tmp_db: Path) -> None:
    loaded = plan_loading.load(SYSTEM, 2027, _files(number="05/KH-VPUB", issued_on="12/01/2027"))
    assert loaded.label == "Kế hoạch số 05/KH-VPUB ngày 12/01/2027"
    assert list(plan.tasks(year=2027)["code"]) == ["II.3", "II.4", "II.7"]
    # Dated Tuesday 12/01/2027: reports from the first full week after it (issue 36).
    assert plans.first_week(2027) == "2027-W03"
    wb = Workbook()
    for line in TASKS_2027.strip().splitlines():
        wb.active.append(line.split(","))
    out = io.BytesIO()
    wb.save(out)
    checked = plan_loading.check(
        2027, plan_loading.PlanFiles(out.getvalue(), "nhiem-vu-2027.xlsx", GROUPS_2027.encode())
    )
    assert checked.problems == []
    assert [t["code"] for t in checked.tasks] == ["II.3", "II.4", "II.7"]


def test_every_problem_at_once_with_row_and_column_and_nothing_stored(tmp_db: Path) -> None:
    bad = TASKS_2027.replace("BTCD", "KHONGCO").replace(
        "2027-01-01,2027-12-31,2", "2026-06-01,2027-12-31,2"
    )
    bad += "II.3,II.3,Trùng mã,x,Chánh Văn phòng,,*,2027-01-01,2027-12-31,1,thuong_ton,false\n"
    with pytest.raises(plan_loading.PlanFileError) as refused:
        plan_loading.load(SYSTEM, 2027, _files(bad))
    problems = refused.value.problems
    assert (
        "tasks-2027.csv, dòng 3: cột 'lead_unit': đơn vị chủ trì 'KHONGCO' không có trong units.csv."
        in problems
    )
    assert "tasks-2027.csv, dòng 5: cột 'code': mã 'II.3' bị trùng." in problems
    assert any("dòng 5: cột 'kind' phải là một trong" in p for p in problems)
    assert (
        "tasks-2027.csv, dòng 4, cột start_date: ngày 01/06/2026 nằm ngoài năm 2027 của Kế hoạch."
        in problems
    )
    assert not plans.exists(2027)


def test_reload_keeps_history_retires_reported_tasks_and_deletes_the_rest(users: dict) -> None:
    set_now_2026 = datetime(2026, 3, 6, 10, 0)
    assert submissions.submit(Book().to_bytes(), "w10.xlsx", users["don_vi"], now=set_now_2026).ok
    tasks = TASKS_2027.replace("2027-", "2026-")
    groups = GROUPS_2027
    loaded = plan_loading.load(SYSTEM, 2026, _files(tasks, groups))
    assert "II.1.a" in loaded.retired and "HCTC" in loaded.retired["II.1.a"]
    assert loaded.kept == ["II.3", "II.4"] and loaded.added == ["II.7"]
    assert list(plan.tasks(year=2026)["code"]) == ["II.3", "II.4", "II.7"]
    retired = db.rows("select code from task where plan_year = 2026 and retired order by code")
    assert ("II.1.a",) in retired
    # The history stays: the kept task's reported row still counts.
    week = progress.unit_task_progress("2026-W10")
    row = week[(week["task_code"] == "II.4") & (week["unit_code"] == "HCTC")].iloc[0]
    assert row["percent"] == 20


def test_plan_commands(tmp_path: Path) -> None:
    path = tmp_path / "cli.duckdb"
    assert _cli("plan", "list", db_path=path).stdout.startswith("2026  Kế hoạch năm 2026")
    (tmp_path / "tasks.csv").write_text(TASKS_2027.replace("BTCD", "XYZ"), encoding="utf-8")
    (tmp_path / "groups.csv").write_text(GROUPS_2027, encoding="utf-8")
    refused = _cli(
        "plan", "load", "--year", "2027", "--tasks", str(tmp_path / "tasks.csv"),
        "--groups", str(tmp_path / "groups.csv"), db_path=path,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "cột 'lead_unit': đơn vị chủ trì 'XYZ'" in refused.stderr
    copied = _cli("plan", "copy", "--from", "2026", "--to", "2027", db_path=path)
    assert copied.returncode == 0
    assert "Đã chép Kế hoạch năm 2026 thành Kế hoạch năm 2027" in copied.stdout
    listed = _cli("plan", "list", db_path=path).stdout.splitlines()
    assert [line[:4] for line in listed] == ["2026", "2027"]
    missing = _cli(
        "template", "--unit", "HCTC", "--week", "2028-W03", "--out", "x.xlsx", db_path=path
    )
    assert missing.returncode != 0 and "Kế hoạch năm 2028 chưa được nạp" in missing.stderr


# --- every week under its year's plan ---------------------------------------------------------


def _book_2027(**changes) -> Book:
    book = Book(period="Tuần 3/2027", report_date="20/01/2027", **changes)
    book.progress = [r for r in book.progress if r["task_code"] in ("II.3", "II.4", "II.7")]
    return book


def test_a_week_of_a_year_without_a_plan_is_refused_with_whom_to_ask(users: dict) -> None:
    result = submissions.check(_book_2027(meta=None).to_bytes(), "w3.xlsx", users["don_vi"])
    assert [p.code for p in result.errors] == ["plan_missing"]
    assert "Kế hoạch năm 2027 chưa được nạp" in result.errors[0].message
    assert "Phòng Hành chính - Tổ chức" in result.errors[0].fix


def test_a_template_of_another_year_is_refused_naming_both_years(users: dict) -> None:
    plan_loading.copy(SYSTEM, 2026, 2027)
    data = template.build("HCTC", "2026-W53")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    for row in wb[contract.SHEET_PROGRESS].iter_rows(max_col=2):
        if str(row[0].value or "").rstrip(":") == contract.LABEL_PERIOD:
            row[1].value = "Tuần 3/2027"
    for row in wb[contract.SHEET_META].iter_rows(max_col=2):
        if row[0].value == "period":
            row[1].value = "2027-W03"
    out = io.BytesIO()
    wb.save(out)
    result = submissions.check(out.getvalue(), "cu.xlsx", users["don_vi"])
    found = [p for p in result.errors if p.code == "plan_year_mismatch"]
    assert found and "Kế hoạch năm 2026" in found[0].message and "2027" in found[0].message
    assert "Tải biểu mẫu của Tuần 3/2027" in found[0].fix


def test_2026_reported_in_january_2027_goes_to_2026(users: dict) -> None:
    """2026-W53 (28/12/2026 - 03/01/2027) is 2026's last week; its deadline moves off New Year's
    Day to Monday 04/01/2027; sent on 06/01/2027 it is late, and counts in 2026."""
    assert calendar.deadline("2026-W53") == datetime(2027, 1, 4, 16, 30)
    book = Book(period="Tuần 53/2026", report_date="06/01/2027", meta=None)
    result = submissions.submit(
        book.to_bytes(), "w53.xlsx", users["don_vi"], now=datetime(2027, 1, 6, 9, 0)
    )
    assert result.ok and "late" in [p.code for p in result.warnings]
    assert progress.task_completion("2026-W53")["reported_units"].sum() > 0


def test_a_new_plan_starts_afresh(users: dict) -> None:
    """Last year's progress never carries into the next plan."""
    plan_loading.copy(SYSTEM, 2026, 2027)
    submissions.submit(
        Book(meta=None).to_bytes(), "w10.xlsx", users["don_vi"], now=datetime(2026, 3, 6, 10)
    )
    assert (progress.task_completion("2027-W10")["reported_units"] == 0).all()
    assert (progress.task_completion("2026-W10")["reported_units"] > 0).any()


def test_the_plan_list_outlives_submissions_and_follows_a_new_plan(users: dict) -> None:
    """The plan list every page and every upload's check reads is built from the catalogue
    alone: an accepted upload leaves it built (it was rebuilt after each one, 14 ms of a
    check), loading a plan builds it again."""
    before = plans.all_plans()
    result = submissions.submit(
        Book(meta=None).to_bytes(), "w10.xlsx", users["don_vi"], now=datetime(2026, 3, 6, 10)
    )
    assert result.status == "accepted"
    assert all(a is b for a, b in zip(plans.all_plans(), before, strict=True))  # not rebuilt
    plan_loading.copy(SYSTEM, 2026, 2027)
    assert plans.years() == [p.year for p in before] + [2027]


def test_2026_exports_are_the_same_bytes_after_2027_is_loaded(users: dict, monkeypatch) -> None:
    submissions.submit(Book().to_bytes(), "w10.xlsx", users["don_vi"], now=datetime(2026, 3, 6, 10))
    now = datetime(2027, 1, 20, 10, 0)
    kinds = {
        "summary": {"week": "2026-W10"},
        "detail": {"week": "2026-W10"},
        "indicators": {"week": "2026-W10"},
        "scores": {"week": "2026-W10"},
        "models": {"week": "2026-W10"},
        "report": {"period": "nam", "year": 2026},
    }
    set_now(monkeypatch, now)
    before = {k: export.build(k, **o) for k, o in kinds.items()}
    plan_loading.load(SYSTEM, 2027, _files())
    set_now(monkeypatch, now)
    after = {k: export.build(k, **o) for k, o in kinds.items()}
    assert after == before


# --- the year change at the clock -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "loaded", "in_force", "notice"),
    [
        ("2026-12-31T10:00:00", False, 2026, False),
        ("2027-01-02T10:00:00", False, 2026, False),  # still 2026-W53
        ("2027-01-05T10:00:00", False, 2026, True),  # 2027-W01 without its plan
        ("2027-01-05T10:00:00", True, 2027, False),
    ],
)
def test_the_plan_in_force_across_the_year_change(
    tmp_db: Path, monkeypatch, now: str, loaded: bool, in_force: int, notice: bool
) -> None:
    set_now(monkeypatch, now)
    if loaded:
        plan_loading.copy(SYSTEM, 2026, 2027)
    assert plans.in_force() == in_force
    shown = plans.missing_notice()
    assert (shown is not None) is notice
    if notice:
        assert shown.startswith("Kế hoạch năm 2027 chưa được nạp; đang xem Kế hoạch năm 2026.")


@pytest.mark.parametrize("loaded", [False, True], ids=["no 2027 plan", "2027 plan loaded"])
@pytest.mark.parametrize("role", ["don_vi", "lanh_dao", "quan_tri"])
def test_pages_in_january_2027(users: dict, role: str, loaded: bool) -> None:
    if loaded:
        plan_loading.load(SYSTEM, 2027, _files(number="05/KH-VPUB", issued_on="12/01/2027"))
    at = open_page(users[role], "ke_hoach")
    assert not at.exception, at.exception
    shown = texts(at)
    year = 2027 if loaded else 2026
    assert at.title[0].value == f"Kế hoạch năm {year}"
    assert ("Kế hoạch năm 2027 chưa được nạp" in shown) is not loaded
    if loaded:
        assert "Kế hoạch số 05/KH-VPUB ngày 12/01/2027" in shown
    assert [s.value for s in at.selectbox if s.label == "Kế hoạch năm"] == [str(year)]


def test_the_year_in_the_url_chooses_the_plan(users: dict) -> None:
    plan_loading.load(SYSTEM, 2027, _files())
    at = open_page(users["lanh_dao"], "ke_hoach", {"nam": "2026"})
    assert at.title[0].value == "Kế hoạch năm 2026"
    assert at.query_params["nam"] == "2026"


# --- year over year ---------------------------------------------------------------------------


@pytest.mark.now("2027-03-18T10:00:00")
def test_year_over_year_compares_the_same_week(users: dict) -> None:
    submissions.submit(Book().to_bytes(), "w10.xlsx", users["don_vi"], now=datetime(2026, 3, 6, 10))
    plan_loading.copy(SYSTEM, 2026, 2027)
    book = Book(period="Tuần 10/2027", report_date="12/03/2027", meta=None)
    assert submissions.submit(
        book.to_bytes(), "w10.xlsx", users["don_vi"], now=datetime(2027, 3, 12, 10)
    ).ok
    assert year_over_year.same_week_last_year("2027-W10") == "2026-W10"
    assert year_over_year.same_week_last_year("2026-W53") == "2025-W52"  # 2025 had 52
    found = year_over_year.compare("2027-W10")
    assert found is not None and len(found.carried_tasks) == 11
    assert found.this.carried_completion == pytest.approx(found.last.carried_completion)
    assert found.change("carried_completion") == pytest.approx(0)
    assert found.this.reporting_rate is not None
    assert year_over_year.compare("2026-W10") is None  # 2025 had no plan
    trend = year_over_year.trend_by_year("2027-W10")
    assert set(trend["year"]) == {2026, 2027}
