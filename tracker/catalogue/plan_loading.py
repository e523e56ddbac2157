"""Loading a year's plan (issue 24): from a task file (.csv or .xlsx in the columns of
data/tasks.csv, headings in those of data/task_groups.csv), or as a copy of an earlier plan
(next year's draft: dates moved a year, number blank), and the list of plans. The command line
(`python -m tracker plan load|copy|list`) and Quản trị › Kế hoạch call these.

Every problem of a task file is reported at once, in Vietnamese, with its row and column, and
nothing is stored while there is one. Loading a year again keeps every task whose code stays
(with its history); a task the new list drops is deleted when nothing was reported on it that
year and retired (kept with its history, out of the plan) when something was (plan_store).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook

from tracker import filesafety, roles
from tracker.catalogue import catalogues, periods, plan_store, plans, workdays
from tracker.csvsafe import restore
from tracker.roles import User
from tracker.store import audit, db
from tracker.text import cell_text, fmt_date, nfc

NUMBER_MAX = 40
Rows = list[tuple[int, dict[str, str]]]


class PlanFileError(ValueError):
    """A plan that cannot be loaded or copied; `problems` lists every mistake (Vietnamese)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlanFiles:
    """What a plan load brings: the task list, optionally its headings (else the year's own,
    or the previous plan's), the number and date."""

    tasks: bytes
    tasks_name: str
    groups: bytes | None = None
    groups_name: str = "task_groups.csv"
    number: str | None = None
    issued_on: date | str | None = None


@dataclass
class Checked:
    """A task file read and checked: the rows to store (empty when there are problems)."""

    year: int
    tasks: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    number: str | None
    issued_on: date | None
    problems: list[str]


# --- reading the files ----------------------------------------------------------------------


def read_rows(data: bytes, name: str, catalogue: str, problems: list[str]) -> Rows:
    """A catalogue file's rows with their row numbers: a .csv (UTF-8) or the first sheet of an
    .xlsx, its first row the column names."""
    lower = name.lower()
    if lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(
                f"{name}: tệp CSV không ở mã UTF-8; trong Excel chọn Lưu thành › CSV UTF-8."
            )
            return []
        return catalogues.read_csv(text, catalogue, problems, file=name)
    if lower.endswith(".xlsx"):
        unsafe = filesafety.check(data, name)
        if unsafe:
            problems += [f"{name}: {p.message} {p.fix}".strip() for p in unsafe]
            return []
        return _xlsx_rows(data, name, catalogue, problems)
    problems.append(f"{name}: cần tệp .csv hoặc .xlsx (lưu lại dưới dạng CSV UTF-8 hoặc .xlsx).")
    return []


def _xlsx_rows(data: bytes, name: str, catalogue: str, problems: list[str]) -> Rows:
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [cell_text(v).strip() for v in next(rows, ())]
    _, columns = catalogues.FILES[catalogue]
    missing = [c for c in columns if c not in header]
    if missing:
        problems.append(f"{name}, dòng 1: thiếu cột {', '.join(missing)}.")
        return []
    out = []
    for line, values in enumerate(rows, start=2):
        record = {h: nfc(restore(cell_text(v))) for h, v in zip(header, values, strict=False) if h}
        if any(record.values()):
            out.append((line, {c: record.get(c, "") for c in columns}))
    return out


# --- checking a year's plan ---------------------------------------------------------------------


def _issued_on(value: date | str | None, year: int, problems: list[str]) -> date | None:
    if value in (None, ""):
        return None
    try:
        day = periods.parse_day(value)  # type: ignore[arg-type]
    except periods.RangeError as exc:
        problems.append(f"Ngày ban hành: {exc}")
        return None
    if day.year not in (year - 1, year):
        problems.append(
            f"Ngày ban hành {fmt_date(day)} không hợp với Kế hoạch năm {year} (ngày trong năm "
            f"{year - 1} hoặc {year})."
        )
    return day


def _number(value: str | None, problems: list[str]) -> str | None:
    text = " ".join(nfc(value or "").split())
    if len(text) > NUMBER_MAX:
        problems.append(f"Số Kế hoạch dài quá {NUMBER_MAX} ký tự: '{text}'.")
    return text or None


def _outside_year(rows: Rows, year: int, name: str) -> list[str]:
    """Task rows whose start or due date falls outside the plan's year."""
    found = []
    for line, row in rows:
        for column in ("start_date", "due_date"):
            text = row.get(column, "")
            try:
                day = date.fromisoformat(text)
            except ValueError:
                continue  # parse_tasks reports it
            if day.year != year:
                found.append(
                    f"{name}, dòng {line}, cột {column}: ngày {fmt_date(day)} nằm ngoài năm "
                    f"{year} của Kế hoạch."
                )
    return found


def check(year: int, files: PlanFiles, path: Path | None = None) -> Checked:
    """Read and check a year's task file (and headings): every problem at once."""
    problems: list[str] = []
    if not 2000 <= int(year) <= 2100:
        problems.append(f"Năm {year} không hợp lệ (cần một năm từ 2000 đến 2100).")
    rows = read_rows(files.tasks, files.tasks_name, "tasks", problems)
    if files.tasks_name and not rows and not problems:
        problems.append(f"{files.tasks_name}: không có nhiệm vụ nào.")
    units = {r[0] for r in db.cached_rows("units", path=path)}
    parsed = catalogues.parse_tasks(rows, units, problems, file=files.tasks_name)
    problems += _outside_year(rows, int(year), files.tasks_name)
    groups = _groups(int(year), files, rows, problems, path)
    number = _number(files.number, problems)
    issued_on = _issued_on(files.issued_on, int(year), problems)
    return Checked(int(year), [] if problems else parsed, groups, number, issued_on, problems)


def _groups(
    year: int, files: PlanFiles, tasks: Rows, problems: list[str], path: Path | None
) -> list[dict[str, Any]]:
    """The headings: the file given, else the year's own, else the latest earlier plan's; every
    task's group must be among them."""
    if files.groups is not None:
        raw = read_rows(files.groups, files.groups_name, "task_groups", problems)
        groups = catalogues.parse_task_groups(raw, problems, file=files.groups_name)
    else:
        source = next((y for y in sorted(plans.years(path), reverse=True) if y <= year), None)
        found = db.query("task_groups", path=path, year=source) if source else pd.DataFrame()
        groups = [
            {"code": g.code, "heading": g.heading, "sort_order": g.sort_order}
            for g in found.itertuples(index=False)
        ]
    codes = {g["code"] for g in groups}
    problems += catalogues.task_group_problems(tasks, codes, files.tasks_name)
    return groups


def changes(checked: Checked, path: Path | None = None) -> dict[str, list[str]]:
    """What loading `checked` would do to its year's stored task list (the preview): kept,
    added, retired (dropped but reported on: kept aside) and deleted codes."""
    stored = {c for (c,) in db.query_rows("task_codes", path=path, year=checked.year)}
    reported = {r[0] for r in db.query_rows("plan_task_history", path=path, year=checked.year)}
    new = [t["code"] for t in checked.tasks]
    dropped = sorted(stored - set(new))
    return {
        "kept": [c for c in new if c in stored],
        "added": [c for c in new if c not in stored],
        "retired": [c for c in dropped if c in reported],
        "deleted": [c for c in dropped if c not in reported],
    }


# --- storing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """What a load or copy did, for the command line and the page."""

    year: int
    label: str
    numbered: bool
    added: list[str]
    kept: list[str]
    retired: dict[str, str]  # code -> units and weeks of its history
    deleted: list[str]

    def lines(self) -> list[str]:
        out = [f"Đã nạp {self.label}: {len(self.added) + len(self.kept)} nhiệm vụ."]
        if self.kept:
            out.append(f"Giữ nguyên mã (giữ lịch sử báo cáo): {', '.join(self.kept)}.")
        if self.added:
            out.append(f"Nhiệm vụ mới: {', '.join(self.added)}.")
        for code, history in self.retired.items():
            out.append(
                f"Nhiệm vụ {code} không còn trong Kế hoạch nhưng đã có báo cáo ({history}): "
                "được lưu trữ (ngừng theo dõi), không xóa."
            )
        if self.deleted:
            out.append(f"Đã bỏ (chưa có báo cáo): {', '.join(self.deleted)}.")
        if not self.numbered:
            out.append(
                "Kế hoạch chưa ghi số, ngày ban hành: khi Văn phòng ban hành, nạp lại tệp nhiệm vụ "
                f"kèm số và ngày (python -m tracker plan load --year {self.year} --tasks … "
                "--number … --date …)."
            )
        return out


def load(user: User, year: int, files: PlanFiles, *, path: Path | None = None) -> Loaded:
    """Check and store the plan of `year` from its files (PlanFileError listing every problem,
    nothing stored); audited."""
    roles.require(user, "edit_catalogue")
    checked = check(year, files, path)
    if checked.problems:
        raise PlanFileError(checked.problems)
    return _store(user, checked, "plan_load", path)


def _store(user: User, checked: Checked, action: str, path: Path | None) -> Loaded:
    year = checked.year
    with db.transaction(path) as tx:
        new_plan = not tx.scalar("select count(*) from plan where year = $y", {"y": year})
        settings = plan_store.settings_for_new_plan(tx, year) if new_plan else {}
        plan_store.store_plan_row(
            tx, year, number=checked.number, issued_on=checked.issued_on, by=user.username
        )
        stored = plan_store.store_tasks(tx, year, checked.tasks, checked.groups)
        plan_store.store_settings(tx, year, settings)
        plan_store.copy_criteria_set(tx, year, user.username)
        workdays.refresh(tx)  # the calendar covers the new year and the next
        audit.record(
            action,
            username=user.username,
            role=user.role,
            target=f"plan/{year}",
            after={
                "number": checked.number,
                "issued_on": str(checked.issued_on) if checked.issued_on else None,
                "added": stored.added,
                "kept": stored.kept,
                "retired": stored.retired,
                "deleted": stored.deleted,
            },
            tx=tx,
        )
    shown = plans.require(year, path)
    return Loaded(
        year,
        shown.label,
        bool(shown.number),
        stored.added,
        stored.kept,
        stored.history,
        stored.deleted,
    )


def _moved(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def copy(user: User, source: int, target: int, *, path: Path | None = None) -> Loaded:
    """Next year's draft from an earlier plan: the same tasks, headings and assignments, dates
    moved to the target year, number and date blank (the Office fills them when it issues
    the plan); its settings and criteria set follow the source's. Refused when the target year
    already has a plan (load a file to change it)."""
    roles.require(user, "edit_catalogue")
    problems = []
    if not plans.exists(source, path):
        problems.append(f"Chưa có Kế hoạch năm {source} để chép.")
    if plans.exists(target, path):
        problems.append(
            f"Đã có Kế hoạch năm {target}; muốn thay danh mục nhiệm vụ thì nạp tệp "
            f"(python -m tracker plan load --year {target} --tasks …)."
        )
    if target <= source:
        problems.append(f"Năm đích ({target}) phải sau năm nguồn ({source}).")
    if problems:
        raise PlanFileError(problems)
    shift = target - source
    tasks = db.frame(
        "select * exclude (plan_year, retired) from task where plan_year = $y and not retired "
        "order by sort_order",
        {"y": source},
        path=path,
    ).to_dict("records")
    for task in tasks:
        task["start_date"] = _moved(pd.Timestamp(task["start_date"]).date(), shift)
        task["due_date"] = _moved(pd.Timestamp(task["due_date"]).date(), shift)
    groups = db.frame(
        "select code, heading, sort_order from task_group where plan_year = $y order by sort_order",
        {"y": source},
        path=path,
    ).to_dict("records")
    checked = Checked(target, tasks, groups, None, None, [])
    return _store(user, checked, "plan_copy", path)


def table(path: Path | None = None) -> pd.DataFrame:
    """The plans as `plan list` and Quản trị show them (Vietnamese headers)."""
    df = db.query("plans", path=path)
    known = {p.year: p for p in plans.all_plans(path)}
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
        + f" · {r['Bản nộp đã nhận']} bản nộp đã nhận"
        for r in rows.to_dict("records")
    ]
