"""TEMPORARY scaffold page (to be replaced by the real page before landing)."""

import streamlit as st

from tracker import ui

ui.frame("tai_khoan")
st.title(ui.PAGES["tai_khoan"].title)
