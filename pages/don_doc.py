"""TEMPORARY scaffold page (to be replaced by the real page before landing)."""

import streamlit as st

from tracker import ui

ui.frame("don_doc")
st.title(ui.PAGES["don_doc"].title)
