"""Tự chấm điểm page body, one function per section (kept in the package so the page stays thin).

The Office's assessment (VP), a unit's own totals, the ranking, criterion × unit, self vs
reviewed with missing evidence, and for HCTC: reviews, VP adjustments and criteria sets.
Scores and tables come from scoring and score_views; every write is checked again there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import criteria
from tracker.metrics import scoring
from tracker.text import fmt_datetime
from tracker.ui import filters, flash, score_charts, score_views

FLASH = "tu_cham_diem_flash"  # a write's success message, shown after the rerun


@dataclass(frozen=True)
class View:
    """What every section of one run reads: the viewer, the year and its score tables."""

    user: User
    year: int
    active: dict[str, Any]  # the criteria set in force
    table: pd.DataFrame  # one row per unit (and VP): totals, grade, rank
    lines: pd.DataFrame  # one row per unit × criterion
    units: pd.DataFrame  # table without the VP row
    is_admin: bool  # may review and adjust


def show_flash() -> None:
    flash.show(FLASH)


def select_year() -> int:
    years = [str(y) for y in scoring.years()]
    chosen = filters.select("Năm chấm điểm", years, key="year", default=str(scoring.plan_year()))
    return int(chosen or 0)


def load(user: User, year: int) -> View:
    active = criteria.active_set()
    table = scoring.scores_table(year)
    return View(
        user=user,
        year=year,
        active=active,
        table=table,
        lines=scoring.criterion_lines(year),
        units=table[table["unit_code"] != scoring.VP],
        is_admin=auth.can(user, "review"),
    )


def intro(view: View) -> None:
    active = view.active
    if active["provisional"]:
        st.warning(criteria.PROVISIONAL_WARNING, icon=":material/warning:")
    elif view.table["provisional"].fillna(False).astype(bool).any():
        st.warning(
            "Một số bảng điểm dưới đây được chấm theo bộ tiêu chí tạm thời (trước khi Văn phòng nạp "
            "Phụ lục II chính thức); điểm đó chỉ có tính tham khảo.",
            icon=":material/warning:",
        )
    st.caption(
        f"Bộ tiêu chí đang áp dụng: **{active['label']}** (nạp {fmt_datetime(active['loaded_at'])}). "
        "Điểm do đơn vị tự chấm; điểm thẩm định do Phòng Hành chính - Tổ chức nhập. "
        "Tổng điểm = 100 × điểm tiêu chí / điểm tối đa các tiêu chí áp dụng + điểm thưởng − điểm trừ."
    )


def _metric_row(total: dict, label: str) -> None:
    cols = st.columns(4)
    cols[0].metric(label, score_views.score_text(total["final_total"]))
    cols[1].metric("Xếp loại", total["grade"])
    cols[2].metric(
        "Điểm tự chấm",
        score_views.score_text(total["self_total"]),
        help="Trước thẩm định / điều chỉnh",
    )
    cols[3].metric("Điểm áp dụng", score_views.score_text(total["applicable_points"]))
    st.caption(score_views.gap_text(total))


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
    st.header("Đánh giá chung của Văn phòng")
    vp = scoring.unit_total(scoring.VP, view.year)
    if vp is None:
        st.info(f"Chưa có đơn vị nào nộp bảng Tự chấm điểm năm {view.year}.")
        return
    _metric_row(vp, "Điểm của Văn phòng")
    st.caption(
        "Mỗi tiêu chí lấy điểm cuối cùng của đơn vị phụ trách tiêu chí đó (mặc định HCTC); "
        "HCTC có thể điều chỉnh kèm nhận xét."
    )
    with st.expander("Chi tiết theo tiêu chí"):
        st.dataframe(
            score_views.vp_table(scoring.vp_lines(view.year)),
            hide_index=True,
            width="stretch",
            key="vp_table",
        )
    if view.is_admin:
        _vp_form(view)


def _vp_form(view: View) -> None:
    user, year = view.user, view.year
    options = score_views.criterion_options(scoring.vp_lines(year))
    with st.expander("Điều chỉnh đánh giá chung (HCTC)"), st.form("vp_form"):
        code = st.selectbox("Tiêu chí", list(options), format_func=options.get, key="vp_criterion")
        na = st.checkbox("Không áp dụng", key="vp_na")
        score = st.number_input("Điểm điều chỉnh", value=0.0, step=0.5, key="vp_score")
        comment = st.text_area("Nhận xét (bắt buộc)", key="vp_comment")
        clear = st.checkbox("Bỏ điều chỉnh (dùng lại điểm của đơn vị phụ trách)", key="vp_clear")
        if st.form_submit_button("Lưu điều chỉnh", type="primary"):
            _save(
                lambda: (
                    scoring.clear_vp_adjustment(user, year, code)
                    if clear
                    else scoring.set_vp_adjustment(user, year, code, None if na else score, comment)
                ),
                f"Đã lưu điều chỉnh tiêu chí {code}.",
            )


# --- Điểm của đơn vị (tài khoản đơn vị) -------------------------------------------------------


def own_unit_section(view: View) -> None:
    unit_code = view.user.unit_code
    st.header(f"Điểm của đơn vị {unit_code}")
    total = scoring.unit_total(unit_code, view.year)
    if total is None:
        st.info(
            f"Đơn vị chưa nộp bảng “Tự chấm điểm” năm {view.year}. Điền trang tính "
            "“Tự chấm điểm” trong biểu mẫu báo cáo tuần rồi nộp ở trang Nộp báo cáo."
        )
        return
    _metric_row(total, "Điểm cuối cùng")
    if total["rank"] is not None:
        st.caption(f"Hạng hiện tại: {total['rank']}.")
    detail = score_views.unit_detail(scoring.criterion_lines(view.year, unit_code))
    st.dataframe(
        score_views.unit_detail_styler(detail), hide_index=True, width="stretch", key="own_detail"
    )


# --- Xếp hạng và bảng điểm theo tiêu chí ------------------------------------------------------


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
    st.plotly_chart(
        score_charts.ranking_bars(view.table, score_views.bands(), basis),
        key="ranking_chart",
        config={"displayModeBar": False},
    )
    st.dataframe(
        score_views.ranking_styler(score_views.ranking(year)),
        hide_index=True,
        width="stretch",
        placeholder="—",  # an unranked unit's empty Hạng, not "None"
        key="ranking_table",
    )
    st.caption(
        "Chỉ xếp hạng đơn vị có từ 50 điểm tiêu chí áp dụng trở lên; điểm cuối cùng dùng điểm "
        "thẩm định nếu có."
    )
    _scores_download(year)


def _scores_download(year: int) -> None:
    st.download_button(
        "Tải bảng điểm (CSV)",
        scoring.scores_csv(f"{year}-W01"),
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
    styled = score_views.matrix(view.lines)
    if styled is None:
        st.info("Chưa có dữ liệu.")
        return
    st.dataframe(styled, width="stretch", key="criterion_matrix")
    st.caption(
        "Điểm cuối cùng; màu theo tỷ lệ điểm / điểm tối đa (xanh đậm: mức Tốt, xanh nhạt: Khá, "
        "vàng: Trung bình, đỏ: Yếu hoặc bị trừ điểm). KAD: không áp dụng. Cột VP: đánh giá chung."
    )


# --- Tự chấm và thẩm định theo đơn vị ---------------------------------------------------------


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
    _missing_evidence(view.lines)
    if view.is_admin and unit:
        _review_form(view, unit)


def _unit_detail(view: View, codes: list[str]) -> str | None:
    names = dict(zip(view.units["unit_code"], view.units["unit_name"], strict=True))
    unit = filters.select(
        "Đơn vị",
        codes,
        key="score_unit",
        default=codes[0],
        format_func=lambda c: f"{c} - {names.get(c, c)}",
        sidebar=False,
    )
    detail = score_views.unit_detail(scoring.criterion_lines(view.year, unit))
    st.dataframe(
        score_views.unit_detail_styler(detail),
        hide_index=True,
        width="stretch",
        key="unit_detail",
    )
    return unit


def _missing_evidence(lines: pd.DataFrame) -> None:
    missing = score_views.missing_evidence(lines)
    st.subheader("Điểm dương chưa có tài liệu kiểm chứng")
    if missing.empty:
        st.success("Mọi điểm dương đều có tài liệu kiểm chứng.")
    else:
        st.dataframe(missing, hide_index=True, width="stretch", key="missing_evidence")


def _review_form(view: View, unit: str) -> None:
    user, year = view.user, view.year
    options = score_views.criterion_options(scoring.criterion_lines(year, unit))
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
                    scoring.clear_review(user, unit, year, code)
                    if clear
                    else scoring.set_review(user, unit, year, code, None if na else score, comment)
                ),
                f"Đã lưu điểm thẩm định tiêu chí {code} của {unit}.",
            )


# --- Quản trị bộ tiêu chí ---------------------------------------------------------------------


def criteria_admin(view: View) -> None:
    active = view.active
    with st.expander("Quản trị bộ tiêu chí (thay thế, chỉnh sửa, các phiên bản)"):
        st.dataframe(criteria.sets_table(), hide_index=True, width="stretch", key="criteria_sets")
        st.download_button(
            "Tải bộ tiêu chí đang áp dụng (.xlsx)",
            criteria.to_xlsx(active["id"]),
            file_name="bo_tieu_chi.xlsx",
            on_click="ignore",
            key="criteria_xlsx",
        )
        _load_new_set(view.user)
        _edit_active_set(view.user, active)


def _load_new_set(user: User) -> None:
    st.markdown("**Nạp bộ tiêu chí mới từ tệp .xlsx** (ví dụ Phụ lục II chính thức)")
    upload = st.file_uploader("Tệp bộ tiêu chí", type=["xlsx"], key="criteria_upload")
    label = st.text_input(
        "Tên bộ tiêu chí",
        value="Phụ lục II - Quyết định 2579/QĐ-UBND ngày 21/11/2025",
        key="criteria_label",
    )
    provisional = st.checkbox("Vẫn là bộ tạm thời", key="criteria_provisional")
    if upload is not None:
        _preview_and_load(user, upload, label, provisional)


def _edit_active_set(user: User, active: dict[str, Any]) -> None:
    st.markdown("**Chỉnh sửa bộ đang áp dụng** (lưu thành phiên bản mới)")
    edited = st.data_editor(
        criteria.edit_frame(active["id"]),
        num_rows="dynamic",
        hide_index=True,
        key="criteria_editor",
    )
    edit_label = st.text_input(
        "Tên phiên bản mới", value=f"{active['label']} (chỉnh sửa)", key="criteria_edit_label"
    )
    if st.button("Lưu thành phiên bản mới", key="criteria_save_edit") and _store(
        lambda: criteria.save_edited(
            user, edited, edit_label, provisional=bool(active["provisional"])
        )
    ):
        st.rerun()


def _preview_and_load(user: User, upload: UploadedFile, label: str, provisional: bool) -> None:
    data = upload.getvalue()
    rows, problems = criteria.parse_xlsx(data, upload.name)
    if problems:
        st.dataframe(criteria.problems_frame(problems), hide_index=True, key="criteria_problems")
    if rows:
        st.dataframe(criteria.preview_frame(rows), hide_index=True, key="criteria_preview")
    done_key = f"criteria_loaded_{upload.file_id}"  # guard: a rerun must not load it twice
    if st.session_state.get(done_key):
        st.success(f"Đã nạp tệp này thành phiên bản {st.session_state[done_key]}.")
        return
    if rows and st.button("Nạp bộ tiêu chí này", type="primary", key="criteria_load"):
        set_id = _store(
            lambda: criteria.replace_set(
                user, data, label, provisional=provisional, source=upload.name
            )
        )
        if set_id is not None:
            st.session_state[done_key] = set_id
            st.rerun()


def _store(action: Callable[[], int]) -> int | None:
    """Save a criteria set; on failure show why and return None."""
    try:
        set_id = action()
    except criteria.CriteriaError as exc:
        st.error("Bộ tiêu chí có lỗi, chưa được lưu:")
        st.dataframe(criteria.problems_frame(exc.problems), hide_index=True, key="store_errors")
        return None
    except auth.PermissionDenied as exc:
        st.error(str(exc))
        return None
    flash.keep(FLASH, f"Đã lưu bộ tiêu chí mới (phiên bản {set_id}); bộ này đang được áp dụng.")
    return set_id
