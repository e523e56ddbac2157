"""TEMPORARY scaffold page (to be replaced by the real page before landing)."""

import streamlit as st

from tracker import ui

ui.frame("nop_bao_cao")
st.title(ui.PAGES["nop_bao_cao"].title)
