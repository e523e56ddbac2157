"""Thành phố (Sở Nội vụ, issue 34): the city's year at a glance, from the registry's rollup: per
item of the city's plan the bodies carrying it out and their completion; each body's reporting
discipline (its units' weekly sheets in its latest data week and over the year, and its periodic
Báo cáo on time / late / missing); the difficulties bodies escalated. Every body's name opens its
own Tổng quan (?co_quan=CODE), and from there its units, as its own accounts see them."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from tracker.catalogue import periods, plans
from tracker.city import bodies, overview, reports, year_compare
from tracker.roles import require
from tracker.scope import Scope
from tracker.text import fmt_date, fmt_number, fmt_pct
from tracker.ui import city_baocao_view, display, filters
from tracker.ui.display import INTEGER, PERCENT

# The periodic Báo cáo's columns (reports.PERIODS, Nghị định 09/2019's periods).
PERIOD_COLUMNS = {
    "quy1": "Báo cáo quý I",
    "6thang": "Báo cáo 6 tháng",
    "9thang": "Báo cáo 9 tháng",
    "nam": "Báo cáo năm",
}


def body_link(code: str, name: str, year: int) -> str:
    """The address of a body's Tổng quan for Sở Nội vụ; its name after '#' is what the table
    shows (the page ignores it)."""
    return "/?" + urlencode({"co_quan": code, filters.YEAR_PARAM: year}) + f"#{name}"


def _linked(column: str) -> dict:
    return {column: st.column_config.LinkColumn(column, display_text=r"#(.*)$")}


NAMED_AT_MOST = 10  # bodies named in the new year's notice; the rest counted


def _plans_of_this_year(scope: Scope) -> None:
    """In a new year (say 04/01/2027), the bodies that have not loaded that year's plan yet: their
    units' weekly sheets of the year are refused until they do. Nothing once every body has."""
    this_year = plans.today_year()
    missing, active = overview.without_plan(scope.user, this_year, scope.db)
    if missing.empty:
        return
    names = missing["name"].tolist()
    named = ", ".join(names[:NAMED_AT_MOST])
    rest = len(names) - NAMED_AT_MOST
    st.warning(
        f"Kế hoạch năm {this_year}: {fmt_number(active - len(names), 0)}/{fmt_number(active, 0)} "
        f"cơ quan đã nạp. Cơ quan chưa nạp chưa nhận được báo cáo tuần năm {this_year} của các "
        f"đơn vị: {named}" + (f" và {fmt_number(rest, 0)} cơ quan khác" if rest > 0 else "") + ".",
        icon=":material/event_upcoming:",
    )


def render(scope: Scope) -> None:
    user, reg, year = scope.user, scope.db, scope.year
    require(user, "view_city")
    st.title(f"Thành phố năm {year}" if year else "Thành phố")
    if year is None:
        st.info("Chưa có danh sách mục của Kế hoạch thành phố cho năm nào.")
        return
    st.caption(
        "Kế hoạch 52/KH-UBND: tiến độ các cơ quan, kỷ luật báo cáo và vướng mắc các cơ quan "
        "chuyển Sở Nội vụ. Bấm tên cơ quan để xem Tổng quan của cơ quan đó."
    )
    _plans_of_this_year(scope)
    standing = overview.body_overview(user, year, reg)
    if standing.empty or standing["data_week"].isna().all():
        st.info(f"Năm {year} chưa có cơ quan nào báo cáo số liệu.")
    else:
        _year_over_year(scope)
        _items(scope)
        _discipline(scope, standing)
        _escalated(scope)
    city_baocao_view.section(scope)  # Sở Nội vụ's Báo cáo to UBND thành phố, from the snapshots


def _year_over_year(scope: Scope) -> None:
    """The city's headline figures against the year before at the same point of the year."""
    found = year_compare.compare(scope.user, scope.year, scope.db)
    if found is None:
        return
    this, last = found.this, found.last
    st.subheader(f"So với năm {last.year}")
    if not last.has_data:
        st.info(f"Năm {last.year} chưa có dữ liệu để so sánh.", icon=":material/history:")
        return
    for col, (name, label, rate) in zip(
        st.columns(len(year_compare.FIGURES)), year_compare.FIGURES, strict=True
    ):
        now, before = getattr(this, name), getattr(last, name)
        shown = fmt_pct if rate else fmt_number
        delta = found.change(name)
        unit = "điểm %" if rate else "điểm"
        col.metric(
            label,
            shown(now) if now is not None else "—",
            delta=None if delta is None else f"{fmt_number(delta)} {unit}",
            help=f"Năm {last.year}: {shown(before) if before is not None else 'chưa có'}.",
        )
    st.caption(
        f"Cùng thời điểm của hai năm: số liệu tuần đến hết {periods.short_label(this.week)} "
        f"so với cùng tuần năm trước ({periods.short_label(last.week)}); báo cáo định kỳ tính "
        f"đến ngày {fmt_date(this.day)} so với cùng ngày năm trước ({fmt_date(last.day)}), trên "
        "các kỳ đã đến hạn. Các tỷ lệ và điểm là bình quân của các cơ quan có số liệu "
        f"({fmt_number(this.bodies, 0)} cơ quan năm {this.year}, "
        f"{fmt_number(last.bodies, 0)} cơ quan năm {last.year}); chênh lệch tỷ lệ tính bằng "
        "điểm phần trăm (điểm %)."
    )


def _items(scope: Scope) -> None:
    st.subheader("Tiến độ theo mục của Kế hoạch thành phố")
    progress = overview.item_progress(scope.user, scope.year, scope.db)
    if progress.empty:
        st.info(f"Năm {scope.year} chưa có mục nào của Kế hoạch thành phố.")
        return
    table = pd.DataFrame(
        {
            "Mục": progress["city_item"],
            "Nội dung": progress["title"],
            "Số cơ quan thực hiện": progress["bodies"],
            "Số nhiệm vụ": progress["tasks"],
            "Hoàn thành bình quân": progress["mean_completion"],
            "Thấp nhất": progress["min_completion"],
            "Cao nhất": progress["max_completion"],
        }
    )
    display.mark(
        table,
        **{
            "Số cơ quan thực hiện": INTEGER,
            "Số nhiệm vụ": INTEGER,
            "Hoàn thành bình quân": PERCENT,
            "Thấp nhất": PERCENT,
            "Cao nhất": PERCENT,
        },
    )
    display.show(table, key="city_items")


def _report_states(scope: Scope) -> pd.DataFrame:
    """One row per body, one column per period: the Báo cáo's state."""
    states = reports.statuses(scope.year, scope.db)
    if states.empty:
        return pd.DataFrame(columns=["body"])
    wide = states.pivot(index="body", columns="period", values="state")
    wide = wide[[p for p in PERIOD_COLUMNS if p in wide.columns]]
    return wide.rename(columns=PERIOD_COLUMNS).reset_index()


def _discipline(scope: Scope, standing: pd.DataFrame) -> None:
    st.subheader("Kỷ luật báo cáo của các cơ quan")
    latest = overview.latest_week(scope.user, scope.year, scope.db).set_index("body")
    table = pd.DataFrame(
        {
            "Cơ quan": [
                body_link(c, n, scope.year)
                for c, n in zip(standing["body"], standing["body_name"], strict=True)
            ],
            "Mã": standing["body"],
            "Loại": [bodies.KINDS[k] for k in standing["kind"]],
            "Đơn vị": standing["units"],
            "Tuần số liệu": standing["data_week"].fillna(""),
            "Báo cáo tuần này": [latest["reported"].get(c) for c in standing["body"]],
            "Phải báo cáo": [latest["expected"].get(c) for c in standing["body"]],
            "Tỷ lệ báo cáo cả năm": standing["reporting_rate"],
            "Đúng hạn cả năm": standing["on_time_rate"],
            "Hoàn thành Kế hoạch": standing["plan_completion"],
            "Vướng mắc đang mở": standing["open_difficulties"],
            "Đã chuyển Sở Nội vụ": standing["escalated"],
        }
    )
    table = table.merge(_report_states(scope), how="left", left_on="Mã", right_on="body")
    table = table.drop(columns=["body"])
    display.mark(
        table,
        **{
            "Đơn vị": INTEGER,
            "Báo cáo tuần này": INTEGER,
            "Phải báo cáo": INTEGER,
            "Tỷ lệ báo cáo cả năm": PERCENT,
            "Đúng hạn cả năm": PERCENT,
            "Hoàn thành Kế hoạch": PERCENT,
            "Vướng mắc đang mở": INTEGER,
            "Đã chuyển Sở Nội vụ": INTEGER,
        },
    )
    st.caption(
        "Báo cáo tuần này: số đơn vị đã nộp báo cáo tuần trong tuần số liệu gần nhất của cơ "
        "quan. Báo cáo định kỳ: Đúng hạn, Trễ hạn, Chưa nộp (đã quá hạn) hoặc Chưa đến hạn."
    )
    display.show(table, key="city_bodies", column_config=_linked("Cơ quan"))


def _escalated(scope: Scope) -> None:
    st.subheader("Vướng mắc các cơ quan chuyển Sở Nội vụ")
    found = overview.escalations(scope.user, scope.year, scope.db)
    if found.empty:
        st.info("Chưa có vướng mắc nào được chuyển Sở Nội vụ.")
        return
    table = pd.DataFrame(
        {
            "Cơ quan": [
                body_link(c, n, scope.year)
                for c, n in zip(found["body"], found["body_name"], strict=True)
            ],
            "Đơn vị": found["unit_name"],
            "Mã nhiệm vụ": found["task_code"].fillna(""),
            "Nhiệm vụ": [
                _named(title, NO_TASK if pd.isna(code) else "")
                for code, title in zip(found["task_code"], found["task_title"], strict=True)
            ],
            "Mục KH thành phố": [
                _item(code, title)
                for code, title in zip(found["city_item"], found["city_item_title"], strict=True)
            ],
            "Nội dung": found["content"],
            "Đề nghị": found["note"],
            "Ngày chuyển": found["escalated_at"],
        }
    )
    st.caption(
        "Nhiệm vụ: nhiệm vụ trong Kế hoạch của cơ quan mà vướng mắc nêu; Mục KH thành phố: mục "
        "của Kế hoạch thành phố mà nhiệm vụ đó thực hiện."
    )
    display.show(table, key="city_escalations", column_config=_linked("Cơ quan"))


NO_TASK = "Không gắn nhiệm vụ"  # a difficulty raised in the app about no task


def _named(title: object, missing: str) -> str:
    return missing if pd.isna(title) else str(title)


def _item(code: object, title: object) -> str:
    """An item of the city's plan as "7. title" ('' when the task names none; its code alone
    when the year's list does not have it)."""
    if pd.isna(code) or not code:
        return ""
    return f"{code}. {title}" if not pd.isna(title) else str(code)
