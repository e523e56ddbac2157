"""Tự chấm điểm › Quản trị bộ tiêu chí (HCTC): the versions of the criteria set of the page's
plan year, the active one as .xlsx, loading a new set from a workbook (previewed with every
problem first) and editing the active one into a new version. Every write is checked again in
tracker/catalogue/criteria.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import criteria
from tracker.ui import flash
from tracker.ui.scoring_page import FLASH, View


def section(view: View) -> None:
    """The expander of the criteria sets, for those who may edit catalogues."""
    active, path = view.active, view.db
    with st.expander("Quản trị bộ tiêu chí (thay thế, chỉnh sửa, các phiên bản)"):
        st.dataframe(
            criteria.sets_table(path), hide_index=True, width="stretch", key="criteria_sets"
        )
        st.download_button(
            "Tải bộ tiêu chí đang áp dụng (.xlsx)",
            criteria.to_xlsx(active["id"], path),
            file_name="bo_tieu_chi.xlsx",
            on_click="ignore",
            key="criteria_xlsx",
        )
        _load_new_set(view.user, path, view.year)
        _edit_active_set(view.user, active, path, view.year)


def _load_new_set(user: User, path: Path, year: int) -> None:
    st.markdown("**Nạp bộ tiêu chí mới từ tệp .xlsx** (ví dụ Phụ lục II chính thức)")
    upload = st.file_uploader("Tệp bộ tiêu chí", type=["xlsx"], key="criteria_upload")
    label = st.text_input(
        "Tên bộ tiêu chí",
        value="Phụ lục II - Quyết định 2579/QĐ-UBND ngày 21/11/2025",
        key="criteria_label",
    )
    provisional = st.checkbox("Vẫn là bộ tạm thời", key="criteria_provisional")
    if upload is not None:
        _preview_and_load(user, upload, label, provisional, path, year)


def _edit_active_set(user: User, active: dict[str, Any], path: Path, year: int) -> None:
    st.markdown("**Chỉnh sửa bộ đang áp dụng** (lưu thành phiên bản mới)")
    edited = st.data_editor(
        criteria.edit_frame(active["id"], path),
        num_rows="dynamic",
        hide_index=True,
        key="criteria_editor",
    )
    edit_label = st.text_input(
        "Tên phiên bản mới", value=f"{active['label']} (chỉnh sửa)", key="criteria_edit_label"
    )
    if st.button("Lưu thành phiên bản mới", key="criteria_save_edit") and _store(
        lambda: criteria.save_edited(
            user,
            edited,
            edit_label,
            provisional=bool(active["provisional"]),
            path=path,
            year=year,
        )
    ):
        st.rerun()


def _preview_and_load(
    user: User, upload: UploadedFile, label: str, provisional: bool, path: Path, year: int
) -> None:
    data = upload.getvalue()
    rows, problems = criteria.parse_xlsx(data, upload.name, path)
    if problems:
        st.dataframe(criteria.problems_frame(problems), hide_index=True, key="criteria_problems")
    if rows:
        st.dataframe(criteria.preview_frame(rows), hide_index=True, key="criteria_preview")
    done_key = f"criteria_loaded_{upload.file_id}"  # guard: a rerun must not load it twice
    if st.session_state.get(done_key):
        st.success(f"Đã nạp tệp này thành phiên bản {st.session_state[done_key]}.")
        return
    if rows and st.button("Nạp bộ tiêu chí này", type="primary", key="criteria_load"):
        set_id = _store(
            lambda: criteria.replace_set(
                user,
                data,
                label,
                provisional=provisional,
                source=upload.name,
                path=path,
                year=year,
            )
        )
        if set_id is not None:
            st.session_state[done_key] = set_id
            st.rerun()


def _store(action: Callable[[], int]) -> int | None:
    """Save a criteria set; on failure show why and return None."""
    try:
        set_id = action()
    except criteria.CriteriaError as exc:
        st.error("Bộ tiêu chí có lỗi, chưa được lưu:")
        st.dataframe(criteria.problems_frame(exc.problems), hide_index=True, key="store_errors")
        return None
    except auth.PermissionDenied as exc:
        st.error(str(exc))
        return None
    flash.keep(FLASH, f"Đã lưu bộ tiêu chí mới (phiên bản {set_id}); bộ này đang được áp dụng.")
    return set_id
