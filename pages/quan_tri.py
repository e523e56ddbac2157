"""TEMPORARY scaffold page (to be replaced by the real page before landing)."""

import streamlit as st

from tracker import ui

ui.frame("quan_tri")
st.title(ui.PAGES["quan_tri"].title)
