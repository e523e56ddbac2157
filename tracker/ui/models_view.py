"""The Dân vận khéo page's body: the register with the Office's record (kind, recognition
decision, sent to Sở Nội vụ) and the form in which HCTC records them.

Speed (issue 13): what a filter combination shows (the models, their counts, the table and the
chart) is built once per data version and shared by every session (metrics/cache.py derived), and the chart's
count axis draws at most MAX_TICKS ticks. With one tick per model (score_charts.models_by_field),
a city's 109 models in one field made plotly lay out ~110 tick labels with their grid lines on
every view: most of the page's time in the browser (721 ms against 224 ms for the lightest page).

Lazy tabs (issue 35): each grid or chart a page sends costs its mount in the browser, opened or
not (1.72x Tài khoản at city scale with the chart, the register and a model's history). The
register with the Office's form comes first (what a leader looks for: which models, where they
stand, which were recognised); the chart and one model's history are drawn when their tab opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker import wording
from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import plan
from tracker.metrics import cache, models_register
from tracker.metrics.models_register import Recognition, RecognitionError
from tracker.scope import Scope
from tracker.text import is_missing, sentence_start
from tracker.ui import display, flash, lazy_tabs, score_charts, tables

NO_KIND = "Chưa phân loại"
SAVED = "recognition_saved"  # flash key
MAX_TICKS = 20  # ticks on the chart's count axis at most; up to this many models, one per model
# The page's tabs; the open one is in the URL (?xem=Biểu đồ theo lĩnh vực), as on Nhiệm vụ.
TAB_REGISTER, TAB_CHART = "Danh sách mô hình", "Biểu đồ theo lĩnh vực"
TAB_HISTORY = "Quá trình của một mô hình"
TABS = (TAB_REGISTER, TAB_CHART, TAB_HISTORY)
TAB_KEY = "xem"


@dataclass(frozen=True)
class RegisterView:
    """What one filter combination shows; shared between sessions, so read-only."""

    shown: pd.DataFrame  # the filtered register (models_register.filtered)
    counts: dict[str, int]  # models per status (models_register.status_counts)
    table: pd.DataFrame | None  # register_table(shown); None when nothing is shown
    chart: go.Figure | None  # models_chart of shown; None when nothing is shown


def register_view(
    path: Path, year: int, unit: str | None, field: str | None, status: str | None
) -> RegisterView:
    """The register of the plan of `year` in the database at `path` under the page's filters,
    built once per data version (metrics/cache.py derived)."""

    def build() -> RegisterView:
        shown = models_register.filtered(
            models_register.register(path, year=year),
            unit=unit,
            field=field,
            status=status,
        )
        counts = models_register.status_counts(shown)
        if shown.empty:
            return RegisterView(shown, counts, None, None)
        basis = (
            f"{len(shown)} mô hình của {shown['unit_code'].nunique()} đơn vị, "
            "theo bảng “Dân vận khéo” mới nhất của mỗi đơn vị"
        )
        chart = models_chart(models_register.field_status_matrix(shown, path), basis)
        return RegisterView(shown, counts, register_table(shown, path), chart)

    return cache.derived("models_view.register", build, path, year, unit, field, status)


def sections(scope: Scope, view: RegisterView) -> None:
    """The tabs of a register with models (`view.table` set), and the open tab's section."""
    chosen, box = lazy_tabs.open_tab(TABS, key=TAB_KEY, link=True)
    with box:
        if chosen == TAB_CHART:
            st.plotly_chart(view.chart, key="models_chart", config={"displayModeBar": False})
        elif chosen == TAB_HISTORY:
            model_history(scope, view.shown)
        else:
            show_register(view.table)
            recognition_form(scope.user, view.shown, scope.db, scope.year)


def model_history(scope: Scope, shown: pd.DataFrame) -> None:
    """One model's reports, chosen among the register's models shown."""
    choices = {
        f"{r.unit_code}|{r.model_key}": f"{r.unit_code} — {r.name}" for r in shown.itertuples()
    }
    chosen = st.selectbox("Mô hình", list(choices), format_func=choices.get, key="history_model")
    if chosen:
        unit_code, model_key = chosen.split("|", 1)
        display.show(history_table(unit_code, model_key, scope.db), key="models_history")
        st.caption(
            "Mỗi dòng là một lần nộp báo cáo có trang “Dân vận khéo”, kể cả bản đã thay thế."
        )


def count_step(largest: int, ticks: int = MAX_TICKS) -> int:
    """The count axis's tick step: 1 while that draws at most `ticks` ticks past zero, else the
    smallest of 2, 5, 10, 20, 50, … that does (whole numbers: the axis counts models)."""
    step, scale = 1, 1
    while largest > ticks * step:
        for factor in (2, 5, 10):
            step = factor * scale
            if largest <= ticks * step:
                return step
        scale *= 10
    return step


def models_chart(matrix: pd.DataFrame, basis: str) -> go.Figure:
    """score_charts.models_by_field with a tick step its longest bar can carry."""
    fig = score_charts.models_by_field(matrix, basis)
    largest = int(matrix.sum(axis=1).max()) if not matrix.empty else 0
    fig.update_xaxes(dtick=count_step(largest))
    return fig


def models_csv(path: Path, year: int) -> bytes:
    """The register's CSV (models_register.models_csv) of the plan of `year`, built once per
    data version."""
    return cache.derived(
        "models_view.csv", lambda: models_register.models_csv(path, year=year), path, year
    )


def history_table(unit_code: str, model_key: str, path: Path) -> pd.DataFrame:
    """One model's history as tables.model_history_table shows it, once per data version."""

    def build() -> pd.DataFrame:
        return tables.model_history_table(models_register.history(unit_code, model_key, path))

    return cache.derived("models_view.history", build, path, unit_code, model_key)


def register_table(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The register as tables.register_table shows it (sample units marked), then the Office's
    record: Loại, Quyết định công nhận, Gửi Sở Nội vụ."""
    df = df.sort_values(["unit_code", "status_order", "row_no"], kind="stable").reset_index(
        drop=True
    )
    names = df["unit_name"].fillna(df["unit_code"])
    df["unit_name"] = plan.label_units(names, df["unit_code"], path)
    table = tables.register_table(df, path)
    table.insert(2, "Loại", df["kind"].fillna("").replace("", NO_KIND))
    table["Quyết định công nhận"] = [
        models_register.decision_text(n, d)
        for n, d in zip(df["decision_no"], df["decision_date"], strict=True)
    ]
    table["Gửi Sở Nội vụ"] = [
        models_register.sent_text(s, d)
        for s, d in zip(df["sent_to_snv"], df["sent_date"], strict=True)
    ]
    return table


def show_register(table: pd.DataFrame) -> None:
    """A register_table, a page of display.PAGE_ROWS rows at a time."""
    display.show(table, key="models_register")


def _day(value: object) -> date | None:
    return None if is_missing(value) else pd.Timestamp(value).date()


def recognition_form(user: User, shown: pd.DataFrame, path: Path, year: int) -> None:
    """HCTC's form: kind, recognition decision and sending to Sở Nội vụ for one listed model."""
    if not auth.can(user, "review") or shown.empty:
        return
    st.subheader("Phân loại, công nhận và gửi Sở Nội vụ")
    flash.show(SAVED)
    st.caption(
        f"{sentence_start(wording.of_file(path).admin)} ghi: mô hình hay điển hình, số và ngày quyết "
        "định công nhận, "
        "và việc đã gửi Sở Nội vụ (III.2.a của Kế hoạch). Đơn vị không cần ghi các mục này trong "
        "biểu mẫu."
    )
    labels = plan.unit_labels(path)
    choices = {
        f"{r.unit_code}|{r.model_key}": f"{labels.get(r.unit_code, r.unit_code)} — {r.name}"
        for r in shown.itertuples()
    }
    chosen = st.selectbox(
        "Mô hình cần ghi", list(choices), format_func=choices.get, key="recognition_model"
    )
    if not chosen:
        return
    unit_code, model_key = chosen.split("|", 1)
    row = shown[(shown["unit_code"] == unit_code) & (shown["model_key"] == model_key)].iloc[0]
    _form(user, (unit_code, model_key), row, path, year)


def _form(user: User, model: tuple[str, str], row: pd.Series, path: Path, year: int) -> None:
    unit_code, model_key = model
    kinds = ["", *models_register.KINDS]
    kind_now = "" if is_missing(row["kind"]) else str(row["kind"])
    suffix = f"{unit_code}|{model_key}"  # one set of widgets per model
    with st.form(f"recognition_form_{suffix}"):
        kind = st.selectbox(
            "Loại",
            kinds,
            index=kinds.index(kind_now) if kind_now in kinds else 0,
            format_func=lambda k: k or NO_KIND,
            key=f"recognition_kind_{suffix}",
        )
        left, right = st.columns(2)
        number = left.text_input(
            "Số quyết định công nhận",
            value="" if is_missing(row["decision_no"]) else str(row["decision_no"]),
            placeholder="ví dụ 125/QĐ-VP",
            key=f"recognition_no_{suffix}",
        )
        decided = right.date_input(
            "Ngày quyết định",
            value=_day(row["decision_date"]),
            format="DD/MM/YYYY",
            key=f"recognition_date_{suffix}",
        )
        sent = left.checkbox(
            "Đã gửi Sở Nội vụ", value=bool(row["sent_to_snv"]), key=f"recognition_sent_{suffix}"
        )
        sent_on = right.date_input(
            "Ngày gửi Sở Nội vụ",
            value=_day(row["sent_date"]),
            format="DD/MM/YYYY",
            key=f"recognition_sent_date_{suffix}",
        )
        if not st.form_submit_button("Lưu", type="primary"):
            return
    value = Recognition(kind, number, decided, sent, sent_on)
    try:
        changed = models_register.record_recognition(
            user, unit_code, model_key, value, path, year=year
        )
    except RecognitionError as exc:
        st.error("Chưa lưu được:\n\n" + "\n".join(f"- {p}" for p in exc.problems))
        return
    if changed:
        flash.keep(SAVED, "Đã lưu (đã ghi nhật ký).")
        st.rerun()
    else:
        st.info("Không có gì thay đổi.")
