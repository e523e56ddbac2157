"""Xếp hạng (Sở Nội vụ, issue 34): the bodies of each kind (văn phòng, sở-ban-ngành, xã-phường)
ranked for the year by their assessment under QĐ 2579, each body's self-score beside Sở Nội vụ's
thẩm định; Sở Nội vụ records a thẩm định (score and comment) per body (reviews.review), and its
leader approves a kind's ranking (reviews.approve_ranking). Each action shows only to the roles
that may do it, and the domain checks the role again."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.city import bodies, overview, reviews
from tracker.roles import PermissionDenied, can, require
from tracker.scope import Scope
from tracker.text import fmt_datetime
from tracker.ui import display, flash
from tracker.ui.display import INTEGER, VALUE
from tracker.ui.pages.thanh_pho import body_link


def render(scope: Scope) -> None:
    user, reg, year = scope.user, scope.db, scope.year
    require(user, "view_city")
    st.title(f"Xếp hạng các cơ quan năm {year}" if year else "Xếp hạng các cơ quan")
    if year is None:
        st.info("Chưa có danh sách mục của Kế hoạch thành phố cho năm nào.")
        return
    st.caption(
        "Theo Bộ tiêu chí của QĐ 2579/QĐ-UBND: điểm tự chấm của cơ quan, điểm thẩm định của Sở "
        "Nội vụ; cơ quan được xếp theo điểm thẩm định, chưa thẩm định thì theo điểm tự chấm."
    )
    flash.show("xep_hang_flash")
    approved = overview.approvals(user, year, reg)
    tabs = st.tabs(list(bodies.KINDS.values()))
    for tab, (kind, label) in zip(tabs, bodies.KINDS.items(), strict=True):
        with tab:
            _kind(scope, kind, label, approved.get(kind))


def _kind(scope: Scope, kind: str, label: str, approval: tuple | None) -> None:
    user, reg, year = scope.user, scope.db, scope.year
    ranked = overview.ranking(user, year, kind, reg)
    if approval:
        by, at = approval
        st.success(f"Xếp hạng {label} năm {year} đã được {by} phê duyệt lúc {fmt_datetime(at)}.")
    if ranked.empty:
        st.info(f"Năm {year} chưa có cơ quan loại {label} nào có điểm tự chấm.")
    else:
        table = pd.DataFrame(
            {
                "Hạng": ranked["rank"],
                "Cơ quan": [
                    body_link(c, n, year)
                    for c, n in zip(ranked["body"], ranked["body_name"], strict=True)
                ],
                "Mã": ranked["body"],
                "Tự chấm": ranked["self_score"],
                "Xếp loại tự chấm": ranked["self_grade"].fillna(""),
                "Thẩm định": ranked["reviewed_score"],
                "Nhận xét thẩm định": ranked["review_comment"].fillna(""),
                "Điểm xếp hạng": ranked["final_score"],
            }
        )
        display.mark(
            table,
            **{"Hạng": INTEGER, "Tự chấm": VALUE, "Thẩm định": VALUE, "Điểm xếp hạng": VALUE},
        )
        display.show(
            table,
            key=f"ranking_{kind}",
            column_config={
                "Cơ quan": st.column_config.LinkColumn("Cơ quan", display_text=r"#(.*)$")
            },
        )
    if can(user, "review_body_score"):
        _review_form(scope, kind, label)
    if can(user, "approve_city_ranking") and not ranked.empty:
        _approve(scope, kind, label, approval)


def _review_form(scope: Scope, kind: str, label: str) -> None:
    """Sở Nội vụ's thẩm định of one body of this kind."""
    user, reg, year = scope.user, scope.db, scope.year
    of_kind = [b for b in bodies.all_bodies(reg) if b.active and b.kind == kind]
    if not of_kind:
        return
    names = {b.code: b.name for b in of_kind}
    with st.form(f"review_{kind}", clear_on_submit=True):
        st.markdown(f"**Thẩm định điểm tự chấm** ({label})")
        body = st.selectbox(
            "Cơ quan", list(names), format_func=lambda c: f"{names[c]} ({c})", key=f"rv_b_{kind}"
        )
        score = st.number_input(
            "Điểm thẩm định", min_value=0.0, max_value=100.0, step=0.5, key=f"rv_s_{kind}"
        )
        comment = st.text_area("Nhận xét, căn cứ thẩm định", key=f"rv_c_{kind}")
        sent = st.form_submit_button("Ghi điểm thẩm định", type="primary")
    if sent:
        try:
            reviews.review(user, reg, body, year, score, comment)
        except (reviews.ReviewError, PermissionDenied) as exc:
            st.error(str(exc))
        else:
            flash.keep("xep_hang_flash", f"Đã ghi điểm thẩm định của {names[body]} năm {year}.")
            st.rerun()


def _approve(scope: Scope, kind: str, label: str, approval: tuple | None) -> None:
    """Sở Nội vụ's leader approves this kind's ranking (again, after a new thẩm định)."""
    user, reg, year = scope.user, scope.db, scope.year
    action = "Phê duyệt lại" if approval else "Phê duyệt"
    if st.button(f"{action} xếp hạng {label} năm {year}", key=f"approve_{kind}"):
        try:
            reviews.approve_ranking(user, reg, year, kind)
        except (reviews.ReviewError, PermissionDenied) as exc:
            st.error(str(exc))
        else:
            flash.keep("xep_hang_flash", f"Đã phê duyệt xếp hạng {label} năm {year}.")
            st.rerun()
