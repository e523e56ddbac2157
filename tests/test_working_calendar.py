"""The working-day calendar (issue 15): a deadline on a day off moves to the next working day at
the same hour, a week without a working day is exempt by itself, and the Office's override file
(data/calendar.csv) adds days off (nghỉ bù) and working days (làm việc bù)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from tests.apptest_helpers import open_page
from tests.conftest import set_plan_setting
from tests.workbook_factory import Book
from tracker import settings, text
from tracker.accounts import auth
from tracker.catalogue import calendar, catalogues, periods, workdays
from tracker.ingest import submissions, template
from tracker.metrics import reporting
from tracker.store import db
from tracker.tools import cli

W18 = "2026-W18"


def _line(lines: list[str], week: str) -> str:
    return next(line for line in lines if line.startswith(week))


def _overrides(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(workdays.COLUMNS))


def _set(key: str, value: str) -> None:
    set_plan_setting(key, value)


# --- the calendar of 2026 ---------------------------------------------------------------------


def test_cli_prints_the_2026_calendar(tmp_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["calendar", "--year", "2026"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 53  # a header, then every ISO week of 2026
    w18 = _line(lines, W18)
    assert "27/04/2026 – 03/05/2026" in w18
    assert "04/05/2026 16:30" in w18  # Friday 01/05 is Quốc tế Lao động
    assert "Ngày Quốc tế Lao động" in w18 and " không " in w18
    w08 = _line(lines, "2026-W08")
    assert " có " in w08 and "Tết" in w08 and "exempt_weeks" not in w08  # no manual entry
    w53 = _line(lines, "2026-W53")
    assert "28/12/2026 – 03/01/2027" in w53 and "04/01/2027 16:30" in w53
    w10 = _line(lines, "2026-W10")
    assert "06/03/2026 16:30 không" in w10 and w10.endswith("không")  # nothing to explain


def test_cli_calendar_refuses_an_impossible_year(tmp_db: Path, capsys) -> None:
    assert cli.main(["calendar", "--year", "1800"]) == 2
    assert "ngoài khoảng" in capsys.readouterr().err


def test_cli_calendar_says_when_holidays_are_not_counted(tmp_db: Path, capsys) -> None:
    assert cli.main(["calendar", "--year", "2027"]) == 0  # the plan's next year: known
    assert capsys.readouterr().err == ""
    assert cli.main(["calendar", "--year", "2031"]) == 0
    out, err = capsys.readouterr()
    assert "02/05/2031 16:30" in _line(out.splitlines(), "2031-W18")  # nominal Friday
    assert err.strip() == calendar.UNKNOWN_NOTE


def test_deadlines_lock_times_and_exempt_weeks(tmp_db: Path) -> None:
    assert calendar.deadline(W18) == datetime(2026, 5, 4, 16, 30)
    assert calendar.lock_time(W18) == datetime(2026, 5, 18, 16, 30)  # + lock_days from the move
    assert calendar.deadline("2026-W53") == datetime(2027, 1, 4, 16, 30)
    assert calendar.deadline("2026-W10") == datetime(2026, 3, 6, 16, 30)  # an ordinary Friday
    assert catalogues.setting("exempt_weeks") == ""
    assert calendar.is_exempt("2026-W08") and not calendar.is_exempt(W18)
    # Tết 2027 (04–10/02) spans two weeks, each with working days: neither is exempt.
    assert "2026-W08" in calendar.exempt_weeks(year=2026)
    assert not {"2027-W05", "2027-W06"} & calendar.exempt_weeks(year=2026)
    # The admin can still exempt a week by hand, and the reason says so.
    _set("exempt_weeks", "2026-W20")
    assert calendar.is_exempt("2026-W20")
    reasons = calendar.year_calendar(2026).set_index("week")["reason"]
    assert reasons["2026-W20"] == calendar.MANUAL_REASON
    assert reasons["2026-W08"].startswith("Cả tuần nghỉ: Tết Nguyên Đán")


def test_deadline_setting_still_applies(tmp_db: Path) -> None:
    _set("deadline_weekday", "4")  # Thursday: 30/04 is off too, 01/05 as well
    _set("deadline_time", "17:00")
    assert calendar.deadline(W18) == datetime(2026, 5, 4, 17, 0)
    assert calendar.deadline("2026-W10") == datetime(2026, 3, 5, 17, 0)
    # The Saturday the package knows as worked (làm bù 22/08/2026, for Monday 31/08 off).
    _set("deadline_weekday", "6")
    assert calendar.deadline("2026-W34") == datetime(2026, 8, 22, 17, 0)
    assert calendar.deadline("2026-W10") == datetime(2026, 3, 9, 17, 0)  # Saturday off: Monday


# --- the override file ------------------------------------------------------------------------


def test_working_saturday_from_the_override_file(users: dict) -> None:
    # Tết week with its Saturday worked: no longer exempt, and Friday's deadline moves to it.
    calendar.save_overrides(
        _overrides(("2026-02-21", "lam_viec", "Làm việc bù theo văn bản giả định")),
        users["quan_tri"],
    )
    assert not calendar.is_exempt("2026-W08")
    assert calendar.deadline("2026-W08") == datetime(2026, 2, 21, 16, 30)
    row = calendar.year_calendar(2026).set_index("week").loc["2026-W08"]
    assert "sang thứ Bảy 21/02/2026" in row["reason"] and not row["exempt"]
    audit_row = db.rows("select target, after_value from audit_log where action = 'catalogue_edit'")
    assert audit_row[0][0] == "calendar" and "2026-02-21" in audit_row[0][1]


def test_compensatory_day_from_the_override_file(users: dict) -> None:
    assert calendar.deadline("2026-W11") == datetime(2026, 3, 13, 16, 30)  # cached before the edit
    changed = calendar.save_overrides(
        _overrides(("13/03/2026", "nghi", "Nghỉ bù theo văn bản giả định")), users["quan_tri"]
    )
    assert changed == 1
    assert calendar.deadline("2026-W11") == datetime(2026, 3, 16, 16, 30)
    assert calendar.override_frame()["date"].tolist() == [date(2026, 3, 13)]
    reason = calendar.year_calendar(2026).set_index("week").loc["2026-W11", "reason"]
    assert reason == (
        "Hạn dời từ thứ Sáu 13/03/2026 (Nghỉ bù theo văn bản giả định) sang thứ Hai 16/03/2026"
    )
    # The same table saved again changes nothing; removing the row restores Friday.
    assert calendar.save_overrides(calendar.override_frame(), users["quan_tri"]) == 0
    calendar.save_overrides(_overrides(), users["quan_tri"])
    assert calendar.deadline("2026-W11") == datetime(2026, 3, 13, 16, 30)


def test_override_in_a_later_year_widens_the_calendar(users: dict) -> None:
    assert not calendar.year_calendar(2031)["known"].all()
    calendar.save_overrides(
        _overrides(("2031-05-02", "nghi", "Nghỉ bù 2031 (giả định)")), users["quan_tri"]
    )
    table = calendar.year_calendar(2031)
    assert table["known"].all()
    # Thursday 01/05/2031 is a holiday, Friday 02/05 the Office's day off: Monday 05/05.
    assert calendar.deadline("2031-W18") == datetime(2031, 5, 5, 16, 30)


def test_override_file_is_loaded_with_the_catalogues(tmp_db: Path, tmp_path: Path) -> None:
    source = tmp_path / "cat"
    source.mkdir()
    for file, _ in catalogues.FILES.values():
        shutil.copy(settings.DATA_DIR / file, source / file)
    (source / workdays.FILE).write_text(
        "date,kind,reason\n2026-03-13,nghi,Nghỉ bù (thử)\n2026-02-21,làm việc bù,Làm bù (thử)\n",
        encoding="utf-8",
    )
    catalogues.load_all(source=source)
    assert calendar.deadline("2026-W11") == datetime(2026, 3, 16, 16, 30)
    assert not calendar.is_exempt("2026-W08")
    exported = catalogues.export_csv("calendar").decode("utf-8-sig")
    assert exported.splitlines() == [
        "date,kind,reason",
        "2026-03-13,nghi,Nghỉ bù (thử)",
        "2026-02-21,lam_viec,Làm bù (thử)",
    ]


def test_bad_override_file_names_line_and_column(tmp_path: Path) -> None:
    source = tmp_path / "cat"
    source.mkdir()
    for file, _ in catalogues.FILES.values():
        shutil.copy(settings.DATA_DIR / file, source / file)
    (source / workdays.FILE).write_text(
        "date,kind,reason\n"
        "02/05/2026,nghi,Nghỉ bù\n"  # dd/mm/yyyy is understood
        "2026-13-01,nghi,Sai tháng\n"
        "2026-05-02,lam_viec,Trùng ngày\n"
        "2026-05-09,di_choi,\n",
        encoding="utf-8",
    )
    with pytest.raises(catalogues.CatalogueError) as err:
        catalogues.read_dir(source)
    problems = err.value.problems
    assert "calendar.csv, dòng 3: cột 'date' phải là ngày dạng YYYY-MM-DD" in problems[0]
    assert "'2026-13-01'" in problems[0]
    assert problems[1].startswith("calendar.csv, dòng 4: cột 'date' ngày 02/05/2026 đã có ở dòng 2")
    assert problems[2].startswith("calendar.csv, dòng 5: cột 'kind' phải là một trong: nghi")
    assert problems[3].startswith("calendar.csv, dòng 5: cột 'reason' không được để trống")
    assert len(problems) == 4


def test_admin_edit_is_checked_and_refused_as_a_whole(users: dict) -> None:
    with pytest.raises(catalogues.CatalogueError) as err:
        calendar.save_overrides(
            _overrides(("2026-03-13", "nghi", "Nghỉ bù"), ("", "lam_viec", "Làm bù")),
            users["quan_tri"],
        )
    assert err.value.problems == [
        "Dòng 2: cột 'date' không được để trống (ngày dạng YYYY-MM-DD, ví dụ "
        f"{periods.example_year()}-05-02)."
    ]
    assert calendar.override_frame().empty
    assert calendar.deadline("2026-W11") == datetime(2026, 3, 13, 16, 30)
    with pytest.raises(auth.PermissionDenied):
        calendar.save_overrides(_overrides(), users["lanh_dao"])


def test_a_database_without_the_calendar_gets_it_on_opening(tmp_db: Path) -> None:
    with db.transaction() as tx:  # as a database made before migration 007 would be
        tx.execute("delete from calendar_day")
        tx.execute("delete from calendar_week")
    db.close_all()
    catalogues.open_database(tmp_db)
    assert calendar.deadline(W18) == datetime(2026, 5, 4, 16, 30)
    assert calendar.is_exempt("2026-W08")


# --- lateness follows the moved deadline ------------------------------------------------------


@pytest.mark.parametrize(
    ("uploaded", "late", "state"),
    [
        # Saturday 02/05, after the nominal Friday 01/05 16:30 (a holiday): on time.
        (datetime(2026, 5, 2, 9, 0), False, "Đúng hạn"),
        (datetime(2026, 5, 4, 16, 30), False, "Đúng hạn"),  # at the moved deadline: on time
        (datetime(2026, 5, 4, 16, 31), True, "Trễ hạn"),
    ],
)
def test_lateness_follows_the_moved_deadline(
    users: dict, uploaded: datetime, late: bool, state: str
) -> None:
    book = Book(period="Tuần 18/2026", report_date=f"{uploaded:%d/%m/%Y}", meta=None)
    result = submissions.submit(book.to_bytes(), "hctc.xlsx", users["don_vi"], now=uploaded)
    assert result.status == "accepted", result.errors
    warnings = {p.code: p.message for p in result.warnings}
    assert ("late" in warnings) is late
    if late:
        assert "04/05/2026 16:30" in warnings["late"]
    status = db.query("reporting_status", week=W18).set_index("unit_code")
    assert status.loc["HCTC", "state"] == state
    assert status.loc["HCTC", "deadline"] == pd.Timestamp(2026, 5, 4, 16, 30)
    trend = db.query("reporting_trend", first_week=W18, week=W18)
    assert trend[["reported", "on_time"]].values.tolist() == [[1, 0 if late else 1]]


def test_template_and_reminders_print_the_moved_deadline(tmp_db: Path) -> None:
    assert template.deadline(W18) == datetime(2026, 5, 4, 16, 30)
    assert text.fmt_deadline(reporting.deadline(W18)) == "16:30 thứ Hai 04/05/2026"


# --- Quản trị ---------------------------------------------------------------------------------


def test_quan_tri_shows_the_reporting_calendar(users: dict) -> None:
    at = open_page(users["quan_tri"], "quan_tri")
    assert not at.exception, at.exception
    table = next(e.value for e in at.dataframe if "Hạn nộp" in e.value.columns)
    assert len(table) == 53
    w18 = table[table["Tuần"] == "Tuần 18/2026"].iloc[0]
    assert w18["Hạn nộp"] == pd.Timestamp(2026, 5, 4, 16, 30)  # a datetime, not text
    assert not w18["Miễn báo cáo"] and "Quốc tế Lao động" in w18["Lý do"]
    w08 = table[table["Tuần"] == "Tuần 8/2026"].iloc[0]
    assert w08["Miễn báo cáo"] and "Tết" in w08["Lý do"]
    at.button(key="save_calendar").click().run()
    assert not at.exception, at.exception
    assert any("Không có thay đổi" in i.value for i in at.info)
