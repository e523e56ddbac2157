"""Nộp báo cáo: download the pre-filled template, upload workbooks, check, then confirm."""

from __future__ import annotations

import streamlit as st

from tracker.accounts import auth
from tracker.scope import Scope
from tracker.ui import filters, upload_page


def render(scope: Scope) -> None:
    user, path = scope.user, scope.db
    st.title("Nộp báo cáo tuần")

    week = filters.select_week(scope, "Kỳ báo cáo", key="week")
    if auth.can(user, "upload_any_unit"):
        unit = filters.select_unit(scope, allow_all=False, default_own=False)
    else:
        unit = user.unit_code
        st.sidebar.write(f"Đơn vị: **{unit}**")

    upload_page.template_section(user, unit, week, path)
    files, checked = upload_page.check_section(user, path)
    current = [checked[f.file_id] for f in files]
    upload_page.results(current)
    upload_page.confirm_section(user, files, checked, current, path)
