"""A year's plan as a file and as a list (issue 36): `plan export` writes the workbook `plan load`
reads back (the tasks, the headings, and the plan's number, date and first reporting week), so
the Office gives a copied draft its number and date by editing a spreadsheet, not by writing
one; `plan list` and Quản trị › Kế hoạch list the plans.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from tracker.catalogue import catalogues, periods, plans, year_start
from tracker.catalogue.plan_loading import GROUP_SHEET, PLAN_LABELS, PLAN_SHEET, TASK_SHEET
from tracker.csvsafe import restore, xlsx_text
from tracker.store import db
from tracker.text import fmt_deadline

DATE_COLUMNS = ("start_date", "due_date")


class PlanExportError(ValueError):
    """A plan that cannot be written as asked; the message is Vietnamese."""


def export(year: int, name: str, path: Path | None = None) -> bytes:
    """The plan of `year` as the file `plan load` reads: an .xlsx (tasks, headings, and the
    sheet "Kế hoạch" with number, date and first reporting week) or a .csv (the tasks only)."""
    if not plans.exists(year, path):
        raise PlanExportError(plans.missing_message(int(year), path))
    lower = name.lower()
    if lower.endswith(".csv"):
        return catalogues.export_csv("tasks", path, year=int(year))
    if not lower.endswith(".xlsx"):
        raise PlanExportError(f"{name}: cần tên tệp .xlsx (hoặc .csv, chỉ danh mục nhiệm vụ).")
    book = Workbook()
    _table(book.active, TASK_SHEET, _rows("tasks", year, path))
    _table(book.create_sheet(GROUP_SHEET), GROUP_SHEET, _rows("task_groups", year, path))
    _details(book.create_sheet(PLAN_SHEET), int(year), path)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(catalogue: str, year: int, path: Path | None) -> list[dict[str, str]]:
    """The catalogue's rows as its CSV holds them (the one export of a catalogue)."""
    data = catalogues.export_csv(catalogue, path, year=int(year)).decode("utf-8-sig")
    return [{k: restore(v) for k, v in row.items()} for row in csv.DictReader(io.StringIO(data))]


def _table(ws: Worksheet, title: str, rows: list[dict[str, str]]) -> None:
    ws.title = title
    columns = list(rows[0]) if rows else []
    for col, name in enumerate(columns, start=1):
        ws.cell(row=1, column=col, value=name).font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for col, name in enumerate(columns, start=1):
            cell = ws.cell(row=r, column=col)
            value = row[name]
            if name in DATE_COLUMNS and value:
                cell.value = date.fromisoformat(value)  # a date in Excel, ISO when read back
                cell.number_format = "DD/MM/YYYY"
            elif value:
                xlsx_text(cell, value)
    ws.freeze_panes = "A2"


def _details(ws: Worksheet, year: int, path: Path | None) -> None:
    plan = plans.require(year, path)
    start = year_start.start(year, path)
    values = {
        "number": plan.number or "",
        "issued_on": plan.issued_on,
        "first_week": start.first_week,
    }
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 24
    for r, (key, label) in enumerate(PLAN_LABELS.items(), start=1):
        ws.cell(row=r, column=1, value=label).font = Font(bold=True)
        cell = ws.cell(row=r, column=2)
        if isinstance(values[key], date):
            cell.value = values[key]
            cell.number_format = "DD/MM/YYYY"
        elif values[key]:
            xlsx_text(cell, values[key])
    ws.cell(
        row=len(PLAN_LABELS) + 2,
        column=1,
        value=(
            f"Kế hoạch năm {year}. Ghi số (ví dụ 05/KH-VPUB), ngày ban hành (dd/mm/yyyy) và "
            f"tuần báo cáo đầu tiên ({year}-W03 hoặc Tuần 3/{year}); để trống ô nào thì giữ như "
            f"đã lưu. Nạp lại: python -m tracker plan load --year {year} --tasks <tệp này>, "
            "hoặc Quản trị › Kế hoạch."
        ),
    )


def table(path: Path | None = None) -> pd.DataFrame:
    """The plans as `plan list` and Quản trị show them (Vietnamese headers)."""
    df = db.query("plans", path=path)
    known = {p.year: p for p in plans.all_plans(path)}
    starts = {int(y): year_start.start(int(y), path) for y in df["year"]}
    return pd.DataFrame(
        {
            "Năm": df["year"].astype("int64"),
            "Kế hoạch": [known[int(y)].label for y in df["year"]],
            "Nhiệm vụ": df["tasks"].astype("int64"),
            "Lưu trữ": df["retired_tasks"].astype("int64"),
            "Đơn vị được giao": df["assigned_units"].astype("int64"),
            "Tuần báo cáo": [
                f"{periods.short_label(f)} – {periods.short_label(plans.last_week(int(y)))}"
                for f, y in zip(df["first_week"], df["year"], strict=True)
            ],
            "Hạn nộp đầu tiên": [fmt_deadline(starts[int(y)].deadline) for y in df["year"]],
            "Bản nộp đã nhận": df["accepted_submissions"].astype("int64"),
        }
    )


def list_lines(path: Path | None = None) -> list[str]:
    """`plan list`: one line per plan (year, number and date, tasks, units, weeks, reports)."""
    rows = table(path)
    if rows.empty:
        return ["Chưa có Kế hoạch nào."]
    return [
        f"{r['Năm']}  {r['Kế hoạch']} · {r['Nhiệm vụ']} nhiệm vụ"
        + (f" (+{r['Lưu trữ']} lưu trữ)" if r["Lưu trữ"] else "")
        + f" · {r['Đơn vị được giao']} đơn vị được giao · tuần báo cáo {r['Tuần báo cáo']}"
        + f" (hạn nộp đầu tiên {r['Hạn nộp đầu tiên']})"
        + f" · {r['Bản nộp đã nhận']} bản nộp đã nhận"
        for r in rows.to_dict("records")
    ]
