"""Tự chấm điểm shows the same numbers as before it was rebuilt for speed (issue 16).

tests/test_scoring_same_numbers/ holds what the page showed, before the change, on the seeded
office-scale set of tests/scoring_snapshot.py: every metric, table cell and chart bar, for a
leader, an admin and a unit. The page must still show exactly those (texts and one-decimal
numbers), and at city scale (more units than a page) each page of units must show the same
cells as the whole table.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests import scoring_snapshot as snap
from tests.apptest_helpers import each_tab, joined, open_page
from tests.frozen import frozen
from tests.scoring_fixture import add_scores, ordinary_scores
from tracker import settings
from tracker.store import db
from tracker.ui import score_views, scoring_page

# Texts that depend on the clock the test runs at, not on the scores.
CLOCK_COLUMNS = {"Thẩm định bởi"}
# Tables the scoring page does not build (criteria management, owned by the catalogue).
OTHER_TABLES = {"Phiên bản", "Mã tiêu chí"}


def _comparable(shot: dict[str, Any]) -> dict[str, Any]:
    tables = []
    for table in shot["tables"]:
        if table["columns"][0] in OTHER_TABLES:
            continue
        keep = [i for i, c in enumerate(table["columns"]) if c not in CLOCK_COLUMNS]
        tables.append(
            {
                "columns": [table["columns"][i] for i in keep],
                "rows": [[row[i] for i in keep] for row in table["rows"]],
            }
        )
    return {**shot, "tables": tables}


def _vp_tables(at: Any) -> list[Any]:
    """The tables inside "Chi tiết theo tiêu chí" (the Office's assessment per criterion)."""
    return list(next(e for e in at.expander if e.label == "Chi tiết theo tiêu chí").dataframe)


# The page's lazy tabs (issue 35), read one after another in page order.
TABS = [scoring_page.TAB_RANKING, scoring_page.TAB_MATRIX, scoring_page.TAB_DETAIL]


@pytest.mark.parametrize("role", ["lanh_dao", "quan_tri", "don_vi"])
def test_page_shows_the_frozen_numbers(users, role: str, data_regression: Any) -> None:
    snap.build(users["quan_tri"])
    at = open_page(users[role], "tu_cham_diem")
    assert not at.exception, at.exception
    assert not _vp_tables(at)  # closed: sent as its title only (issue 35)
    # "Chi tiết theo tiêu chí" opened: drawn; and the points without evidence, in their tab.
    opened = {TABS[0]: {scoring_page.VP_DETAIL: True}, TABS[2]: {scoring_page.MISSING_OPEN: True}}
    shown = joined(each_tab(at, scoring_page.TAB_KEY, TABS, snap.snapshot, opened))
    assert len(_vp_tables(at)) == 1
    data_regression.check(_comparable(shown), basename=role)


def test_the_fixture_is_not_trivial(users) -> None:
    """The frozen set covers what could go wrong: ranks, unranked, không áp dụng, deductions, reviews."""
    leader = frozen(__file__, "lanh_dao")
    ranking = next(t for t in leader["tables"] if t["columns"][0] == "Hạng")
    assert None in [r[0] for r in ranking["rows"]]  # a unit below the ranking threshold
    cells = [c for t in leader["tables"] for r in t["rows"] for c in r]
    assert "Không áp dụng" in cells and any(isinstance(c, float) and c < 0 for c in cells)


def _city_units(count: int) -> list[str]:
    """`count` extra active units (the page pages them past score_views.PAGE_SIZE)."""
    codes = [f"DV{i:03d}" for i in range(count)]
    with db.transaction() as tx:
        tx.insert_rows(
            "unit",
            [
                {"code": c, "name": f"Đơn vị mẫu {c}", "active": True, "sort_order": 100 + i}
                for i, c in enumerate(codes)
            ],
        )
    return codes


def test_pages_of_units_show_the_whole_table(users) -> None:
    codes = _city_units(2 * score_views.PAGE_SIZE + 5)
    for i, code in enumerate(codes):
        add_scores(code, snap.PERIOD, ordinary_scores(40 + i % 60))
    whole = score_views.ranking(2026, settings.db_path())
    frames = score_views.year_matrix(2026, settings.db_path())
    assert frames is not None
    values, _ = frames
    at = open_page(users["lanh_dao"], "tu_cham_diem")
    assert not at.exception, at.exception
    seen: list[pd.DataFrame] = []
    for page in range(3):
        at.number_input(key="ranking_page").set_value(page + 1).run()
        ranking = next(d.value for d in at.dataframe if "Hạng" in d.value.columns)
        assert len(ranking) <= score_views.PAGE_SIZE
        shown = whole.set_index("Mã đơn vị").loc[ranking["Mã đơn vị"]].reset_index()
        shown = score_views.with_bar(shown[whole.columns])  # the score again, drawn as a bar
        pd.testing.assert_frame_equal(ranking.reset_index(drop=True), shown, check_dtype=False)
        seen.append(ranking)
    every = pd.concat(seen)["Mã đơn vị"].tolist()
    assert sorted(every) == sorted(whole["Mã đơn vị"].tolist())  # every unit on some page
    at.session_state[scoring_page.TAB_KEY] = scoring_page.TAB_MATRIX  # its tab (issue 35)
    at.run()
    for page in range(3):
        at.selectbox(key="matrix_page").set_value(page).run()
        matrix = next(d.value for d in at.dataframe if "VP" in d.value.columns)
        units = [c for c in matrix.columns if c != "VP"]
        assert len(units) == score_views.MATRIX_PAGE
        assert matrix[units].to_numpy().tolist() == values[units].to_numpy().tolist()
    at.session_state[scoring_page.TAB_KEY] = scoring_page.TAB_RANKING
    at.run()
    at.text_input(key="ranking_search").input(codes[7]).run()
    found = next(d.value for d in at.dataframe if "Hạng" in d.value.columns)
    assert found["Mã đơn vị"].tolist() == [codes[7]]
