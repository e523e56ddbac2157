"""Long tables go to the browser a page at a time, with their number formats kept."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import pandas as pd

    from tracker.ui import display

    rows = 450
    df = pd.DataFrame(
        {"Mã": [f"U{i:03d}" for i in range(rows)], "Tỷ lệ": [i / 10 for i in range(rows)]}
    )
    display.show(display.mark(df, **{"Tỷ lệ": display.PERCENT}), key="long")
    small = pd.DataFrame({"Mã": ["A", "B"], "Tỷ lệ": [1.5, 2.0]})
    display.show(display.mark(small, **{"Tỷ lệ": display.PERCENT}), key="short")


def test_a_long_table_is_paged_and_a_short_one_is_not() -> None:
    at = AppTest.from_function(_script).run()
    assert not at.exception
    assert [n.key for n in at.number_input] == ["long_page"]  # the short table has no pager
    long_table, short_table = at.dataframe
    assert len(long_table.value) == 200
    assert long_table.value["Mã"].iloc[0] == "U000"
    assert len(short_table.value) == 2
    assert "Dòng 1–200 trong 450 dòng (trang 1/3" in at.caption[0].value

    at.number_input(key="long_page").set_value(3).run()
    last = at.dataframe[0].value
    assert list(last["Mã"].iloc[[0, -1]]) == ["U400", "U449"]
    assert last["Tỷ lệ"].dtype.kind == "f"  # still numbers: sorting stays numeric
    assert "Dòng 401–450 trong 450 dòng (trang 3/3" in at.caption[0].value
