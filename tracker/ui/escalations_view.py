"""The Vướng mắc page's "Chuyển Sở Nội vụ" section (issue 34): the body's leader or administrator
sends one of its open difficulties up to Sở Nội vụ with what it asks of the city, sees which are
sent and still open, and withdraws one (the body solved it itself).

Only inside a city (a registry exists: a lone Office installation has nobody to send to and shows
its page as before), for the body's own leaders and administrators. Every write reruns the page,
its message kept under difficulties_view.FLASH (shown at the top of the page).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.accounts import auth, directory
from tracker.city import escalations
from tracker.metrics import difficulties
from tracker.scope import Scope
from tracker.ui import city_reports_view, difficulties_view, display, flash, tables


def _may_escalate(scope: Scope) -> bool:
    user = scope.user
    return (
        auth.can(user, "escalate_difficulty")
        and directory.registry() is not None
        and directory.store_of(user.username).body == scope.body
    )


def _short(text: str, size: int = 90) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def section(scope: Scope, week: str) -> None:
    """The escalated difficulties still open as of `week`, the form to send one, the form to
    withdraw one; nothing when the scope's user may not escalate here."""
    if not _may_escalate(scope):
        _read_only(scope, week)
        return
    st.subheader("Chuyển Sở Nội vụ")
    st.caption(
        "Vướng mắc vượt thẩm quyền của cơ quan được chuyển Sở Nội vụ kèm nội dung kiến nghị; Sở "
        "Nội vụ thấy vướng mắc đã chuyển cho đến khi cơ quan xử lý xong hoặc rút lại."
    )
    sent = escalations.open_escalations(week, path=scope.db)
    if sent.empty:
        st.caption("Chưa có vướng mắc nào đang chuyển Sở Nội vụ.")
    else:
        display.show(_sent_table(sent, scope), key="escalated_table")
    waiting = difficulties.open_list(week, scope.db)
    taken = set(zip(sent["source"], sent["ref"], sent["content"], strict=True))
    waiting = waiting[
        [
            (s, r, c) not in taken
            for s, r, c in zip(waiting["source"], waiting["ref"], waiting["content"], strict=True)
        ]
    ].reset_index(drop=True)
    _escalate_form(scope, waiting, week)
    if not sent.empty:
        _withdraw_form(scope, sent)


def _read_only(scope: Scope, week: str) -> None:
    """Sở Nội vụ on a body's Vướng mắc: the difficulties the body sent up, no form."""
    if city_reports_view.city_reader_registry(scope) is None:
        return
    sent = escalations.open_escalations(week, path=scope.db)
    st.subheader("Vướng mắc cơ quan đã chuyển Sở Nội vụ")
    if sent.empty:
        st.caption("Cơ quan chưa chuyển vướng mắc nào đang chờ xử lý.")
        return
    display.show(_sent_table(sent, scope), key="escalated_table")


def _sent_table(sent: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Ngày chuyển": pd.to_datetime(sent["escalated_at"]),
            "Đơn vị": tables.unit_codes(sent["unit_code"], scope.db),
            "Nhiệm vụ": sent["task_code"].fillna("—"),
            "Khó khăn, vướng mắc": sent["content"],
            "Kiến nghị gửi Sở Nội vụ": sent["note"],
            "Người chuyển": sent["escalated_by"],
        }
    )


def _escalate_form(scope: Scope, waiting: pd.DataFrame, week: str) -> None:
    if waiting.empty:
        st.caption("Không có vướng mắc chưa xử lý nào để chuyển.")
        return
    units = tables.unit_codes(waiting["unit_code"], scope.db)
    labels = [
        f"{units[i]} · {r.task_code if isinstance(r.task_code, str) else '—'} · {_short(r.content)}"
        for i, r in enumerate(waiting.itertuples())
    ]
    with st.form("escalate_form", clear_on_submit=True):
        choice = st.selectbox(
            "Vướng mắc chưa xử lý",
            range(len(waiting)),
            format_func=labels.__getitem__,
            key="escalate_item",
        )
        note = st.text_area("Nội dung kiến nghị gửi Sở Nội vụ", key="escalate_note")
        asked = st.form_submit_button("Chuyển Sở Nội vụ", type="primary", key="escalate_submit")
    if not asked:
        return
    item = waiting.iloc[choice]
    try:
        escalations.escalate(
            scope.user, item["source"], item["ref"], note, week=week, path=scope.db
        )
    except (escalations.EscalationError, auth.PermissionDenied) as exc:
        st.error(str(exc))
    else:
        flash.keep(difficulties_view.FLASH, "Đã chuyển vướng mắc lên Sở Nội vụ.")
        st.rerun()


def _withdraw_form(scope: Scope, sent: pd.DataFrame) -> None:
    labels = {
        int(r.id): f"{r.unit_code} · {r.task_code if isinstance(r.task_code, str) else '—'} · "
        f"{_short(r.content)}"
        for r in sent.itertuples()
    }
    with st.form("withdraw_form", clear_on_submit=True):
        chosen = st.selectbox(
            "Rút lại vướng mắc đã chuyển",
            list(labels),
            format_func=labels.get,
            key="withdraw_item",
        )
        sure = st.checkbox(
            "Tôi xác nhận cơ quan đã tự xử lý, rút lại kiến nghị này.", key="withdraw_sure"
        )
        asked = st.form_submit_button("Rút lại", key="withdraw_submit")
    if not asked:
        return
    if not sure:
        st.warning("Hãy đánh dấu ô xác nhận trước khi rút lại.")
        return
    try:
        escalations.withdraw(scope.user, chosen, path=scope.db)
    except (escalations.EscalationError, auth.PermissionDenied) as exc:
        st.error(str(exc))
    else:
        flash.keep(difficulties_view.FLASH, "Đã rút lại kiến nghị gửi Sở Nội vụ.")
        st.rerun()
