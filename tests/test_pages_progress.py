"""AppTest runs of Tổng quan, Nhiệm vụ and Đơn vị on the metric fixture, each role, URL filters."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests import metric_fixture as fx
from tests import scoring_fixture
from tests.apptest_helpers import open_page, texts
from tracker.accounts import auth
from tracker.store import db
from tracker.ui import overview, tasks_view
from tracker.ui.pages import don_vi

pytestmark = pytest.mark.now(fx.NOW)
W10 = "2026-W10"
ROLES = ("don_vi", "lanh_dao", "quan_tri")


@pytest.fixture
def data(users: dict[str, auth.User]) -> dict[str, auth.User]:
    fx.load()
    return users


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _array(value: list | dict) -> list:
    """Plotly JSON stores numeric arrays as {"dtype", "bdata"} (base64); decode either form."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _subtitles(at: AppTest) -> list[str]:
    return [c["layout"]["title"]["subtitle"]["text"] for c in _charts(at)]


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


TABLES = {  # AppTest does not expose a dataframe's key: tell tables apart by a column
    "task_units": "Từ báo cáo",
    "task_history": "Kết quả thực hiện trong kỳ",
    "unit_tasks": "Tỷ lệ của đơn vị",
    "unit_history": "Tình trạng",
    "unit_indicators": "Mã chỉ số",
    "unit_models": "Tên mô hình",
    "unit_score": "Nội dung",
}


def _frame(at: AppTest, key: str):
    (found,) = [d.value for d in at.dataframe if TABLES[key] in d.value.columns]
    return found


# --- Tổng quan -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_overview_each_role(data, role: str) -> None:
    at = open_page(data[role], "tong_quan", {"week": W10})
    assert not at.exception, at.exception
    assert at.selectbox(key="filter_week").value == W10
    assert _metric(at, "Hoàn thành Kế hoạch") == "22,3%"  # 267.5 / 12
    assert _metric(at, "Đơn vị đã nộp tuần 10/2026") == "2/4"
    body = texts(at)
    assert "đơn vị tự đánh giá" in body
    assert "3/4 đơn vị đã báo cáo, số liệu đến hết tuần 10/2026" in body
    subtitles = _subtitles(at)
    assert len(subtitles) == 1  # status (issue 35: the weekly lines drawn on request)
    at.session_state[overview.TRENDS_OPEN] = True
    subtitles += _subtitles(at.run())[1:]  # the plan's line, the first tab
    at.session_state[overview.TRENDS_KEY] = overview.TAB_REPORTING
    subtitles += _subtitles(at.run())[1:]  # the reporting rate's line
    assert len(subtitles) == 3
    assert all("số liệu đến hết tuần 10/2026" in s for s in subtitles)
    grid = at.dataframe[0].value.set_index("Đơn vị")
    assert grid.loc["HCTC", "Tình trạng"] == "Đúng hạn"
    assert grid.loc["TH (mẫu)", "Tình trạng"] == "Chưa nộp"  # a sample unit (issue 15)
    assert grid.loc["TH (mẫu)", "Tên đơn vị"] == "Phòng Tổng hợp (mẫu)"
    banner = [a.value for a in (*at.success, *at.warning)]
    if role == "don_vi":
        assert "Tuần 10: đã nộp lúc 10:00 05/03/2026 (đúng hạn)" in banner
    else:
        assert not any(b.startswith("Tuần 10:") for b in banner)


def test_overview_status_chart_counts(data) -> None:
    at = open_page(data["lanh_dao"], "tong_quan", {"week": W10})
    status = _charts(at)[0]
    assert status["layout"]["title"]["text"] == "Nhiệm vụ theo trạng thái"
    assert status["data"][0]["y"] == [
        "Hoàn thành",
        "Đúng tiến độ",
        "Đang thực hiện",
        "Chậm tiến độ",
        "Quá hạn",
        "Chưa có báo cáo",
    ]
    assert _array(status["data"][0]["x"]) == [1, 2, 1, 2, 1, 4]


def test_overview_unit_banner_missing_week(data) -> None:
    at = open_page(data["don_vi_btcd"], "tong_quan", {"week": "2026-W09"})
    assert not at.exception
    assert any(w.value.startswith("Tuần 9: chưa nộp") for w in at.warning)
    assert _metric(at, "Hoàn thành Kế hoạch") == "6,1%"  # 73 / 12


def test_overview_empty_database(users) -> None:
    at = open_page(users["don_vi"], "tong_quan", {"week": W10})
    assert not at.exception
    assert "Chưa có dữ liệu" in texts(at)
    assert _metric(at, "Hoàn thành Kế hoạch") == "—"
    assert not at.get("plotly_chart")
    assert any(w.value.startswith("Tuần 10: chưa nộp") for w in at.warning)


def test_overview_no_stale_cache(data) -> None:
    at = open_page(data["lanh_dao"], "tong_quan", {"week": W10})
    assert _metric(at, "Hoàn thành Kế hoạch") == "22,3%"
    with db.transaction() as tx:
        fx.insert_submission(tx, 70, "TH", W10, datetime(2026, 3, 6, 9, 0))
        tx.execute("insert into current_sheet values ('TH', $w, 'progress', 70)", {"w": W10})
        fx.insert_progress(tx, 70, "II.5", 70, 1)
    at.run()
    assert _metric(at, "Hoàn thành Kế hoạch") == "28,1%"  # (267.5 + 70) / 12
    assert _metric(at, "Đơn vị đã nộp tuần 10/2026") == "3/4"


# --- Nhiệm vụ --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_tasks_page_each_role_with_filters(data, role: str) -> None:
    query = {"week": W10, "status": "Chậm tiến độ", "task": "II.5"}
    at = open_page(data[role], "nhiem_vu", query)
    assert not at.exception, at.exception
    assert at.selectbox(key="filter_status").value == "Chậm tiến độ"
    assert at.selectbox(key="filter_task").value == "II.5"  # the link's task: its tab open
    table = _tab(at, tasks_view.TAB_TASKS).dataframe[0].value
    assert table["Mã"].tolist() == ["II.5", "II.6"]
    assert table["Báo cáo"].tolist() == ["1/4 đơn vị đã báo cáo", "1/4 đơn vị đã báo cáo"]
    (bars,) = _charts(_tab(at, tasks_view.TAB_BARS))
    assert bars["data"][0]["y"] == ["II.6", "II.5"]
    assert bars["data"][1]["name"] == "Tiến độ theo kế hoạch"
    (heatmap,) = _charts(_tab(at, tasks_view.TAB_UNITS))
    assert heatmap["data"][0]["x"] == ["II.5", "II.6"]
    assert "số liệu đến hết tuần 10/2026" in heatmap["layout"]["title"]["subtitle"]["text"]


def _tab(at: AppTest, label: str) -> AppTest:
    """The page (Nhiệm vụ, Đơn vị: both key their tabs "xem") with its tab `label` open, as a
    click on it does (issue 35: only it is drawn)."""
    assert tasks_view.TAB_KEY == don_vi.TAB_KEY
    at.session_state[tasks_view.TAB_KEY] = label
    at.run()
    assert not at.exception, at.exception
    return at


def test_tasks_page_drill_into_task_shows_texts(data) -> None:
    at = open_page(data["lanh_dao"], "nhiem_vu", {"week": W10, "task": "II.4"})
    assert not at.exception
    units = _frame(at, "task_units")
    assert units["Đơn vị"].iloc[0] == "BTCD - Ban Tiếp công dân thành phố"
    # BTCD, HCTC, TH, TTPVHCC: numbers (they sort as numbers); TH has none yet.
    assert units["Tỷ lệ"].fillna(-1).tolist() == [30, 10, -1, 20]
    assert units["Từ báo cáo"].iloc[2] == "Chưa báo cáo"
    # The history is drawn when its expander is opened (issue 35), then inside it.
    assert not [d for d in at.dataframe if TABLES["task_history"] in d.value.columns]
    at.session_state[tasks_view.HISTORY_OPEN] = True
    at.run()
    (box,) = [e for e in at.expander if e.label == tasks_view.HISTORY_LABEL]
    (history,) = [d.value for d in box.dataframe]
    assert history.iloc[0]["Khó khăn, vướng mắc"] == "Thiếu phòng tiếp dân"
    assert history.iloc[0]["Đề xuất, kiến nghị"] == "Bố trí thêm phòng tiếp công dân"
    assert history.iloc[0]["Kết quả thực hiện trong kỳ"].startswith("Tiếp 12 lượt công dân")
    assert "3/4 đơn vị đã báo cáo" in texts(at)


def test_tasks_page_url_round_trip(data) -> None:
    at = open_page(data["quan_tri"], "nhiem_vu", {"week": "2026-W09", "group": "II.2"})
    assert at.selectbox(key="filter_week").value == "2026-W09"
    assert at.selectbox(key="filter_group").value == "II.2"
    assert at.dataframe[0].value["Mã"].tolist() == ["II.2"]
    assert at.dataframe[0].value["Hoàn thành"].tolist() == [40]  # HCTC's W09 value
    at.selectbox(key="filter_group").set_value("II.3").run()
    assert at.query_params["group"] == "II.3"
    _tab(at, tasks_view.TAB_DETAIL).selectbox(key="filter_task").set_value("II.3").run()
    assert at.query_params["task"] == "II.3"
    assert _tab(at, tasks_view.TAB_TASKS).dataframe[0].value["Hoàn thành"].tolist() == [15]


def test_tasks_page_unit_filter(data) -> None:
    at = open_page(data["don_vi"], "nhiem_vu", {"week": W10, "unit": "TTPVHCC", "task": "II.4"})
    assert not at.exception
    assert at.selectbox(key="filter_unit").value == "TTPVHCC"
    assert _frame(at, "task_units")["Tỷ lệ"].tolist() == [20]  # the link's task: its tab
    (heatmap,) = _charts(_tab(at, tasks_view.TAB_UNITS))
    assert heatmap["data"][0]["y"] == ["TTPVHCC"]
    _tab(at, tasks_view.TAB_DETAIL)
    at.session_state[tasks_view.HISTORY_OPEN] = True
    at.run()
    assert _frame(at, "task_history")["Tuần"].tolist() == ["Tuần 9/2026"]
    at.selectbox(key="filter_unit").set_value("__all__").run()
    assert at.query_params["unit"] == "__all__"
    assert len(_frame(at, "task_units")) == 4


def test_tasks_page_invalid_url_values_fall_back(data) -> None:
    at = open_page(data["quan_tri"], "nhiem_vu", {"week": "2026-W99", "status": "bogus"})
    assert not at.exception
    assert at.selectbox(key="filter_status").value == "__all__"


def test_tasks_page_empty_database(users) -> None:
    at = open_page(users["lanh_dao"], "nhiem_vu", {"week": W10})
    assert not at.exception
    assert "Chưa có dữ liệu" in texts(at)
    assert not at.get("plotly_chart")


# --- Đơn vị ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_unit_page_each_role(data, role: str) -> None:
    at = open_page(data[role], "don_vi", {"week": W10, "unit": "HCTC"})
    assert not at.exception, at.exception
    assert at.title[0].value == "Đơn vị: Phòng Hành chính - Tổ chức"
    assert _metric(at, "Nhiệm vụ đã báo cáo") == "6/11"
    assert _metric(at, "Nộp báo cáo tuần 10/2026") == "Đúng hạn"
    tasks = _frame(at, "unit_tasks").set_index("Mã")
    assert tasks.loc["II.4", "Tỷ lệ của đơn vị"] == 10
    assert tasks.loc["II.2", "Trạng thái nhiệm vụ"] == "Quá hạn"
    assert "đơn vị tự đánh giá" in texts(at)
    history = _frame(_tab(at, don_vi.TAB_HISTORY), "unit_history")
    assert history["Tình trạng"].tolist() == ["Đúng hạn", "Đúng hạn", "Không yêu cầu", "Đúng hạn"]
    indicators = _frame(_tab(at, don_vi.TAB_INDICATORS), "unit_indicators").set_index("Mã chỉ số")
    assert indicators.loc["VAN_BAN", "Giá trị"] == 6
    models = _frame(_tab(at, don_vi.TAB_MODELS), "unit_models")
    assert models["Tên mô hình"].tolist() == [fx.MODEL[0]]
    assert _metric(at, "Nhiệm vụ đã báo cáo") == "6/11"  # the key figures stay above the tabs


def test_unit_page_draws_the_open_tab_only(data) -> None:
    """Issue 35: every grid the page sends costs its mount in the browser, opened or not; the
    first view sends the key figures and the task table only, each tab its own grid."""
    at = open_page(data["lanh_dao"], "don_vi", {"week": W10, "unit": "HCTC"})
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == list(don_vi.TABS)
    assert [m.label for m in at.metric][:2] == ["Nhiệm vụ được giao", "Nhiệm vụ đã báo cáo"]
    assert len(at.dataframe) == 1 and "Tỷ lệ của đơn vị" in at.dataframe[0].value.columns
    assert not [t for t in at.tabs if t.label != don_vi.TAB_TASKS and len(t.children)]
    for label, key in [
        (don_vi.TAB_HISTORY, "unit_history"),
        (don_vi.TAB_INDICATORS, "unit_indicators"),
        (don_vi.TAB_MODELS, "unit_models"),
    ]:
        _tab(at, label)
        assert len(at.dataframe) == 1 and TABLES[key] in at.dataframe[0].value.columns, label
        assert len(at.metric) == 3  # the key figures, whatever tab is open


def test_unit_page_link_opens_its_tab(data) -> None:
    """?xem= names the open tab (bind="query-params"), so a copied link opens it, its grid the
    only one sent (the address following a click is the browser's part: tests/test_e2e.py)."""
    for label, column in [(don_vi.TAB_INDICATORS, "Mã chỉ số"), (don_vi.TAB_MODELS, "Tên mô hình")]:
        query = {"week": W10, "unit": "HCTC", don_vi.TAB_KEY: label}
        at = open_page(data["lanh_dao"], "don_vi", query)
        assert not at.exception, at.exception
        assert at.session_state[don_vi.TAB_KEY] == label
        (table,) = [d.value for d in at.dataframe]
        assert column in table.columns


def test_unit_page_defaults_to_own_unit_and_url(data) -> None:
    at = open_page(data["don_vi_btcd"], "don_vi", {"week": W10})
    assert at.selectbox(key="filter_unit").value == "BTCD"
    assert at.query_params["unit"] == "BTCD"
    at = open_page(data["don_vi_btcd"], "don_vi", {"week": W10, "unit": "TTPVHCC"})
    assert at.selectbox(key="filter_unit").value == "TTPVHCC"
    history = _frame(_tab(at, don_vi.TAB_HISTORY), "unit_history")
    assert history["Tình trạng"].tolist()[:2] == ["Chưa nộp", "Trễ hạn"]
    at.selectbox(key="filter_unit").set_value("TH").run()
    assert at.query_params["unit"] == "TH"
    assert at.session_state[don_vi.TAB_KEY] == don_vi.TAB_HISTORY  # the tab stays open
    _tab(at, don_vi.TAB_TASKS)
    assert "Chưa có dữ liệu: đơn vị chưa báo cáo tiến độ nhiệm vụ nào." in texts(at)


def test_unit_page_self_score(data) -> None:
    # 85 points over the 21 applicable ordinary criteria (Σ maxima = 100) → 85,0, Khá, rank 1.
    scoring_fixture.add_scores("HCTC", W10, scoring_fixture.ordinary_scores(85))
    at = open_page(data["don_vi"], "don_vi", {"week": W10, "xem": don_vi.TAB_SCORE})
    assert not at.exception
    score = _frame(at, "unit_score").set_index("Nội dung")["Giá trị"]
    assert score["Điểm tự chấm"] == "85,0"
    assert score["Điểm thẩm định"] == "Chưa thẩm định"
    assert score["Xếp loại"] == "Khá"
    assert score["Hạng"] == "1"
    assert any("tạm thời" in w.value for w in at.warning)


def test_unit_page_empty_database(users) -> None:
    at = open_page(users["don_vi"], "don_vi", {"week": W10})
    assert not at.exception
    assert at.selectbox(key="filter_unit").value == "HCTC"
    assert "Chưa có dữ liệu" in texts(at)
