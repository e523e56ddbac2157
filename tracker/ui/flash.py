"""Flash messages: a write's outcome kept across st.rerun() and shown once on the next run.

A page reruns after a write so every table shows the new state; the success (or failure)
message would be lost with the old run, so it waits in the session under the page's key.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st


def keep(key: str, message: str) -> None:
    """Show `message` as a success after the coming rerun (replaces any message waiting)."""
    keep_all(key, [(True, message)])


def keep_all(key: str, outcomes: Iterable[tuple[bool, str]]) -> None:
    """Show each (ok, message) after the coming rerun: a success when ok, an error otherwise."""
    st.session_state[key] = list(outcomes)


def show(key: str, *, icon: str | None = None) -> None:
    """Show and forget the messages waiting under `key` (nothing when none is waiting)."""
    for ok, message in st.session_state.pop(key, []):
        (st.success if ok else st.error)(message, icon=icon)
