"""Tổng quan (overview) and the app's entry point: `streamlit run app.py`."""

from tracker.ui import overview, shell

user = shell.frame("tong_quan")
overview.render(user)
