"""The plan's catalogue as the pages show it: tasks, assignments, units."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tracker.ingest.contract import ROLE_LABELS, TASK_KIND_LABELS
from tracker.store import db
from tracker.text import fmt_date

ALL_UNITS_LABEL = "Các phòng, ban, đơn vị"


def tasks(path: Path | None = None) -> pd.DataFrame:
    return db.query("plan_tasks", path=path)


def units(path: Path | None = None, active_only: bool = True) -> pd.DataFrame:
    df = db.query("units", path=path)
    return df[df["active"]].reset_index(drop=True) if active_only else df


def unit_names(path: Path | None = None) -> dict[str, str]:
    df = units(path, active_only=False)
    return dict(zip(df["code"], df["name"], strict=True))


def assignments(path: Path | None = None) -> pd.DataFrame:
    return db.query("task_assignments", path=path)


def plan_table(path: Path | None = None) -> pd.DataFrame:
    """The Kế hoạch page's table, with Vietnamese headers and formats."""
    t = tasks(path)
    lead = t["lead_name"].fillna("")
    return pd.DataFrame(
        {
            "Mã": t["code"],
            "Nhiệm vụ": t["short_title"],
            "Chỉ đạo": t["directing"],
            "Chủ trì": lead.where(lead != "", "—"),
            "Phối hợp / thực hiện": [
                ALL_UNITS_LABEL if c == "*" else (o or "—")
                for c, o in zip(
                    t["coordinating"].fillna(""), t["other_units"].fillna(""), strict=True
                )
            ],
            "Số đơn vị": t["assigned_units"],
            "Loại": t["kind"].map(TASK_KIND_LABELS),
            "Thời gian": [
                f"{fmt_date(s)} - {fmt_date(d)}"
                for s, d in zip(t["start_date"], t["due_date"], strict=True)
            ],
            "Phân công suy ra": t["assignment_inferred"].map({True: "Có", False: ""}),
        }
    )


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
