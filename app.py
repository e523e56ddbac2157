"""Tổng quan (overview) and the app's entry point: `streamlit run app.py`."""

from tracker import overview, ui

user = ui.frame("tong_quan")
overview.render(user)
