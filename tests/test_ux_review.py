"""Regressions from the UX review: what an officer or a leader saw wrong in the running app.

Each test pins one fix: chart subtitles that fit a phone, readable week axes, a legend that
explains the bar colours, the reporting grid readable at 390 px, open difficulties on Tổng quan,
a shared ?task= link that survives the status filter, no duplicate score table for a unit, and
no raw codes or "None" in the audit log.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import pytest

from tests import metric_fixture as fx
from tests.apptest_helpers import open_page, texts
from tests.conftest import set_now
from tests.scoring_fixture import add_scores, ordinary_scores
from tracker import settings
from tracker.accounts import admin, auth
from tracker.metrics import difficulties, progress
from tracker.store import db
from tracker.ui import admin_tables, charts, overview, score_views, scoring_page, tables, tasks_view

pytestmark = pytest.mark.now(fx.NOW)
W10 = "2026-W10"


@pytest.fixture
def data(users: dict[str, auth.User]) -> dict[str, auth.User]:
    fx.load()
    return users


# --- chart text and axes ---------------------------------------------------------------------


def test_long_basis_wraps_without_splitting_the_week() -> None:
    basis = (
        "5/10 đơn vị đã báo cáo, số liệu đến hết tuần 48/2026; tuần không yêu cầu báo cáo để trống"
    )
    text, lines = charts.wrap_basis(basis)
    assert lines == 2
    assert text.split("<br>")[0] == "5/10 đơn vị đã báo cáo, số liệu đến hết tuần 48/2026; tuần"
    assert all(len(line) <= charts.SUBTITLE_WIDTH for line in text.split("<br>"))
    assert text.replace("<br>", " ") == basis
    short = "3/4 đơn vị đã báo cáo, số liệu đến hết tuần 10/2026"
    assert charts.wrap_basis(short) == (short, 1)


def test_wrapped_subtitle_gets_room_above_the_plot() -> None:
    weeks = pd.Series(["2026-W07", "2026-W08", "2026-W09"])
    one = charts.trend_line(weeks, pd.Series([1.0, 2.0, 3.0]), title="T", basis="ngắn", name="n")
    long_basis = "x " * 50  # 100 characters: two lines
    two = charts.trend_line(
        weeks, pd.Series([1.0, 2.0, 3.0]), title="T", basis=long_basis, name="n"
    )
    assert two.layout.margin.t == one.layout.margin.t + charts.LINE_PX
    assert two.layout.height == one.layout.height + charts.LINE_PX


def test_trend_axis_uses_week_numbers_and_full_labels_on_hover() -> None:
    weeks = pd.Series(["2026-W07", "2026-W08", "2026-W10"])
    fig = charts.trend_line(
        weeks, pd.Series([10.0, None, 30.0]), title="T", basis="b", name="Tỷ lệ"
    )
    trace = fig.data[0]
    assert list(trace.x) == [7, 8, 10]
    assert list(trace.customdata) == [
        "Tuần 7/2026 (09/02 - 15/02/2026)",
        "Tuần 8/2026 (16/02 - 22/02/2026)",
        "Tuần 10/2026 (02/03 - 08/03/2026)",
    ]
    assert fig.layout.xaxis.title.text == "Tuần (năm 2026)"
    assert fig.layout.xaxis.type is None  # numeric: plotly thins the ticks to the width


def test_trend_over_two_years_keeps_week_labels() -> None:
    fig = charts.trend_line(
        pd.Series(["2025-W52", "2026-W01"]), pd.Series([1.0, 2.0]), title="T", basis="b", name="n"
    )
    assert list(fig.data[0].x) == ["Tuần 52/2025", "Tuần 1/2026"]
    assert fig.layout.xaxis.type == "category"


def test_completion_legend_names_the_status_colours(data) -> None:
    tasks = progress.task_completion(W10)
    fig = charts.completion_bars(tasks, W10)
    bars = [t for t in fig.data if t.type == "bar"]
    for bar in bars:
        assert bar.marker.color == charts.STATUS_COLORS[bar.name]
        codes = set(tasks.loc[tasks["status"] == bar.name, "code"])
        assert set(bar.y) == codes
    json.loads(fig.to_json())


def test_heatmap_leaves_room_for_task_codes_on_top(data) -> None:
    fig = charts.progress_heatmap(
        progress.heatmap_frame(W10), progress.heatmap_assigned(W10), tables.basis(W10, 3, 4)
    )
    assert fig.layout.xaxis.side == "top"
    assert fig.layout.margin.t >= 100


def test_ranking_caption_names_the_bands() -> None:
    """The ranking's bar column has no dotted band lines: the caption under it names them."""
    bands = pd.DataFrame(
        {"grade": ["Tốt", "Khá", "Trung bình", "Yếu"], "threshold": [90.0, 70.0, 50.0, 0.0]}
    )
    assert score_views.bands_text(bands) == (
        "Mức xếp loại: Tốt từ 90 điểm; Khá từ 70 điểm; Trung bình từ 50 điểm; Yếu dưới 50 điểm."
    )


# --- Tổng quan -------------------------------------------------------------------------------


def test_reporting_grid_puts_code_and_state_first(tmp_db) -> None:
    status = pd.DataFrame(
        {
            "unit_code": ["HCTC", "TH"],
            "unit_name": ["Phòng Hành chính - Tổ chức", "Phòng Tổng hợp"],
            "state": ["Đúng hạn", "Chưa nộp"],
            "first_upload": [pd.Timestamp("2026-03-05 10:00"), pd.NaT],
        }
    )
    grid = overview.reporting_grid(status, settings.db_path())
    assert list(grid.columns) == ["Đơn vị", "Tình trạng", "Tên đơn vị", "Nộp lần đầu lúc"]
    record = grid.to_dict("records")[1]
    assert pd.isna(record.pop("Nộp lần đầu lúc"))
    assert record == {  # TH is a unit of the sample list: marked (issue 15)
        "Đơn vị": "TH (mẫu)",
        "Tình trạng": "Chưa nộp",
        "Tên đơn vị": "Phòng Tổng hợp (mẫu)",
    }
    assert grid.iloc[0]["Tên đơn vị"] == "Phòng Hành chính - Tổ chức"
    assert grid.iloc[0]["Nộp lần đầu lúc"] == pd.Timestamp("2026-03-05 10:00")


def test_overview_lists_open_difficulties(data) -> None:
    at = open_page(data["lanh_dao"], "tong_quan", {"week": W10})
    assert not at.exception, at.exception
    (table,) = [d.value for d in at.dataframe if "Khó khăn, vướng mắc" in d.value.columns]
    # The fixture's one difficulty: BTCD's W10 sheet, task II.4.
    assert table.to_dict("records") == [
        {
            "Đơn vị": "BTCD",
            "Nhiệm vụ": "II.4",
            "Khó khăn, vướng mắc": "Thiếu phòng tiếp dân",
            "Ngày nêu": pd.Timestamp("2026-03-06 16:00"),  # upload time of submission 7
        }
    ]
    assert "Xem đầy đủ và đánh dấu đã xử lý ở trang Vướng mắc." in texts(at)


def test_overview_without_open_difficulties_says_so(users) -> None:
    at = open_page(users["lanh_dao"], "tong_quan", {"week": W10})
    assert not at.exception, at.exception
    assert "Không có vướng mắc nào chờ xử lý đến hết tuần 10/2026." in texts(at)


# --- Nhiệm vụ --------------------------------------------------------------------------------


def test_shared_task_link_survives_a_status_filter_that_hides_it(data) -> None:
    tasks = progress.task_completion(W10)
    behind = set(tasks.loc[tasks["status"] == "Chậm tiến độ", "code"])
    other = next(c for c in tasks["code"] if c not in behind)
    query = {"week": W10, "status": "Chậm tiến độ", "task": other}
    at = open_page(data["lanh_dao"], "nhiem_vu", query)
    assert not at.exception, at.exception
    assert at.selectbox(key="filter_task").value == other
    assert at.query_params["task"] == other
    # Without ?task= the drill-down (its tab opened) starts at the first task the filters show.
    at = open_page(data["lanh_dao"], "nhiem_vu", {"week": W10, "status": "Chậm tiến độ"})
    at.session_state[tasks_view.TAB_KEY] = tasks_view.TAB_DETAIL
    at.run()
    first_behind = tasks.loc[tasks["status"] == "Chậm tiến độ", "code"].iloc[0]
    assert at.selectbox(key="filter_task").value == first_behind


# --- Tự chấm điểm ----------------------------------------------------------------------------


def test_unit_user_sees_own_score_table_once(users) -> None:
    add_scores("HCTC", W10, ordinary_scores(80))
    add_scores("KT", W10, ordinary_scores(95))
    at = open_page(users["don_vi"], "tu_cham_diem")
    assert not at.exception, at.exception
    # The ranking's basis (the chart's subtitle before issue 35) says the criteria set is provisional.
    basis = [c.value for c in at.caption if "đơn vị có bảng tự chấm điểm" in c.value]
    assert basis and basis[0].endswith("; bộ tiêu chí tạm thời.")
    at.session_state[scoring_page.TAB_KEY] = scoring_page.TAB_DETAIL  # one unit's tab opened
    at.run()
    details = [d for d in at.dataframe if "Nhận xét thẩm định" in d.value.columns]
    assert len(details) == 2  # own table, then one other unit's
    assert at.selectbox(key="filter_score_unit").options == ["KT - Phòng Kinh tế"]
    assert "Tự chấm và thẩm định của các đơn vị khác" in texts(at)


def test_leader_still_chooses_any_unit(users) -> None:
    add_scores("HCTC", W10, ordinary_scores(80))
    add_scores("KT", W10, ordinary_scores(95))
    at = open_page(users["lanh_dao"], "tu_cham_diem", {"xem": scoring_page.TAB_DETAIL})
    assert not at.exception, at.exception
    assert len(at.selectbox(key="filter_score_unit").options) == 2
    assert "Tự chấm và thẩm định theo đơn vị" in texts(at)


def test_gap_text_unchanged_for_top_band() -> None:
    assert score_views.gap_text({"next_grade": None}) == "Đã ở mức xếp loại cao nhất"


# --- Quản trị: audit log ---------------------------------------------------------------------


def test_audit_view_has_no_none_and_names_every_action(data) -> None:
    difficulties.raise_difficulty(data["don_vi"], "HCTC", "II.6", "Thiếu kinh phí", year=2026)
    entries = admin.audit_entries(
        data["quan_tri"], date_from=date(2000, 1, 1), date_to=date(2100, 1, 1)
    )
    assert entries["detail"].isna().any()  # user_create rows carry no detail
    view = admin_tables.audit_view(entries)
    assert not view.isna().any().any()
    created = view[view["Thao tác"] == "Tạo tài khoản"]
    assert len(created) == 4 and (created["Chi tiết"] == "").all()
    assert view["Thao tác"].tolist()[0] == "Nêu vướng mắc"  # newest first
    for action in entries["action"].unique():
        assert action in admin.ACTION_LABELS, action


@pytest.mark.parametrize(
    "action",
    [
        "upload",
        "difficulty_raise",
        "difficulty_handle",
        "score_review",
        "score_review_clear",
        "vp_adjustment",
        "vp_adjustment_clear",
        "criteria_replace",
        "criteria_edit",
        "sample_mode",
        "demo_city_units",
    ],
)
def test_recorded_actions_have_labels(action: str) -> None:
    assert admin.ACTION_LABELS[action][0].isupper()


# --- Nộp báo cáo -----------------------------------------------------------------------------


def test_after_confirm_the_table_shows_the_outcome(users, monkeypatch) -> None:
    from tests.workbook_factory import Book

    set_now(monkeypatch, datetime(2026, 3, 5, 10, 0))
    at = open_page(users["don_vi"], "nop_bao_cao", {"week": W10})
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="upload_files").set_value([("hctc.xlsx", Book().to_bytes(), xlsx)]).run()
    assert at.dataframe[0].value["Kết quả"].tolist() == ["Hợp lệ - chờ xác nhận"]
    at.button(key="confirm").click().run()
    assert not at.exception, at.exception
    assert at.dataframe[0].value["Kết quả"].tolist() == ["Đã nhận"]
    assert not [b for b in at.button if b.key == "confirm"]
    assert [s.value for s in at.success] == ["hctc.xlsx: Đã nhận báo cáo Tuần 10/2026 của HCTC."]
    at.run()  # the message is shown once, not on every later rerun
    assert not at.success


# --- Xuất dữ liệu ----------------------------------------------------------------------------


def test_scores_export_says_the_criteria_are_provisional(users) -> None:
    at = open_page(users["lanh_dao"], "xuat_du_lieu", {"week": W10})
    assert not at.exception, at.exception
    assert "dl_scores" in [b.key for b in at.get("download_button")]
    assert progress.PROVISIONAL_NOTE.format(loader="Văn phòng") in texts(at)
    with db.transaction() as tx:  # the Office loads the official annex: no more notice
        tx.execute("update criteria_set set provisional = false")
    at = open_page(users["lanh_dao"], "xuat_du_lieu", {"week": W10})
    assert progress.PROVISIONAL_NOTE.format(loader="Văn phòng") not in texts(at)
