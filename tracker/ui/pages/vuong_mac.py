"""Vướng mắc: the register of difficulties and proposals (newest first, filters in the URL);
units raise one at any time, leaders and admins mark one handled with a note and, inside a city
(issue 34), send one up to Sở Nội vụ (tracker/ui/escalations_view.py)."""

from __future__ import annotations

import streamlit as st

from tracker.catalogue import plan
from tracker.metrics import difficulties
from tracker.scope import Scope
from tracker.ui import difficulties_view, escalations_view, filters, flash


def render(scope: Scope) -> None:
    path, year = scope.db, scope.year
    unit = filters.select_unit(scope, default_own=False)
    tasks = plan.tasks(path, year=year)
    task = filters.select_any(
        "Nhiệm vụ", tasks["code"], key="task", all_label=f"{filters.ALL_LABEL} nhiệm vụ"
    )
    state = filters.select_any("Tình trạng", difficulties.STATES, key="state")

    st.title("Vướng mắc")
    flash.show(difficulties_view.FLASH, icon=":material/check_circle:")

    week = filters.current_week(scope)
    difficulties_view.summary(week, path)
    register = difficulties.all({"unit": unit, "task": task, "state": state}, path, year=year)
    difficulties_view.register(register, path)
    difficulties_view.raise_form(scope, tasks)
    difficulties_view.handle_form(scope.user, register, path)
    escalations_view.section(scope, week)  # only inside a city: up to Sở Nội vụ
