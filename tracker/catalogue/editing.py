"""Catalogue edits from the Quản trị page: units, tasks, indicators and settings as tables.

Each save checks the user's role (roles.require), validates through the same rules as the
catalogue files (catalogues.parse_*, setting_rules), refuses removing a code still in use, and
records an audit row with only what changed, in the same transaction as the change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from tracker import roles
from tracker.catalogue import catalogues, issuer, plan_store, plans, setting_rules, year_start
from tracker.roles import AdminError, User
from tracker.store import audit, db
from tracker.text import cell_text

EDITABLE = {
    "units": "unit",
    "tasks": "task",
    "indicators": "indicator",
    "settings": "setting",
    "model_fields": "model_field",
    "task_groups": "task_group",
}
CATALOGUE_LABELS = {
    "units": "Đơn vị",
    "tasks": "Nhiệm vụ",
    "indicators": "Chỉ số",
    "settings": "Tham số",
    "model_fields": "Lĩnh vực Dân vận khéo",
    "task_groups": "Nhóm nhiệm vụ (tiêu đề)",
    "criteria": "Bộ tiêu chí (đang dùng)",
}
# The catalogues that belong to a plan (one set of rows per year); the others are the Office's.
PLAN_CATALOGUES = ("tasks", "task_groups")
BOOLEAN_COLUMNS = {"active", "sample", "assignment_inferred"}
# Vietnamese headers for the catalogue editor; the CSV keeps the English column names.
COLUMN_LABELS = {
    "code": "Mã",
    "name": "Tên",
    "active": "Đang hoạt động",
    "sample": "Đơn vị mẫu",
    "note": "Ghi chú",
    "group_code": "Mã nhóm",
    "group_name": "Tên nhóm",
    "short_title": "Tên ngắn",
    "full_text": "Nội dung đầy đủ",
    "directing": "Chỉ đạo",
    "lead_unit": "Đơn vị chủ trì",
    "coordinating": "Đơn vị phối hợp",
    "start_date": "Bắt đầu",
    "due_date": "Hạn hoàn thành",
    "weight": "Trọng số",
    "kind": "Loại",
    "assignment_inferred": "Phân công suy ra",
    "measure": "Đơn vị tính",
    "task_code": "Mã nhiệm vụ",
    "title": "Nội dung tiêu chí",
    "max_points": "Điểm tối đa",
    "evidence_hint": "Gợi ý minh chứng",
    "responsible_unit": "Đơn vị phụ trách",
    "key": "Tham số",
    "value": "Giá trị",
    "description": "Mô tả",
    "heading": "Tiêu đề nhóm",
}


def _columns(name: str) -> tuple[str, ...]:
    return catalogues.FILES[name][1]


def _stored(name: str, year: int, path: Path | None) -> pd.DataFrame:
    """The stored rows of a catalogue: a plan's tasks and headings for the plan of `year`; the
    settings with that plan's own values in place of the Office-wide ones."""
    if name in PLAN_CATALOGUES:
        retired = " and not retired" if name == "tasks" else ""
        return db.frame(
            f"select * from {EDITABLE[name]} where plan_year = $y{retired} order by sort_order",
            {"y": year},
            path=path,
        )
    if name == "settings":
        df = db.frame("select * from setting order by key", path=path)
        own = {k: v for y, k, v in db.cached_rows("plan_settings", path=path) if y == year}
        df["value"] = [own.get(k, v) for k, v in zip(df["key"], df["value"], strict=True)]
        return _with_missing_settings(df, path)
    return db.frame(f"select * from {EDITABLE[name]} order by sort_order", path=path)


def _with_missing_settings(df: pd.DataFrame, path: Path | None) -> pd.DataFrame:
    """A file made before a shipped setting (the report_issuer_* keys) shows it with the value
    in use (issuer.of: the Office's words, or the body's own), so the admin sees and may edit it
    and saving the table does not read as removing it."""
    missing = [r for r in catalogues.shipped_settings() if r["key"] not in set(df["key"])]
    if not missing:
        return df
    used = issuer.values(issuer.of(path))
    rows = [r | {"value": used.get(r["key"], r["value"])} for r in missing]
    added = pd.DataFrame(rows, columns=["key", "value", "description"])
    return pd.concat([df, added], ignore_index=True).sort_values("key", ignore_index=True)


def catalogue_frame(name: str, path: Path | None = None, *, year: int) -> pd.DataFrame:
    """A catalogue in its file's columns and order: text cells, true/false as booleans. Tasks,
    headings and the plan's settings are those of the plan of `year`."""
    df = _stored(name, year, path)
    out = pd.DataFrame({c: [cell_text(v) for v in df[c]] for c in _columns(name)}, dtype=object)
    for column in BOOLEAN_COLUMNS.intersection(out.columns):
        out[column] = out[column].eq("true").astype(bool)
    return out


def _rows(name: str, df: pd.DataFrame) -> list[tuple[int, dict[str, str]]]:
    """Edited rows as (row number, {column: text}), blank rows dropped."""
    columns = _columns(name)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise catalogues.CatalogueError([f"Thiếu cột {', '.join(missing)}."])
    out = []
    for i, record in enumerate(df[list(columns)].to_dict("records"), start=1):
        clean = {c: cell_text(record[c]) for c in columns}
        if any(v and v != "false" for v in clean.values()):
            out.append((i, clean))
    return out


def _parse(
    name: str, rows: list, problems: list[str], path: Path | None, year: int
) -> list[dict[str, Any]]:
    if name == "units":
        return catalogues.parse_units(rows, problems)
    if name == "tasks":
        units = {r[0] for r in db.cached_rows("units", path=path)}
        groups = set(db.query("task_groups", path=path, year=year)["code"])
        problems += catalogues.task_group_problems(rows, groups, catalogues.FILES["tasks"][0])
        return catalogues.parse_tasks(rows, units, problems)
    if name == "model_fields":
        return catalogues.parse_model_fields(rows, problems)
    if name == "task_groups":
        return catalogues.parse_task_groups(rows, problems)
    if name == "indicators":
        tasks = {code for (code,) in db.query_rows("task_codes", path=path, year=year)}
        return catalogues.parse_indicators(rows, tasks, problems)
    parsed = catalogues.parse_settings(rows, problems, check_values=False)
    problems += setting_rules.problems(parsed, catalogues.required_settings())
    problems += _first_week_problems(parsed, path, year)
    return parsed


def _first_week_problems(parsed: list[dict[str, Any]], path: Path | None, year: int) -> list[str]:
    """A first reporting week changed here passes the check `plan set` applies (year_start):
    it may not move past a week that already has accepted reports."""
    asked = next((row["value"] for row in parsed if row["key"] == "first_week"), None)
    if asked is None or asked == plans.first_week(year, path):
        return []
    return year_start.checked_first_week(year, asked, path)[1]


# Where a removed code may still be used: catalogue -> [(use in catalogue_codes_in_use.sql, why)].
_IN_USE = {
    "units": [
        ("task_lead", "là đơn vị chủ trì của nhiệm vụ"),
        ("task_coordinating", "là đơn vị phối hợp của nhiệm vụ"),
        ("account", "có tài khoản"),
        ("submission", "đã có báo cáo"),
        ("criterion", "phụ trách tiêu chí chấm điểm"),
    ],
    "tasks": [
        ("indicator", "có chỉ số gắn với nó"),
        ("progress", "đã có báo cáo tiến độ"),
        ("difficulty", "có vướng mắc"),
    ],
    "indicators": [("indicator_value", "đã có số liệu báo cáo")],
    "settings": [],
    "model_fields": [("model", "đã có mô hình báo cáo thuộc lĩnh vực này")],
    "task_groups": [("task", "còn nhiệm vụ thuộc nhóm này")],
}
_HINT = {
    "units": " Hãy bỏ chọn cột “Đang hoạt động” (ngừng hoạt động) thay vì xóa.",
    "tasks": " Giữ lại nhiệm vụ này.",
    "indicators": " Giữ lại chỉ số này.",
    "settings": "",
    "model_fields": " Hãy bỏ chọn cột “Đang hoạt động” (ngừng dùng) thay vì xóa: báo cáo mới không chọn được "
    "lĩnh vực này nữa, mô hình đã báo cáo vẫn giữ nguyên.",
    "task_groups": " Chuyển các nhiệm vụ đó sang nhóm khác trước.",
}


def _removal_problems(name: str, removed: set[str], path: Path | None, year: int) -> list[str]:
    if not _IN_USE[name] or not removed:
        return []
    in_use = db.query_rows("catalogue_codes_in_use", path=path, year=year)
    problems = []
    for use, why in _IN_USE[name]:
        used = {code for catalogue, u, code in in_use if catalogue == name and u == use} & removed
        problems += [f"Không xóa được '{code}' vì {why}.{_HINT[name]}" for code in sorted(used)]
    return problems


def _keyed(name: str, records: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    key = "key" if name == "settings" else "code"
    return {r[key]: {c: cell_text(r.get(c)) for c in _columns(name)} for r in records}


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only what changed: rows removed, added, or with different cells (changed cells only)."""
    old, new = {}, {}
    for code in before.keys() | after.keys():
        a, b = before.get(code), after.get(code)
        if a is None or b is None:
            old[code], new[code] = a, b
            continue
        cells = [c for c in a if a[c] != b[c]]
        if cells:
            old[code] = {c: a[c] for c in cells}
            new[code] = {c: b[c] for c in cells}
    return old, new


def save_catalogue(
    name: str, edited: pd.DataFrame, user: User, path: Path | None = None, *, year: int
) -> int:
    """Validate an edited catalogue and store it; returns how many entries changed (0 = nothing).
    Tasks, headings and the plan's settings are those of the plan of `year`.

    Raises catalogues.CatalogueError listing every problem (by row of the edited table).
    """
    roles.require(user, "edit_catalogue")
    if name not in EDITABLE:
        raise AdminError(f"Danh mục '{name}' không sửa được ở đây.")
    problems: list[str] = []
    parsed = _parse(name, _rows(name, edited), problems, path, year)
    file = catalogues.FILES[name][0]
    problems = [p.replace(f"{file}, dòng ", "Dòng ", 1) for p in problems]
    before = _keyed(name, catalogue_frame(name, path, year=year).to_dict("records"))
    after = _keyed(name, parsed)
    problems += _removal_problems(name, set(before) - set(after), path, year)
    if problems:
        raise catalogues.CatalogueError(problems)
    old, new = _diff(before, after)
    kept_before = [c for c in before if c in after]
    kept_after = [c for c in after if c in before]
    if name != "settings" and kept_before != kept_after:  # rows moved: the plan's order changed
        old["(thứ tự)"], new["(thứ tự)"] = kept_before, kept_after
    if not old and not new:
        return 0
    with db.transaction(path) as tx:
        _write(tx, name, parsed, year)
        audit.record(
            "catalogue_edit",
            username=user.username,
            role=user.role,
            target=f"{name}/{year}" if name in (*PLAN_CATALOGUES, "settings") else name,
            before=old,
            after=new,
            tx=tx,
        )
    return len((old.keys() | new.keys()) - {"(thứ tự)"}) or 1


def _write(tx: db.Tx, name: str, parsed: list[dict[str, Any]], year: int) -> None:
    """Replace the stored rows: a plan's tasks or headings; the settings split between the
    plan's own keys and the Office's."""
    if name in PLAN_CATALOGUES:
        # A retired task (history kept) stays, unless the table brings its code back.
        retired = " and (not retired or list_contains($codes, code))" if name == "tasks" else ""
        tx.delete(
            EDITABLE[name],
            f"where plan_year = $y{retired}",
            {"y": year, **({"codes": [r["code"] for r in parsed]} if name == "tasks" else {})},
        )
        frame = pd.DataFrame(parsed)
        frame.insert(0, "plan_year", year)
        tx.insert_frame(EDITABLE[name], frame)
        return
    if name == "settings":
        own = {r["key"]: r["value"] for r in parsed if r["key"] in plans.PLAN_KEYS}
        plan_store.store_settings(tx, year, own, replace=True)
        parsed = [r for r in parsed if r["key"] not in plans.PLAN_KEYS]
        tx.delete("setting", "where not list_contains($k, key)", {"k": list(plans.PLAN_KEYS)})
        tx.insert_frame("setting", pd.DataFrame(parsed))
        return
    tx.delete(EDITABLE[name])
    tx.insert_frame(EDITABLE[name], pd.DataFrame(parsed))


def export_catalogue(name: str, user: User, path: Path | None = None, *, year: int) -> bytes:
    """A catalogue as CSV in its file's format (the same file data/ holds); a plan's catalogues
    (tasks, headings, settings, criteria) those of the plan of `year`."""
    roles.require(user, "export")
    return catalogues.export_csv(name, path, year=year)
