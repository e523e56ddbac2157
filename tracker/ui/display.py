"""Typed tables on screen: numbers and timestamps stay typed, so a column sorts right, and read
in Vietnamese: percents "45,5%", numbers "1.234,5", timestamps "dd/mm/yyyy HH:MM", dates
"dd/mm/yyyy".

Timestamps and dates go through `st.column_config` (a momentJS format, the same on every
browser). Numbers go through a pandas Styler: in Streamlit 1.67 a NumberColumn format is either
printf (sprintf-js, which only knows the "." decimal point) or "localized"/"percent" (the
reader's browser locale, so "45.5" on an English Windows). For a number column without a
column_config format Streamlit shows the Styler's text and keeps the number for sorting.

A table builder marks its number columns with `mark()`; a page shows it with `show()`.

Tables and charts every viewer sees alike are drawn once per data version and replayed to the
next viewers (`shared()`): styling and serialising them was most of a page's server time, and
sessions in one process run such Python work one at a time (issue 16).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from tracker import settings
from tracker.metrics import cache
from tracker.roles import User
from tracker.text import fmt_number, fmt_pct, is_missing

PERCENT = "percent"  # 45,5%
NUMBER = "number"  # 1.234,5 (one decimal)
VALUE = "value"  # 1.234 for whole numbers, 12,5 otherwise
INTEGER = "integer"  # 1.234
DATETIME_FORMAT = "DD/MM/YYYY HH:mm"
DATE_FORMAT = "DD/MM/YYYY"
MISSING = "—"  # what an empty number or time cell shows
PAGE_ROWS = 200  # rows per page of a long table
SHARED_MAX = 512  # drawn elements kept for replay (old data versions fall out first)


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


def _page_start(df: pd.DataFrame, key: str, rows: int) -> int | None:
    """The first row of the page chosen under the table's own "Trang" selector (None when the
    whole frame fits one page), with its caption."""
    pages = -(-len(df) // rows)
    if pages <= 1:
        return None
    chosen = st.number_input(
        "Trang", min_value=1, max_value=pages, value=1, step=1, key=f"{key}_page", width=160
    )
    first = (int(chosen) - 1) * rows
    last = min(first + rows, len(df))
    st.caption(
        f"Dòng {fmt_number(first + 1, 0)}–{fmt_number(last, 0)} trong "
        f"{fmt_number(len(df), 0)} dòng (trang {int(chosen)}/{pages}; bấm tiêu đề cột để sắp xếp "
        "các dòng của trang)."
    )
    return first


def _rows_from(df: pd.DataFrame, first: int | None, rows: int) -> pd.DataFrame:
    if first is None:
        return df
    shown = df.iloc[first : first + rows]
    shown.attrs.update(df.attrs)  # keep the number formats of mark()
    return shown


def page(df: pd.DataFrame, *, key: str, rows: int = PAGE_ROWS) -> pd.DataFrame:
    """The rows of the page chosen under the table's own "Trang" selector (the whole frame when
    it fits one page). A person reads a page at a time; formatting and sending tens of thousands
    of rows (a task's history at city scale: 35,000) took seconds per view."""
    return _rows_from(df, _page_start(df, key, rows), rows)


# Dashboard runs take turns. One process runs Python one thread at a time (the GIL), so eight
# sessions' views cannot run in parallel; on two cores, letting them run together cost 1.1-1.4x
# the same eight one after another (the GIL handed between cores; pinned to one core: 0.97x).
# Taking turns, the eighth session waits what it would in a queue, and the first is served first.
# A run that had to wait may show the state the runs before it computed, if it is at most
# settings.BUSY_FIGURES_SECONDS old: during a burst of uploads, every upload is a new state, and
# computing each page again for each of them kept 20 leaders waiting 14-25 s (the peak).
_TURNS = threading.Lock()


@contextmanager
def consistent(path: Path) -> Iterator[None]:
    """One committed state of the database at `path` (the page's scope) for the rest of the
    page run: its sections agree even while a unit uploads, and shared() files what it draws
    under that state. The run takes its turn among the sessions' dashboard runs (see _TURNS);
    when it had to wait, the state may be a few seconds old, and the page says its time."""
    waited = not _TURNS.acquire(blocking=False)
    if waited:
        _TURNS.acquire()
    try:
        with cache.snapshot(path, share=settings.BUSY_FIGURES_SECONDS if waited else None):
            _figures_time(path)
            yield
    finally:
        _TURNS.release()


def _figures_time(path: Path) -> None:
    """Say so when the page shows a state older than the latest (a busy moment, see _TURNS)."""
    taken = cache.figures_time(path)
    if taken is not None:
        st.caption(
            f"Đang có nhiều lượt nộp báo cáo: số liệu tính lúc {taken:%H:%M:%S}, cập nhật lại "
            f"trong vòng {settings.BUSY_FIGURES_SECONDS:g} giây."
        )


@dataclass(frozen=True)
class Audience:
    """Whom a shared view is drawn for, part of its replay key. EVERYONE: the picture depends
    on no viewer (only on the data and the view's parts). viewer(user): it depends on who
    looks (their role and unit), so each viewer gets a picture drawn for them. A required,
    typed argument of shared(): a view cannot be shared without saying which."""

    role: str | None
    unit: str | None


EVERYONE = Audience(None, None)


def viewer(user: User) -> Audience:
    return Audience(user.role, user.unit_code)


def shared(
    name: str, *parts: Hashable, audience: Audience, draw: Callable[[], None], path: Path
) -> None:
    """Run `draw` (elements only, no widgets) once per data version of the database at `path`,
    `audience` and `parts`; later runs, in any session of that audience, replay the elements it
    drew (Streamlit's cached element replay) instead of building, styling and serialising them
    again.

    `name`, `audience` and `parts` must determine everything `draw` shows besides the data: a
    view that depends on the viewer is drawn for viewer(user), one that depends on the clock
    or a widget carries it in `parts` (tests/test_shared_views.py renders every shared view as
    two unit officers and a leader, each against a picture drawn for them alone). Inside a
    `with` block, `draw` must call `st.*` (not a container's method) so the replay lands there.
    The run must be inside consistent(path): the data drawn and the version it is filed under
    then belong to the same committed state, so an upload committing meanwhile can never leave
    its predecessor's picture filed under its own version. The version names the database, so a
    picture of one body's data is never replayed for another's.
    """
    if not isinstance(audience, Audience):
        raise TypeError("display.shared() needs audience=display.EVERYONE or display.viewer(user)")
    if not cache.in_snapshot(path):
        raise RuntimeError(
            f"display.shared({name!r}) needs display.consistent() around the page run"
        )
    _replayed(cache.data_version(path), name, audience, parts, draw)


@st.cache_data(show_spinner=False, max_entries=SHARED_MAX)
def _replayed(
    version: tuple[str, int, int],
    name: str,
    audience: Audience,
    parts: tuple,
    _draw: Callable[[], None],
) -> None:
    with cache.building(f"display.shared({name!r})"):  # filed under the data version
        _draw()


def show(
    df: pd.DataFrame,
    *,
    key: str,
    placeholder: str = MISSING,
    share: tuple[Hashable, ...] | None = None,
    audience: Audience | None = None,
    path: Path | None = None,
    rows: int = PAGE_ROWS,
    **kwargs: Any,
) -> None:
    """st.dataframe of a typed table (hide_index and width="stretch" unless given), a page at a
    time when it is longer than `rows` (default PAGE_ROWS).

    `share`: the table is the same for `audience` (required with it) given the data of the
    database at `path` (required with it too) and these values (a week, a year): it is drawn
    once per data version and page, and replayed (see shared()).
    """
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    first = _page_start(df, key, rows)

    def draw() -> None:
        shown = _rows_from(df, first, rows)
        config = {**column_config(shown), **kwargs.pop("column_config", {})}
        st.dataframe(
            styled(shown), column_config=config, placeholder=placeholder, key=key, **kwargs
        )

    if share is None:
        draw()
    else:
        if audience is None or path is None:
            raise TypeError(f"display.show(key={key!r}, share=…) needs an audience and a path")
        shared(f"table:{key}", *share, first, audience=audience, draw=draw, path=path)
