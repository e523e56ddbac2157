"""Issue 15 item 5: a unit of the sample list shows "(mẫu)" wherever the pages list units (Tổng
quan, Nhiệm vụ, Đơn vị, Đôn đốc, Vướng mắc), a unit of the Office's own (HCTC) shows its plain name,
and the CSV exports keep the catalogue's plain name (tests/metric_fixture.py: TH is a sample unit
that never reports and leads II.5)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import metric_fixture as fx
from tests.apptest_helpers import open_page
from tracker import settings
from tracker.accounts import auth
from tracker.exports import tables as exports
from tracker.metrics import difficulties
from tracker.ui import tables, tasks_view
from tracker.ui.pages import don_doc

pytestmark = pytest.mark.now(fx.NOW)

W10 = "2026-W10"
TH = "Phòng Tổng hợp (mẫu)"
HCTC = "Phòng Hành chính - Tổ chức"


@pytest.fixture
def data(users: dict[str, auth.User]) -> dict[str, auth.User]:
    fx.load()
    return users


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The one table of the page with `column` (AppTest does not expose a dataframe's key)."""
    (found,) = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def test_overview_marks_sample_units(data) -> None:
    at = open_page(data["lanh_dao"], "tong_quan", {"week": W10})
    assert not at.exception, at.exception
    grid = _frame(at, "Tên đơn vị").set_index("Tên đơn vị")
    assert grid.loc[TH, "Đơn vị"] == "TH (mẫu)"
    assert grid.loc[TH, "Tình trạng"] == "Chưa nộp"
    assert grid.loc[HCTC, "Đơn vị"] == "HCTC"
    assert not any(name.endswith("(mẫu)") for name in grid.index if name != TH)


def test_tasks_page_marks_sample_units(data) -> None:
    at = open_page(data["lanh_dao"], "nhiem_vu", {"week": W10, "task": "II.5"})
    assert not at.exception, at.exception
    units = _frame(at, "Từ báo cáo")["Đơn vị"].tolist()  # the link's task: its tab open
    assert f"TH - {TH}" in units
    assert f"HCTC - {HCTC}" in units
    assert any("Chủ trì: TH (mẫu)" in c.value for c in at.caption)
    at.session_state[tasks_view.HISTORY_OPEN] = True  # drawn once opened (issue 35)
    at.run()
    assert not at.exception, at.exception
    history = _frame(at, "Kết quả thực hiện trong kỳ")["Đơn vị"].tolist()
    assert history == ["TTPVHCC - Trung tâm Phục vụ hành chính công thành phố"]
    at.session_state[tasks_view.TAB_KEY] = tasks_view.TAB_TASKS  # the task table's tab
    at.run()
    leads = _frame(at, "Chủ trì").set_index("Mã")["Chủ trì"]
    assert (leads["II.5"], leads["II.2"]) == ("TH (mẫu)", "HCTC")


def test_unit_page_title_marks_sample_units(data) -> None:
    at = open_page(data["lanh_dao"], "don_vi", {"week": W10, "unit": "TH"})
    assert not at.exception, at.exception
    assert at.title[0].value == f"Đơn vị: {TH}"
    at = open_page(data["lanh_dao"], "don_vi", {"week": W10, "unit": "HCTC"})
    assert at.title[0].value == f"Đơn vị: {HCTC}"


def test_follow_up_and_difficulties_mark_sample_units(data) -> None:
    at = open_page(data["quan_tri"], "don_doc", {"week": W10})
    at.session_state[don_doc.ALL_UNITS_OPEN] = True  # every unit's state: drawn when opened
    at.run()
    assert not at.exception, at.exception
    shown = [d.value for d in at.dataframe if "Mã đơn vị" in d.value.columns]
    assert len(shown) == 2  # units to follow up (TH has not reported), then every unit
    for table in shown:
        names = dict(zip(table["Mã đơn vị"], table["Đơn vị"], strict=True))
        assert names["TH"] == TH
    assert names["HCTC"] == HCTC
    at = open_page(data["quan_tri"], "vuong_mac")
    assert not at.exception, at.exception
    raise_unit = at.selectbox(key="raise_unit")
    assert f"TH - {TH}" in raise_unit.options
    assert f"HCTC - {HCTC}" in raise_unit.options
    register = tables.difficulty_table(
        pd.DataFrame(
            {
                "raised_at": [pd.Timestamp("2026-03-06 16:00")] * 2,
                "unit_code": ["TH", "HCTC"],
                "task_code": ["II.5", None],
                "state": [difficulties.OPEN] * 2,
                "content": ["Chưa có hướng dẫn", "Thiếu máy in"],
                "proposal": [None, None],
                "handled_note": [None, None],
                "source": ["app", "app"],
            }
        ),
        settings.db_path(),
    )
    assert register["Đơn vị"].tolist() == ["TH (mẫu)", "HCTC"]


def test_csv_exports_keep_the_plain_names(data) -> None:
    for body in (exports.summary_csv(W10), exports.detail_csv(W10)):
        assert "(mẫu)" not in body.decode("utf-8-sig")
    summary = exports.summary_csv(W10).decode("utf-8-sig").splitlines()
    assert any(line.startswith("II.5,") and ",TH," in line for line in summary)
