"""Progress metrics (PRODUCT.md §6) as typed accessors over queries/*.sql, plus display tables.

Every number comes from one query file; this module only selects, joins small frames and
renames columns for the pages. Percentages keep full precision until text.fmt_pct shows them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from tracker.catalogue import catalogues, periods
from tracker.ingest.contract import ROLE_LABELS, TASK_KIND_LABELS
from tracker.metrics import reporting
from tracker.store import db
from tracker.text import fmt_datetime, fmt_number, fmt_pct

# Task statuses in the order of precedence of §6 (and of the charts' legend).
DONE = "Hoàn thành"
NO_REPORT = "Chưa có báo cáo"
OVERDUE = "Quá hạn"
ON_REQUEST = "Đang thực hiện"
BEHIND = "Chậm tiến độ"
ON_TRACK = "Đúng tiến độ"
STATUSES = (DONE, ON_TRACK, ON_REQUEST, BEHIND, OVERDUE, NO_REPORT)

SELF_REPORTED = "Tỷ lệ hoàn thành do đơn vị tự đánh giá."
NO_DATA = "Chưa có dữ liệu"
ALL_UNITS_LABEL = "Các phòng, ban, đơn vị"


@dataclass(frozen=True)
class PlanCompletion:
    value: float  # 0..100, full precision
    tasks: int
    tasks_reported: int
    units_reported: int
    active_units: int
    last_update: datetime | None

    @property
    def has_data(self) -> bool:
        return self.units_reported > 0


def _none_if_nan(value: object) -> object:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def coverage(reported: int, assigned: int) -> str:
    """'3/4 đơn vị đã báo cáo'."""
    return f"{reported}/{assigned} đơn vị đã báo cáo"


def basis(week: str, reported: int, assigned: int) -> str:
    """What a chart is based on: '3/4 đơn vị đã báo cáo, số liệu đến hết tuần 10/2026'."""
    return f"{coverage(reported, assigned)}, số liệu đến hết {periods.short_label(week).lower()}"


def task_basis(week: str, reported: int, tasks: int) -> str:
    """'7/11 nhiệm vụ có báo cáo, số liệu đến hết tuần 10/2026'."""
    return f"{reported}/{tasks} nhiệm vụ có báo cáo, số liệu đến hết {periods.short_label(week).lower()}"


# --- one accessor per query -------------------------------------------------------------------


def unit_task_progress(week: str, path: Path | None = None) -> pd.DataFrame:
    """(task, assigned unit) progress as of `week`, carried forward; percent NaN = not reported."""
    return db.query("unit_task_progress", path=path, week=week)


def task_completion(week: str, path: Path | None = None) -> pd.DataFrame:
    """Per task: completion, coverage, expected, status, last_update (plan order)."""
    return db.query("task_completion", path=path, week=week)


def plan_completion(week: str, path: Path | None = None) -> PlanCompletion:
    row = db.query("plan_completion", path=path, week=week).iloc[0]
    last = _none_if_nan(row["last_update"])
    return PlanCompletion(
        value=float(row["plan_completion"]) if pd.notna(row["plan_completion"]) else 0.0,
        tasks=int(row["tasks"]),
        tasks_reported=int(row["tasks_reported"]),
        units_reported=int(row["units_reported"]),
        active_units=int(row["active_units"]),
        last_update=None if last is None or pd.isna(last) else pd.Timestamp(last).to_pydatetime(),
    )


def plan_trend(week: str, path: Path | None = None) -> pd.DataFrame:
    """Plan completion for each week from setting first_week to `week` (oldest first)."""
    return db.query("plan_trend", path=path, week=week)


def task_history(
    task: str, week: str, path: Path | None = None, *, unit: str | None = None
) -> pd.DataFrame:
    """Current progress rows of one task, per unit and week up to `week`, newest first."""
    df = db.query("task_history", path=path, task=task, week=week)
    return df if unit is None else df[df["unit_code"] == unit].reset_index(drop=True)


def unit_indicators(unit: str, week: str, path: Path | None = None) -> pd.DataFrame:
    """One unit's indicators for the year up to `week` (flow summed, stock latest)."""
    return db.query("unit_indicators", path=path, unit=unit, week=week)


def unit_models(unit: str, week: str, path: Path | None = None) -> pd.DataFrame:
    """The models in the unit's latest standing 'Dân vận khéo' sheet up to `week`."""
    return db.query("unit_latest_models", path=path, unit=unit, week=week)


# --- derived frames for the pages -------------------------------------------------------------


def status_counts(week: str, path: Path | None = None) -> pd.DataFrame:
    """How many tasks are in each status (every status listed, zeros included)."""
    counts = task_completion(week, path)["status"].value_counts()
    return pd.DataFrame(
        {"status": list(STATUSES), "tasks": [int(counts.get(s, 0)) for s in STATUSES]}
    )


def filter_tasks(
    df: pd.DataFrame, group: str | None = None, status: str | None = None
) -> pd.DataFrame:
    """Rows of a task_completion frame in one task group and/or status (None = all)."""
    keep = pd.Series(True, index=df.index)
    if group:
        keep &= df["group_code"] == group
    if status:
        keep &= df["status"] == status
    return df[keep].reset_index(drop=True)


def task_groups(path: Path | None = None) -> list[str]:
    return list(dict.fromkeys(db.query("plan_tasks", path=path)["group_code"]))


def lead_label(lead_unit: object) -> str:
    lead = _none_if_nan(lead_unit)
    return str(lead) if lead else ALL_UNITS_LABEL


def task_table(df: pd.DataFrame) -> pd.DataFrame:
    """A task_completion frame with Vietnamese headers and formats, for st.dataframe."""
    return pd.DataFrame(
        {
            "Mã": df["code"],
            "Nhiệm vụ": df["short_title"],
            "Chủ trì": df["lead_unit"].map(lead_label),
            "Loại": df["kind"].map(TASK_KIND_LABELS),
            "Hoàn thành": df["completion"].map(fmt_pct),
            "Kỳ vọng": df["expected"].map(fmt_pct),
            "Báo cáo": [
                coverage(n, m)
                for n, m in zip(df["reported_units"], df["assigned_units"], strict=True)
            ],
            "Trạng thái": df["status"],
            "Cập nhật lần cuối": df["last_update"].map(_fmt_time),
        }
    )


def _fmt_time(value: object) -> str:
    value = _none_if_nan(value)
    if value is None or pd.isna(value):
        return ""
    return fmt_datetime(pd.Timestamp(value).to_pydatetime())


def task_units(
    task: str, week: str, path: Path | None = None, *, unit: str | None = None
) -> pd.DataFrame:
    """unit_task_progress rows of one task (one unit when given), lead first."""
    df = unit_task_progress(week, path)
    keep = df["task_code"] == task
    if unit is not None:
        keep &= df["unit_code"] == unit
    return df[keep].reset_index(drop=True)


def heatmap_frame(week: str, path: Path | None = None, *, unit: str | None = None) -> pd.DataFrame:
    """Units (rows, catalogue order) × tasks (columns, plan order) of unit-task progress.

    NaN where the unit has not reported; cells of tasks a unit is not assigned are absent
    (also NaN), and `assigned` tells the two apart.
    """
    df = unit_task_progress(week, path)
    if df.empty:
        return pd.DataFrame()
    units = list(dict.fromkeys(_units_order(path)))
    tasks = list(dict.fromkeys(df["task_code"]))
    grid = df.pivot(index="unit_code", columns="task_code", values="percent")
    present = [u for u in units if u in grid.index and unit in (None, u)]
    return grid.reindex(index=present, columns=tasks)


def heatmap_assigned(
    week: str, path: Path | None = None, *, unit: str | None = None
) -> pd.DataFrame:
    """Same shape as heatmap_frame: True where the unit is assigned the task."""
    df = unit_task_progress(week, path).assign(assigned=True)
    grid = heatmap_frame(week, path, unit=unit)
    if grid.empty:
        return grid
    flags = df.pivot(index="unit_code", columns="task_code", values="assigned")
    return flags.reindex(index=grid.index, columns=grid.columns).fillna(False).astype(bool)


def _units_order(path: Path | None) -> list[str]:
    return db.query("units", path=path)["code"].tolist()


def unit_tasks(unit: str, week: str, path: Path | None = None) -> pd.DataFrame:
    """One unit's assigned tasks: its own progress (carried forward) and the task's figures."""
    own = unit_task_progress(week, path)
    own = own[own["unit_code"] == unit]
    tasks = task_completion(week, path)
    return own.merge(
        tasks[["code", "group_code", "kind", "completion", "expected", "status"]],
        left_on="task_code",
        right_on="code",
        how="left",
    ).drop(columns="code")


def unit_task_table(df: pd.DataFrame) -> pd.DataFrame:
    """unit_tasks() with Vietnamese headers, for st.dataframe."""
    return pd.DataFrame(
        {
            "Mã": df["task_code"],
            "Nhiệm vụ": df["short_title"],
            "Vai trò": df["role"].map(ROLE_LABELS),
            "Tỷ lệ của đơn vị": [
                fmt_pct(p) if pd.notna(p) else "Chưa báo cáo" for p in df["percent"]
            ],
            "Trạng thái đơn vị ghi": df["sheet_status"].fillna(""),
            "Từ báo cáo": df["period"].map(_week_label),
            "Hoàn thành của nhiệm vụ": df["completion"].map(fmt_pct),
            "Kỳ vọng": df["expected"].map(fmt_pct),
            "Trạng thái nhiệm vụ": df["status"],
        }
    )


def _week_label(period: object) -> str:
    return periods.short_label(period) if isinstance(period, str) and period else ""


def current_units_table(df: pd.DataFrame) -> pd.DataFrame:
    """unit_task_progress rows of one task: each assigned unit's standing value and source."""
    return pd.DataFrame(
        {
            "Đơn vị": df["unit_code"] + " - " + df["unit_name"],
            "Vai trò": df["role"].map(ROLE_LABELS),
            "Tỷ lệ": [fmt_pct(p) if pd.notna(p) else "Chưa báo cáo" for p in df["percent"]],
            "Trạng thái đơn vị ghi": df["sheet_status"].fillna(""),
            "Từ báo cáo": df["period"].map(_week_label),
            "Nộp lúc": df["uploaded_at"].map(_fmt_time),
        }
    )


def history_table(df: pd.DataFrame) -> pd.DataFrame:
    """task_history() with Vietnamese headers, texts included, for st.dataframe."""
    return pd.DataFrame(
        {
            "Tuần": df["period"].map(periods.short_label),
            "Đơn vị": df["unit_code"] + " - " + df["unit_name"],
            "Vai trò": df["role"].map(ROLE_LABELS),
            "Trạng thái": df["sheet_status"],
            "Tỷ lệ": df["percent"].map(fmt_pct),
            "Kết quả thực hiện trong kỳ": df["result_text"].fillna(""),
            "Văn bản, minh chứng": df["evidence"].fillna(""),
            "Khó khăn, vướng mắc": df["difficulty"].fillna(""),
            "Đề xuất, kiến nghị": df["proposal"].fillna(""),
            "Người lập": df["reporter"].fillna(""),
            "Nộp lúc": df["uploaded_at"].map(_fmt_time),
        }
    )


def _fmt_value(value: object) -> str:
    """Indicator values: '1.234' for whole numbers, '12,5' otherwise, '' when not reported."""
    value = _none_if_nan(value)
    if value is None:
        return ""
    number = float(value)
    return fmt_number(number, 0 if number.is_integer() else 1)


def indicator_table(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Mã chỉ số": df["code"],
            "Tên chỉ số": df["name"],
            "Đơn vị tính": df["measure"].fillna(""),
            "Cách tính": df["kind"].map({"flow": "Cộng dồn", "stock": "Giá trị mới nhất"}),
            "Giá trị": df["value"].map(_fmt_value),
            "Đến tuần": df["last_period"].map(_week_label),
        }
    )


def unit_week_state(unit: str, week: str, path: Path | None = None) -> str:
    """The unit's reporting state for `week` ('Đúng hạn', 'Trễ hạn', 'Chưa nộp', ...)."""
    status = reporting.week_status(week, path)
    match = status[status["unit_code"] == unit]
    return str(match.iloc[0]["state"]) if not match.empty else "—"


def unit_reporting_history(unit: str, week: str, path: Path | None = None) -> pd.DataFrame:
    """One unit's reporting state for every week from the first reporting week to `week`.

    Uses reporting.week_status (the single definition of on time / late / missing), one cached
    query per week, newest week first.
    """
    first = catalogues.setting("first_week", path)
    rows = []
    for w in reversed(periods.weeks_between(first, week) if first <= week else []):
        status = reporting.week_status(w, path)
        match = status[status["unit_code"] == unit]
        if match.empty:
            continue
        r = match.iloc[0]
        rows.append(
            {
                "Tuần": periods.label(w),
                "Tình trạng": r["state"],
                "Nộp lần đầu lúc": _fmt_time(r["first_upload"]),
                "Nộp lần cuối lúc": _fmt_time(r["last_upload"]),
                "Số lần nộp": int(r["versions"]),
            }
        )
    columns = ["Tuần", "Tình trạng", "Nộp lần đầu lúc", "Nộp lần cuối lúc", "Số lần nộp"]
    return pd.DataFrame(rows, columns=columns)


def models_table(df: pd.DataFrame) -> pd.DataFrame:
    """unit_latest_models rows with the workbook's Vietnamese headers."""
    return pd.DataFrame(
        {
            "Tên mô hình": df["name"],
            "Lĩnh vực": df["field"],
            "Nội dung, cách thức thực hiện": df["content"].fillna(""),
            "Thời gian thực hiện": df["timeframe"].fillna(""),
            "Sản phẩm, kết quả": df["outcome"].fillna(""),
            "Trạng thái": df["status"].fillna(""),
        }
    )


PROVISIONAL_NOTE = (
    "Bộ tiêu chí đang dùng là bộ tạm thời, chờ Văn phòng nạp Phụ lục II chính thức của "
    "Quyết định 2579/QĐ-UBND."
)


def score_summary(total: dict) -> pd.DataFrame:
    """scoring.unit_total() as two columns (what, value) with Vietnamese formats."""

    def points(value: object) -> str:
        return "" if _none_if_nan(value) is None else fmt_number(float(value))

    rank = total.get("rank")
    rows = [
        ("Điểm tự chấm", points(total.get("self_total"))),
        ("Điểm thẩm định", points(total.get("reviewed_total")) or "Chưa thẩm định"),
        ("Điểm cuối cùng", points(total.get("final_total"))),
        ("Xếp loại", total.get("grade") or ""),
        ("Hạng", str(rank) if rank is not None else "Không xếp hạng"),
        ("Tổng điểm áp dụng", points(total.get("applicable_points"))),
        ("Bộ tiêu chí", str(total.get("set_label") or "")),
    ]
    return pd.DataFrame(rows, columns=["Nội dung", "Giá trị"])
