"""Helpers for driving the app with streamlit.testing.v1.AppTest (always entered via app.py)."""

from __future__ import annotations

from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tracker.accounts.auth import User
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
