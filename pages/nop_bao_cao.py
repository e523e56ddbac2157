"""Nộp báo cáo: download the pre-filled template, upload workbooks, check, then confirm."""

import streamlit as st

from tracker.accounts import auth
from tracker.ui import filters, shell, upload_page

user = shell.frame("nop_bao_cao")
st.title("Nộp báo cáo tuần")

week = filters.select_week("Kỳ báo cáo", key="week")
if auth.can(user, "upload_any_unit"):
    unit = filters.select_unit(user, allow_all=False, default_own=False)
else:
    unit = user.unit_code
    st.sidebar.write(f"Đơn vị: **{unit}**")

upload_page.template_section(user, unit, week)
files, checked = upload_page.check_section(user)
current = [checked[f.file_id] for f in files]
upload_page.results(current)
upload_page.confirm_section(user, files, checked, current)
