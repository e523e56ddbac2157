"""A plan's catalogue as the pages and the report show it: tasks under their headings,
assignments, units (sample ones marked), and the fields of "Dân vận khéo" models.

Tasks, assignments and headings belong to the plan of a year (`year`, always named by the caller:
a page's scope, a command's plan; tracker/catalogue/plans.py); units and model fields are the
Office's, shared by every plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from tracker.store import db
from tracker.text import fmt_date

ALL_UNITS_LABEL = "Các phòng, ban, đơn vị"
# A unit's part in a task (chủ trì, phối hợp, thực hiện) and a task's kind, as the plan words them.
ROLE_LABELS = {"chu_tri": "Chủ trì", "phoi_hop": "Phối hợp", "thuc_hien": "Thực hiện"}
TASK_KIND_LABELS = {
    "thuong_xuyen": "Thường xuyên",
    "san_pham": "Sản phẩm",
    "theo_yeu_cau": "Khi có yêu cầu",
}
SAMPLE_MARK = "(mẫu)"  # after the name of a unit of the sample list (units.csv, sample=true)
INFERRED_MARK = "(suy ra)"  # after an assignment the plan does not state in so many words
INFERRED_NOTE = (
    "“(suy ra)”: Kế hoạch không nêu trực tiếp người chỉ đạo hoặc đơn vị thực hiện của nhiệm vụ "
    "này; Văn phòng suy ra từ nội dung Kế hoạch (II.1.a, II.1.b theo phân công của II.1.c; "
    "III.1, III.2.a, III.2.b: Chánh Văn phòng, người ký Kế hoạch và là nơi III.1 báo cáo để "
    "“xem xét, quyết định”)."
)
# The same mark on another body's plan, whose tasks were laid out after the Office's.
INFERRED_NOTE_BODY = (
    "“(suy ra)”: Kế hoạch không nêu trực tiếp người chỉ đạo hoặc đơn vị thực hiện của nhiệm vụ "
    "này; phân công được suy ra từ nội dung Kế hoạch, quản trị của cơ quan sửa ở danh mục."
)


def tasks(path: Path | None = None, *, year: int) -> pd.DataFrame:
    """The tasks of the plan of `year`, in plan order (queries/plan_tasks.sql)."""
    return db.query("plan_tasks", path=path, year=year)


def units(path: Path | None = None, active_only: bool = True) -> pd.DataFrame:
    df = db.query("units", path=path)
    return df[df["active"]].reset_index(drop=True) if active_only else df


def unit_names(path: Path | None = None) -> dict[str, str]:
    """Code -> the catalogue's name, unmarked: what workbooks carry and readers match."""
    df = units(path, active_only=False)
    return dict(zip(df["code"], df["name"], strict=True))


def unit_labels(path: Path | None = None) -> dict[str, str]:
    """Code -> the name as lists show it: a sample unit's name ends in "(mẫu)" until the Office
    loads its own list (units.csv, sample=false)."""
    # Once per catalogue version (pages ask on every run; 4,000 units took 4 ms a time).
    return dict(db.derived("plan.unit_labels", lambda: _unit_labels(path), path, catalogue=True))


def _unit_labels(path: Path | None) -> dict[str, str]:
    df = units(path, active_only=False)
    return {
        code: f"{name} {SAMPLE_MARK}" if sample else name
        for code, name, sample in zip(df["code"], df["name"], df["sample"], strict=True)
    }


def label_units(names: pd.Series, codes: pd.Series, path: Path | None = None) -> pd.Series:
    """A column of unit names (beside their codes) as lists show them: sample units marked."""
    labels = unit_labels(path)
    return pd.Series(
        [labels.get(c, n) for n, c in zip(names, codes, strict=True)], index=names.index
    )


def sample_units(path: Path | None = None) -> list[str]:
    """Codes of the active units that are still placeholders of the sample list."""
    df = units(path)
    return df.loc[df["sample"], "code"].tolist()


def assignments(path: Path | None = None, *, year: int) -> pd.DataFrame:
    """Who carries out each task of the plan of `year` (queries/task_assignments.sql)."""
    return db.query("task_assignments", path=path, year=year)


def unit_assignments(unit: str, path: Path | None = None, *, year: int) -> pd.DataFrame:
    """The tasks of the plan of `year` assigned to `unit`, in plan order, with its role
    (queries/unit_tasks.sql): what its template lists, before any figure."""
    return db.query("unit_tasks", path=path, unit=unit, year=year)


def model_fields(path: Path | None = None, active_only: bool = True) -> list[str]:
    """The fields (lĩnh vực) of "Dân vận khéo" models in catalogue order (data/model_fields.csv)."""
    df = db.query("model_fields", path=path)
    return df.loc[df["active"] | (not active_only), "name"].tolist()


def groups(path: Path | None = None, *, year: int) -> pd.DataFrame:
    """The plan's sections (II, III) and items (II.1 … III.2) with their headings, in plan order.

    Columns: code, heading ('' when the item is itself a task), level (1 section, 2 item),
    number (what the plan prints: 'II.' or '1.'), sort_order (queries/task_groups.sql).
    """
    return db.query("task_groups", path=path, year=year)


def directing_label(directing: str, inferred: bool) -> str:
    """The directing authority, marked when the plan does not state it for this task."""
    return f"{directing} {INFERRED_MARK}" if inferred else directing


def outline(path: Path | None = None, *, year: int) -> list[dict[str, Any]]:
    """The plan as the document reads: each section heading, each item heading (when it has
    one), then the item's tasks, in order. Every entry: kind ('section' | 'group' | 'task'),
    code, number, text (heading, or the task's short title), and for tasks the task's row
    (plan_tasks.sql columns) under 'task'. For the Kế hoạch page and the report."""
    heads = groups(path, year=year)
    by_code = {g.code: g for g in heads.itertuples(index=False)}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for task in tasks(path, year=year).itertuples(index=False):
        group = task.group_code
        section = group.split(".")[0]
        for code, kind in ((section, "section"), (group, "group")):
            head = by_code.get(code)
            if code in seen or head is None or (kind == "group" and code == section):
                continue
            seen.add(code)
            if head.heading:
                out.append(
                    {"kind": kind, "code": code, "number": head.number, "text": head.heading}
                )
        out.append(
            {
                "kind": "task",
                "code": task.code,
                "number": "",
                "text": task.short_title,
                "task": task,
            }
        )
    return out


def plan_table(path: Path | None = None, *, year: int) -> pd.DataFrame:
    """The Kế hoạch page's table of the plan of `year`, with Vietnamese headers and formats."""
    t = tasks(path, year=year)
    labels = unit_labels(path)
    lead = t["lead_unit"].map(labels).fillna("")
    inferred = t["assignment_inferred"].astype(bool)
    return pd.DataFrame(
        {
            "Mã": t["code"],
            "Nhiệm vụ": t["short_title"],
            "Chỉ đạo": [
                directing_label(d, i) for d, i in zip(t["directing"], inferred, strict=True)
            ],
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
            "Phân công suy ra": inferred.map({True: "Có", False: ""}),
        }
    )


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
