"""Quản trị (HCTC): accounts, the plans of each year, catalogues, lock exceptions, submission history and restore,
bulk import, the audit log and backups. Every action is checked again in the package."""

from __future__ import annotations

import streamlit as st

from tracker.scope import Scope
from tracker.ui import admin_page, plans_admin, serving

TABS = {
    "Tài khoản": admin_page.accounts_tab,
    "Kế hoạch": plans_admin.plans_tab,
    "Danh mục": admin_page.catalogues_tab,
    "Khóa tuần & ngoại lệ": admin_page.locks_tab,
    "Lịch sử nộp": admin_page.submissions_tab,
    "Nhập hàng loạt": admin_page.bulk_import_tab,
    "Nhật ký": admin_page.audit_tab,
    "Sao lưu": admin_page.backup_tab,
}


def render(scope: Scope) -> None:
    st.title("Quản trị")
    if proxy_warning := serving.forwarding_warning():  # an unconfigured proxy in front
        st.warning(proxy_warning, icon=":material/router:")
    for tab, draw in zip(st.tabs(list(TABS)), TABS.values(), strict=True):
        with tab:
            draw(scope)
