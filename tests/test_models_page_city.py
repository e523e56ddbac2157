"""Dân vận khéo at city scale (issue 13): more models than a page of the register, hundreds of
models in one field. The pages of the table add up to the whole register, the chart still shows
every count of the full data (only its tick step grows), every model can be chosen for its
history, and a record the Office saves shows at once (the per-data-version cache moves on)."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import scoring_snapshot as snap
from tests.apptest_helpers import open_page
from tests.scoring_fixture import add_models
from tracker import settings
from tracker.catalogue import plan
from tracker.ingest.contract import MODEL_STATUSES
from tracker.metrics import models_register
from tracker.metrics.models_register import Recognition
from tracker.store import db
from tracker.ui import display, models_view

# After W10's uploads and any recognition date used below, whatever $TRACKER_TEST_NOW says.
pytestmark = pytest.mark.now("2026-11-25T10:00:00")
PER_UNIT = 25  # × the catalogue's active units: more rows than display.PAGE_ROWS


def _city() -> pd.DataFrame:
    """PER_UNIT models for every active unit, most of them in one field; the full register."""
    units = [r[0] for r in db.rows("select code from unit where active order by sort_order")]
    fields = plan.model_fields()
    for u, unit in enumerate(units):
        models = [
            {
                "name": f"Mô hình {u}-{i}",
                "field": fields[0] if i % 5 else fields[1 + i % (len(fields) - 1)],
                "status": MODEL_STATUSES[(u + i) % len(MODEL_STATUSES)],
                "content": f"Nội dung {u}-{i}",
            }
            for i in range(PER_UNIT)
        ]
        add_models(unit, "2026-W10", models, uploaded_at=datetime(2026, 3, 6, 10, u))
    register = models_register.register(year=2026)
    assert len(register) > display.PAGE_ROWS  # at least two pages
    return register


def test_count_step_keeps_few_ticks() -> None:
    assert [models_view.count_step(n) for n in (0, 1, 10, 20)] == [1, 1, 1, 1]
    assert [models_view.count_step(n) for n in (21, 40, 41, 100, 101, 298, 401, 5000)] == [
        2,
        2,
        5,
        5,
        10,
        20,
        50,
        500,
    ]
    for largest in range(0, 3000, 7):
        step = models_view.count_step(largest)
        assert largest <= models_view.MAX_TICKS * step
        assert str(step).strip("0") in ("1", "2", "5")  # a round step


def test_pages_chart_and_history_cover_every_model(users) -> None:
    register = _city()
    whole = models_view.register_table(register, settings.db_path())
    at = open_page(users["lanh_dao"], "dan_van_kheo")
    assert not at.exception, at.exception
    assert at.metric[0].value == str(len(register))

    pages = -(-len(whole) // display.PAGE_ROWS)
    seen = []
    for number in range(1, pages + 1):
        at.number_input(key="models_register_page").set_value(number).run()
        assert not at.exception, at.exception
        shown = next(d.value for d in at.dataframe if "Tên mô hình" in d.value.columns)
        assert len(shown) <= display.PAGE_ROWS
        seen.append(shown)
    pd.testing.assert_frame_equal(pd.concat(seen, ignore_index=True), whole, check_dtype=False)

    matrix = models_register.field_status_matrix(register)
    _tab(at, models_view.TAB_CHART)  # drawn when its tab opens (issue 35)
    bars = snap.snapshot(at)["charts"][0]
    assert [b["name"] for b in bars] == list(matrix.columns)
    for bar, status in zip(bars, matrix.columns, strict=True):
        assert bar["y"] == list(matrix.index)
        assert bar["x"] == [float(n) for n in matrix[status]]  # every count of the full register
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    largest = int(matrix.sum(axis=1).max())
    assert largest > models_view.MAX_TICKS
    assert spec["layout"]["xaxis"]["dtick"] == models_view.count_step(largest) > 1

    history = _tab(at, models_view.TAB_HISTORY).selectbox(key="history_model")
    assert len(history.options) == len(register)  # a leader reaches every model


def _tab(at: AppTest, label: str) -> AppTest:
    """The page with its tab `label` open, as a click on it does (issue 35: only it is drawn)."""
    at.session_state[models_view.TAB_KEY] = label
    at.run()
    assert not at.exception, at.exception
    return at


def _sent(at: AppTest) -> tuple[list[str], int, bool]:
    """What the run sent: its charts' types, its grids, whether a model's history was among them."""
    charts = [json.loads(c.proto.spec)["data"][0]["type"] for c in at.get("plotly_chart")]
    history = any("Tuần báo cáo" in d.value.columns for d in at.dataframe)
    return charts, len(at.dataframe), history


def test_a_closed_tab_is_not_sent(users) -> None:
    """Issue 35: each chart or grid the page sends costs its mount in the browser, opened or
    not. The first view is the register (with the Office's form): no chart, no model's history;
    the chart, then one model's history, once their tab is opened, without the register."""
    register = _city()
    at = open_page(users["quan_tri"], "dan_van_kheo")
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == list(models_view.TABS)
    assert _sent(at) == ([], 1, False)  # the register
    assert at.selectbox(key="recognition_model")
    assert not [s for s in at.selectbox if s.key == "history_model"]
    assert not [t for t in at.tabs if t.label != models_view.TAB_REGISTER and len(t.children)]
    assert _sent(_tab(at, models_view.TAB_CHART)) == (["bar"], 0, False)
    assert _sent(_tab(at, models_view.TAB_HISTORY)) == ([], 1, True)
    # The counts and the CSV, whatever tab is open.
    assert at.metric[0].label == "Số mô hình" and at.metric[0].value == str(len(register))
    assert at.get("download_button")


def test_a_link_opens_its_tab(users) -> None:
    """?xem= names the open tab (bind="query-params"): a copied link opens it."""
    _city()
    query = {models_view.TAB_KEY: models_view.TAB_CHART}
    at = open_page(users["lanh_dao"], "dan_van_kheo", query)
    assert not at.exception, at.exception
    assert at.session_state[models_view.TAB_KEY] == models_view.TAB_CHART
    assert _sent(at) == (["bar"], 0, False)
    query = {models_view.TAB_KEY: models_view.TAB_HISTORY}
    assert _sent(open_page(users["lanh_dao"], "dan_van_kheo", query)) == ([], 1, True)


def test_a_save_lands_on_the_register_tab(users) -> None:
    """The form's save keeps its message for the rerun (flash) and the page comes back on the
    register's tab, the record in the table, after the reader went to the chart and back."""
    register = _city()
    at = open_page(users["quan_tri"], "dan_van_kheo")
    _tab(_tab(at, models_view.TAB_CHART), models_view.TAB_REGISTER)
    suffix = at.selectbox(key="recognition_model").value  # the model the form shows first
    unit_code, model_key = suffix.split("|", 1)
    (name,) = register[(register.unit_code == unit_code) & (register.model_key == model_key)].name
    at.selectbox(key=f"recognition_kind_{suffix}").set_value("Điển hình")
    next(b for b in at.button if b.label == "Lưu").click().run()
    assert not at.exception, at.exception
    assert at.session_state[models_view.TAB_KEY] == models_view.TAB_REGISTER
    assert [s.value for s in at.success] == ["Đã lưu (đã ghi nhật ký)."]
    assert _sent(at) == ([], 1, False)
    table = next(d.value for d in at.dataframe if "Tên mô hình" in d.value.columns)
    assert table.set_index("Tên mô hình").loc[name, "Loại"] == "Điển hình"


def test_a_saved_record_shows_at_once(users) -> None:
    register = _city()
    at = open_page(users["quan_tri"], "dan_van_kheo")
    assert not at.exception, at.exception
    first = register.sort_values(["unit_code", "status_order", "row_no"], kind="stable").iloc[0]
    table = next(d.value for d in at.dataframe if "Tên mô hình" in d.value.columns)
    assert table["Loại"].iloc[0] == models_view.NO_KIND
    value = Recognition(kind="Điển hình")
    assert models_register.record_recognition(
        users["quan_tri"], first.unit_code, first.model_key, value, year=2026
    )
    at.run()
    table = next(d.value for d in at.dataframe if "Tên mô hình" in d.value.columns)
    assert table["Loại"].iloc[0] == "Điển hình"
