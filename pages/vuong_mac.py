"""Vướng mắc: the register of difficulties and proposals (newest first, filters in the URL);
units raise one at any time, leaders and admins mark one handled with a note."""

import streamlit as st

from tracker.catalogue import plan
from tracker.metrics import difficulties
from tracker.ui import difficulties_view, filters, flash, shell

user = shell.frame("vuong_mac")
unit = filters.select_unit(user, default_own=False)
year = filters.plan_year()
tasks = plan.tasks(year=year)
task = filters.select_any(
    "Nhiệm vụ", tasks["code"], key="task", all_label=f"{filters.ALL_LABEL} nhiệm vụ"
)
state = filters.select_any("Tình trạng", difficulties.STATES, key="state")

st.title("Vướng mắc")
flash.show(difficulties_view.FLASH, icon=":material/check_circle:")

difficulties_view.summary(filters.current_week())
register = difficulties.all({"unit": unit, "task": task, "state": state}, year=year)
difficulties_view.register(register)
difficulties_view.raise_form(user, tasks)
difficulties_view.handle_form(user, register)
