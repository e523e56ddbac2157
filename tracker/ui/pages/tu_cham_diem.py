"""Tự chấm điểm: the Office's assessment (VP) and a unit's own totals on top; under them the
ranking, criterion × unit and one unit's self vs reviewed (missing evidence, HCTC's reviews),
each in a tab drawn only when open; VP adjustments and criteria sets for HCTC."""

from __future__ import annotations

import streamlit as st

from tracker.accounts import auth
from tracker.scope import Scope
from tracker.ui import criteria_admin, display, scoring_page


def render(scope: Scope) -> None:
    user = scope.user
    st.title("Tự chấm điểm")
    scoring_page.show_flash()

    with display.consistent(scope.db):  # every section reads the same committed state
        view = scoring_page.load(scope)
        scoring_page.intro(view)
        scoring_page.vp_section(view)
        if user.role == "don_vi" and user.unit_code:
            scoring_page.own_unit_section(view)
        scoring_page.tab_sections(view)
        if auth.can(user, "edit_catalogue"):
            criteria_admin.section(view)
