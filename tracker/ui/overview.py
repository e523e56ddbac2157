"""The sections of Tổng quan (tracker/ui/pages/tong_quan.py draws them in order).

One column of sections, so it reads on a ≈390 px phone: the unit's deadline banner, the key
figures, the requests of Sở Nội vụ still unanswered (leaders and admins, when any), tasks by
status, this week's reporting grid, the open difficulties, and the weekly trends and this year
against last in lazy tabs (only the open one drawn). Sample units show "(mẫu)". Each
section reads the database at `path` (the page's scope).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from tracker.catalogue import periods, plans
from tracker.metrics import cache, difficulties, progress, reporting, year_over_year
from tracker.text import fmt_number, fmt_pct
from tracker.ui import charts, display, lazy_tabs, tables

GRID_STATES = (reporting.ON_TIME, reporting.LATE, reporting.MISSING)
OPEN_SHOWN = 5  # open difficulties listed on Tổng quan; the rest are on Vướng mắc
# The reporting grid shows every unit up to GRID_ROWS (office scale: 10); above that it scrolls in
# a box of that many rows, so the difficulties and the trends stay near the top of the page
# rather than 7,000 px below (city scale: 200 units a page), and the browser draws one box.
GRID_ROWS = 16
GRID_HEIGHT = 38 + 35 * GRID_ROWS  # px: the header and GRID_ROWS rows of st.dataframe


def reporting_grid(status: pd.DataFrame, path: Path) -> pd.DataFrame:
    """One row per unit: code, this week's state (Đúng hạn / Trễ hạn / Chưa nộp), name, time.

    The code and the state come first: on a ≈390 px phone the table shows two columns, and
    three tick-box columns after the unit's full name were off screen.
    """
    return pd.DataFrame(
        {
            "Đơn vị": tables.unit_codes(status["unit_code"], path),
            "Tình trạng": status["state"],
            "Tên đơn vị": tables.unit_names(status["unit_name"], status["unit_code"], path),
            "Nộp lần đầu lúc": pd.to_datetime(status["first_upload"]),
        }
    )


def open_difficulties(items: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The newest open difficulties for Tổng quan: unit, task, content, when (short on a phone)."""
    items = items.head(OPEN_SHOWN)
    return pd.DataFrame(
        {
            "Đơn vị": tables.unit_codes(items["unit_code"], path),
            "Nhiệm vụ": items["task_code"].fillna("—"),
            "Khó khăn, vướng mắc": items["content"],
            "Ngày nêu": pd.to_datetime(items["reported_at"]),
        }
    )


def change(current: float | None, previous: float | None, unit: str, decimals: int = 0) -> str:
    """A metric card's change since the previous week: '+2,5 điểm %', '-1 đơn vị',
    'Không đổi'; '' when either week has no figure."""
    if current is None or previous is None:
        return ""
    diff = round(current - previous, decimals)
    if diff == 0:
        return "Không đổi"
    sign = "+" if diff > 0 else "-"
    return f"{sign}{fmt_number(abs(diff), decimals)} {unit}"


def _delta(text: str, *, inverse: bool = False) -> dict:
    """st.metric arguments for a change: grey and without an arrow when nothing changed."""
    if text in ("", "Không đổi"):
        return {"delta": text or None, "delta_color": "off", "delta_arrow": "off"}
    return {"delta": text, "delta_color": "inverse" if inverse else "normal"}


def banner(unit_code: str, week: str, path: Path) -> None:
    """A unit's own deadline: reported on time, late, or not yet (and until when)."""
    text = reporting.deadline_banner(unit_code, week, path=path)
    if "chưa nộp" in text:
        st.warning(text, icon=":material/schedule:")
    else:
        st.success(text, icon=":material/task_alt:")


def key_figure_changes(week: str, plan: progress.PlanCompletion, path: Path) -> dict[str, str]:
    """The change of each key figure since the week before `week` (see change()), within the
    plan of `week` only: a plan's first reporting week is compared with nothing (last year's
    last week is another plan, its tasks and its units' figures started afresh)."""
    before = periods.shift(week, -1)
    if before < plans.first_week(plans.of_week(week), path):
        return {"plan": "", "reported": "", "difficulties": ""}
    plan_before = progress.plan_completion(before, path)
    rates, rates_before = reporting.rates(week, path), reporting.rates(before, path)
    return {
        "plan": change(
            plan.value if plan.has_data else None,
            plan_before.value if plan_before.has_data else None,
            "điểm %",
            1,
        ),
        "reported": change(
            rates["reported"] if rates["expected"] else None,
            rates_before["reported"] if rates_before["expected"] else None,
            "đơn vị",
        ),
        "difficulties": change(
            difficulties.open_count(week, path), difficulties.open_count(before, path), "vướng mắc"
        ),
    }


def key_figures(week: str, plan: progress.PlanCompletion, path: Path) -> None:
    """Completion of the plan, units reported, open difficulties, each with its change."""
    rates = reporting.rates(week, path)
    changes = key_figure_changes(week, plan, path)
    since = f"so với {periods.short_label(periods.shift(week, -1)).lower()}"
    cols = st.columns(3)
    cols[0].metric(
        "Hoàn thành Kế hoạch",
        fmt_pct(plan.value) if plan.has_data else "—",
        help="Bình quân có trọng số tỷ lệ hoàn thành các nhiệm vụ (đơn vị tự đánh giá).",
        delta_description=since if changes["plan"] else None,
        **_delta(changes["plan"]),
    )
    cols[1].metric(
        f"Đơn vị đã nộp {periods.short_label(week).lower()}",
        f"{rates['reported']}/{rates['expected']}" if rates["expected"] else "Không yêu cầu",
        help="Đơn vị có báo cáo được chấp nhận cho tuần đang xem / đơn vị phải báo cáo.",
        delta_description=since if changes["reported"] else None,
        **_delta(changes["reported"]),
    )
    cols[2].metric(
        "Vướng mắc chưa xử lý",
        difficulties.open_count(week, path),
        delta_description=since if changes["difficulties"] else None,
        **_delta(changes["difficulties"], inverse=True),
    )
    st.caption(
        f"{progress.SELF_REPORTED} "
        f"{tables.basis(week, plan.units_reported, plan.active_units)}; "
        f"{plan.tasks_reported}/{plan.tasks} nhiệm vụ có báo cáo."
    )


def status_section(week: str, plan: progress.PlanCompletion, path: Path) -> None:
    """Tasks by status (a chart), or why there is nothing to count yet."""
    if not plan.has_data:
        st.info(
            f"{progress.NO_DATA}: chưa đơn vị nào nộp báo cáo tiến độ đến hết "
            f"{periods.short_label(week).lower()}.",
            icon=":material/info:",
        )
        return
    basis = tables.basis(week, plan.units_reported, plan.active_units)

    def draw() -> None:
        fig = charts.status_bars(progress.status_counts(week, path), basis)
        st.plotly_chart(fig, width="stretch", key="overview_status_chart")

    display.shared(
        "overview.status_chart", week, basis, audience=display.EVERYONE, draw=draw, path=path
    )
    st.caption(tables.status_rule(week, path))


def reporting_section(week: str, path: Path) -> None:
    """The week's reporting grid: every unit's state."""
    st.subheader(f"Tình hình nộp báo cáo {periods.short_label(week).lower()}")
    status = reporting.week_status(week, path)
    if status.empty:
        st.info(f"{progress.NO_DATA}: chưa có đơn vị nào trong danh mục.")
        return
    if not status["expected"].any():
        st.info("Tuần này không yêu cầu báo cáo (tuần nghỉ hoặc trước tuần báo cáo đầu tiên).")
        return
    counts = status["state"].value_counts()
    st.caption(
        " · ".join(f"{s}: {int(counts.get(s, 0))}" for s in GRID_STATES)
        + f" (trên {int(status['expected'].sum())} đơn vị phải báo cáo)"
    )
    grid = cache.derived(
        "overview.grid", lambda: reporting_grid(reporting.week_status(week, path), path), path, week
    )
    display.show(
        grid,
        height="content" if len(grid) <= GRID_ROWS else GRID_HEIGHT,
        key="overview_grid",
        share=(week,),
        audience=display.EVERYONE,
        path=path,
    )


def difficulties_section(week: str, path: Path, link: dict[str, str] | None = None) -> None:
    """The newest open difficulties, and the way to the rest (its link with `link`'s query
    parameters: the body a city role has chosen)."""
    st.subheader("Vướng mắc chưa xử lý")
    items = difficulties.open_list(week, path)
    if items.empty:
        st.caption(f"Không có vướng mắc nào chờ xử lý đến hết {periods.short_label(week).lower()}.")
        return
    newest = cache.derived(
        "overview.difficulties",
        lambda: open_difficulties(difficulties.open_list(week, path), path),
        path,
        week,
    )
    display.show(
        newest,
        key="overview_difficulties",
        share=(week,),
        audience=display.EVERYONE,
        path=path,
    )
    more = (
        f"{OPEN_SHOWN} vướng mắc mới nhất trong số {len(items)}. "
        if len(items) > OPEN_SHOWN
        else ""
    )
    st.caption(f"{more}Xem đầy đủ và đánh dấu đã xử lý ở trang Vướng mắc.")
    st.page_link(
        "pages/vuong_mac.py",
        label="Mở trang Vướng mắc",
        icon=":material/report:",
        query_params=link or None,
    )


# The weekly lines and this year against last are drawn on request (issue 35): each plotly
# chart's mount cost the browser about 90 ms at city scale, scrolled to or not, and with them
# Tổng quan was 1.6-1.8x the lightest page. They sit in an expander, closed at first (a click
# reruns the page and stays open), with a lazy tab each: only the open tab is drawn.
TRENDS_OPEN = "overview_trends_open"  # the expander's open state
TRENDS_KEY = "overview_trends_tab"  # its open tab
TRENDS_LABEL = "Diễn biến theo tuần"
TAB_PLAN, TAB_REPORTING = "Hoàn thành Kế hoạch", "Nộp báo cáo"


def trends_and_year(week: str, plan: progress.PlanCompletion, path: Path) -> None:
    """The plan's and the reporting rate's weekly lines and this year against last, a tab each
    (the year's when last year has a plan), in an expander; only what is open is drawn. Before
    any progress report there are no lines: the year's figures alone, as a section."""
    found = year_over_year.compare(week, path)
    if not plan.has_data:
        if found is not None:
            year_section(week, found)
        return
    year_tab = f"So với năm {found.last.year}" if found is not None else None
    label = f"{TRENDS_LABEL}, {year_tab.lower()}" if year_tab else TRENDS_LABEL
    box = st.expander(label, key=TRENDS_OPEN, on_change="rerun")
    if not box.open:
        return
    with box:
        _trend_tabs(week, plan, path, found, year_tab)


def _trend_tabs(
    week: str,
    plan: progress.PlanCompletion,
    path: Path,
    found: year_over_year.Comparison | None,
    year_tab: str | None,
) -> None:
    tabs = [TAB_PLAN, TAB_REPORTING, *([year_tab] if year_tab else [])]
    chosen, box = lazy_tabs.open_tab(tabs, key=TRENDS_KEY)
    basis = tables.basis(week, plan.units_reported, plan.active_units)
    with box:
        if chosen == year_tab and found is not None:
            year_section(week, found)
            return
        name, draw = ("plan", _plan_trend) if chosen == TAB_PLAN else ("rate", _reporting_trend)
        display.shared(
            f"overview.trend.{name}",
            week,
            basis,
            audience=display.EVERYONE,
            draw=lambda: draw(week, basis, path),
            path=path,
        )


def _plan_trend(week: str, plan_basis: str, path: Path) -> None:
    """The plan's weekly line (last year's too when it had a plan). Drawn once per data version
    and replayed to every session (display.shared): building and serialising plotly figures was
    most of this page's server time, and every leader asks for the same ones."""
    trend = progress.plan_trend(week, path)
    if trend.empty:
        return
    fig = charts.trend_line(
        trend["week"],
        trend["plan_completion"],
        title="Tỷ lệ hoàn thành Kế hoạch",
        basis=plan_basis,
        name="Hoàn thành Kế hoạch",
        previous=_previous(
            _last_year(week, path),
            lambda w: progress.plan_trend(w, path),
            "week",
            "plan_completion",
        ),
    )
    st.plotly_chart(fig, width="stretch", key="overview_plan_trend")


def _reporting_trend(week: str, _plan_basis: str, path: Path) -> None:
    """The reporting rate's weekly line (last year's too), drawn once per data version."""
    rates = reporting.trend(week, path=path)
    if rates.empty:
        return
    basis = tables.reporting_basis(week, reporting.rates(week, path))
    fig = charts.trend_line(
        rates["period"],
        rates["reporting_rate"],
        title="Tỷ lệ đơn vị nộp báo cáo",
        basis=basis,
        name="Tỷ lệ nộp báo cáo",
        previous=_previous(
            _last_year(week, path),
            lambda w: reporting.trend(w, path=path),
            "period",
            "reporting_rate",
        ),
    )
    st.plotly_chart(fig, width="stretch", key="overview_reporting_trend")


def _last_year(week: str, path: Path) -> str | None:
    """Last year's same week when last year has a plan (a line per year on the trends)."""
    year = plans.of_week(week)
    has_both = plans.exists(year, path) and plans.exists(year - 1, path)
    return year_over_year.same_week_last_year(week) if has_both else None


def _previous(
    week: str | None, read: Callable[[str], pd.DataFrame], weeks: str, values: str
) -> pd.DataFrame | None:
    if week is None:
        return None
    df = read(week)
    return pd.DataFrame({"week": df[weeks], "value": df[values]})


def year_section(week: str, found: year_over_year.Comparison) -> None:
    """This year against last year at the same week (year_over_year.compare found both)."""
    last = found.last
    st.subheader(f"So với năm {last.year} (cùng {periods.short_label(last.week).lower()})")
    cols = st.columns(3)
    figures = (
        ("carried_completion", f"Hoàn thành {len(found.carried_tasks)} nhiệm vụ chuyển tiếp"),
        ("reporting_rate", "Tỷ lệ nộp báo cáo bình quân"),
        ("on_time_rate", "Tỷ lệ nộp đúng hạn bình quân"),
    )
    for col, (name, label) in zip(cols, figures, strict=True):
        now, before = getattr(found.this, name), getattr(last, name)
        delta = found.change(name)
        col.metric(
            label,
            fmt_pct(now) if now is not None else "—",
            delta=None if delta is None else f"{fmt_number(delta)} điểm %",
            help=f"Năm {last.year}: {fmt_pct(before) if before is not None else 'chưa có'}.",
        )
    st.caption(
        "Nhiệm vụ chuyển tiếp: nhiệm vụ có cùng mã trong Kế hoạch hai năm; tỷ lệ nộp bình quân "
        "trên các tuần phải báo cáo từ đầu năm đến tuần đang xem."
    )
