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
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook

from tracker import filesafety, roles
from tracker.catalogue import (
    catalogues,
    periods,
    plan_store,
    plan_years,
    plans,
    workdays,
    year_start,
)
from tracker.csvsafe import restore
from tracker.roles import User
from tracker.store import audit, db
from tracker.text import cell_text, fmt_date, fmt_deadline, nfc

NUMBER_MAX = 40
Rows = list[tuple[int, dict[str, str]]]
# The sheets of the workbook `plan export` writes and `plan load` reads: the tasks first (any
# first sheet is read as the task list), the headings, and the plan's number, date and first
# reporting week (label in A, value in B).
TASK_SHEET, GROUP_SHEET, PLAN_SHEET = "Nhiệm vụ", "Tiêu đề mục", "Kế hoạch"
PLAN_LABELS = {
    "number": "Số Kế hoạch",
    "issued_on": "Ngày ban hành",
    "first_week": "Tuần báo cáo đầu tiên",
}


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
    first_week: str | None = None  # '2027-W03', 'Tuần 3/2027'; blank: the default (year_start)


@dataclass
class Checked:
    """A task file read and checked: the rows to store (empty when there are problems), and the
    warnings that do not stop a load (a text naming another plan year)."""

    year: int
    tasks: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    number: str | None
    issued_on: date | None
    problems: list[str]
    first_week: str | None = None
    warnings: list[str] = field(default_factory=list)


# --- reading the files ----------------------------------------------------------------------


def read_rows(
    data: bytes, name: str, catalogue: str, problems: list[str], sheet: str | None = None
) -> Rows:
    """A catalogue file's rows with their row numbers: a .csv (UTF-8) or a sheet of an .xlsx
    (default its first), its first row the column names."""
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
        return _xlsx_rows(data, name, catalogue, problems, sheet)
    problems.append(f"{name}: cần tệp .csv hoặc .xlsx (lưu lại dưới dạng CSV UTF-8 hoặc .xlsx).")
    return []


def _sheet_names(data: bytes, name: str) -> list[str]:
    """The sheets of an .xlsx task file (none for a .csv or an unreadable file)."""
    if not name.lower().endswith(".xlsx") or filesafety.check(data, name):
        return []
    return load_workbook(io.BytesIO(data), read_only=True).sheetnames


def _xlsx_rows(
    data: bytes, name: str, catalogue: str, problems: list[str], sheet: str | None = None
) -> Rows:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
    header = [cell_text(v).strip() for v in next(rows, ())]
    _, columns = catalogues.FILES[catalogue]
    missing = [c for c in catalogues.required_columns(catalogue) if c not in header]
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
    """Task rows whose start or due date falls outside the plan's year; when they all lie in
    one other year, a last line saying where the plan's own file comes from."""
    found, others = [], set()
    for line, row in rows:
        for column in ("start_date", "due_date"):
            text = row.get(column, "")
            try:
                day = date.fromisoformat(text)
            except ValueError:
                continue  # parse_tasks reports it
            if day.year != year:
                others.add(day.year)
                found.append(
                    f"{name}, dòng {line}, cột {column}: ngày {fmt_date(day)} nằm ngoài năm "
                    f"{year} của Kế hoạch."
                )
    if len(others) == 1:
        (other,) = others
        found.append(
            f"Các ngày trên thuộc năm {other}: có lẽ đây là tệp của Kế hoạch năm {other}. Tệp "
            f"của Kế hoạch năm {year} (sau khi chép) lấy bằng lệnh python -m tracker plan export "
            f"--year {year} --out {year}.xlsx, sửa rồi nạp lại; chỉ cần ghi số, ngày thì dùng "
            f"python -m tracker plan set --year {year} --number … --date …."
        )
    return found


def _plan_details(files: PlanFiles) -> PlanFiles:
    """The files with the number, date and first reporting week of the task workbook's sheet
    "Kế hoạch" (as `plan export` writes it) where the command line or the page left them blank,
    and its sheet "Tiêu đề mục" as the headings when no headings file is given."""
    sheets = _sheet_names(files.tasks, files.tasks_name)
    if GROUP_SHEET in sheets and files.groups is None:
        files = replace(
            files, groups=files.tasks, groups_name=f"{files.tasks_name} › {GROUP_SHEET}"
        )
    if PLAN_SHEET not in sheets:
        return files
    book = load_workbook(io.BytesIO(files.tasks), read_only=True, data_only=True)
    found: dict[str, str] = {}
    for label, value, *_ in book[PLAN_SHEET].iter_rows(values_only=True, max_col=2):
        key = next((k for k, t in PLAN_LABELS.items() if cell_text(label).strip() == t), None)
        if key and value not in (None, ""):
            found[key] = value.date() if hasattr(value, "date") else nfc(cell_text(value))
    given = {k: getattr(files, k) for k in PLAN_LABELS}
    return replace(files, **{k: given[k] or found.get(k) for k in PLAN_LABELS})


def check(year: int, files: PlanFiles, path: Path | None = None) -> Checked:
    """Read and check a year's task file (and headings): every problem at once."""
    problems: list[str] = []
    if not 2000 <= int(year) <= 2100:
        problems.append(f"Năm {year} không hợp lệ (cần một năm từ 2000 đến 2100).")
    files = _plan_details(files)
    rows = read_rows(files.tasks, files.tasks_name, "tasks", problems)
    if files.tasks_name and not rows and not problems:
        problems.append(f"{files.tasks_name}: không có nhiệm vụ nào.")
    units = {r[0] for r in db.cached_rows("units", path=path)}
    parsed = catalogues.parse_tasks(rows, units, problems, file=files.tasks_name)
    problems += _outside_year(rows, int(year), files.tasks_name)
    groups, group_rows = _groups(int(year), files, rows, problems, path)
    number = _number(files.number, problems)
    issued_on = _issued_on(files.issued_on, int(year), problems)
    first_week = _first_week(int(year), files.first_week, problems, path)
    warnings = plan_years.year_warnings(rows, plan_years.TASK_TEXT, int(year), files.tasks_name)
    warnings += plan_years.year_warnings(
        group_rows, plan_years.GROUP_TEXT, int(year), files.groups_name
    )
    return Checked(
        int(year),
        [] if problems else parsed,
        groups,
        number,
        issued_on,
        problems,
        first_week,
        warnings,
    )


def _first_week(year: int, value: str | None, problems: list[str], path: Path | None) -> str | None:
    week, found = year_start.checked_first_week(year, value, path)
    problems += found
    return week


def _groups(
    year: int, files: PlanFiles, tasks: Rows, problems: list[str], path: Path | None
) -> tuple[list[dict[str, Any]], Rows]:
    """The headings (and the file's rows, when they come from a file): the file given, else the
    year's own, else the latest earlier plan's; every task's group must be among them."""
    raw: Rows = []
    if files.groups is not None:
        sheet = GROUP_SHEET if files.groups_name.endswith(f"› {GROUP_SHEET}") else None
        name = files.tasks_name if sheet else files.groups_name
        raw = read_rows(files.groups, name, "task_groups", problems, sheet)
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
    return groups, raw


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
    """What a load, a copy or a change of the plan's details did, for the command line and the
    page."""

    year: int
    label: str
    numbered: bool
    added: list[str]
    kept: list[str]
    retired: dict[str, str]  # code -> units and weeks of its history
    deleted: list[str]
    first_week: str = ""
    first_deadline: str = ""  # '16:30 thứ Sáu 08/01/2027'
    warnings: tuple[str, ...] = ()
    copied_from: int | None = None
    moved_years: int = 0  # texts whose plan year the copy moved
    details_only: bool = False  # set_details: the number, date or first week, nothing else

    def lines(self) -> list[str]:
        tasks = len(self.added) + len(self.kept)
        if self.details_only:
            out = [f"Đã ghi: {self.label}."]
        elif self.copied_from is not None:
            out = [
                f"Đã chép Kế hoạch năm {self.copied_from} thành {self.label} (bản nháp): "
                f"{tasks} nhiệm vụ, cùng tiêu đề mục, phân công, tham số và bộ tiêu chí; năm "
                f"{self.copied_from} trong nội dung đổi thành năm {self.year} ở "
                f"{self.moved_years} chỗ."
            ]
        else:
            out = [f"Đã nạp {self.label}: {tasks} nhiệm vụ."]
            out += self._task_lines()
        if self.first_week:
            out.append(
                f"Tuần báo cáo đầu tiên: {periods.label(self.first_week)}, hạn nộp "
                f"{self.first_deadline}."
            )
        out += [f"Lưu ý: {w}" for w in self.warnings]
        if not self.numbered:
            out.append(
                "Kế hoạch chưa ghi số, ngày ban hành: khi Văn phòng ban hành, ghi vào ở Quản trị › "
                f"Kế hoạch hoặc bằng lệnh python -m tracker plan set --year {self.year} "
                "--number … --date …."
            )
        return out

    def _task_lines(self) -> list[str]:
        out = []
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
        return out


def load(user: User, year: int, files: PlanFiles, *, path: Path | None = None) -> Loaded:
    """Check and store the plan of `year` from its files (PlanFileError listing every problem,
    nothing stored); audited."""
    roles.require(user, "edit_catalogue")
    checked = check(year, files, path)
    if checked.problems:
        raise PlanFileError(checked.problems)
    return _store(user, checked, "plan_load", path)


def _store(
    user: User,
    checked: Checked,
    action: str,
    path: Path | None,
    *,
    copied_from: int | None = None,
    moved_years: int = 0,
) -> Loaded:
    year = checked.year
    with db.transaction(path) as tx:
        new_plan = not tx.scalar("select count(*) from plan where year = $y", {"y": year})
        settings = plan_store.settings_for_new_plan(tx, year) if new_plan else {}
        if new_plan:
            settings["first_week"] = checked.first_week or year_start.default_first_week(
                year, checked.issued_on
            )
        plan_store.store_plan_row(
            tx, year, number=checked.number, issued_on=checked.issued_on, by=user.username
        )
        stored = plan_store.store_tasks(tx, year, checked.tasks, checked.groups)
        plan_store.store_settings(tx, year, settings)
        if checked.first_week and not new_plan:
            plan_store.store_settings(tx, year, {"first_week": checked.first_week}, replace=True)
        moved_years += plan_store.copy_criteria_set(tx, year, user.username)
        workdays.refresh(tx)  # the calendar covers the new year and the next
        audit.record(
            action,
            username=user.username,
            role=user.role,
            target=f"plan/{year}",
            after={
                "number": checked.number,
                "issued_on": str(checked.issued_on) if checked.issued_on else None,
                "first_week": settings.get("first_week") or checked.first_week,
                "added": stored.added,
                "kept": stored.kept,
                "retired": stored.retired,
                "deleted": stored.deleted,
                "copied_from": copied_from,
            },
            tx=tx,
        )
    return replace(
        _loaded(year, path, tuple(checked.warnings)),
        added=stored.added,
        kept=stored.kept,
        retired=stored.history,
        deleted=stored.deleted,
        copied_from=copied_from,
        moved_years=moved_years,
    )


def _loaded(year: int, path: Path | None, warnings: tuple[str, ...] = ()) -> Loaded:
    """What a plan is now, for the lines a load, copy or change prints."""
    shown = plans.require(year, path)
    start = year_start.start(year, path)
    return Loaded(
        year,
        shown.label,
        bool(shown.number),
        [],
        [],
        {},
        [],
        first_week=start.first_week,
        first_deadline=fmt_deadline(start.deadline),
        warnings=warnings,
    )


def _moved(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def copy(
    user: User,
    source: int,
    target: int,
    *,
    first_week: str | None = None,
    path: Path | None = None,
) -> Loaded:
    """Next year's draft from an earlier plan: the same tasks, headings and assignments, dates
    moved to the target year and the plan's year in their text with them ("Dân vận khéo năm
    2026" becomes "năm 2027"), number and date blank (the Office fills them when it issues the
    plan); its settings and criteria set follow the source's (its text moved too). Its first
    reporting week is `first_week`, by default the first full week of the target year. Refused
    when the target year already has a plan (load a file to change it)."""
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
    week = _first_week(target, first_week, problems, path)
    if problems:
        raise PlanFileError(problems)
    tasks, groups, moved = _copied_rows(source, target, path)
    checked = Checked(target, tasks, groups, None, None, [], week)
    return _store(user, checked, "plan_copy", path, copied_from=source, moved_years=moved)


def _copied_rows(
    source: int, target: int, path: Path | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """The source plan's tasks and headings as the target's: dates and the plan's year in the
    text moved; with how many texts changed."""
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
    moved_tasks = plan_years.moved_rows(tasks, plan_years.TASK_TEXT, source, target)
    moved_groups = plan_years.moved_rows(groups, plan_years.GROUP_TEXT, source, target)
    changed = sum(
        a[c] != b[c]
        for before, after, columns in (
            (tasks, moved_tasks, plan_years.TASK_TEXT),
            (groups, moved_groups, plan_years.GROUP_TEXT),
        )
        for a, b in zip(before, after, strict=True)
        for c in columns
    )
    return moved_tasks, moved_groups, changed


def set_details(
    user: User,
    year: int,
    *,
    number: str | None = None,
    issued_on: date | str | None = None,
    first_week: str | None = None,
    path: Path | None = None,
) -> Loaded:
    """Give the plan of `year` its number, its date or its first reporting week, each alone
    (blank ones keep what is stored); checked as a load checks them, audited."""
    roles.require(user, "edit_catalogue")
    problems: list[str] = []
    if not plans.exists(year, path):
        problems.append(plans.missing_message(int(year), path))
    if not any(v not in (None, "") for v in (number, issued_on, first_week)):
        problems.append("Chưa ghi số, ngày ban hành hay tuần báo cáo đầu tiên để thay đổi.")
    text = _number(number, problems)
    day = _issued_on(issued_on, int(year), problems)
    week = _first_week(int(year), first_week, problems, path)
    if problems:
        raise PlanFileError(problems)
    before = plans.require(year, path)
    with db.transaction(path) as tx:
        if text or day:
            tx.update(
                "plan",
                "set number = coalesce($n, number), issued_on = coalesce($d, issued_on) "
                "where year = $y",
                {"n": text, "d": day, "y": int(year)},
            )
        if week:
            plan_store.store_settings(tx, int(year), {"first_week": week}, replace=True)
        audit.record(
            "plan_details",
            username=user.username,
            role=user.role,
            target=f"plan/{year}",
            before={"number": before.number, "issued_on": str(before.issued_on or "")},
            after={"number": text, "issued_on": str(day or ""), "first_week": week},
            tx=tx,
        )
    return replace(
        _loaded(int(year), path, _date_hint(int(year), day, week, path)), details_only=True
    )


def _date_hint(year: int, day: date | None, week: str | None, path: Path | None) -> tuple[str, ...]:
    """When a date is given alone and the plan's first reporting week comes before the first
    full week after it, say which week that is (the Office may want to start there)."""
    if day is None or week:
        return ()
    suggested = year_start.default_first_week(year, day)
    if plans.first_week(year, path) >= suggested:
        return ()
    return (
        f"tuần đầu tiên trọn vẹn sau ngày ban hành {fmt_date(day)} là "
        f"{periods.label(suggested)}; muốn bắt đầu nhận báo cáo từ tuần đó thì ghi tuần báo cáo "
        "đầu tiên.",
    )
