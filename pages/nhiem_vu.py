"""TEMPORARY scaffold page (to be replaced by the real page before landing)."""

import streamlit as st

from tracker import ui

ui.frame("nhiem_vu")
st.title(ui.PAGES["nhiem_vu"].title)
