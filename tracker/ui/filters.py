"""Sidebar filters kept in the URL (st.query_params), so a view can be shared as a link."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import streamlit as st

from tracker import settings
from tracker.accounts.auth import User
from tracker.catalogue import catalogues, periods, plan


def first_week() -> str:
    return catalogues.setting("first_week")


def current_week() -> str:
    """This week, kept inside the plan's reporting span (first week .. last week of the year)."""
    year = int(catalogues.setting("year"))
    last = periods.week_id(date(year, 12, 28))
    today = periods.week_id(settings.now().date())
    return max(first_week(), min(today, last)) if today[:4] <= str(year) else last


def week_options() -> list[str]:
    """Weeks from the first reporting week to the current one, newest first."""
    return list(reversed(periods.weeks_between(first_week(), current_week())))


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


def select_week(label: str = "Số liệu đến hết tuần", key: str = "week") -> str:
    return (
        select(label, week_options(), key=key, default=current_week(), format_func=periods.label)
        or current_week()
    )


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
    user: User, *, key: str = "unit", allow_all: bool = True, default_own: bool = True
) -> str | None:
    """Unit filter; returns a unit code or None for "every unit"."""
    names = plan.unit_names()
    active = plan.units()["code"].tolist()
    options = ([ALL] if allow_all else []) + active
    default = user.unit_code if default_own and user.unit_code in active else options[0]
    value = select(
        "Đơn vị",
        options,
        key=key,
        default=default,
        format_func=all_or(lambda c: f"{c} - {names.get(c, c)}", f"{ALL_LABEL} đơn vị"),
    )
    return chosen(value)
