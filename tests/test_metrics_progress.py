"""Progress metrics (PRODUCT.md §6) against the hand-computed dataset in tests/metric_fixture.py."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests import metric_fixture as fx
from tracker.catalogue import calendar, setting_rules
from tracker.metrics import progress
from tracker.store import db
from tracker.ui import charts, display, tables

W10 = "2026-W10"


@pytest.fixture
def data(tmp_db: Path) -> Path:
    fx.load()
    return tmp_db


def _by_code(df: pd.DataFrame) -> dict[str, dict]:
    return {r["code"]: r for r in df.to_dict("records")}


def _cell(df: pd.DataFrame, task: str, unit: str) -> dict:
    rows = df[(df["task_code"] == task) & (df["unit_code"] == unit)]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


# --- unit-task progress ----------------------------------------------------------------------


def test_unit_task_progress_carries_forward_and_ignores_superseded(data: Path) -> None:
    df = progress.unit_task_progress(W10)
    # 10 tasks assigned to '*' (4 active units each) + III.2.b assigned to HCTC only.
    assert len(df) == 10 * 4 + 1
    hctc_ii3 = _cell(df, "II.3", "HCTC")
    assert (hctc_ii3["percent"], hctc_ii3["period"], hctc_ii3["submission_id"]) == (25, W10, 6)
    # HCTC's current W10 sheet omits II.4: the W09 value carries forward (not 90 from sub 5).
    hctc_ii4 = _cell(df, "II.4", "HCTC")
    assert (hctc_ii4["percent"], hctc_ii4["period"]) == (10, "2026-W09")
    # TTPVHCC reported only in W09.
    assert _cell(df, "II.3", "TTPVHCC")["percent"] == 30
    # BTCD's W11 sheet (80) is after the as-of week.
    assert _cell(df, "II.4", "BTCD")["percent"] == 30
    # TH never reported.
    assert pd.isna(_cell(df, "II.3", "TH")["percent"])
    assert df[df["unit_code"] == "TH"]["percent"].isna().all()


def test_unit_task_progress_roles_and_order(data: Path) -> None:
    df = progress.unit_task_progress(W10)
    ii4 = df[df["task_code"] == "II.4"]
    assert ii4.iloc[0][["unit_code", "role"]].tolist() == ["BTCD", "chu_tri"]
    assert set(ii4["role"].iloc[1:]) == {"phoi_hop"}
    assert set(df[df["task_code"] == "II.3"]["role"]) == {"thuc_hien"}
    assert df["task_code"].drop_duplicates().tolist()[:4] == ["II.1.a", "II.1.b", "II.1.c", "II.2"]


def test_unit_task_progress_before_any_report(data: Path) -> None:
    assert progress.unit_task_progress("2026-W06")["percent"].isna().all()


# --- task completion, coverage, expected, status ---------------------------------------------

EXPECTED_W10 = {
    # code: (completion, reported, assigned, status)
    "II.1.a": (0, 0, 4, "Chưa có báo cáo"),
    "II.1.b": (0, 0, 4, "Chưa có báo cáo"),
    "II.1.c": (0, 0, 4, "Chưa có báo cáo"),
    "II.2": (60, 1, 4, "Quá hạn"),
    "II.3": (17.5, 3, 4, "Đúng tiến độ"),
    "II.4": (30, 3, 4, "Đúng tiến độ"),
    "II.5": (0, 1, 4, "Chậm tiến độ"),
    "II.6": (5, 1, 4, "Chậm tiến độ"),
    "III.1": (0, 0, 4, "Chưa có báo cáo"),
    "III.2.a": (50, 1, 4, "Đang thực hiện"),
    "III.2.b": (100, 1, 1, "Hoàn thành"),
}


def test_task_completion_matches_hand_computation(data: Path) -> None:
    df = progress.task_completion(W10)
    assert df["code"].tolist() == list(EXPECTED_W10)  # plan order
    got = {
        r["code"]: (r["completion"], r["reported_units"], r["assigned_units"], r["status"])
        for r in df.to_dict("records")
    }
    assert got == EXPECTED_W10


def test_required_columns_for_the_summary_export(data: Path) -> None:
    columns = set(progress.task_completion(W10).columns)
    assert {
        "code",
        "short_title",
        "kind",
        "lead_unit",
        "weight",
        "assigned_units",
        "reported_units",
        "completion",
        "expected",
        "status",
        "last_update",
    } <= columns


def test_lead_task_uses_lead_progress_not_mean(data: Path) -> None:
    ii4 = _by_code(progress.task_completion(W10))["II.4"]
    # Mean would be (30 + 10 + 20 + 0) / 4 = 15; the lead BTCD says 30.
    assert ii4["completion"] == 30
    # A lead that never reported counts 0 although a coordinating unit reported 40.
    ii5 = _by_code(progress.task_completion(W10))["II.5"]
    assert (ii5["lead_unit"], ii5["completion"], ii5["reported_units"]) == ("TH", 0, 1)


def test_expected_progress(data: Path) -> None:
    rows = _by_code(progress.task_completion(W10))
    assert rows["II.3"]["expected"] == pytest.approx(100 * 67 / 365)
    assert rows["II.3"]["expected"] == pytest.approx(18.356164, abs=1e-6)
    assert rows["II.2"]["expected"] == 100  # 67/59 days, clamped
    assert pd.isna(rows["III.2.a"]["expected"])
    assert pd.isna(rows["III.2.b"]["expected"])
    w07 = _by_code(progress.task_completion("2026-W07"))
    assert w07["II.3"]["expected"] == pytest.approx(100 * 46 / 365)  # 01/01..15/02
    # A week of 2025 belongs to 2025's plan, which does not exist: no task at all.
    assert progress.task_completion("2025-W52").empty


def test_last_update_is_latest_counted_submission(data: Path) -> None:
    rows = _by_code(progress.task_completion(W10))
    assert rows["II.3"]["last_update"] == datetime(2026, 3, 6, 16, 0)  # BTCD sub 7
    assert rows["II.5"]["last_update"] == datetime(2026, 3, 2, 8, 0)  # TTPVHCC sub 4
    assert rows["II.2"]["last_update"] == datetime(2026, 3, 6, 11, 0)  # HCTC sub 6, not 12:00
    assert pd.isna(rows["II.1.a"]["last_update"])


def test_status_precedence_done_beats_overdue(data: Path) -> None:
    with db.transaction() as tx:
        fx.insert_submission(tx, 50, "HCTC", "2026-W11", datetime(2026, 3, 12, 9, 0))
        tx.execute("insert into current_sheet values ('HCTC', '2026-W11', 'progress', 50)")
        fx.insert_progress(tx, 50, "II.2", 100, 1, "Đã ban hành", "Quyết định số 5/QĐ-VP")
    rows = _by_code(progress.task_completion("2026-W11"))
    assert rows["II.2"]["status"] == "Hoàn thành"  # past due, but done


def test_theo_yeu_cau_past_due_is_overdue_and_tolerance_setting(data: Path) -> None:
    with db.transaction() as tx:
        tx.execute("update task set due_date = date '2026-03-01' where code = 'III.2.a'")
        tx.execute("update plan_setting set value = '0' where key = 'tolerance'")
    rows = _by_code(progress.task_completion(W10))
    assert rows["III.2.a"]["status"] == "Quá hạn"
    assert rows["II.3"]["status"] == "Chậm tiến độ"  # 17.5 < 18.36 - 0
    assert rows["II.4"]["status"] == "Đúng tiến độ"


def test_settings_with_a_decimal_comma_are_read_as_numbers(data: Path) -> None:
    """The settings validator accepts "0,5" (Vietnamese writes a decimal comma); the rules read
    it as 0.5 (they once fell back to a default written in SQL instead)."""
    with db.transaction() as tx:
        tx.execute("update plan_setting set value = '0,5' where key = 'tolerance'")
        tx.execute("update plan_setting set value = '3,0' where key = 'lock_days'")
    assert setting_rules.value_problem("tolerance", "0,5") is None
    assert (
        _by_code(progress.task_completion(W10))["II.3"]["status"] == "Chậm tiến độ"
    )  # 17.5 < 18.36 - 0.5
    assert calendar.lock_time(W10) == calendar.deadline(W10) + timedelta(days=3)


def test_statuses_as_of_w07(data: Path) -> None:
    rows = _by_code(progress.task_completion("2026-W07"))
    assert rows["III.2.a"]["status"] == "Đang thực hiện"  # reported 0 in W07: reported, not done
    assert rows["II.5"]["status"] == "Chưa có báo cáo"
    assert rows["II.4"]["status"] == "Đúng tiến độ"  # lead BTCD 10 >= 12.60 - 10


def test_w07_san_pham_expected_and_status(data: Path) -> None:
    ii2 = _by_code(progress.task_completion("2026-W07"))["II.2"]
    assert ii2["expected"] == pytest.approx(100 * 46 / 59)
    assert ii2["status"] == "Chậm tiến độ"  # 20 < 77.97 - 10


# --- plan completion and trend ---------------------------------------------------------------


def test_plan_completion_weighted(data: Path) -> None:
    plan = progress.plan_completion(W10)
    assert plan.value == pytest.approx(267.5 / 12)
    assert (plan.tasks, plan.tasks_reported, plan.units_reported, plan.active_units) == (
        11,
        7,
        3,
        4,
    )
    assert plan.last_update == datetime(2026, 3, 6, 16, 0)
    tasks = progress.task_completion(W10)
    weighted = (tasks["weight"] * tasks["completion"]).sum() / tasks["weight"].sum()
    assert plan.value == pytest.approx(weighted)


def test_plan_trend_by_week(data: Path) -> None:
    trend = progress.plan_trend(W10)
    assert trend["week"].tolist() == list(fx.PLAN_TREND)
    assert trend["plan_completion"].tolist() == pytest.approx(list(fx.PLAN_TREND.values()))
    assert trend["exempt"].tolist() == [False, True, False, False]
    assert trend["tasks_reported"].tolist() == [6, 6, 7, 7]
    assert trend["week_end"].iloc[-1] == pd.Timestamp("2026-03-08")


def test_plan_trend_before_first_week_is_empty(data: Path) -> None:
    assert progress.plan_trend("2026-W05").empty


def test_plan_trend_carries_reports_from_before_first_week(data: Path) -> None:
    with db.transaction() as tx:
        tx.execute("update plan_setting set value = '2026-W09' where key = 'first_week'")
        tx.execute(
            "update plan_setting set value = '2026-W08 ; 2026-W10' where key = 'exempt_weeks'"
        )
    trend = progress.plan_trend(W10)
    assert trend["week"].tolist() == ["2026-W09", W10]
    assert trend["plan_completion"].tolist() == pytest.approx(
        [fx.PLAN_TREND["2026-W09"], fx.PLAN_W10]
    )
    assert trend["exempt"].tolist() == [False, True]  # spaces around ';' tolerated


@pytest.mark.parametrize("week", ["2026-W07", "2026-W08", "2026-W09", W10, "2026-W11", "2026-W12"])
def test_queries_agree_with_each_other(data: Path, week: str) -> None:
    unit_progress = progress.unit_task_progress(week)
    tasks = progress.task_completion(week).set_index("code")
    reported = unit_progress.groupby("task_code")["percent"].count()
    assigned = unit_progress.groupby("task_code").size()
    assert reported.reindex(tasks.index).tolist() == tasks["reported_units"].tolist()
    assert assigned.reindex(tasks.index).tolist() == tasks["assigned_units"].tolist()
    trend = progress.plan_trend(week)
    assert trend["plan_completion"].iloc[-1] == pytest.approx(progress.plan_completion(week).value)


def test_empty_database(tmp_db: Path) -> None:
    plan = progress.plan_completion(W10)
    assert (plan.value, plan.has_data, plan.last_update) == (0.0, False, None)
    tasks = progress.task_completion(W10)
    assert set(tasks["status"]) == {"Chưa có báo cáo"}
    assert (tasks["completion"] == 0).all()
    assert (progress.plan_trend(W10)["plan_completion"] == 0).all()
    assert progress.task_history("II.4", W10).empty
    assert progress.heatmap_frame(W10).isna().all().all()


def test_new_data_changes_numbers_no_stale_cache(data: Path) -> None:
    assert progress.plan_completion(W10).value == pytest.approx(267.5 / 12)
    with db.transaction() as tx:
        fx.insert_submission(tx, 60, "TH", W10, datetime(2026, 3, 6, 9, 0))
        tx.execute("insert into current_sheet values ('TH', $w, 'progress', 60)", {"w": W10})
        fx.insert_progress(tx, 60, "II.5", 70, 1)
    # II.5's lead TH now reports 70: plan = (267.5 + 70) / 12.
    assert progress.plan_completion(W10).value == pytest.approx(337.5 / 12)
    assert _by_code(progress.task_completion(W10))["II.5"]["completion"] == 70


# --- task history and unit views -------------------------------------------------------------


def test_task_history_current_rows_only(data: Path) -> None:
    df = progress.task_history("II.4", W10)
    got = list(zip(df["period"], df["unit_code"], df["percent"], strict=True))
    assert got == [
        (W10, "BTCD", 30),
        ("2026-W09", "HCTC", 10),
        ("2026-W09", "TTPVHCC", 20),
        ("2026-W07", "HCTC", 5),
        ("2026-W07", "BTCD", 10),
    ]
    top = df.iloc[0]
    assert top["difficulty"] == "Thiếu phòng tiếp dân"
    assert top["proposal"] == "Bố trí thêm phòng tiếp công dân"
    assert top["evidence"] == "Báo cáo số 15/BC-BTCD ngày 06/03/2026"
    table = tables.history_table(df, data)
    assert table.iloc[0]["Tuần"] == "Tuần 10/2026"
    assert table.iloc[0]["Tỷ lệ"] == 30
    assert display.display_text(table)["Tỷ lệ"][0] == "30,0%"
    assert table.iloc[0]["Khó khăn, vướng mắc"] == "Thiếu phòng tiếp dân"
    assert table.iloc[0]["Nộp lúc"] == pd.Timestamp("2026-03-06 16:00")


def test_heatmap_frame(data: Path) -> None:
    grid = progress.heatmap_frame(W10)
    assigned = progress.heatmap_assigned(W10)
    assert grid.index.tolist() == ["HCTC", "TH", "BTCD", "TTPVHCC"]  # catalogue order
    assert grid.loc["TTPVHCC", "II.3"] == 30
    assert grid.loc["HCTC", "II.4"] == 10
    assert pd.isna(grid.loc["BTCD", "III.2.b"])
    assert not assigned.loc["BTCD", "III.2.b"]  # not assigned, not "not reported"
    assert assigned.loc["TH", "II.3"]


def test_unit_filter_on_task_views(data: Path) -> None:
    assert progress.heatmap_frame(W10, unit="TTPVHCC").index.tolist() == ["TTPVHCC"]
    assert progress.heatmap_assigned(W10, unit="TTPVHCC").loc["TTPVHCC", "II.3"]
    units = progress.task_units("II.4", W10)
    assert units["unit_code"].tolist() == ["BTCD", "HCTC", "TH", "TTPVHCC"]
    assert progress.task_units("II.4", W10, unit="HCTC")["percent"].tolist() == [10]
    history = progress.task_history("II.4", W10, unit="HCTC")
    assert history["period"].tolist() == ["2026-W09", "2026-W07"]
    table = tables.current_units_table(units, data)
    assert display.display_text(table)["Tỷ lệ"] == ["30,0%", "10,0%", "", "20,0%"]
    assert table["Từ báo cáo"].tolist() == [
        "Tuần 10/2026",
        "Tuần 9/2026",
        "Chưa báo cáo",
        "Tuần 9/2026",
    ]


def test_unit_tasks_and_table(data: Path) -> None:
    df = progress.unit_tasks("HCTC", W10)
    assert len(df) == 11
    row = df[df["task_code"] == "II.4"].iloc[0]
    assert (row["percent"], row["period"], row["completion"], row["status"]) == (
        10,
        "2026-W09",
        30,
        "Đúng tiến độ",
    )
    table = tables.unit_task_table(df).set_index("Mã")
    assert table.loc["II.4", "Tỷ lệ của đơn vị"] == 10
    assert table.loc["II.4", "Từ báo cáo"] == "Tuần 9/2026"
    assert table.loc["II.4", "Vai trò"] == "Phối hợp"
    assert pd.isna(table.loc["II.1.a", "Tỷ lệ của đơn vị"])
    assert table.loc["II.1.a", "Từ báo cáo"] == "Chưa báo cáo"
    assert table.loc["II.2", "Trạng thái nhiệm vụ"] == "Quá hạn"


def test_unit_indicators_flow_and_stock(data: Path) -> None:
    df = progress.unit_indicators("HCTC", W10).set_index("code")
    assert df.loc["VAN_BAN", "value"] == 6  # 2 + 3 + 1 (superseded 50 ignored)
    assert df.loc["VAN_BAN", "last_period"] == W10
    assert df.loc["MO_HINH", "value"] == 2  # stock: latest sheet listing it (W09)
    assert df.loc["MO_HINH", "last_period"] == "2026-W09"
    assert pd.isna(df.loc["TCD_LUOT", "value"])
    w07 = progress.unit_indicators("HCTC", "2026-W07").set_index("code")
    assert (w07.loc["VAN_BAN", "value"], w07.loc["MO_HINH", "value"]) == (2, 1)
    table = tables.indicator_table(df.reset_index())
    shown = dict(zip(table["Mã chỉ số"], display.display_text(table)["Giá trị"], strict=True))
    table = table.set_index("Mã chỉ số")
    assert table.loc["VAN_BAN", "Giá trị"] == 6
    assert shown["VAN_BAN"] == "6"
    assert table.loc["MO_HINH", "Cách tính"] == "Giá trị mới nhất"
    assert shown["TCD_LUOT"] == ""
    assert progress.unit_indicators("BTCD", W10)["value"].isna().all()


def test_unit_reporting_history(data: Path) -> None:
    df = tables.unit_reporting_history("TTPVHCC", W10, data)
    weeks = [label.split(" (")[0] for label in df["Tuần"]]
    assert weeks == ["Tuần 10/2026", "Tuần 9/2026", "Tuần 8/2026", "Tuần 7/2026"]
    assert df["Tình trạng"].tolist() == ["Chưa nộp", "Trễ hạn", "Không yêu cầu", "Chưa nộp"]
    hctc = tables.unit_reporting_history("HCTC", W10, data)
    assert hctc.iloc[0]["Tình trạng"] == "Đúng hạn"
    assert hctc.iloc[0]["Số lần nộp"] == 2  # sub 5 and its correction 6 (the rejected 8 not)
    assert hctc.iloc[0]["Nộp lần đầu lúc"] == pd.Timestamp("2026-03-05 10:00")


def test_a_unit_s_history_in_one_query_is_each_week_s_status(office_w10: Path) -> None:
    """unit_reporting_history.sql against reporting_status.sql week by week (the oracle), for
    every unit of the office sample, inactive ones included."""
    from tracker.catalogue import periods, plans
    from tracker.metrics import reporting

    first = plans.first_week(2026, office_w10)
    weeks = periods.weeks_between(first, "2026-W10")
    statuses = {w: reporting.week_status(w, office_w10).set_index("unit_code") for w in weeks}
    units = db.query("units", office_w10)["code"]
    for unit in units:
        history = reporting.unit_history(unit, first, "2026-W10", office_w10)
        expected = [
            (w, s.loc[unit, "state"], s.loc[unit, "first_upload"], int(s.loc[unit, "versions"]))
            for w, s in reversed(statuses.items())
            if unit in s.index
        ]
        got = [
            (r.period, r.state, r.first_upload, int(r.versions))
            for r in history.itertuples(index=False)
        ]
        assert [tuple(map(str, g)) for g in got] == [tuple(map(str, e)) for e in expected], unit


def test_status_counts_and_tables(data: Path) -> None:
    counts = dict(zip(*progress.status_counts(W10).to_dict("list").values(), strict=True))
    assert counts == {
        "Hoàn thành": 1,
        "Đúng tiến độ": 2,
        "Đang thực hiện": 1,
        "Chậm tiến độ": 2,
        "Quá hạn": 1,
        "Chưa có báo cáo": 4,
    }
    table = tables.task_table(progress.task_completion(W10), data)
    shown = pd.DataFrame(display.display_text(table), index=table["Mã"])
    table = table.set_index("Mã")
    assert shown.loc["II.3", "Hoàn thành"] == "17,5%"
    assert shown.loc["II.3", "Tiến độ theo kế hoạch"] == "18,4%"
    assert table.loc["II.3", "Báo cáo"] == "3/4 đơn vị đã báo cáo"
    assert table.loc["II.3", "Chủ trì"] == "Các phòng, ban, đơn vị"
    assert table.loc["II.4", "Chủ trì"] == "BTCD"
    assert pd.isna(table.loc["III.2.a", "Tiến độ theo kế hoạch"])
    assert table.loc["II.3", "Cập nhật lần cuối"] == pd.Timestamp("2026-03-06 16:00")
    groups = progress.filter_tasks(progress.task_completion(W10), group="III.2")
    assert groups["code"].tolist() == ["III.2.a", "III.2.b"]
    behind = progress.filter_tasks(progress.task_completion(W10), status="Chậm tiến độ")
    assert behind["code"].tolist() == ["II.5", "II.6"]


def test_basis_text() -> None:
    assert tables.basis(W10, 3, 4) == "3/4 đơn vị đã báo cáo, số liệu đến hết tuần 10/2026"


# --- charts ----------------------------------------------------------------------------------


def test_completion_bars_marker_and_basis(data: Path) -> None:
    tasks = progress.task_completion(W10)
    fig = charts.completion_bars(tasks, W10)
    *bars, marker = fig.data
    # One bar trace per status (the legend names the colours), plan order kept on the axis.
    assert [b.name for b in bars] == [s for s in progress.STATUSES if s in set(tasks["status"])]
    assert list(fig.layout.yaxis.categoryarray)[::-1] == tasks["code"].tolist()
    assert sorted(y for b in bars for y in b.y) == sorted(tasks["code"])
    assert "17,5% · 3/4 đơn vị đã báo cáo" in [t for b in bars for t in b.text]
    assert marker.name == "Tiến độ theo kế hoạch"
    # No expected marker for the two theo_yeu_cau tasks.
    assert set(marker.y) == set(tasks["code"]) - {"III.2.a", "III.2.b"}
    assert "số liệu đến hết tuần 10/2026" in fig.layout.title.subtitle.text
    assert fig.layout.separators == ",."
    json.loads(fig.to_json())  # serialisable for st.plotly_chart


def test_heatmap_chart_explains_blank_cells(data: Path) -> None:
    fig = charts.progress_heatmap(
        progress.heatmap_frame(W10), progress.heatmap_assigned(W10), tables.basis(W10, 3, 4)
    )
    text = fig.data[0].text
    rows = list(fig.data[0].y)
    cols = list(fig.data[0].x)
    assert text[rows.index("TH")][cols.index("II.3")] == "Chưa báo cáo"
    assert text[rows.index("BTCD")][cols.index("III.2.b")] == ""
    assert text[rows.index("TTPVHCC")][cols.index("II.3")] == "30%"
    assert fig.layout.title.subtitle.text == "3/4 đơn vị đã báo cáo, số liệu đến hết tuần 10/2026"
