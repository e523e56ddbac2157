"""The register of requests from Sở Nội vụ on the Xuất dữ liệu page (leaders and admins): the list
with each request's state, a form to record a new one, a form to record the Office's answer, and
the Báo cáo answering a chosen request (its kỳ số liệu, the request cited in the opening).
due_section() lists the unanswered ones on Tổng quan and Đôn đốc, for the same roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from tracker import settings, wording
from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.metrics import requests_register as rr
from tracker.scope import Scope
from tracker.text import fmt_date
from tracker.ui import display
from tracker.ui.report_range_view import DOCX, XLSX

Button = Callable[..., None]


def _label(r: pd.Series) -> str:
    return f"Số {r['doc_number']} ngày {r['doc_date']:%d/%m/%Y}: {r['subject']}"


def _table(df: pd.DataFrame) -> pd.DataFrame:
    def day(v: date | None) -> str:
        return "" if v is None else f"{v:%d/%m/%Y}"

    return pd.DataFrame(
        {
            "Số văn bản": df["doc_number"],
            "Ngày": df["doc_date"].map(day),
            "Cơ quan": df["issuer"],
            "Trích yếu": df["subject"],
            "Nhiệm vụ": df["task_code"],
            "Hạn báo cáo": df["due_date"].map(day),
            "Kỳ số liệu": [
                f"{day(a)} - {day(b)}" if a else ""
                for a, b in zip(df["period_from"], df["period_to"], strict=True)
            ],
            "Trạng thái": df["state"],
            "Số báo cáo": df["report_number"].fillna(""),
            "Ngày gửi": df["sent_date"].map(day),
        }
    )


def due_table(df: pd.DataFrame) -> pd.DataFrame:
    """rr.due() as a short table, deadline and state first (a phone shows two columns); the
    deadline stays a date, so the column sorts by day."""
    return pd.DataFrame(
        {
            "Hạn báo cáo": list(df["due_date"]),
            "Tình trạng": list(df["state"]),
            "Nhiệm vụ": list(df["task_code"]),
            "Số văn bản": list(df["doc_number"]),
            "Trích yếu": list(df["subject"]),
        }
    )


def may_see(user: User | None) -> bool:
    """Whether `user` sees the requests of Sở Nội vụ: the roles that keep the register."""
    return user is not None and auth.can(user, "export") and user.role in rr.ROLES


def due_section(scope: Scope, *, key: str) -> None:
    """The requests still unanswered, soonest deadline first, overdue ones "Quá hạn"; nothing at
    all when none is waiting or the scope's user may not see the register."""
    if not may_see(scope.user):
        return
    df = rr.due(scope.db)
    if df.empty:
        return
    overdue = int((df["state"] == rr.OVERDUE).sum())
    st.subheader("Yêu cầu báo cáo của Sở Nội vụ chưa trả lời")
    display.show(
        due_table(df),
        key=key,
        column_config={"Hạn báo cáo": st.column_config.DateColumn(format=display.DATE_FORMAT)},
    )
    st.caption(
        f"{len(df)} yêu cầu chưa trả lời, {overdue} quá hạn (tính đến ngày "
        f"{fmt_date(settings.now().date())}). Ghi nhận đã trả lời ở trang Xuất dữ liệu."
    )
    st.page_link("pages/xuat_du_lieu.py", label="Mở trang Xuất dữ liệu", icon=":material/download:")


def _register_form(scope: Scope) -> None:
    tasks = rr.on_request_tasks(scope.db, year=scope.year)
    with st.form("request_new", clear_on_submit=False):
        st.markdown("**Ghi yêu cầu mới của Sở Nội vụ**")
        task = st.selectbox(
            "Nhiệm vụ được yêu cầu",
            tasks["code"],
            format_func=lambda c: f"{c} - {tasks.set_index('code').loc[c, 'short_title']}",
        )
        cols = st.columns(3)
        number = cols[0].text_input("Số văn bản", placeholder="125/SNV-XDCQ", key="req_number")
        doc_date = cols[1].date_input(
            "Ngày văn bản", value=None, format="DD/MM/YYYY", key="req_doc_date"
        )
        due = cols[2].date_input("Hạn báo cáo", value=None, format="DD/MM/YYYY", key="req_due")
        issuer = st.text_input("Cơ quan", value="Sở Nội vụ")
        subject = st.text_input("Trích yếu", key="req_subject")
        content = st.text_area("Nội dung yêu cầu")
        cols = st.columns(2)
        period_from = cols[0].date_input("Kỳ số liệu từ ngày", value=None, format="DD/MM/YYYY")
        period_to = cols[1].date_input("Kỳ số liệu đến ngày", value=None, format="DD/MM/YYYY")
        if st.form_submit_button("Ghi yêu cầu"):
            req = rr.Request(
                task, number, doc_date, issuer, subject, due, content, period_from, period_to
            )
            try:
                rr.register(scope.user, req, path=scope.db, year=scope.year)
                st.success("Đã ghi yêu cầu của Sở Nội vụ.")
            except (rr.RequestError, auth.PermissionDenied) as exc:
                st.error(str(exc))


def _own_code(path: Path) -> str:
    """The body's code as its numbers carry it ('VPUB' for the Office)."""
    return settings.body_of_file(path) or settings.HOME_BODY


def _answer_form(user: User, open_requests: pd.DataFrame, path: Path) -> None:
    with st.form("request_answer", clear_on_submit=False):
        st.markdown(f"**Ghi nhận {wording.of_file(path).body} đã trả lời**")
        labels = {int(r["id"]): _label(r) for _, r in open_requests.iterrows()}
        chosen = st.selectbox("Yêu cầu", list(labels), format_func=labels.get)
        cols = st.columns(2)
        number = cols[0].text_input(
            "Số báo cáo đã gửi", placeholder=f"25/BC-{_own_code(path)}", key="ans_number"
        )
        sent = cols[1].date_input("Ngày gửi", value=None, format="DD/MM/YYYY", key="ans_sent")
        upload = st.file_uploader("Tệp báo cáo đã gửi", type=[t.lstrip(".") for t in rr.FILE_TYPES])
        if st.form_submit_button("Ghi nhận đã trả lời"):
            data, name = (upload.getvalue(), upload.name) if upload else (None, None)
            try:
                rr.answer(user, chosen, number, sent, data=data, file_name=name, path=path)
                st.success("Đã ghi nhận trả lời; nhiệm vụ không còn quá hạn vì yêu cầu này.")
            except (rr.RequestError, auth.PermissionDenied) as exc:
                st.error(str(exc))


def requests_section(scope: Scope, button: Button, start: date, end: date) -> None:
    """The section itself; `start`, `end` are the page's dates, used when a request has no kỳ."""
    user = scope.user
    if user.role not in rr.ROLES:
        return
    st.subheader("Yêu cầu báo cáo của Sở Nội vụ")
    st.caption(
        "Nhiệm vụ thực hiện khi có yêu cầu (III.2.a, III.2.b) có hạn theo yêu cầu đã ghi: quá hạn "
        "mà chưa trả lời thì nhiệm vụ ở trạng thái Quá hạn trên mọi trang, cho đến khi ghi nhận "
        "đã trả lời."
    )
    df = rr.requests(scope.db)
    if df.empty:
        st.caption("Chưa ghi yêu cầu nào.")
    else:
        st.dataframe(_table(df), hide_index=True, width="stretch")
    _register_form(scope)
    open_requests = df[df["state"] != rr.ANSWERED]
    if open_requests.empty:
        return
    _answer_form(user, open_requests, scope.db)
    labels = {int(r["id"]): _label(r) for _, r in open_requests.iterrows()}
    chosen = st.selectbox(
        "Tạo Báo cáo trả lời yêu cầu", list(labels), format_func=labels.get, key="baocao_request"
    )
    row = open_requests[open_requests["id"] == chosen].iloc[0]
    dates = {} if row["period_from"] is not None else {"date_from": start, "date_to": end}
    cols = st.columns(2)
    with cols[0]:
        button(
            "Báo cáo trả lời yêu cầu (.docx)",
            "baocao",
            DOCX,
            "dl_baocao_request",
            request=chosen,
            **dates,
        )
    with cols[1]:  # its annex workbook (Phụ lục II - V), the same request and dates
        button(
            "Phụ lục II - V kèm Báo cáo (.xlsx)",
            "phu_luc",
            XLSX,
            "dl_phu_luc_request",
            request=chosen,
            **dates,
        )
