"""TEMPORARY scaffold page (to be replaced by the real page before landing)."""

import streamlit as st

from tracker import ui

ui.frame("tu_cham_diem")
st.title(ui.PAGES["tu_cham_diem"].title)
