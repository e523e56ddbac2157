"""TEMPORARY scaffold page (to be replaced by the real page before landing)."""

import streamlit as st

from tracker import ui

ui.frame("vuong_mac")
st.title(ui.PAGES["vuong_mac"].title)
