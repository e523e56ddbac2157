"""The body's side of Sở Nội vụ's records on Xuất dữ liệu (issue 34): its periodic Báo cáo to Sở
Nội vụ (each period's due date and state; its leader approves one, frozen from exactly what this
page's Báo cáo export makes; its administrator submits the approved one and gets Sở Nội vụ's
received number; both download the frozen files), and Sở Nội vụ's requests to the body with the
form to answer them.

Shown to the body's own leaders and administrators only, and only where a city registry exists:
a lone Office installation (no registry) shows its page exactly as before. Every write reruns
the page, its message kept under FLASH.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from tracker import settings
from tracker.accounts import auth, directory
from tracker.catalogue import periods
from tracker.city import bodies, reports, requests
from tracker.roles import User
from tracker.scope import Scope
from tracker.text import fmt_date, fmt_datetime
from tracker.ui import display, flash
from tracker.ui.report_range_view import DOCX, XLSX

FLASH = "city_reports_flash"
REPORT_ROLES = frozenset({"lanh_dao", "quan_tri"})  # who sees the section: its two actors
ANSWERED, WAITING, OVERDUE = "Đã trả lời", "Chưa trả lời", "Quá hạn"
SOON_DAYS = 30  # Tổng quan lists a Báo cáo not sent yet from this many days before its due date


def registry_of(scope: Scope) -> Path | None:
    """The registry when the scope's user acts for the scope's body inside a city: a leader or
    administrator of that very body, the body active in the registry; else None."""
    user = scope.user
    if user.role not in REPORT_ROLES:
        return None
    reg = directory.registry()
    if reg is None or directory.store_of(user.username).body != scope.body:
        return None
    found = bodies.find(scope.body, reg)
    return reg if found is not None and found.active else None


def city_reader_registry(scope: Scope) -> Path | None:
    """The registry when a city role that reads bodies (Sở Nội vụ) looks at one body's pages:
    it sees what the body owes the city, read-only; else None."""
    reg = directory.registry()
    if reg is None or not scope.user.is_city or not scope.body:
        return None
    return reg if auth.can(scope.user, "view_city") else None


def period_title(period: str, year: int) -> str:
    """'Quý I năm 2026', '6 tháng đầu năm 2026'."""
    title = f"{periods.DECREE_TITLES[period]} {year}"
    return title[0].upper() + title[1:]


def section(scope: Scope) -> None:
    """The whole section; nothing at all when registry_of() is None."""
    reg = registry_of(scope)
    if reg is None or scope.year is None:
        return
    year = int(scope.year)
    st.subheader("Báo cáo định kỳ đã duyệt, gửi Sở Nội vụ")
    flash.show(FLASH, icon=":material/check_circle:")
    st.caption(
        "Báo cáo định kỳ theo Nghị định 09/2019/NĐ-CP gửi Sở Nội vụ qua ứng dụng: Lãnh đạo phê "
        "duyệt (ứng dụng lưu cố định tệp .docx, .xlsx và số liệu đúng như nút Báo cáo ở trên lập "
        "cho kỳ đó), Quản trị gửi bản đã duyệt và nhận số đến của Sở Nội vụ. Đúng hạn hay trễ hạn "
        "tính theo lần gửi đầu tiên của kỳ."
    )
    mine = reports.body_reports(scope.body, year, reg)
    states = reports.body_statuses(scope.body, year, reg)
    _status_table(states)
    if auth.can(scope.user, "approve_body_report"):
        sent = set(states.loc[states["received_no"].notna(), "period"])
        _approve_form(scope, year, reg, sent)
    if auth.can(scope.user, "submit_body_report"):
        _submit_form(scope.user, mine, reg)
    _downloads(scope.user, mine, reg)
    requests_section(scope, mine, reg)


def _status_table(states: pd.DataFrame) -> None:
    table = pd.DataFrame(
        {
            "Kỳ báo cáo": [periods.PRESETS[p] for p in states["period"]],
            "Hạn nộp": list(states["due_on"]),
            "Trạng thái": list(states["state"]),
            "Phê duyệt lần cuối": pd.to_datetime(states["approved_at"]),
            "Gửi lần đầu": pd.to_datetime(states["submitted_at"]),
            "Số đến": pd.array(states["received_no"], dtype="Int64"),
        }
    )
    display.show(display.mark(table, **{"Số đến": display.INTEGER}), key="city_report_states")
    st.caption(
        f"Trạng thái tính đến {fmt_datetime(settings.now())}: chưa nộp khi đã quá hạn mà chưa "
        "gửi; hạn nộp do Sở Nội vụ định, nếu chưa định thì là ngày thứ "
        f"{reports.DEFAULT_DUE_DAYS} sau ngày cuối kỳ (tạm tính)."
    )


def _ended(year: int) -> list[str]:
    """The periods of `year` whose last day has passed: the ones a Báo cáo is approved for."""
    today = settings.now().date()
    return [p for p in reports.PERIODS if periods.decree_range(p, year)[1] < today]


def _approve_form(scope: Scope, year: int, reg: Path, sent: set[str]) -> None:
    """The leader's approval of an ended period; the latest one not sent yet is offered first."""
    ended = _ended(year)
    st.markdown("**Phê duyệt Báo cáo**")
    if not ended:
        st.caption(f"Chưa có kỳ báo cáo nào của năm {year} kết thúc.")
        return
    with st.form("city_report_approve", clear_on_submit=False):
        period = st.selectbox(
            "Kỳ báo cáo",
            ended,
            index=max((i for i, p in enumerate(ended) if p not in sent), default=len(ended) - 1),
            format_func=lambda p: period_title(p, year),
            key="approve_period",
        )
        number = st.text_input(
            "Số báo cáo (để trống để văn thư ghi số khi phát hành)",
            key="approve_number",
            max_chars=6,
        ).strip()
        sure = st.checkbox(
            "Tôi đã xem Báo cáo của kỳ này (nút Báo cáo ở trên, cùng kỳ và số) và phê duyệt.",
            key="approve_sure",
        )
        asked = st.form_submit_button("Phê duyệt", type="primary", key="approve_submit")
    st.caption(
        "Phê duyệt lại một kỳ chưa gửi thay bản đã duyệt; kỳ đã gửi thì bản phê duyệt mới là "
        "bản sau, Quản trị gửi lại nếu cần."
    )
    if not asked:
        return
    if number and not number.isdigit():
        st.error("Số báo cáo phải là số nguyên dương, ví dụ 25.")
        return
    if not sure:
        st.warning("Hãy đánh dấu ô xác nhận trước khi phê duyệt.")
        return
    try:
        with st.spinner("Đang lập và lưu Báo cáo…"):
            reports.approve(scope.user, scope.body, period, year, reg, number=number or None)
    except (reports.ReportError, auth.PermissionDenied) as exc:
        st.error(str(exc))
    else:
        flash.keep(
            FLASH,
            f"Đã phê duyệt Báo cáo {periods.DECREE_TITLES[period]} {year}. "
            "Quản trị gửi Sở Nội vụ bản đã duyệt.",
        )
        st.rerun()


def _label(r: pd.Series) -> str:
    """'Quý I năm 2026 · duyệt 15/06/2026 10:00 (lanhdao) · số đến 3'."""
    text = f"{period_title(r['period'], int(r['year']))} · duyệt {fmt_datetime(r['approved_at'])}"
    text += f" ({r['approved_by']})"
    if not pd.isna(r["received_no"]):
        text += f" · đã gửi, số đến {int(r['received_no'])}"
    return text


def _submit_form(user: User, mine: pd.DataFrame, reg: Path) -> None:
    st.markdown("**Gửi Sở Nội vụ**")
    waiting = mine[mine["submitted_at"].isna()]
    if waiting.empty:
        st.caption("Không có Báo cáo đã phê duyệt đang chờ gửi.")
        return
    labels = {int(r["id"]): _label(r) for _, r in waiting.iterrows()}
    with st.form("city_report_submit", clear_on_submit=False):
        chosen = st.selectbox(
            "Báo cáo đã phê duyệt", list(labels), format_func=labels.get, key="submit_report"
        )
        sure = st.checkbox(
            "Tôi xác nhận gửi Báo cáo này tới Sở Nội vụ (gửi rồi không rút lại được).",
            key="submit_sure",
        )
        asked = st.form_submit_button("Gửi Sở Nội vụ", type="primary", key="submit_submit")
    if not asked:
        return
    if not sure:
        st.warning("Hãy đánh dấu ô xác nhận trước khi gửi.")
        return
    try:
        received = reports.submit(user, chosen, reg)
    except (reports.ReportError, auth.PermissionDenied) as exc:
        st.error(str(exc))
    else:
        row = waiting[waiting["id"] == chosen].iloc[0]
        flash.keep(
            FLASH,
            f"Đã gửi Sở Nội vụ Báo cáo {periods.DECREE_TITLES[row['period']]} {row['year']}; "
            f"số đến: {received}.",
        )
        st.rerun()


def _downloads(user: User, mine: pd.DataFrame, reg: Path) -> None:
    st.markdown("**Tệp Báo cáo đã phê duyệt**")
    if mine.empty:
        st.caption("Chưa có Báo cáo nào được phê duyệt.")
        return
    labels = {int(r["id"]): _label(r) for _, r in mine.iterrows()}
    chosen = st.selectbox("Bản Báo cáo", list(labels), format_func=labels.get, key="frozen_report")
    cols = st.columns(2)
    for col, part, mime, label in (
        (cols[0], "docx", DOCX, "Báo cáo đã duyệt (.docx)"),
        (cols[1], "xlsx", XLSX, "Phụ lục đã duyệt (.xlsx)"),
    ):
        name, data = reports.report_file(user, chosen, part, reg)
        if data:
            col.download_button(
                label,
                data=data,
                file_name=name,
                mime=mime,
                key=f"dl_frozen_{part}",
                on_click="ignore",
                icon=":material/download:",
            )


# --- Sở Nội vụ's requests to the body ------------------------------------------------------------


def _day(value: object) -> date | None:
    """A DATE as the query's frame holds it (a Timestamp), as a date (None when missing)."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _request_state(r: pd.Series, today: date) -> str:
    if not pd.isna(r["answered_at"]):
        return ANSWERED
    due = _day(r["due_on"])
    return OVERDUE if due is not None and due < today else WAITING


def _request_table(asked: pd.DataFrame) -> pd.DataFrame:
    today = settings.now().date()
    return pd.DataFrame(
        {
            "Số văn bản": asked["number"].fillna(""),
            "Ngày văn bản": [_day(v) for v in asked["issued_on"]],
            "Trích yếu": asked["subject"],
            "Nội dung": asked["content"].fillna(""),
            "Hạn trả lời": [_day(v) for v in asked["due_on"]],
            "Tình trạng": [_request_state(r, today) for _, r in asked.iterrows()],
            "Ngày trả lời": pd.to_datetime(asked["answered_at"]),
            "Nội dung trả lời": asked["answer"].fillna(""),
        }
    )


def requests_section(scope: Scope, mine: pd.DataFrame, reg: Path) -> None:
    """Sở Nội vụ's requests to the body (of the scope's year), and the form to answer one."""
    asked = requests.for_body(scope.body, reg)
    asked = asked[asked["year"] == scope.year].reset_index(drop=True)
    st.subheader("Yêu cầu của Sở Nội vụ gửi cơ quan")
    if asked.empty:
        st.caption("Sở Nội vụ chưa gửi yêu cầu nào cho cơ quan trong năm.")
        return
    display.show(_request_table(asked), key="city_requests_table")
    waiting = asked[asked["answered_at"].isna()]
    if waiting.empty or not auth.can(scope.user, "answer_city_request"):
        return
    labels = {
        int(
            r["id"]
        ): f"{r['number'] or 'Yêu cầu'} (hạn {fmt_date(_day(r['due_on']))}): {r['subject']}"
        for _, r in waiting.iterrows()
    }
    sent = mine[mine["submitted_at"].notna()]
    attached = {0: "(Không kèm Báo cáo)"} | {int(r["id"]): _label(r) for _, r in sent.iterrows()}
    with st.form("city_request_answer", clear_on_submit=False):
        st.markdown("**Trả lời yêu cầu của Sở Nội vụ**")
        chosen = st.selectbox("Yêu cầu", list(labels), format_func=labels.get, key="answer_req")
        text = st.text_area("Nội dung trả lời", key="answer_text")
        report = st.selectbox(
            "Báo cáo đã gửi kèm theo", list(attached), format_func=attached.get, key="answer_rep"
        )
        done = st.form_submit_button("Ghi trả lời", type="primary", key="answer_submit")
    if not done:
        return
    try:
        requests.answer(scope.user, reg, chosen, scope.body, text, report_id=report or None)
    except (requests.RequestError, auth.PermissionDenied) as exc:
        st.error(str(exc))
    else:
        flash.keep(FLASH, "Đã ghi trả lời yêu cầu của Sở Nội vụ.")
        st.rerun()


# --- Tổng quan: what the body still owes Sở Nội vụ --------------------------------------------------


def due_section(scope: Scope) -> None:
    """On Tổng quan, for the same accounts as section(): the Báo cáo not sent whose due date has
    passed or comes within SOON_DAYS, and Sở Nội vụ's requests not answered yet; nothing when
    the body owes nothing."""
    reg = registry_of(scope)
    reader = reg is None
    reg = reg or city_reader_registry(scope)
    if reg is None or scope.year is None:
        return
    today = settings.now().date()
    states = reports.body_statuses(scope.body, int(scope.year), reg)
    owed = states[
        (states["state"] == reports.MISSING)
        | (
            (states["state"] == reports.NOT_DUE)
            & (states["due_on"] <= today + timedelta(days=SOON_DAYS))
        )
    ]
    asked = requests.for_body(scope.body, reg)
    asked = asked[(asked["year"] == scope.year) & asked["answered_at"].isna()]
    if owed.empty and asked.empty:
        return
    rows = [
        (r["due_on"], r["state"], f"Báo cáo {periods.DECREE_TITLES[r['period']]} {scope.year}")
        for _, r in owed.iterrows()
    ] + [
        (_day(r["due_on"]), _request_state(r, today), f"Yêu cầu: {r['subject']}")
        for _, r in asked.iterrows()
    ]
    rows.sort(key=lambda row: (row[0] is None, row[0] or today))
    st.subheader("Việc cơ quan cần làm với Sở Nội vụ" if reader else "Việc cần làm với Sở Nội vụ")
    display.show(
        pd.DataFrame(rows, columns=["Hạn", "Tình trạng", "Nội dung"]), key="city_due_table"
    )
    if reader:  # Sở Nội vụ reading the body's Tổng quan: the same list, nothing to act on here
        st.caption(
            "Báo cáo định kỳ cơ quan chưa gửi và yêu cầu của Sở Nội vụ cơ quan chưa trả lời."
        )
        return
    st.caption(
        f"Báo cáo định kỳ chưa gửi (quá hạn hoặc đến hạn trong {SOON_DAYS} ngày tới) và yêu cầu "
        "của Sở Nội vụ chưa trả lời. Phê duyệt, gửi và trả lời ở trang Xuất dữ liệu."
    )
    st.page_link("pages/xuat_du_lieu.py", label="Mở trang Xuất dữ liệu", icon=":material/download:")
