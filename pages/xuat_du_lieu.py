"""TEMPORARY scaffold page (to be replaced by the real page before landing)."""

import streamlit as st

from tracker import ui

ui.frame("xuat_du_lieu")
st.title(ui.PAGES["xuat_du_lieu"].title)
