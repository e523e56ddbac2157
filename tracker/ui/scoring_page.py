"""Tự chấm điểm page body, one function per section (kept in the package so the page stays thin).

The Office's assessment (VP), a unit's own totals, then three lazy tabs (issue 35: only the
open one is built and sent): the ranking, criterion × unit, one unit's self vs reviewed with
missing evidence and for HCTC its review form; VP adjustments for HCTC (the criteria sets:
tracker/ui/criteria_admin.py). Scores and tables come from scoring and score_views; every write
is checked again there. Everything a run shows is read in one snapshot of the database of the
page's scope (load()), so a commit during a run cannot show totals from before it beside lines
from after it. At city scale the ranking and the criterion × unit table show a page of units at
a time (with a search), not 250 at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from tracker import wording
from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import criteria, plans
from tracker.metrics import cache, scoring
from tracker.scope import Scope
from tracker.text import fmt_datetime, fmt_number, nfc
from tracker.ui import display, filters, flash, lazy_tabs, score_views

FLASH = "tu_cham_diem_flash"  # a write's success message, shown after the rerun
MISSING_OPEN = "missing_open"  # the expander of the points without evidence (its open state)
VP_DETAIL = "vp_detail"  # the expander "Chi tiết theo tiêu chí" (its open state)
MISSING_PAGE = 100  # rows of "Điểm dương chưa có tài liệu kiểm chứng" per page
# The three grids under the headline, one tab each: every grid a page sends costs its mount in
# the browser, also in a tab nobody opens (the page was 1.60x Tài khoản with all three sent).
TAB_RANKING, TAB_MATRIX, TAB_DETAIL = "Xếp hạng đơn vị", "Theo tiêu chí", "Chi tiết một đơn vị"
TAB_KEY = "xem"  # the open tab, also in the URL (?xem=Theo tiêu chí) so a view can be shared
# The URL parameter the detail reads: a link naming a unit (?score_unit=) opens its detail.
TAB_PARAMS = {TAB_DETAIL: ("score_unit",)}


@dataclass(frozen=True)
class View:
    """What every section of one run reads: the viewer, the database and year of the page's
    scope, and the year's score tables.

    The frames are built once per data version and shared by every session: read, never change.
    """

    user: User
    db: Path
    year: int
    active: dict[str, Any]  # the criteria set in force
    table: pd.DataFrame  # one row per unit (and VP): totals, grade, rank
    lines: pd.DataFrame  # one row per unit × criterion
    units: pd.DataFrame  # table without the VP row
    is_admin: bool  # may review and adjust
    vp: pd.DataFrame  # the Office's assessment per criterion
    totals: dict[str, dict[str, Any] | None]  # unit_total() of 'VP' and of the viewer's unit
    last_totals: dict[str, dict[str, Any] | None]  # the same, last year (year over year)
    late: pd.DataFrame  # scoring.late_record(): the reporting record behind P1
    # The lines grouped by unit (stable) and each unit's slice of them: one frame, not a frame
    # per unit (4,000 frames were 340,000 objects for the collector to walk).
    by_unit: pd.DataFrame
    unit_rows: dict[str, tuple[int, int]]
    words: wording.Words  # the Office's own words, or another body's neutral ones

    def unit_lines(self, unit_code: str) -> pd.DataFrame:
        """criterion_lines(year, unit_code), from this run's snapshot."""
        start, stop = self.unit_rows.get(unit_code, (0, 0))
        return self.by_unit.iloc[start:stop].reset_index(drop=True)


def show_flash() -> None:
    flash.show(FLASH)


def load(scope: Scope) -> View:
    """Everything the sections read of the scope's plan year (the plan chosen in the sidebar),
    from one snapshot of the scope's database."""
    user, path, year = scope.user, scope.db, scope.year
    with cache.snapshot(path):
        shared = cache.derived("scoring_page.load", lambda: _year_data(year, path), path, year)
        own = [user.unit_code] if user.role == "don_vi" and user.unit_code else []
        return View(
            user=user,
            db=path,
            year=year,
            active=criteria.active_set(path, year=year),
            is_admin=auth.can(user, "review"),
            totals={code: scoring.unit_total(code, year, path) for code in [scoring.VP, *own]},
            last_totals={
                code: scoring.unit_total(code, year - 1, path) for code in [scoring.VP, *own]
            },
            late=scoring.late_record(year, path),  # depends on the clock too: not shared
            words=wording.of_file(path),
            **shared,
        )


def _year_data(year: int, path: Path) -> dict[str, Any]:
    """The year's score tables, as every session's View shares them."""
    table = scoring.scores_table(year, path)
    lines = scoring.criterion_lines(year, path=path)
    order = {code: i for i, code in enumerate(lines["unit_code"].unique())}  # as first seen
    by_unit = lines.iloc[lines["unit_code"].map(order).argsort(kind="stable")]
    codes = by_unit["unit_code"].tolist()
    ends = {code: i + 1 for i, code in enumerate(codes)}
    starts = {code: i for i, code in reversed(list(enumerate(codes)))}
    return {
        "table": table,
        "lines": lines,
        "units": table[table["unit_code"] != scoring.VP],
        "vp": scoring.vp_lines(year, path),
        "by_unit": by_unit,
        "unit_rows": {code: (starts[code], ends[code]) for code in starts},
    }


def intro(view: View) -> None:
    active, words = view.active, view.words
    if active["provisional"]:
        st.warning(
            criteria.PROVISIONAL_WARNING.format(loader=words.criteria_loader),
            icon=":material/warning:",
        )
    elif view.table["provisional"].fillna(False).astype(bool).any():
        st.warning(
            "Một số bảng điểm dưới đây được chấm theo bộ tiêu chí tạm thời (trước khi "
            f"{words.criteria_loader} nạp Phụ lục II chính thức); điểm đó chỉ có tính tham khảo.",
            icon=":material/warning:",
        )
    st.caption(
        f"Bộ tiêu chí đang áp dụng: **{active['label']}** (nạp {fmt_datetime(active['loaded_at'])}). "
        f"Điểm do đơn vị tự chấm; điểm thẩm định do {words.admin} nhập. "
        "Tổng điểm = 100 × điểm tiêu chí / điểm tối đa các tiêu chí áp dụng + điểm thưởng − điểm trừ."
    )


def _metric_row(total: dict, label: str, last: dict | None, year: int) -> None:
    """The headline: this year's final score and grade, with last year's beside them (the
    change on the score, last year's score, grade and rank under it)."""
    cols = st.columns(4)
    change = score_views.change_text(total, last)
    cols[0].metric(
        label,
        score_views.score_text(total["final_total"]),
        delta=change or None,
        delta_description=f"so với năm {year - 1}" if change else None,
    )
    cols[1].metric("Xếp loại", total["grade"])
    cols[2].metric(
        "Điểm tự chấm",
        score_views.score_text(total["self_total"]),
        help="Trước thẩm định / điều chỉnh",
    )
    cols[3].metric("Điểm áp dụng", score_views.score_text(total["applicable_points"]))
    st.caption(score_views.gap_text(total))
    if last is not None:
        st.caption(score_views.last_year_text(last, year - 1))


def _save(action: Callable[[], object], message: str) -> None:
    """Run a write; on success rerun so every table above shows it, with the message kept."""
    try:
        action()
    except (scoring.ScoringError, auth.PermissionDenied) as exc:
        st.error(str(exc))
    else:
        flash.keep(FLASH, message)
        st.rerun()


# --- Đánh giá chung của Văn phòng -------------------------------------------------------------


def vp_section(view: View) -> None:
    words = view.words
    st.header(f"Đánh giá chung của {words.body}")
    vp, last = view.totals[scoring.VP], view.last_totals[scoring.VP]
    if vp is None:
        st.info(f"Chưa có đơn vị nào nộp bảng Tự chấm điểm năm {view.year}.")
        if last is not None:
            st.caption(score_views.last_year_text(last, view.year - 1))
        return
    _metric_row(vp, f"Điểm của {words.body}", last, view.year)
    st.caption(
        "Mỗi tiêu chí lấy điểm cuối cùng của đơn vị phụ trách tiêu chí đó"
        + (" (mặc định HCTC)" if words is wording.OFFICE else "")
        + f"; {words.admin_short} có thể điều chỉnh kèm nhận xét."
    )
    # Drawn only when opened (a click reruns the page): a grid in a closed expander was still
    # drawn by the browser on every visit (issue 35).
    box = st.expander("Chi tiết theo tiêu chí", key=VP_DETAIL, on_change="rerun")
    if box.open:
        with box:
            _vp_table(view)
    if view.is_admin:
        _vp_form(view)


def _vp_table(view: View) -> None:
    words = view.words
    display.shared(
        "scoring.vp_table",
        view.year,
        audience=display.EVERYONE,
        draw=lambda: st.dataframe(
            score_views.score_styler(score_views.vp_table(view.vp, words)),
            hide_index=True,
            width="stretch",
            placeholder=score_views.EMPTY_CELL,
            key="vp_table",
        ),
        path=view.db,
    )


def _vp_form(view: View) -> None:
    user, year, path = view.user, view.year, view.db
    options = score_views.criterion_options(view.vp)
    with st.expander(f"Điều chỉnh đánh giá chung ({view.words.admin_short})"), st.form("vp_form"):
        code = st.selectbox("Tiêu chí", list(options), format_func=options.get, key="vp_criterion")
        na = st.checkbox("Không áp dụng", key="vp_na")
        score = st.number_input("Điểm điều chỉnh", value=0.0, step=0.5, key="vp_score")
        comment = st.text_area("Nhận xét (bắt buộc)", key="vp_comment")
        clear = st.checkbox("Bỏ điều chỉnh (dùng lại điểm của đơn vị phụ trách)", key="vp_clear")
        if st.form_submit_button("Lưu điều chỉnh", type="primary"):
            _save(
                lambda: (
                    scoring.clear_vp_adjustment(user, year, code, path=path)
                    if clear
                    else scoring.set_vp_adjustment(
                        user, year, code, None if na else score, comment, path=path
                    )
                ),
                f"Đã lưu điều chỉnh tiêu chí {code}.",
            )


# --- Điểm của đơn vị (tài khoản đơn vị) -------------------------------------------------------


def own_unit_section(view: View) -> None:
    unit_code = view.user.unit_code
    st.header(f"Điểm của đơn vị {unit_code}")
    total, last = view.totals[unit_code], view.last_totals[unit_code]
    if total is None:
        st.info(
            f"Đơn vị chưa nộp bảng “Tự chấm điểm” năm {view.year}. Điền trang tính "
            "“Tự chấm điểm” trong biểu mẫu báo cáo tuần rồi nộp ở trang Nộp báo cáo."
        )
        if last is not None:
            st.caption(score_views.last_year_text(last, view.year - 1))
        return
    _metric_row(total, "Điểm cuối cùng", last, view.year)
    if total["rank"] is not None:
        st.caption(f"Hạng hiện tại: {total['rank']}.")
    detail = score_views.unit_detail(view.unit_lines(unit_code))
    st.dataframe(
        score_views.unit_detail_styler(detail),
        hide_index=True,
        width="stretch",
        placeholder=score_views.EMPTY_CELL,
        key="own_detail",
    )
    _late_note(view, unit_code)


# --- Xếp hạng, bảng điểm theo tiêu chí, chi tiết một đơn vị (lazy tabs) -----------------------


def tab_sections(view: View) -> None:
    """The tabs, and the open tab's section only (the ranking first: a leader's first view)."""
    tabs = (TAB_RANKING, TAB_MATRIX, TAB_DETAIL)
    chosen, box = lazy_tabs.open_tab(tabs, key=TAB_KEY, owns=TAB_PARAMS, link=True)
    section = {TAB_RANKING: ranking_section, TAB_MATRIX: matrix_section}.get(chosen, detail_section)
    with box:
        section(view)


def ranking_section(view: View) -> None:
    st.header("Xếp hạng các đơn vị")
    year = view.year
    if view.units.empty:
        st.info(f"Chưa có đơn vị nào nộp bảng Tự chấm điểm năm {year}.")
        return
    basis = (
        f"{len(view.units)} đơn vị có bảng tự chấm điểm năm {year}; điểm cuối cùng "
        "(điểm thẩm định nếu có)" + ("; bộ tiêu chí tạm thời" if view.active["provisional"] else "")
    )
    shown = _ranking_page(score_views.ranking(year, view.db))
    codes = tuple(shown["Mã đơn vị"])

    bands = score_views.bands(year, view.db)

    def draw() -> None:
        # The final score as a bar inside the ranking table (one grid for the browser to draw,
        # not a plotly chart of the same rows above it: issue 35, 155 ms of the page at city
        # scale); the grade beside it and the bands in the caption under it.
        st.caption(f"{basis}.")
        st.dataframe(
            score_views.ranking_styler(score_views.with_bar(shown)),
            hide_index=True,
            width="stretch",
            placeholder="—",  # an unranked unit's empty Hạng, not "None"
            column_config={score_views.BAR: _bar_column()},
            key="ranking_table",
        )
        st.caption(score_views.bands_text(bands))

    display.shared(
        "scoring.ranking", year, codes, basis, audience=display.EVERYONE, draw=draw, path=view.db
    )
    threshold = _rank_min_points(year, view.db)
    rule = (
        f"có từ {threshold} điểm tiêu chí áp dụng trở lên"
        if threshold
        else f"đủ số điểm tiêu chí áp dụng tối thiểu {view.words.body} quy định"
    )
    st.caption(f"Chỉ xếp hạng đơn vị {rule}; điểm cuối cùng dùng điểm thẩm định nếu có.")
    _scores_download(year, view.db)


def _bar_column() -> Any:
    """The ranking's bar column: 0 to 100, no number printed (a blank format: the number is in
    the column before it, with the decimal comma the grid's printf cannot write)."""
    return st.column_config.ProgressColumn(
        score_views.BAR,
        min_value=0,
        max_value=100,
        format=" ",
        color="blue",
        width="medium",
        help="Điểm cuối cùng trên thang 100",
    )


def _rank_min_points(year: int, path: Path) -> str | None:
    """The ranking threshold the rule reads (the plan's rank_min_points setting), as shown:
    '50'; None when it cannot be read (the caption then names the setting)."""
    try:
        value = float(plans.setting(year, "rank_min_points", path))
    except (KeyError, ValueError):
        return None
    return fmt_number(value, 0 if value.is_integer() else 1)


def _ranking_page(ranked: pd.DataFrame) -> pd.DataFrame:
    return _paged(ranked, "ranking", score_views.PAGE_SIZE)


def _paged(rows: pd.DataFrame, key: str, size: int) -> pd.DataFrame:
    """All rows when they fit on one page; else a search (unit code or name) and the chosen
    page of `size` rows (display.page, every long table's pager). The rows are shown as they
    are: a page is a slice, never a summary."""
    if len(rows) <= size:
        return rows
    search = nfc(st.text_input("Tìm đơn vị (mã hoặc tên)", key=f"{key}_search")).lower()
    found = rows
    if search:
        text = (rows["Mã đơn vị"] + " " + rows["Đơn vị"]).str.lower()
        found = rows[text.str.contains(search, regex=False)]
    if found.empty:
        st.info("Không có đơn vị nào khớp với từ khóa.")
    return display.page(found, key=key, rows=size)


def _scores_download(year: int, path: Path) -> None:
    st.download_button(
        "Tải bảng điểm (CSV)",
        cache.derived(
            "scoring.scores_csv", lambda: scoring.scores_csv(f"{year}-W01", path), path, year
        ),
        file_name=f"diem_{year}.csv",
        mime="text/csv",
        on_click="ignore",
        key="scores_csv",
    )
    st.caption(
        "Nếu Excel dồn các cột vào một cột, hãy dùng Báo cáo tổng hợp (.xlsx) ở trang Xuất dữ liệu."
    )


def matrix_section(view: View) -> None:
    st.header("Bảng điểm theo tiêu chí")
    frames = score_views.year_matrix(view.year, view.db)
    if frames is None:
        st.info("Chưa có dữ liệu.")
        return
    values, styles = frames
    units = _matrix_units(list(values.columns))
    display.shared(
        "scoring.matrix",
        view.year,
        None if units is None else tuple(units),
        audience=display.EVERYONE,
        draw=lambda: st.dataframe(
            score_views.styled_matrix(values, styles, units),
            width="stretch",
            key="criterion_matrix",
        ),
        path=view.db,
    )
    st.caption(
        "Điểm cuối cùng; màu theo tỷ lệ điểm / điểm tối đa (xanh đậm: mức Tốt, xanh nhạt: Khá, "
        "vàng: Trung bình, đỏ: Yếu hoặc bị trừ điểm). Cột VP: đánh giá chung."
    )


# --- Tự chấm và thẩm định theo đơn vị ---------------------------------------------------------


def _matrix_units(columns: list[str]) -> list[str] | None:
    """The VP column and one page of unit columns (None: all of them fit)."""
    vp = [c for c in columns if c == scoring.VP]
    units = [c for c in columns if c != scoring.VP]
    if len(units) <= score_views.MATRIX_PAGE:
        return None
    pages = score_views.pages(units, score_views.MATRIX_PAGE)
    page = st.selectbox(
        "Các đơn vị trong bảng",
        range(len(pages)),
        format_func=lambda i: f"{pages[i][0]} … {pages[i][-1]} ({len(pages[i])} đơn vị)",
        key="matrix_page",
    )
    return vp + pages[min(page, len(pages) - 1)]


def detail_section(view: View) -> None:
    # A unit user already sees their own table above: offer the other units here, not it twice.
    user = view.user
    own = user.unit_code if user.role == "don_vi" else None
    st.header(
        "Tự chấm và thẩm định của các đơn vị khác" if own else "Tự chấm và thẩm định theo đơn vị"
    )
    if view.units.empty:
        st.info("Chưa có dữ liệu.")
        return
    codes = [c for c in view.units["unit_code"].tolist() if c != own]
    if codes:
        unit = _unit_detail(view, codes)
    else:
        unit = None
        st.caption("Chưa có đơn vị nào khác nộp bảng tự chấm điểm.")
    _missing_evidence(view.year, view.db)
    if view.is_admin and unit:
        _review_form(view, unit)


def _unit_detail(view: View, codes: list[str]) -> str | None:
    labels = cache.derived(  # once per data version, not one string per unit every run
        "scoring_page.unit_labels",
        lambda: {
            c: f"{c} - {n}"
            for c, n in zip(view.units["unit_code"], view.units["unit_name"], strict=True)
        },
        view.db,
        view.year,
    )
    unit = filters.select(
        "Đơn vị",
        filters.searched(codes, labels, key="score_unit", sidebar=False),  # 4,000: a search
        key="score_unit",
        default=codes[0],
        format_func=lambda c: labels.get(c, c),
        sidebar=False,
    )
    display.shared(
        "scoring.unit_detail",
        view.year,
        unit,
        audience=display.EVERYONE,
        draw=lambda: st.dataframe(
            score_views.unit_detail_styler(score_views.unit_detail(view.unit_lines(unit))),
            hide_index=True,
            width="stretch",
            placeholder=score_views.EMPTY_CELL,
            key="unit_detail",
        ),
        path=view.db,
    )
    _late_note(view, unit)
    return unit


def _late_note(view: View, unit: str) -> None:
    """Beside the unit's own P1: the deduction its reporting record implies under the rule; for
    HCTC a button storing that value as the review (the default the Office starts from)."""
    lines = view.unit_lines(unit)
    p1 = lines[lines["criterion_code"] == scoring.LATE_CRITERION]
    record = view.late[view.late["unit_code"] == unit]
    if p1.empty or record.empty:
        return
    row, own = record.iloc[0], p1.iloc[0]
    implied = float(row["implied"])
    self_text = (
        score_views.NOT_APPLICABLE if own["self_na"] else score_views.score_text(own["self_score"])
    )
    note = score_views.late_note(row, self_text or "0,0")
    st.caption(note)
    reviewed = bool(own["reviewed"]) and not pd.isna(own["review_score"])
    if not view.is_admin or (reviewed and abs(float(own["review_score"]) - implied) < 1e-9):
        return
    label = f"Dùng {score_views.score_text(implied)} làm điểm thẩm định P1 của {unit}"
    if st.button(label, key=f"late_review_{unit}"):
        _save(
            lambda: scoring.set_review(
                view.user, unit, view.year, scoring.LATE_CRITERION, implied, note, path=view.db
            ),
            f"Đã lưu điểm thẩm định P1 của {unit} theo sổ theo dõi.",
        )


def _missing_evidence(year: int, path: Path) -> None:
    missing = cache.derived(
        "score_views.missing_evidence",
        lambda: score_views.missing_evidence(scoring.criterion_lines(year, path=path)),
        path,
        year,
    )
    st.subheader("Điểm dương chưa có tài liệu kiểm chứng")
    if missing.empty:
        st.success("Mọi điểm dương đều có tài liệu kiểm chứng.")
        return
    # Drawn only when opened (a click reruns the page); the label says how many (issue 35).
    label = f"Xem {fmt_number(len(missing), 0)} điểm chưa có tài liệu kiểm chứng"
    box = st.expander(label, key=MISSING_OPEN, on_change="rerun")
    if not box.open:
        return
    with box:
        shown = _paged(missing, "missing", MISSING_PAGE)
        shown.attrs.update(missing.attrs)  # its score columns, on any page of it
        st.dataframe(
            score_views.score_styler(shown),
            hide_index=True,
            width="stretch",
            placeholder=score_views.EMPTY_CELL,
            key="missing_evidence",
        )


def _review_form(view: View, unit: str) -> None:
    user, year, path = view.user, view.year, view.db
    options = score_views.criterion_options(view.unit_lines(unit))
    st.subheader(f"Nhập điểm thẩm định cho {unit}")
    with st.form("review_form"):
        code = st.selectbox(
            "Tiêu chí", list(options), format_func=options.get, key="review_criterion"
        )
        na = st.checkbox("Không áp dụng đối với đơn vị", key="review_na")
        score = st.number_input(
            "Điểm thẩm định",
            value=0.0,
            step=0.5,
            help="Điểm trừ: nhập số điểm bị trừ (ví dụ 2 hoặc -2).",
            key="review_score",
        )
        comment = st.text_area("Nhận xét thẩm định (bắt buộc)", key="review_comment")
        clear = st.checkbox("Xóa điểm thẩm định (dùng lại điểm tự chấm)", key="review_clear")
        if st.form_submit_button("Lưu điểm thẩm định", type="primary"):
            _save(
                lambda: (
                    scoring.clear_review(user, unit, year, code, path=path)
                    if clear
                    else scoring.set_review(
                        user, unit, year, code, None if na else score, comment, path=path
                    )
                ),
                f"Đã lưu điểm thẩm định tiêu chí {code} của {unit}.",
            )
