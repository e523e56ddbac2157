"""Progress metrics (PRODUCT.md §6) as typed accessors over queries/*.sql: data only.

Every number comes from one query file; this module only selects and joins small frames.
Percentages keep full precision; tracker.ui.tables formats them for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from tracker.metrics import reporting
from tracker.store import db

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


# --- one accessor per query -------------------------------------------------------------------


def unit_task_progress(week: str, path: Path | None = None) -> pd.DataFrame:
    """(task, assigned unit) progress as of `week`, carried forward; percent NaN = not reported."""
    return db.query("unit_task_progress", path=path, week=week)


def task_completion(week: str, path: Path | None = None) -> pd.DataFrame:
    """Per task: completion, coverage, expected, status, last_update (plan order)."""
    return db.query("task_completion", path=path, week=week)


def plan_completion(week: str, path: Path | None = None) -> PlanCompletion:
    row = db.query("plan_completion", path=path, week=week).iloc[0]
    last = row["last_update"]
    return PlanCompletion(
        value=float(row["plan_completion"]) if pd.notna(row["plan_completion"]) else 0.0,
        tasks=int(row["tasks"]),
        tasks_reported=int(row["tasks_reported"]),
        units_reported=int(row["units_reported"]),
        active_units=int(row["active_units"]),
        last_update=None if pd.isna(last) else pd.Timestamp(last).to_pydatetime(),
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


def task_groups(path: Path | None = None, *, year: int) -> list[str]:
    """The group codes of the plan of `year` that hold tasks, in order."""
    tasks = db.query("plan_tasks", path=path, year=year)
    return list(dict.fromkeys(tasks["group_code"]))


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


def unit_week_state(unit: str, week: str, path: Path | None = None) -> str:
    """The unit's reporting state for `week` ('Đúng hạn', 'Trễ hạn', 'Chưa nộp', ...)."""
    status = reporting.week_status(week, path)
    match = status[status["unit_code"] == unit]
    return str(match.iloc[0]["state"]) if not match.empty else "—"


PROVISIONAL_NOTE = (  # {loader}: wording.Words.criteria_loader
    "Bộ tiêu chí đang dùng là bộ tạm thời, chờ {loader} nạp Phụ lục II chính thức của "
    "Quyết định 2579/QĐ-UBND."
)
