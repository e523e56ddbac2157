"""The sample data's plans after the first (issue 24): each later year gets its own plan, loaded
through the real path (plan_loading.load from a task file), the way the Office writes next
year's Kế hoạch: most tasks carried over (same code, dates moved), the election task of 2026
dropped, a new task added, a number and date of its own."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from tracker.catalogue import catalogues, plan_loading, plan_years, plans
from tracker.csvsafe import rows_csv
from tracker.roles import SYSTEM

DROPPED = "II.1.a"  # led the 2026 election campaign: no such task the year after
NEW_CODE = "II.7"
NEW_TASK = {
    "code": NEW_CODE,
    "group_code": NEW_CODE,
    "short_title": "Chuyển đổi số trong công tác dân vận chính quyền",
    "full_text": (
        "7. Ứng dụng công nghệ thông tin, chuyển đổi số trong theo dõi, báo cáo công tác dân vận "
        'chính quyền và thực hiện dân chủ ở cơ sở; số hóa hồ sơ mô hình "Dân vận khéo".'
    ),
    "directing": "Chánh Văn phòng",
    "lead_unit": "HCTC",
    "coordinating": "*",
    "weight": "1",
    "kind": "thuong_xuyen",
    "assignment_inferred": "false",
    "city_item": "6",  # the sample city plan's item on administrative reform and digitalisation
}


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _csv(rows: list[dict[str, str]], columns: tuple[str, ...]) -> bytes:
    """The file the Office would write, through the one guarded CSV writer."""
    return rows_csv(columns, [[row.get(c, "") for c in columns] for row in rows])


def next_year_plan(path: Path, year: int) -> plan_loading.Loaded:
    """Load a sample plan for `year` from the latest earlier one (see the module)."""
    source = max(y for y in plans.years(path) if y < year)
    tasks = [
        row | {"start_date": f"{year}-01-01", "due_date": f"{year}-12-31"}
        for row in _rows(catalogues.export_csv("tasks", path, year=source))
        if row["code"] != DROPPED
    ]
    if not any(t["code"] == NEW_CODE for t in tasks):
        tasks.append(NEW_TASK | {"start_date": f"{year}-01-01", "due_date": f"{year}-12-31"})
    tasks = plan_years.moved_rows(tasks, plan_years.TASK_TEXT, source, year)  # as HCTC edits
    groups = _rows(catalogues.export_csv("task_groups", path, year=source))
    if not any(g["code"] == NEW_CODE for g in groups):
        at = next(i for i, g in enumerate(groups) if g["code"] == "III")
        groups.insert(at, {"code": NEW_CODE, "heading": ""})
    files = plan_loading.PlanFiles(
        tasks=_csv(tasks, catalogues.FILES["tasks"][1]),
        tasks_name="tasks.csv",
        groups=_csv(groups, catalogues.FILES["task_groups"][1]),
        groups_name="task_groups.csv",
        number=f"{year - 2020:02d}/KH-VPUB",
        issued_on=date(year, 1, 12),
    )
    # Dated Tuesday 12/01: its first reporting week is the product's default, the first full
    # week after the date (W03 of 2027).
    return plan_loading.load(SYSTEM, year, files, path=path)


def ensure_plans(path: Path, last_year: int) -> None:
    """A plan for every year up to `last_year` (the first comes from data/)."""
    for year in range(max(plans.years(path)) + 1, last_year + 1):
        next_year_plan(path, year)
