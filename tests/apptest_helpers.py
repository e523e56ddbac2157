"""Helpers for driving the app with streamlit.testing.v1.AppTest (always entered via app.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tracker import settings
from tracker.accounts.auth import SYSTEM, User
from tracker.catalogue import plans
from tracker.scope import Scope
from tracker.ui import shell


def dataframe_heights(monkeypatch: pytest.MonkeyPatch) -> dict[str | None, Any]:
    """The height each st.dataframe of the next runs asks for, by key (AppTest's element tree
    does not keep an element's layout); filled as the page runs. Clears st.cache_data, so
    shared tables are drawn again rather than replayed (display.shared)."""
    st.cache_data.clear()
    asked: dict[str | None, Any] = {}
    dataframe = st.dataframe

    def spy(data: Any, *args: Any, key: str | None = None, **kwargs: Any) -> Any:
        asked[key] = kwargs.get("height", "auto")
        return dataframe(data, *args, key=key, **kwargs)

    monkeypatch.setattr(st, "dataframe", spy)
    return asked


def open_page(user: User | None, page_key: str = "tong_quan", query: dict | None = None) -> AppTest:
    """Open the page as `user` (None = logged out) in one run, as a direct link does.

    The app uses the pages/ folder, not st.navigation, so a page is known by its file before the
    first run: no Tổng quan run first (tests/test_app.py checks a direct open is the page)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if user is not None:
        at.session_state[shell.SESSION_USER] = user
    for k, v in (query or {}).items():
        at.query_params[k] = v
    page = shell.PAGES[page_key]
    if page.path != "app.py":
        at.switch_page(page.path)
    return at.run()


def texts(at: AppTest) -> str:
    """All visible text of markdown, titles, captions, alerts, as one string for assertions."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "error",
        "warning",
        "info",
        "success",
        "text",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def page_scope(
    user: User = SYSTEM,
    page: str = "tong_quan",
    *,
    path: Path | None = None,
    year: int | None = None,
) -> Scope:
    """The scope shell.frame() builds for `page` when the URL names no year: the database at
    `path` (default: the test's) and its plan in force, for a test calling a filter or a view
    outside a page run."""
    db = Path(path or settings.db_path()).resolve()
    shown = year or plans.in_force(db)
    return Scope(user, plans.BODY, db, shown, accounts=db, page=page, title=shell.PAGES[page].title)


# An element's id hashes its parameters and where it was first drawn (a replay keeps it): not
# part of what a viewer sees.
_ELEMENT_ID = re.compile(rb"\$\$ID-[0-9a-f]{32}-")
# DuckDB's parallel sums may differ in a float's last digits from one run to the next (a page
# shows one decimal): a chart's numbers compare to nine decimals.
_FLOAT_TAIL = re.compile(rb"(\d\.\d{9})\d+")


def picture(at: AppTest, downloads: Callable[[Any], None] | None = None) -> list[tuple[str, bytes]]:
    """Every element the run drew, as its type and its message's bytes (without its id; a
    table as its cells); `downloads` may clear what a download button's message holds that a
    comparison must leave out."""
    assert not at.exception, at.exception
    return [
        (node.type, _table(node) if node.type == "dataframe" else _message(node, downloads))
        for root in (at.main, at.sidebar)
        for node in root
        if getattr(node, "proto", None) is not None and node.type != "block"
    ]


def _message(node: Any, downloads: Callable[[Any], None] | None = None) -> bytes:
    proto = node.proto
    if downloads is not None and node.type == "download_button":
        proto = type(proto)()
        proto.CopyFrom(node.proto)
        downloads(proto)
    return _comparable(proto.SerializeToString(deterministic=True))


def _table(node: Any) -> bytes:
    """The cells and the table's settings (Arrow's bytes carry a float's last digits too, see
    _FLOAT_TAIL)."""
    settings = type(node.proto)()
    settings.CopyFrom(node.proto)
    settings.ClearField("arrow_data")
    cells = node.value.to_csv(float_format="%.9f").encode()
    return _comparable(cells + settings.SerializeToString(deterministic=True))


def _comparable(message: bytes) -> bytes:
    return _FLOAT_TAIL.sub(rb"\1", _ELEMENT_ID.sub(b"$$ID-", message))


def each_tab(
    at: AppTest,
    key: str,
    labels: list[str],
    read: Callable[[Any], Any],
    states: dict[str, dict[str, Any]] | None = None,
) -> list[Any]:
    """`read` of the lazy tabs keyed `key` opened one after another, as a click on each does
    (issue 35: a closed tab is not drawn), in page order: of the main area with the first tab
    open, of each other tab's own block from the run with it open, then of the sidebar.
    `states`: session state set with a tab (its expanders opened: a closed tab's are dropped)."""
    if not labels:  # no tabs drawn (nothing to show in them): the page as it is
        return [read(at.main), read(at.sidebar)]
    found = []
    for i, label in enumerate(labels):
        at.session_state[key] = label
        for name, value in (states or {}).get(label, {}).items():
            at.session_state[name] = value
        at.run()
        assert not at.exception, at.exception
        found.append(read(at.main if i == 0 else next(t for t in at.tabs if t.label == label)))
    return [*found, read(at.sidebar)]


def joined(parts: list[Any]) -> Any:
    """Snapshots read part by part (each_tab) as one, in order: lists concatenated, dicts
    joined key by key."""
    first = parts[0]
    if isinstance(first, dict):
        return {k: joined([p.get(k, type(first[k])()) for p in parts]) for k in first}
    return [item for part in parts for item in part]
