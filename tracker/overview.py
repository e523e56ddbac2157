"""Tổng quan page body (kept in the package so app.py stays a thin entry point)."""

from __future__ import annotations

import streamlit as st

from tracker import plan
from tracker.auth import User


def render(user: User) -> None:
    st.title("Tổng quan")
    tasks = plan.tasks()
    units = plan.units()
    cols = st.columns(2)
    cols[0].metric("Nhiệm vụ trong Kế hoạch", len(tasks))
    cols[1].metric("Đơn vị đang theo dõi", len(units))
