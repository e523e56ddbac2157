"""What a write on Quản trị thành phố reports to its page (tracker/ui/pages/quan_tri_tp.py and
tracker/ui/city_accounts.py): (True, [the success]) or (False, [every problem]), from one
attempt() that turns the domain's refusal into the page's problems, and report() that shows the
success after the rerun (flash) or the problems now, as a table (the user's text never read as
markup), never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from tracker.accounts import auth
from tracker.city import bodies, city_settings, shared_criteria
from tracker.roles import PermissionDenied
from tracker.ui import flash

T = TypeVar("T")

FLASH = "quan_tri_tp_flash"

# (True, [the success]) or (False, [every problem]): what a write reports to the page.
Outcome = tuple[bool, list[str]]
# What the domain refuses a write with: a list of problems, or one sentence.
_LISTED = (bodies.BodyError, shared_criteria.SharedCriteriaError)
_REFUSED = (auth.AccountError, city_settings.CitySettingError, PermissionDenied)


def attempt(write: Callable[[], T], done: Callable[[T], str]) -> Outcome:
    """Run one write; its success message from what it returned, else every problem it gave."""
    try:
        result = write()
    except _LISTED as exc:
        return False, exc.problems
    except _REFUSED as exc:
        return False, [str(exc)]
    return True, [done(result)]


def problems(title: str, found: list[str], key: str) -> None:
    """A refusal with every problem, as a table (the user's text never read as markup)."""
    st.error(title, icon=":material/error:")
    st.dataframe(pd.DataFrame({"Lỗi": found}), hide_index=True, width="stretch", key=key)


def report(outcome: Outcome, title: str, key: str) -> None:
    """A write's outcome: its success after the rerun, else its problems now."""
    ok, messages = outcome
    if ok:
        flash.keep(FLASH, messages[0])
        st.rerun()
    problems(title, messages, key)
