"""The Vướng mắc page body: the register, the form to raise one, the form to mark one handled.

Each write reruns the page so the register shows it; its message waits in the session under FLASH.
Every section reads and writes the database of the page's scope.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from tracker import settings
from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import periods, plan
from tracker.metrics import difficulties
from tracker.scope import Scope
from tracker.text import fmt_datetime
from tracker.ui import display, flash, tables

FLASH = "vuong_mac_flash"


def summary(week: str, path: Path) -> None:
    """How many are open, and what counts as one."""
    st.metric("Vướng mắc chưa xử lý", difficulties.open_count(week, path))
    st.caption(
        "Gồm khó khăn, vướng mắc đơn vị ghi trong biểu mẫu (cột 'Khó khăn, vướng mắc' của báo cáo "
        "gần nhất cho từng nhiệm vụ) và vướng mắc nêu trực tiếp trên ứng dụng; một vướng mắc đã xử "
        "lý mà báo cáo sau ghi nội dung khác được tính là vướng mắc mới. "
        f"Số liệu đến hết {periods.label(week)}."
    )


def register(shown: pd.DataFrame, path: Path) -> None:
    """The filtered register, newest first."""
    if shown.empty:
        st.info("Chưa có vướng mắc nào khớp bộ lọc đang chọn.", icon=":material/inbox:")
        return
    display.show(tables.difficulty_table(shown, path), key="difficulty_table")
    st.caption(f"{len(shown)} vướng mắc, mới nhất trước · cập nhật {fmt_datetime(settings.now())}")


def _target_unit(user: User, path: Path) -> str | None:
    """A unit user raises for their own unit; others choose one."""
    labels = plan.unit_labels(path)  # sample units marked "(mẫu)"
    if user.role == "don_vi":
        st.caption(f"Đơn vị: {user.unit_code} - {labels.get(user.unit_code or '', '')}")
        return user.unit_code
    names = {code: labels.get(code, code) for code in plan.units(path)["code"]}
    return st.selectbox(
        "Đơn vị", list(names), format_func=lambda c: f"{c} - {names[c]}", key="raise_unit"
    )


def raise_form(scope: Scope, tasks: pd.DataFrame) -> None:
    """Raise a new difficulty (units for their own unit, the Office for any) under the plan of
    the page's scope."""
    user = scope.user
    if not auth.can(user, "raise_difficulty"):
        return
    st.subheader("Nêu vướng mắc mới")
    titles = dict(zip(tasks["code"], tasks["short_title"], strict=True))
    with st.form("raise_form", clear_on_submit=True):
        target = _target_unit(user, scope.db)
        raise_task = st.selectbox(
            "Nhiệm vụ liên quan",
            ["", *tasks["code"]],
            format_func=lambda c: "(Không gắn nhiệm vụ)" if c == "" else f"{c} - {titles[c]}",
            key="raise_task",
        )
        content = st.text_area("Khó khăn, vướng mắc", key="raise_content")
        proposal = st.text_area("Đề xuất, kiến nghị", key="raise_proposal")
        submitted = st.form_submit_button("Gửi vướng mắc", type="primary", key="raise_submit")
    if not submitted:
        return
    try:
        new_id = difficulties.raise_difficulty(
            user, target, raise_task or None, content, proposal, path=scope.db, year=scope.year
        )
    except (difficulties.DifficultyError, auth.PermissionDenied) as exc:
        st.error(str(exc))
    else:
        flash.keep(FLASH, f"Đã ghi nhận vướng mắc số {new_id}.")
        st.rerun()


def handle_form(user: User, register: pd.DataFrame, path: Path) -> None:
    """Mark one open difficulty of the filtered register handled, with a note."""
    if not auth.can(user, "handle_difficulty"):
        return
    st.subheader("Đánh dấu đã xử lý")
    pending = register[register["state"] == difficulties.OPEN].reset_index(drop=True)
    if pending.empty:
        st.caption("Không có vướng mắc chưa xử lý trong danh sách đang lọc.")
        return
    units = tables.unit_codes(pending["unit_code"], path)
    labels = [
        f"{units[i]} · {r.task_code if isinstance(r.task_code, str) else '—'} · {r.content[:90]}"
        for i, r in enumerate(pending.itertuples())
    ]
    with st.form("handle_form", clear_on_submit=True):
        choice = st.selectbox(
            "Vướng mắc", range(len(pending)), format_func=lambda i: labels[i], key="handle_item"
        )
        note = st.text_area("Nội dung xử lý (ghi chú)", key="handle_note")
        handled = st.form_submit_button("Đánh dấu đã xử lý", type="primary", key="handle_submit")
    if handled:
        _mark(user, pending.iloc[choice], note, path)


def _mark(user: User, item: pd.Series, note: str, path: Path) -> None:
    # A sheet difficulty is marked for its exact text; an app one by its id alone.
    text = item["content"] if item["source"] == "sheet" else ""
    try:
        difficulties.mark_handled(user, item["source"], item["ref"], text, note, path=path)
    except (difficulties.DifficultyError, auth.PermissionDenied) as exc:
        st.error(str(exc))
    else:
        flash.keep(FLASH, "Đã đánh dấu vướng mắc là đã xử lý.")
        st.rerun()
