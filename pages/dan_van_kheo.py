"""TEMPORARY scaffold page (to be replaced by the real page before landing)."""

import streamlit as st

from tracker import ui

ui.frame("dan_van_kheo")
st.title(ui.PAGES["dan_van_kheo"].title)
