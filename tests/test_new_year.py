"""A new year that starts calm and right (issue 36), piece by piece: the first reporting week of
a new plan, the plan's year in its text, the plan as a file and its details set alone, the weeks
an upload may report, the template's own rows, the Office's words, self-scoring across years.
The whole first weeks of 2027 are walked in tests/test_new_year_walk.py; the command line as a
Unix tool is tests/test_cli_unix.py."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.apptest_helpers import open_page, texts
from tests.conftest import set_now, set_plan_setting
from tests.scoring_fixture import NA, add_scores, ordinary_scores
from tests.workbook_factory import Book
from tracker import settings
from tracker.catalogue import (
    catalogues,
    editing,
    plan,
    plan_files,
    plan_loading,
    plan_years,
    plans,
    year_start,
)
from tracker.ingest import checks, submissions, template
from tracker.metrics import scoring
from tracker.roles import SYSTEM
from tracker.store import db
from tracker.ui import overview, score_views

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the first reporting week of a new plan ----------------------------------------------------


@pytest.mark.parametrize(
    ("year", "issued_on", "first"),
    [
        (2027, None, "2027-W01"),  # Monday 04/01/2027: the first full week of 2027
        (2026, None, "2026-W02"),  # 2026-W01 starts on 29/12/2025
        (2027, date(2027, 1, 12), "2027-W03"),  # a Tuesday: reports from the next Monday
        (2027, date(2027, 1, 4), "2027-W02"),  # a Monday: its own week is not "after" it
        (2027, date(2026, 12, 28), "2027-W01"),  # dated the December before
        (2026, date(2026, 2, 3), "2026-W07"),  # 2026's plan: reporting from W07, as it did
    ],
)
def test_the_default_first_week(year: int, issued_on: date | None, first: str) -> None:
    assert year_start.default_first_week(year, issued_on) == first


def test_a_first_week_is_a_week_of_the_plan_year() -> None:
    assert year_start.parse_first_week("Tuần 3/2027", 2027) == ("2027-W03", None)
    assert year_start.parse_first_week("", 2027) == (None, None)
    week, problem = year_start.parse_first_week("2026-W50", 2027)
    assert week is None and "không thuộc năm 2027" in problem
    assert "không hợp lệ" in year_start.parse_first_week("tuần sau", 2027)[1]


@pytest.mark.now("2027-01-06T09:00:00")
def test_waiting_until_the_first_deadline(tmp_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan_loading.copy(SYSTEM, 2026, 2027, first_week="2027-W02")
    assert year_start.waiting_notice(2027) == (
        "Kế hoạch năm 2027 nhận báo cáo từ Tuần 2/2027 (11/01 - 17/01/2027), hạn nộp 16:30 thứ "
        "Sáu 15/01/2027; đến lúc đó chưa có tiến độ, trạng thái hay so sánh với năm 2026 để xem."
    )
    assert year_start.waiting_notice(2026) is None
    set_now(monkeypatch, "2027-01-12T09:00:00")
    assert "chưa có tuần báo cáo nào hết hạn nộp" in year_start.waiting_notice(2027)
    set_now(monkeypatch, "2027-01-15T16:31:00")
    assert year_start.waiting_notice(2027) is None


@pytest.mark.now("2027-01-06T09:00:00")
def test_an_officer_sees_the_units_tasks_while_waiting(users: dict) -> None:
    """Before the new plan's first deadline the officer's Đơn vị page says so and lists what the
    unit is to report on, with no figure, status or pace."""
    plan_loading.copy(SYSTEM, 2026, 2027)
    at = open_page(users["don_vi"], "don_vi", {"nam": "2027"})
    assert not at.exception, at.exception
    shown = texts(at)
    assert "chưa có tuần báo cáo nào hết hạn nộp" in shown
    (table,) = [df for df in (d.value for d in at.dataframe) if "Vai trò" in df.columns]
    expected = plan.unit_assignments(users["don_vi"].unit_code, year=2027)
    assert list(table["Mã"]) == list(expected["code"]) and len(table) > 0
    assert not any(c in table.columns for c in ("Trạng thái nhiệm vụ", "Tỷ lệ của đơn vị"))
    assert not at.metric


@pytest.mark.now("2027-01-06T09:00:00")
def test_the_week_of_a_past_plan_is_not_called_this_week(users: dict) -> None:
    plan_loading.copy(SYSTEM, 2026, 2027)
    shown = texts(open_page(users["lanh_dao"], "don_doc", {"nam": "2026", "week": "2026-W53"}))
    assert "Đang xem tuần cuối của Kế hoạch" in shown and "tuần hiện tại" not in shown


# --- the plan's year in its text ---------------------------------------------------------------


def test_the_plan_year_moves_and_other_years_stay() -> None:
    text = (
        "Dân vận khéo năm 2026; Chỉ thị ngày 16 tháng 5 năm 2026; nhiệm kỳ 2026 - 2031; kế hoạch "
        "5 năm 2026 - 2030; Luật số 97/2026/QH15; Thời gian thực hiện: Năm 2026."
    )
    assert plan_years.moved(text, 2026, 2027) == (
        "Dân vận khéo năm 2027; Chỉ thị ngày 16 tháng 5 năm 2026; nhiệm kỳ 2026 - 2031; kế hoạch "
        "5 năm 2026 - 2030; Luật số 97/2026/QH15; Thời gian thực hiện: Năm 2027."
    )
    assert plan_years.other_years(text, 2027) == [2026]
    assert plan_years.other_years(plan_years.moved(text, 2026, 2027), 2027) == []


def test_the_copy_is_next_years_text(tmp_db: Path) -> None:
    loaded = plan_loading.copy(SYSTEM, 2026, 2027)
    assert loaded.moved_years > 0
    for table, columns in (
        (plan.tasks(year=2027), plan_years.TASK_TEXT),
        (plan.groups(year=2027), plan_years.GROUP_TEXT),
        (db.query("criteria_active", year=2027), plan_years.CRITERION_TEXT),
    ):
        for column in columns:
            assert not [t for t in table[column] if plan_years.other_years(t, 2027)], column
    # The template units download is made from them.
    book = openpyxl.load_workbook(io.BytesIO(template.build("HCTC", "2027-W01")))
    cells = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value)
    assert 'Dân vận khéo" năm 2027' in cells and "năm 2026" not in cells


def test_a_load_warns_where_a_text_names_another_year(tmp_db: Path) -> None:
    tasks = plan_files.export(2026, "ke-hoach.csv").decode("utf-8-sig").replace("2026-", "2027-")
    checked = plan_loading.check(2027, plan_loading.PlanFiles(tasks.encode(), "ke-hoach.csv", None))
    assert checked.problems == []
    assert any("(II.1.c), cột short_title: ghi “năm 2026”" in w for w in checked.warnings)
    loaded = plan_loading.load(SYSTEM, 2027, plan_loading.PlanFiles(tasks.encode(), "k.csv"))
    assert any(line.startswith("Lưu ý: k.csv, dòng") for line in loaded.lines())


def test_last_years_task_file_says_where_next_years_comes_from(tmp_db: Path) -> None:
    tasks = plan_files.export(2026, "ke-hoach.csv")
    with pytest.raises(plan_loading.PlanFileError) as refused:
        plan_loading.load(SYSTEM, 2027, plan_loading.PlanFiles(tasks, "ke-hoach.csv"))
    assert "python -m tracker plan export --year 2027" in refused.value.problems[-1]


# --- the plan as a file, its details alone -------------------------------------------------------


def test_export_then_load_gives_the_number_and_date_by_a_spreadsheet(tmp_db: Path) -> None:
    plan_loading.copy(SYSTEM, 2026, 2027)
    data = plan_files.export(2027, "ke-hoach-2027.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Nhiệm vụ", "Tiêu đề mục", "Kế hoạch"]
    details = book["Kế hoạch"]
    assert [details["A1"].value, details["A3"].value, details["B3"].value] == [
        "Số Kế hoạch",
        "Tuần báo cáo đầu tiên",
        "2027-W01",
    ]
    details["B1"] = "05/KH-VPUB"
    details["B2"] = datetime(2027, 1, 12)
    details["B3"] = "Tuần 3/2027"
    edited = io.BytesIO()
    book.save(edited)
    loaded = plan_loading.load(
        SYSTEM, 2027, plan_loading.PlanFiles(edited.getvalue(), "ke-hoach-2027.xlsx")
    )
    assert loaded.label == "Kế hoạch số 05/KH-VPUB ngày 12/01/2027"
    assert loaded.kept == list(plan.tasks(year=2027)["code"]) and not loaded.added
    assert plans.first_week(2027) == "2027-W03"
    assert len(plan.groups(year=2027)) == len(plan.groups(year=2026))
    with pytest.raises(plan_files.PlanExportError, match="Kế hoạch năm 2031 chưa được nạp"):
        plan_files.export(2031, "x.xlsx")


def test_number_date_and_first_week_each_alone(users: dict) -> None:
    plan_loading.copy(SYSTEM, 2026, 2027)
    plan_loading.set_details(SYSTEM, 2027, number="05/KH-VPUB")
    assert plans.require(2027).label == "Kế hoạch số 05/KH-VPUB năm 2027"
    dated = plan_loading.set_details(SYSTEM, 2027, issued_on="2027-01-12")
    assert dated.label == "Kế hoạch số 05/KH-VPUB ngày 12/01/2027"
    assert "Tuần 3/2027 (18/01 - 24/01/2027)" in " ".join(dated.lines())  # a hint, not a move
    assert plans.first_week(2027) == "2027-W01"
    with pytest.raises(plan_loading.PlanFileError, match="Chưa ghi số"):
        plan_loading.set_details(SYSTEM, 2027)
    at = datetime(2027, 1, 6, 10)
    book = Book(period="Tuần 1/2027", report_date="06/01/2027", meta=None)
    assert submissions.submit(book.to_bytes(), "w1.xlsx", users["don_vi"], now=at).ok
    with pytest.raises(plan_loading.PlanFileError, match="không muộn hơn Tuần 1/2027"):
        plan_loading.set_details(SYSTEM, 2027, first_week="2027-W03")
    assert db.scalar("select count(*) from audit_log where action = 'plan_details'") == 2
    # The plan's settings edited in Quản trị › Danh mục apply the same check, not a second rule.
    edited = editing.catalogue_frame("settings", year=2027)
    edited.loc[edited["key"] == "first_week", "value"] = "2027-W03"
    with pytest.raises(catalogues.CatalogueError, match="không muộn hơn Tuần 1/2027"):
        editing.save_catalogue("settings", edited, SYSTEM, year=2027)
    edited.loc[edited["key"] == "first_week", "value"] = "2027-W01"  # unchanged: saved
    assert editing.save_catalogue("settings", edited, SYSTEM, year=2027) == 0


def test_the_page_sets_the_details(users: dict) -> None:
    plan_loading.copy(SYSTEM, 2026, 2027)
    at = open_page(users["quan_tri"], "quan_tri", {"nam": "2027"})
    at.selectbox(key="plan_details_year").set_value(2027).run()
    at.text_input(key="plan_details_number").input("07/KH-VPUB")
    at.selectbox(key="plan_details_first_week").set_value("2027-W02")
    at.button(key="FormSubmitter:plan_details_form-Lưu").click().run()
    assert not at.exception, at.exception
    assert plans.require(2027).number == "07/KH-VPUB" and plans.first_week(2027) == "2027-W02"
    assert "Tuần báo cáo đầu tiên: Tuần 2/2027" in texts(at)


# --- the weeks an upload may report ---------------------------------------------------------------


@pytest.mark.now("2026-02-04T10:00:00")  # Wednesday of 2026-W06, before the first week W07
def test_weeks_before_the_plan_and_not_started_are_refused(users: dict) -> None:
    set_plan_setting("exempt_weeks", "2026-W05")
    officer, at = users["don_vi"], datetime(2026, 2, 4, 10)

    def codes(period: str) -> list[str]:
        book = Book(period=period, report_date="04/02/2026", meta=None)
        return [
            p.code for p in submissions.check(book.to_bytes(), "w.xlsx", officer, now=at).errors
        ]

    assert codes("Tuần 6/2026") == ["week_before_plan"]
    assert codes("Tuần 5/2026") == []  # an exempt week keeps the rule it had: accepted
    assert codes("Tuần 7/2026") == ["week_not_started"]
    refused = checks.week_problems("HCTC", "2026-W06", officer, at)[0]
    assert refused.message == (
        "Tuần 6/2026 (02/02 - 08/02/2026) nằm ngoài các tuần báo cáo của Kế hoạch năm 2026: Kế "
        "hoạch nhận báo cáo từ Tuần 7/2026 (09/02 - 15/02/2026)."
    )


@pytest.mark.now("2026-11-25T10:00:00")
def test_a_locked_week_says_so_before_its_template(users: dict) -> None:
    at = open_page(users["don_vi"], "nop_bao_cao", {"week": "2026-W10"})
    assert not at.exception, at.exception
    assert any("Tuần 10/2026 đã khóa từ" in w.value for w in at.warning)
    assert not [b for b in at.get("download_button") if "biểu mẫu" in b.proto.label]
    admin = open_page(users["quan_tri"], "nop_bao_cao", {"week": "2026-W10", "unit": "HCTC"})
    assert [b for b in admin.get("download_button") if "biểu mẫu" in b.proto.label]


@pytest.mark.now("2026-11-25T10:00:00")
def test_the_uploader_says_the_apps_own_limit(users: dict) -> None:
    at = open_page(users["don_vi"], "nop_bao_cao")
    (uploader,) = at.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == 10
    assert "mỗi tệp tối đa 10 MB" in texts(at)


def test_the_templates_own_finished_rows_are_not_warned(users: dict) -> None:
    officer = users["don_vi"]
    first = Book(period="Tuần 10/2026", meta=None)  # II.1.c and II.2 finished, with evidence
    assert submissions.submit(first.to_bytes(), "w10.xlsx", officer, now=datetime(2026, 3, 6)).ok
    week = "2026-W11"
    prefilled = template.build("HCTC", week, now=datetime(2026, 3, 12, 9))
    result = submissions.check(prefilled, "w11.xlsx", officer, now=datetime(2026, 3, 12, 10))
    assert result.status == "checked" and not result.errors
    assert "evidence_missing" not in [p.code for p in result.warnings]
    # A row finished this week without evidence is still asked for it.
    book = Book(period="Tuần 11/2026", meta=None)
    book.progress[0].update(status="Hoàn thành", percent=100, evidence="")
    again = submissions.check(book.to_bytes(), "b.xlsx", officer, now=datetime(2026, 3, 12, 10))
    assert "evidence_missing" in [p.code for p in again.warnings]


# --- the Office's words --------------------------------------------------------------------------


def test_problems_are_listed_in_vietnamese_words(users: dict, monkeypatch) -> None:
    set_now(monkeypatch, datetime(2026, 3, 5, 10, 0))
    book = Book()
    book.progress[0]["percent"] = 140
    at = open_page(users["don_vi"], "nop_bao_cao", {"week": "2026-W10"})
    at.file_uploader(key="upload_files").set_value([("sai.xlsx", book.to_bytes(), XLSX)]).run()
    problems = at.dataframe[1].value
    assert list(problems.columns) == ["Mức độ", "Trang tính", "Ô", "Nội dung", "Cách sửa"]
    assert not problems.apply(lambda c: c.str.fullmatch(r"[a-z]+(_[a-z]+)+")).any().any()


@pytest.mark.now("2026-11-25T10:00:00")
def test_a_leader_sees_no_setting_names_or_paths(users: dict) -> None:
    leader = texts(open_page(users["lanh_dao"], "xuat_du_lieu", {"week": "2026-W40"}))
    assert "report_" not in leader and "data/" not in leader and ".docx" in leader
    assert "do Phòng Hành chính - Tổ chức thiết lập" in leader
    admin = texts(open_page(users["quan_tri"], "xuat_du_lieu", {"week": "2026-W40"}))
    assert "data/bao_cao_mau.docx" in admin


def test_cards_compare_within_a_plan_year(tmp_db: Path) -> None:
    """The first reporting week's cards are not compared with last year's last week."""
    plan_loading.copy(SYSTEM, 2026, 2027)
    week = plans.first_week(2027)
    figures = overview.key_figure_changes(week, overview.progress.plan_completion(week), tmp_db)
    assert figures == {"plan": "", "reported": "", "difficulties": ""}


# --- self-scoring across years --------------------------------------------------------------------


@pytest.mark.now("2026-03-18T10:00:00")
def test_p1_names_its_weeks_in_vietnamese_dates(users: dict) -> None:
    add_scores("HCTC", "2026-W09", ordinary_scores(80) | {"P1": -1.0})
    record = scoring.late_record(2026).set_index("unit_code").loc["KT"].to_dict()
    note = score_views.late_note(record, "0,0")
    assert note.startswith(
        "P1 theo sổ theo dõi, các tuần báo cáo từ Tuần 7/2026 (09/02 - 15/02/2026) đến hết "
        "Tuần 11/2026 (09/03 - 15/03/2026): 0 tuần báo cáo trễ hạn, 4 tuần không báo cáo "
        "(Tuần 7/2026 (09/02 - 15/02/2026); Tuần 9/2026 (23/02 - 01/03/2026); Tuần 10/2026 "
        "(02/03 - 08/03/2026); Tuần 11/2026 (09/03 - 15/03/2026)) → -4,0 điểm"
    )  # W08 is Tết: no report asked
    assert "-W" not in note


@pytest.mark.now("2027-01-06T09:00:00")
def test_p1_of_a_plan_with_no_week_closed(tmp_db: Path) -> None:
    plan_loading.copy(SYSTEM, 2026, 2027)
    record = scoring.late_record(2027).iloc[0].to_dict()
    assert record["expected_weeks"] == 0
    assert score_views.late_note(record, "0,0") == (
        "P1 theo sổ theo dõi: chưa có tuần báo cáo nào của năm 2027 hết hạn nộp (tuần báo cáo "
        "đầu tiên Tuần 1/2027 (04/01 - 10/01/2027)); đơn vị tự chấm: 0,0."
    )
    last = scoring.late_record(2026)  # 2026 viewed from 2027: to its last week, all counted
    assert set(last["through"]) == {"2026-W53"}
    assert (last["missing"] == last["expected_weeks"]).all() and last["expected_weeks"].min() > 40


@pytest.mark.now("2027-03-18T10:00:00")
def test_last_year_beside_this_year_in_the_headline_and_first_columns(users: dict) -> None:
    add_scores("HCTC", "2026-W10", ordinary_scores(80))
    add_scores("KT", "2026-W10", ordinary_scores(60))
    plan_loading.copy(SYSTEM, 2026, 2027)
    set_2027 = db.scalar("select id from criteria_set where active and plan_year = 2027")
    add_scores(
        "HCTC",
        "2027-W10",
        ordinary_scores(90),
        set_id=set_2027,
        uploaded_at=datetime(2027, 3, 12, 10),
    )
    at = open_page(users["lanh_dao"], "tu_cham_diem")
    assert not at.exception, at.exception
    now, last = scoring.unit_total(scoring.VP, 2027), scoring.unit_total(scoring.VP, 2026)
    assert now["final_total"] > last["final_total"]
    headline = next(m for m in at.metric if m.label == "Điểm của Văn phòng")
    assert headline.value == score_views.score_text(now["final_total"])
    assert headline.delta == score_views.change_text(now, last) and headline.delta.startswith("+")
    assert score_views.last_year_text(last, 2026) in texts(at)
    ranking = next(d.value for d in at.dataframe if "Hạng" in d.value.columns)
    assert list(ranking.columns)[3:10] == [
        "Điểm cuối cùng",
        "Thang 100",  # the same score drawn as a bar (issue 35)
        "Xếp loại",
        "Điểm năm 2026",
        "Xếp loại năm 2026",
        "Hạng năm 2026",
        "Thay đổi (điểm)",
    ]
    own = open_page(users["don_vi"], "tu_cham_diem")
    assert "Năm 2026: 80,0 điểm, xếp loại Khá, hạng 1." in texts(own)


def test_score_columns_are_numbers_shown_in_vietnamese(users: dict) -> None:
    add_scores("HCTC", "2026-W10", ordinary_scores(80) | {"D2": NA})
    lines = scoring.criterion_lines(2026, "HCTC")
    detail = score_views.unit_detail(lines)
    for column in ("Điểm tối đa", "Tự chấm", "Thẩm định", "Điểm cuối cùng"):
        assert detail[column].dtype == "float64", column
    d2 = detail.set_index("Mã").loc["D2"]
    assert pd.isna(d2["Tự chấm"]) and d2["Không áp dụng"] == "Đơn vị"  # "—" on screen
    html = score_views.unit_detail_styler(detail).to_html()
    assert "4,0" in html and "_shown:" not in html and "Đã thẩm định" not in html
    vp = score_views.vp_table(scoring.vp_lines(2026))
    for column in ("Điểm tối đa", "Điểm của đơn vị phụ trách", "Điều chỉnh của HCTC", "Điểm VP"):
        assert vp[column].dtype == "float64", column
    unscored = ~scoring.vp_lines(2026)["has_source"].astype(bool)
    # A criterion its responsible unit has not scored counts 0, and says so over the 0.
    assert (vp.loc[unscored.to_numpy(), "Điểm của đơn vị phụ trách"] == 0).all()
    assert unscored.any() and "Chưa chấm (0)" in score_views.score_styler(vp).to_html()
    missing = score_views.missing_evidence(scoring.criterion_lines(2026))
    assert missing["Điểm"].dtype == "float64"
    ranking = score_views.ranking(2026, settings.db_path())
    assert pd.api.types.is_float_dtype(ranking["Điểm thẩm định"])
