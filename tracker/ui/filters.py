"""Sidebar filters kept in the URL (st.query_params), so a view can be shared as a link.

What a filter needs of the page's scope (the plan year, the database, the user, the page) it
is given as an argument (tracker/scope.py); only the widgets' own values live in the session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from tracker import settings
from tracker.catalogue import calendar, periods, plan, plans, year_start
from tracker.scope import Scope
from tracker.text import fmt_deadline, fmt_number, nfc

# Pages where the week is the one being reported (the current week by default); every other
# page opens on the latest week whose deadline has passed, when the numbers are complete.
REPORTING_PAGES = frozenset({"nop_bao_cao"})

YEAR_PARAM = "nam"  # ?nam=2027


def select_plan(path: Path) -> int | None:
    """The plan (year) filter of the database at `path`, in the URL as ?nam=2027, default the
    plan in force today; the shell draws it on every page and puts the year in the page's
    scope. None when the database has no plan."""
    years = [str(y) for y in plans.years(path)]
    if not years:
        return None
    default = str(plans.in_force(path))
    return int(select("Kế hoạch năm", years[::-1], key=YEAR_PARAM, default=default) or default)


def _year(scope: Scope) -> int:
    """The scope's plan year, for a week filter: the shell stops a page before any filter when
    its database has no plan (shell.frame)."""
    if scope.year is None:
        raise LookupError(f"{scope.page}: a week filter without a plan year")
    return scope.year


def first_week(scope: Scope) -> str:
    return plans.first_week(_year(scope), scope.db)


def current_week(scope: Scope) -> str:
    """This week, kept inside the scope's plan's reporting span (first week .. last week of its
    year): a past plan's last week, a plan not yet started its first week."""
    today = periods.week_id(settings.now().date())
    return max(first_week(scope), min(today, plans.last_week(_year(scope))))


def closed_week(scope: Scope) -> str:
    """The latest reporting week whose deadline has passed (else the first week): the week
    leaders look at by default, because units may still report the current one."""
    now = settings.now()
    options = week_options(scope)
    return next((w for w in options if calendar.deadline(w, scope.db) <= now), options[-1])


def week_options(scope: Scope) -> list[str]:
    """The scope's plan's weeks from its first reporting week to the current one, newest first."""
    return list(reversed(periods.weeks_between(first_week(scope), current_week(scope))))


def _from_url(key: str, options: Sequence[str], default: str | None) -> str | None:
    value = st.query_params.get(key)
    return value if value in options else default


def select(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    default: str | None = None,
    format_func: Callable[[str], str] = str,
    sidebar: bool = True,
) -> str | None:
    """A selectbox whose value lives in the URL as ?key=value (invalid values fall back)."""
    options = list(options)
    if not options:
        return None
    chosen = _from_url(key, options, default if default in options else options[0])
    widget = st.sidebar.selectbox if sidebar else st.selectbox
    value = widget(
        label, options, index=options.index(chosen), format_func=format_func, key=f"filter_{key}"
    )
    if st.query_params.get(key) != value:
        st.query_params[key] = value
    return value


def select_week(
    scope: Scope,
    label: str = "Số liệu đến hết tuần",
    key: str = "week",
    *,
    current_default: bool | None = None,
    while_waiting: str = "stop",
) -> str:
    """The week filter. Its default is the current week on a reporting page (or when
    `current_default`), else closed_week(); under it, the current week is one click away.

    While no week of the chosen plan has closed (a new year's first days), a page that shows
    figures says so in one sentence and stops there (year_start.waiting_notice): no status, no
    pace, no fall against last year that is not true. A reporting page goes on (units report
    the current week); `while_waiting="begun"` goes on once the first week has begun (Đôn đốc
    reminds units of the first deadline); `while_waiting="page"` leaves the waiting to the page
    (Đơn vị shows a unit's assigned tasks, without figures)."""
    current = current_week(scope)
    reporting = scope.page in REPORTING_PAGES
    if current_default is None:
        current_default = reporting
    default = current if current_default else closed_week(scope)
    week = (
        select(label, week_options(scope), key=key, default=default, format_func=periods.label)
        or current
    )
    _current_week_hint(scope, week, current, key)
    if not reporting and while_waiting != "page":
        _stop_while_waiting(scope, while_waiting == "begun")
    return week


def _stop_while_waiting(scope: Scope, go_on_once_begun: bool) -> None:
    year = _year(scope)
    start = year_start.start(year, scope.db)
    if start.closed or (go_on_once_begun and start.begun):
        return
    st.title(scope.title)
    st.info(year_start.waiting_notice(year, scope.db), icon=":material/event_upcoming:")
    st.stop()


def _current_week_hint(scope: Scope, week: str, current: str, key: str) -> None:
    """The current week's deadline under the week filter, and a button to it when another week
    is shown. For a past plan the week is its last one, for a plan not begun its first: they
    are named so, never "this week"."""
    due = fmt_deadline(calendar.deadline(current, scope.db))
    today = periods.week_id(settings.now().date())
    name = (
        "tuần hiện tại"
        if current == today
        else "tuần cuối của Kế hoạch"
        if current < today
        else "tuần báo cáo đầu tiên"
    )
    if week == current:
        st.sidebar.caption(f"Đang xem {name} · hạn nộp báo cáo: {due}.")
        return
    st.sidebar.button(
        f"Xem {name} ({periods.short_label(current)})",
        key=f"current_{key}",
        icon=":material/today:",
        on_click=_choose_week,
        args=(key, current),
        help="Tuần đang diễn ra; các đơn vị có thể chưa nộp báo cáo." if current == today else None,
    )
    st.sidebar.caption(f"Hạn nộp báo cáo {name}: {due}.")


def _choose_week(key: str, week: str) -> None:
    # The widget's own state is dropped so that it reads the new value from the URL.
    st.session_state.pop(f"filter_{key}", None)
    st.query_params[key] = week


ALL = "__all__"  # the option meaning "no filter"; kept in the URL like any other value
ALL_LABEL = "Tất cả"


def all_or(format_func: Callable[[str], str] = str, label: str = ALL_LABEL) -> Callable[[str], str]:
    """A format_func for options headed by ALL: `label` for it, `format_func` for the rest."""
    return lambda value: label if value == ALL else format_func(value)


def chosen(value: str | None) -> str | None:
    """A filter's value with ALL (or nothing chosen) as None, which the accessors read as any."""
    return None if value in (None, ALL) else value


def select_any(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    all_label: str = ALL_LABEL,
    format_func: Callable[[str], str] = str,
) -> str | None:
    """A URL-kept sidebar filter whose first option, ALL, means any value; returns None for it."""
    value = select(label, [ALL, *options], key=key, format_func=all_or(format_func, all_label))
    return chosen(value)


def select_unit(
    scope: Scope, *, key: str = "unit", allow_all: bool = True, default_own: bool = True
) -> str | None:
    """Unit filter over the scope's units; returns a unit code or None for "every unit"."""
    names = plan.unit_labels(scope.db)  # sample units marked "(mẫu)"
    active = plan.units(scope.db)["code"].tolist()
    own = scope.user.unit_code
    default = own if default_own and own in active else None
    listed = searched(active, names, key=key, keep=[default] if default else [])
    options = ([ALL] if allow_all else []) + listed
    value = select(
        "Đơn vị",
        options,
        key=key,
        default=default or options[0],
        format_func=all_or(lambda c: f"{c} - {names.get(c, c)}", f"{ALL_LABEL} đơn vị"),
    )
    return chosen(value)


# Above this many units a unit selector lists the matches of a search box instead of every unit:
# 4,000 units in one body made a 4,000-option list (200 KB) every view of every page that has one.
LONG_LIST = 300
MATCHES_SHOWN = 100  # matches listed at most (type more to narrow them)


def searched(
    codes: list[str],
    names: dict[str, str],
    *,
    key: str,
    keep: Sequence[str] = (),
    sidebar: bool = True,
) -> list[str]:
    """The units a selector keyed `key` offers: all of `codes` when there are at most
    LONG_LIST; else those whose code or name contains what is typed in a search box above it
    (the first MATCHES_SHOWN), always with the unit in the link, the one chosen, and `keep`."""
    if len(codes) <= LONG_LIST:
        return codes
    where = st.sidebar if sidebar else st
    typed = nfc(where.text_input("Tìm đơn vị (mã hoặc tên)", key=f"{key}_search")).casefold()
    found = [c for c in codes if typed in f"{c} {names.get(c, '')}".casefold()] if typed else codes
    if len(found) > MATCHES_SHOWN:
        where.caption(
            f"{fmt_number(len(found), 0)} đơn vị khớp; danh sách có {MATCHES_SHOWN} đơn vị đầu, "
            "gõ thêm mã hoặc tên để thu hẹp."
        )
    elif not found:
        where.caption("Không có đơn vị nào khớp từ khóa.")
    known, shown = set(codes), found[:MATCHES_SHOWN]
    current = [st.query_params.get(key), st.session_state.get(f"filter_{key}"), *keep]
    held = [c for c in dict.fromkeys(current) if c in known and c not in shown]
    return held + shown or codes[:1]
