"""Typed tables on screen: numbers and timestamps stay typed, so a column sorts right, and read
in Vietnamese: percents "45,5%", numbers "1.234,5", timestamps "dd/mm/yyyy HH:MM", dates
"dd/mm/yyyy".

Timestamps and dates go through `st.column_config` (a momentJS format, the same on every
browser). Numbers go through a pandas Styler: in Streamlit 1.67 a NumberColumn format is either
printf (sprintf-js, which only knows the "." decimal point) or "localized"/"percent" (the
reader's browser locale, so "45.5" on an English Windows). For a number column without a
column_config format Streamlit shows the Styler's text and keeps the number for sorting.

A table builder marks its number columns with `mark()`; a page shows it with `show()`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from tracker.text import fmt_number, fmt_pct, is_missing

PERCENT = "percent"  # 45,5%
NUMBER = "number"  # 1.234,5 (one decimal)
VALUE = "value"  # 1.234 for whole numbers, 12,5 otherwise
INTEGER = "integer"  # 1.234
DATETIME_FORMAT = "DD/MM/YYYY HH:mm"
DATE_FORMAT = "DD/MM/YYYY"
MISSING = "—"  # what an empty number or time cell shows
PAGE_ROWS = 200  # rows per page of a long table


def _value(value: float) -> str:
    return fmt_number(value, 0 if float(value).is_integer() else 1)


FORMATTERS: dict[str, Callable[[Any], str]] = {
    PERCENT: fmt_pct,
    NUMBER: fmt_number,
    VALUE: _value,
    INTEGER: lambda v: fmt_number(v, 0),
}


def mark(df: pd.DataFrame, **kinds: str) -> pd.DataFrame:
    """Record how each number column shows (label -> PERCENT | NUMBER | VALUE | INTEGER).

    Labels with spaces are passed as a dict: `mark(df, **{"Hoàn thành": PERCENT})`.
    """
    unknown = set(kinds.values()) - set(FORMATTERS)
    if unknown:
        raise ValueError(f"Unknown number format: {sorted(unknown)}")
    df.attrs["number_formats"] = {**df.attrs.get("number_formats", {}), **kinds}
    return df


def number_formats(df: pd.DataFrame) -> dict[str, str]:
    """The marked number columns present in `df`."""
    marked = df.attrs.get("number_formats", {})
    return {c: k for c, k in marked.items() if c in df.columns}


def _is_date_column(series: pd.Series) -> bool:
    """Python dates (no time of day), as DuckDB's DATE becomes through .to_dicts()."""
    values = [v for v in series if not is_missing(v)]
    return bool(values) and all(isinstance(v, date) and not isinstance(v, datetime) for v in values)


def column_config(df: pd.DataFrame) -> dict[str, Any]:
    """st.column_config for the typed columns: timestamps, dates and marked numbers."""
    config: dict[str, Any] = {}
    for name in df.columns:
        series = df[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            config[name] = st.column_config.DatetimeColumn(format=DATETIME_FORMAT)
        elif series.dtype == object and _is_date_column(series):
            config[name] = st.column_config.DateColumn(format=DATE_FORMAT)
    for name in number_formats(df):
        # No format here: a column_config format would override the Styler's Vietnamese text.
        config[name] = st.column_config.NumberColumn()
    return config


def display_text(df: pd.DataFrame) -> dict[str, list[str]]:
    """What each marked number column shows, cell by cell ('' where the value is missing)."""
    return {
        name: ["" if is_missing(v) else FORMATTERS[kind](v) for v in df[name]]
        for name, kind in number_formats(df).items()
    }


def styled(df: pd.DataFrame) -> Styler | pd.DataFrame:
    """The frame with its marked number columns formatted in Vietnamese (the frame itself when
    nothing is marked)."""
    kinds = number_formats(df)
    if not kinds:
        return df
    return df.style.format({name: FORMATTERS[kind] for name, kind in kinds.items()}, na_rep="")


def page(df: pd.DataFrame, *, key: str, rows: int = PAGE_ROWS) -> pd.DataFrame:
    """The rows of the page chosen under the table's own "Trang" selector (the whole frame when
    it fits one page). A person reads a page at a time; formatting and sending tens of thousands
    of rows (a task's history at city scale: 35,000) took seconds per view."""
    pages = -(-len(df) // rows)
    if pages <= 1:
        return df
    chosen = st.number_input(
        "Trang", min_value=1, max_value=pages, value=1, step=1, key=f"{key}_page", width=160
    )
    first = (int(chosen) - 1) * rows
    shown = df.iloc[first : first + rows]
    st.caption(
        f"Dòng {fmt_number(first + 1, 0)}–{fmt_number(first + len(shown), 0)} trong "
        f"{fmt_number(len(df), 0)} dòng (trang {int(chosen)}/{pages}; bấm tiêu đề cột để sắp xếp "
        "các dòng của trang)."
    )
    shown.attrs.update(df.attrs)  # keep the number formats of mark()
    return shown


def show(df: pd.DataFrame, *, key: str, placeholder: str = MISSING, **kwargs: Any) -> None:
    """st.dataframe of a typed table (hide_index and width="stretch" unless given), a page at a
    time when it is longer than PAGE_ROWS."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    df = page(df, key=key)
    config = {**column_config(df), **kwargs.pop("column_config", {})}
    st.dataframe(styled(df), column_config=config, placeholder=placeholder, key=key, **kwargs)
