"""The Office's catalogues (units, tasks, indicators, criteria, settings): CSV files under data/.

Each file is validated as a whole; every mistake is reported with the file name and line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import settings
from tracker.catalogue import criteria_rules, plan_store, setting_rules, workdays
from tracker.csvsafe import frame_csv, restore
from tracker.store import db
from tracker.store.db import DatabaseBusyError as DatabaseBusyError  # open_database() raises it
from tracker.text import nfc

TASK_KINDS = ("thuong_xuyen", "san_pham", "theo_yeu_cau")
# The unit code the scores give the body's own assessment (đánh giá chung: the Office's 'VP' in the
# rules of queries/rules.sql and metrics.scoring): no unit of the catalogue may carry it, or its
# lines and the assessment's would be one column (a xã's "Văn phòng" coded VP did that).
GENERAL_UNIT = "VP"
INDICATOR_KINDS = ("flow", "stock")
TRUE_WORDS = {"true", "1", "x", "có", "co", "yes"}
FALSE_WORDS = {"false", "0", "", "không", "khong", "no"}

FILES = {
    "units": ("units.csv", ("code", "name", "active", "sample", "note")),
    "tasks": (
        "tasks.csv",
        (
            "code",
            "group_code",
            "short_title",
            "full_text",
            "directing",
            "lead_unit",
            "coordinating",
            "start_date",
            "due_date",
            "weight",
            "kind",
            "assignment_inferred",
            "city_item",
        ),
    ),
    "indicators": ("indicators.csv", ("code", "name", "measure", "kind", "task_code")),
    # The stored criterion's columns but its order, which is the file's row order.
    "criteria": ("criteria.csv", plan_store.CRITERION_FILE_COLUMNS),
    "settings": ("settings.csv", ("key", "value", "description")),
    "model_fields": ("model_fields.csv", ("code", "name", "active", "note")),
    "task_groups": ("task_groups.csv", ("code", "heading")),
    # Days off and working days the Office adds to the public holidays (workdays.py).
    "calendar": (workdays.FILE, workdays.COLUMNS),
}
# Columns a file may lack (written by an earlier version): read as empty. A task's city_item
# (issue 34), the item of the city's Kế hoạch 52 it carries out, came after the first plans.
OPTIONAL_COLUMNS = {"tasks": frozenset({"city_item"})}


def required_columns(name: str) -> list[str]:
    """The columns of catalogue `name` a file must have."""
    optional = OPTIONAL_COLUMNS.get(name, frozenset())
    return [c for c in FILES[name][1] if c not in optional]


class CatalogueError(ValueError):
    """One or more mistakes in the catalogue files; `problems` lists them all."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Reader:
    """Collects problems while reading one CSV file."""

    file: str
    problems: list[str]

    def fail(self, line: int, message: str) -> None:
        self.problems.append(f"{self.file}, dòng {line}: {message}")

    def boolean(self, line: int, column: str, value: str) -> bool:
        word = value.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            self.fail(line, f"cột '{column}' phải là true/false, đang là '{value}'.")
        return False

    def number(self, line: int, column: str, value: str) -> float:
        try:
            return float(value.replace(",", "."))
        except ValueError:
            self.fail(line, f"cột '{column}' phải là số, đang là '{value}'.")
            return 0.0

    def day(self, line: int, column: str, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(line, f"cột '{column}' phải là ngày dạng YYYY-MM-DD, đang là '{value}'.")
            return date(2026, 1, 1)

    def choice(self, line: int, column: str, value: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            self.fail(
                line, f"cột '{column}' phải là một trong {', '.join(allowed)}; đang là '{value}'."
            )
        return value


def read_csv(
    text: str, name: str, problems: list[str], file: str | None = None
) -> list[tuple[int, dict[str, str]]]:
    """Rows of one catalogue CSV with their line numbers; header checked against FILES.
    `file` names it in the problems (default: its name under data/)."""
    default, columns = FILES[name]
    file = file or default
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in required_columns(name) if c not in (reader.fieldnames or [])]
    if missing:
        problems.append(f"{file}, dòng 1: thiếu cột {', '.join(missing)}.")
        return []
    out = []
    for row in reader:
        # restore: a catalogue exported by export_csv comes back without its guard apostrophes
        clean = {k: nfc(restore(v or "")) for k, v in row.items() if k is not None}
        clean = {c: clean.get(c, "") for c in columns} | clean
        if any(clean.values()):
            out.append((reader.line_num, clean))
    return out


def _unique(r: _Reader, rows: list[tuple[int, dict[str, str]]], column: str) -> set[str]:
    seen: set[str] = set()
    for line, row in rows:
        value = row[column]
        if not value:
            r.fail(line, f"cột '{column}' không được để trống.")
        elif value in seen:
            r.fail(line, f"cột '{column}': mã '{value}' bị trùng.")
        seen.add(value)
    return seen


def reserved_unit_message() -> str:
    return (
        f"mã đơn vị '{GENERAL_UNIT}' dành cho điểm đánh giá chung của cơ quan (Tự chấm điểm); "
        f"hãy đặt mã khác cho đơn vị này, ví dụ '{GENERAL_UNIT}X'."
    )


def parse_units(rows: list, problems: list[str]) -> list[dict[str, Any]]:
    r = _Reader(FILES["units"][0], problems)
    _unique(r, rows, "code")
    for line, row in rows:
        if row["code"] == GENERAL_UNIT:
            r.fail(line, reserved_unit_message())
    return [
        {
            "code": row["code"],
            "name": row["name"] or r.fail(line, "thiếu tên đơn vị.") or "",
            "active": r.boolean(line, "active", row["active"] or "true"),
            "sample": r.boolean(line, "sample", row["sample"]),
            "note": row["note"],
            "sort_order": i,
        }
        for i, (line, row) in enumerate(rows, start=1)
    ]


def parse_tasks(
    rows: list, unit_codes: set[str], problems: list[str], file: str | None = None
) -> list[dict[str, Any]]:
    r = _Reader(file or FILES["tasks"][0], problems)
    _unique(r, rows, "code")
    out = []
    for i, (line, row) in enumerate(rows, start=1):
        lead = row["lead_unit"]
        if lead and lead not in unit_codes:
            r.fail(line, f"cột 'lead_unit': đơn vị chủ trì '{lead}' không có trong units.csv.")
        coordinating = row["coordinating"]
        if coordinating != "*":
            for code in filter(None, coordinating.split(";")):
                if code.strip() not in unit_codes:
                    r.fail(
                        line,
                        f"cột 'coordinating': đơn vị phối hợp '{code}' không có trong units.csv.",
                    )
        if not lead and not coordinating:
            r.fail(line, "nhiệm vụ chưa giao cho đơn vị nào (lead_unit và coordinating đều trống).")
        start = r.day(line, "start_date", row["start_date"])
        due = r.day(line, "due_date", row["due_date"])
        if due < start:
            r.fail(line, "cột 'due_date': ngày kết thúc trước ngày bắt đầu.")
        weight = r.number(line, "weight", row["weight"] or "1")
        if weight <= 0:
            r.fail(line, "cột 'weight': trọng số phải lớn hơn 0.")
        for column in ("short_title", "full_text", "directing"):
            if not row[column]:
                r.fail(line, f"cột '{column}' không được để trống.")
        out.append(
            {
                "code": row["code"],
                "sort_order": i,
                "group_code": row["group_code"],
                "short_title": row["short_title"],
                "full_text": row["full_text"],
                "directing": row["directing"],
                "lead_unit": lead or None,
                "coordinating": coordinating or None,
                "start_date": start,
                "due_date": due,
                "weight": weight,
                "kind": r.choice(line, "kind", row["kind"] or "thuong_xuyen", TASK_KINDS),
                "assignment_inferred": r.boolean(
                    line, "assignment_inferred", row["assignment_inferred"]
                ),
                "city_item": row.get("city_item") or None,
            }
        )
    return out


def parse_indicators(rows: list, task_codes: set[str], problems: list[str]) -> list[dict[str, Any]]:
    r = _Reader(FILES["indicators"][0], problems)
    _unique(r, rows, "code")
    out = []
    for i, (line, row) in enumerate(rows, start=1):
        if row["task_code"] and row["task_code"] not in task_codes:
            r.fail(line, f"nhiệm vụ '{row['task_code']}' không có trong tasks.csv.")
        out.append(
            {
                "code": row["code"],
                "sort_order": i,
                "name": row["name"],
                "measure": row["measure"],
                "task_code": row["task_code"] or None,
                "kind": r.choice(line, "kind", row["kind"], INDICATOR_KINDS),
            }
        )
    return out


def parse_criteria(
    rows: list, units: list[tuple[str, str]], problems: list[str], file: str = ""
) -> list[dict[str, Any]]:
    """The criteria file, checked by the same rules as a set uploaded or edited in the app.

    `units` are the (code, name) pairs of the unit catalogue being loaded with it.
    """
    file = file or FILES["criteria"][0]
    values = [criteria_rules.Row(line, dict(row)) for line, row in rows]
    out, found = criteria_rules.validate(values, file, criteria_rules.unit_lookup(units))
    # Warnings (a total other than 100) do not stop loading, exactly as in the app.
    problems += [
        f"{file}{', ' + p.cell if p.cell else ''}: {p.message}" + (f" {p.fix}" if p.fix else "")
        for p in found
        if p.severity == "error"
    ]
    return out


def parse_settings(
    rows: list, problems: list[str], check_values: bool = True
) -> list[dict[str, Any]]:
    """Settings rows; each known value checked by setting_rules (the admin editor passes
    check_values=False and reports the same checks for the whole table, without lines)."""
    r = _Reader(FILES["settings"][0], problems)
    _unique(r, rows, "key")
    for line, row in rows if check_values else ():
        if problem := setting_rules.value_problem(row["key"], row["value"]):
            r.fail(line, problem)
    return [
        {"key": row["key"], "value": row["value"], "description": row["description"]}
        for _, row in rows
    ]


def parse_model_fields(rows: list, problems: list[str]) -> list[dict[str, Any]]:
    """The fields of "Dân vận khéo" models. A name goes into the template's drop-down (an Excel
    list: no comma, at most 255 characters in all) and is what the workbook's cell must hold."""
    r = _Reader(FILES["model_fields"][0], problems)
    _unique(r, rows, "code")
    out, names = [], set()
    for i, (line, row) in enumerate(rows, start=1):
        name = " ".join(row["name"].split())
        if not name:
            r.fail(line, "thiếu tên lĩnh vực.")
        elif "," in name or '"' in name:
            r.fail(
                line,
                f"tên lĩnh vực '{name}' không được chứa dấu phẩy hoặc dấu nháy kép "
                "(danh sách chọn của Excel dùng dấu phẩy để ngăn cách); hãy dùng dấu gạch ngang.",
            )
        elif name.casefold() in names:
            r.fail(line, f"tên lĩnh vực '{name}' bị trùng.")
        names.add(name.casefold())
        active = r.boolean(line, "active", row["active"] or "true")
        out.append(
            {
                "code": row["code"],
                "name": name,
                "active": active,
                "note": row["note"],
                "sort_order": i,
            }
        )
    active_names = [f["name"] for f in out if f["active"]]
    if not active_names:
        problems.append(f"{r.file}: cần ít nhất một lĩnh vực đang dùng (active = true).")
    if len(",".join(active_names)) > 255:
        problems.append(
            f"{r.file}: tên các lĩnh vực đang dùng dài quá 255 ký tự cộng lại (giới "
            "hạn danh sách chọn của Excel); hãy rút gọn tên hoặc ngừng dùng bớt lĩnh vực."
        )
    return out


def parse_task_groups(
    rows: list, problems: list[str], file: str | None = None
) -> list[dict[str, Any]]:
    """The plan's sections and items (II, II.1 …) with their headings; empty = no heading."""
    r = _Reader(file or FILES["task_groups"][0], problems)
    _unique(r, rows, "code")
    return [
        {"code": row["code"], "heading": row["heading"], "sort_order": i}
        for i, (_, row) in enumerate(rows, start=1)
    ]


def task_group_problems(rows: list, groups: set[str], file: str) -> list[str]:
    """Task rows (line, row) whose group is missing from the group catalogue."""
    return [
        f"{file}, dòng {line}: nhóm '{row['group_code']}' không có trong "
        f"{FILES['task_groups'][0]}; thêm nhóm đó hoặc sửa cột 'group_code'."
        for line, row in rows
        if row["group_code"] not in groups
    ]


def read_dir(source: Path) -> dict[str, list[dict[str, Any]]]:
    """Read and cross-check every catalogue file in `source`; raise CatalogueError listing all problems."""
    problems: list[str] = []
    raw = {}
    for name, (file, _) in FILES.items():
        path = source / file
        if not path.exists():
            problems.append(f"{file}: không tìm thấy tệp trong {source}.")
            raw[name] = []
            continue
        raw[name] = read_csv(path.read_text(encoding="utf-8"), name, problems)
    units = parse_units(raw["units"], problems)
    unit_codes = {u["code"] for u in units}
    tasks = parse_tasks(raw["tasks"], unit_codes, problems)
    result = {
        "units": units,
        "tasks": tasks,
        "indicators": parse_indicators(raw["indicators"], {t["code"] for t in tasks}, problems),
        "criteria": parse_criteria(
            raw["criteria"], [(u["code"], u["name"]) for u in units], problems
        ),
        "settings": parse_settings(raw["settings"], problems),
        "model_fields": parse_model_fields(raw["model_fields"], problems),
        "task_groups": parse_task_groups(raw["task_groups"], problems),
        "calendar": workdays.parse_overrides(raw["calendar"], problems),
    }
    if raw["task_groups"]:
        groups = {g["code"] for g in result["task_groups"]}
        problems += task_group_problems(raw["tasks"], groups, FILES["tasks"][0])
    if problems:
        raise CatalogueError(problems)
    return result


def plan_year_of(data: dict[str, list[dict[str, Any]]]) -> int:
    """The year of the plan data/ holds: setting 'year' of settings.csv, else its tasks' year."""
    given = next((r["value"] for r in data["settings"] if r["key"] == "year"), "")
    if given.strip().isdigit():
        return int(given)
    starts = [t["start_date"].year for t in data["tasks"]]
    return max(set(starts), key=starts.count) if starts else settings.now().year


def load_all(path: Path | None = None, source: Path | None = None, by: str = "hệ thống") -> None:
    """(Re)load every catalogue into the database in one transaction.

    Units, indicators, fields and the calendar are replaced; the tasks and headings become the
    plan of settings.csv's year (plan_store's rule: a task dropped after it was reported on is
    retired, not deleted). Settings edited in the app win over the file. The criteria become
    that plan's set only when it has none yet: a later replacement is an admin action that
    versions the set (scoring).
    """
    data = read_dir(source or settings.catalogue_dir())
    year = plan_year_of(data)
    with db.transaction(path) as tx:
        for table, name in (
            ("unit", "units"),
            ("indicator", "indicators"),
            ("model_field", "model_fields"),
        ):
            tx.delete(table)
            tx.insert_frame(table, pd.DataFrame(data[name]))
        plan_store.store_plan_row(tx, year, number=None, issued_on=None, by=by)
        plan_store.store_tasks(tx, year, data["tasks"], data["task_groups"])
        for row in data["settings"]:
            tx.insert(
                "setting",
                "values ($key, $value, $description) on conflict do nothing",
                row,
            )
        plan_store.store_settings(tx, year, {r["key"]: r["value"] for r in data["settings"]})
        if not tx.scalar("select count(*) from criteria_set where plan_year = $y", {"y": year}):
            plan_store.store_criteria_set(
                tx,
                year,
                data["criteria"],
                label="Bộ tiêu chí tạm thời (chưa phải Phụ lục II chính thức)",
                source="data/criteria.csv",
                provisional=True,
                by=by,
            )
        tx.delete("calendar_override")
        tx.insert_rows("calendar_override", data["calendar"])
        workdays.refresh(tx)  # last: it reads the plans' years from the plans and tasks


def shipped_settings() -> list[dict[str, str]]:
    """The rows of the shipped settings.csv (key, value, description)."""
    text = (settings.DATA_DIR / FILES["settings"][0]).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def required_settings() -> list[str]:
    """The keys the shipped settings.csv defines: the admin may change them, not remove them."""
    return [row["key"] for row in shipped_settings()]


def seed_if_empty(path: Path) -> None:
    """Load the catalogue files into a database that has no plan yet (a fresh one).

    Not the city registry (it holds no plan), nor another body's fresh file: the city seeds it
    with its own units and plan (tracker/city/seeding.py)."""
    if db.is_city(path):
        return
    if db.scalar("select count(*) from plan", path=path):
        workdays.refresh_if_stale(path)  # e.g. a database made before the working-day calendar
    elif settings.body_of_file(path) in (settings.HOME_BODY, None):
        load_all(path=path)


def map_city_items(path: Path | None = None, source: Path | None = None) -> int:
    """Give the tasks of data/'s plan year that name no city item the one data/tasks.csv names
    for their code (an Office database made before issue 34, as the registry registers it);
    returns how many tasks were mapped."""
    data = read_dir(source or settings.catalogue_dir())
    year = plan_year_of(data)
    items = {t["code"]: t["city_item"] for t in data["tasks"] if t["city_item"]}
    unmapped = db.rows(
        "select code from task where plan_year = $y and city_item is null", {"y": year}, path
    )
    todo = [code for (code,) in unmapped if code in items]
    if not todo:
        return 0
    with db.transaction(path) as tx:
        for code in todo:
            tx.update(
                "task",
                "set city_item = $i where plan_year = $y and code = $c and city_item is null",
                {"i": items[code], "y": year, "c": code},
            )
    return len(todo)


# Registered on import: every entry point (app, CLI, tests) imports this module before it opens
# a database, through open_database() below or the modules that read the catalogues.
db.on_first_connect(seed_if_empty)


def open_database(path: Path | None = None) -> None:
    """Open (migrate, and seed when fresh) the database at `path`: the entry points' way in.
    Raises db.DatabaseBusyError when another process holds the file."""
    db.connection(path)


def unit_exists(code: str | None, path: Path | None = None, active_only: bool = False) -> bool:
    """Whether `code` names a unit of the catalogue (an active one, with active_only)."""
    units = db.cached_rows("units", path=path)  # code, name, active, ...: cached, no round trip
    return any(row[0] == code and (row[2] or not active_only) for row in units)


def setting(key: str, path: Path | None = None) -> str:
    """One setting's value (from the cached settings query: no round trip per call)."""
    for name, value, _ in db.cached_rows("settings", path=path):
        if name == key:
            return value
    raise KeyError(key)


# The catalogues that belong to a plan: exporting one names its year.
PLAN_FILES = frozenset({"tasks", "task_groups", "criteria", "settings"})


def export_csv(name: str, path: Path | None = None, *, year: int | None = None) -> bytes:
    """A catalogue back as CSV in the file's own columns, through the guarded writer
    (tracker/csvsafe.py: UTF-8 with BOM, formula-looking text neutralised, LF rows as in data/).
    Tasks, headings, criteria and the plan's settings (PLAN_FILES) are those of the plan of
    `year`, which the caller names; the other catalogues are the Office's, of no plan."""
    _, columns = FILES[name]
    if name in PLAN_FILES and year is None:
        raise ValueError(f"export_csv({name!r}) needs the plan's year")
    if name == "criteria":
        df = db.query("criteria_active", path=path, year=year)
    elif name == "calendar":
        df = db.query("calendar_overrides", path=path)
    elif name == "settings":
        df = db.frame("select * from setting order by key", path=path)
        own = {
            key: value for y, key, value in db.cached_rows("plan_settings", path=path) if y == year
        }
        df["value"] = [own.get(k, v) for k, v in zip(df["key"], df["value"], strict=True)]
    elif name in ("tasks", "task_groups"):
        table = "task" if name == "tasks" else "task_group"
        retired = " and not retired" if name == "tasks" else ""
        df = db.frame(
            f"select * from {table} where plan_year = $y{retired} order by sort_order",
            {"y": year},
            path=path,
        )
    else:
        table = {"units": "unit", "indicators": "indicator", "model_fields": "model_field"}[name]
        df = db.frame(f"select * from {table} order by sort_order", path=path)
    df = df.reindex(columns=list(columns))
    return frame_csv(df, lineterminator="\n")
