"""Issue 12: tables that sort (numbers and times stay typed, shown in Vietnamese), the key figures'
change since the previous week, and the uploader's Vietnamese note.

Data: the hand-computed dataset of tests/metric_fixture.py, on its own clock.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from streamlit import dataframe_util

from tests import metric_fixture as fx
from tests.apptest_helpers import open_page
from tracker import settings
from tracker.accounts import auth
from tracker.metrics import difficulties, progress, reporting
from tracker.ui import display, overview, tables, upload_view

pytestmark = pytest.mark.now(fx.NOW)

W10 = "2026-W10"
DATETIME = {"type": "datetime", "format": display.DATETIME_FORMAT}


@pytest.fixture
def data(users: dict[str, auth.User]) -> dict[str, auth.User]:
    fx.load()
    return users


def _check_numbers(table: pd.DataFrame, *names: str) -> None:
    """Each column is a float column that sorts in numeric order and shows '45,5%'-style text."""
    config = display.column_config(table)
    shown = display.display_text(table)
    for name in names:
        assert pd.api.types.is_float_dtype(table[name]), (name, table[name].dtype)
        ordered = table.sort_values(name, ascending=False)[name].dropna().tolist()
        assert ordered == sorted(ordered, reverse=True) and ordered, name
        # A number column without a column_config format, so Streamlit shows the Styler's text.
        assert config[name]["type_config"]["type"] == "number"
        assert config[name]["type_config"]["format"] is None
        for value, text in zip(table[name], shown[name], strict=True):
            # Vietnamese decimal comma; empty where the value is missing ("—" on screen).
            assert (text == "") == pd.isna(value) and "." not in text, (name, value, text)


def _check_times(table: pd.DataFrame, *names: str) -> None:
    """Each column is datetime64, sorts chronologically and shows as dd/mm/yyyy HH:MM."""
    config = display.column_config(table)
    for name in names:
        assert pd.api.types.is_datetime64_any_dtype(table[name]), (name, table[name].dtype)
        ordered = table.sort_values(name)[name].dropna()
        assert ordered.is_monotonic_increasing and len(ordered), name
        type_config = config[name]["type_config"]
        assert {k: type_config[k] for k in DATETIME} == DATETIME, name


def test_task_table_sorts_by_percent_and_time(data: dict[str, auth.User]) -> None:
    table = tables.task_table(progress.task_completion(W10), settings.db_path())
    _check_numbers(table, "Hoàn thành", tables.PLANNED)
    _check_times(table, "Cập nhật lần cuối")
    # As text, "100,0%" sorted before "17,5%"; as numbers the completed task comes first.
    top = table.sort_values("Hoàn thành", ascending=False).iloc[0]
    assert (top["Mã"], top["Hoàn thành"]) == ("III.2.b", 100)
    shown = dict(zip(table["Mã"], display.display_text(table)["Hoàn thành"], strict=True))
    assert shown["III.2.b"] == "100,0%" and shown["II.3"] == "17,5%"
    latest = table.sort_values("Cập nhật lần cuối", ascending=False).iloc[0]
    assert latest["Cập nhật lần cuối"] == pd.Timestamp("2026-03-06 16:00")


def test_unit_and_task_drill_down_tables(data: dict[str, auth.User]) -> None:
    unit_tasks = tables.unit_task_table(progress.unit_tasks("HCTC", W10))
    _check_numbers(unit_tasks, "Tỷ lệ của đơn vị", "Hoàn thành của nhiệm vụ", tables.PLANNED)
    current = tables.current_units_table(progress.task_units("II.4", W10), settings.db_path())
    _check_numbers(current, "Tỷ lệ")
    _check_times(current, "Nộp lúc")
    history = tables.history_table(progress.task_history("II.4", W10), settings.db_path())
    _check_numbers(history, "Tỷ lệ")
    _check_times(history, "Nộp lúc")
    # Sorted by time, the W07 sheets (13/02) come before the W10 one (06/03): by dd/mm text,
    # "06/03/2026" sorted before "13/02/2026".
    assert history.sort_values("Nộp lúc")["Tuần"].iloc[-1] == "Tuần 10/2026"
    indicators = tables.indicator_table(progress.unit_indicators("HCTC", W10))
    _check_numbers(indicators, "Giá trị")


def test_reporting_and_difficulty_tables(data: dict[str, auth.User]) -> None:
    status = reporting.week_status(W10)
    _check_times(tables.status_table(status, settings.db_path()), "Nộp lần đầu lúc")
    _check_times(overview.reporting_grid(status, settings.db_path()), "Nộp lần đầu lúc")
    history = tables.unit_reporting_history("HCTC", W10, settings.db_path())
    _check_times(history, "Nộp lần đầu lúc", "Nộp lần cuối lúc")
    assert pd.api.types.is_integer_dtype(history["Số lần nộp"])
    register = difficulties.all(year=2026)
    _check_times(tables.difficulty_table(register, settings.db_path()), "Ngày nêu")
    _check_times(
        overview.open_difficulties(difficulties.open_list(W10), settings.db_path()), "Ngày nêu"
    )


def test_pages_draw_typed_tables(data: dict[str, auth.User]) -> None:
    """The task table on Nhiệm vụ reaches st.dataframe typed, with its Vietnamese display."""
    at = open_page(data["lanh_dao"], "nhiem_vu", {"week": W10})  # its first tab
    assert not at.exception, at.exception
    # AppTest does not expose a dataframe's key: the task table is the one with "Chủ trì".
    table = next(d for d in at.dataframe if "Chủ trì" in d.value.columns)
    assert pd.api.types.is_float_dtype(table.value["Hoàn thành"])
    assert pd.api.types.is_datetime64_any_dtype(table.value["Cập nhật lần cuối"])
    config = json.loads(table.proto.columns)
    assert config["Cập nhật lần cuối"]["type_config"]["format"] == "DD/MM/YYYY HH:mm"
    assert table.proto.placeholder == display.MISSING
    shown = dataframe_util.convert_arrow_bytes_to_pandas_df(
        table.proto.arrow_data.styler.display_values
    )
    row = table.value.index[table.value["Mã"] == "II.3"][0]
    assert "17,5%" in shown.iloc[row].tolist()


def test_change_since_previous_week() -> None:
    assert overview.change(20.0, 17.5, "điểm %", 1) == "+2,5 điểm %"
    assert overview.change(3, 5, "đơn vị") == "-2 đơn vị"
    assert overview.change(4, 4, "đơn vị") == "Không đổi"
    assert overview.change(None, 4, "đơn vị") == ""


def test_key_figures_show_change_since_previous_week(data: dict[str, auth.User]) -> None:
    plan = progress.plan_completion(W10)
    changes = overview.key_figure_changes(W10, plan, settings.db_path())
    before = progress.plan_completion("2026-W09").value
    assert changes["plan"] == overview.change(plan.value, before, "điểm %", 1)
    assert changes["plan"].startswith("+")
    assert changes["reported"] == "Không đổi"  # W09: HCTC, TTPVHCC; W10: HCTC, BTCD
    opened = difficulties.open_count(W10) - difficulties.open_count("2026-W09")
    assert changes["difficulties"] == (
        overview.change(opened, 0, "vướng mắc") if opened else "Không đổi"
    )
    at = open_page(data["lanh_dao"], "tong_quan", {"week": W10})
    assert not at.exception, at.exception
    cards = {m.label: m for m in at.metric}
    card = cards["Hoàn thành Kế hoạch"]
    assert card.proto.delta == changes["plan"]
    assert card.proto.delta_description == "so với tuần 9/2026"


def test_uploader_note_is_vietnamese() -> None:
    note = upload_view.uploader_note(10)
    assert "Bấm nút “Upload” (Tải lên)" in note and "mỗi tệp tối đa 10 MB" in note


def test_column_config_for_dates_and_times() -> None:
    table = pd.DataFrame(
        {
            "Ngày": [date(2026, 3, 6), None],
            "Lúc": pd.to_datetime(["2026-03-06 16:30", None]),
            "Ghi chú": ["a", "b"],
        }
    )
    config = display.column_config(table)
    assert config["Ngày"]["type_config"]["type"] == "date"
    assert config["Ngày"]["type_config"]["format"] == display.DATE_FORMAT == "DD/MM/YYYY"
    assert config["Lúc"]["type_config"]["format"] == "DD/MM/YYYY HH:mm"
    assert "Ghi chú" not in config
