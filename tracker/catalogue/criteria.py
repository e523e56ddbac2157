"""Criteria sets (bộ tiêu chí): the active set, its versions, and replacing or editing it.

The provisional set ships in data/criteria.csv (set 1). Each plan (year) has its active set; a
new plan starts with a copy of the previous plan's. The Office replaces a plan's set with the
official Phụ lục II of QĐ 2579/QĐ-UBND from an .xlsx file (checked, previewed, then loaded) or
edits it in the app; either way a new version is stored and becomes that plan's active set, and
every score sheet stays tied to the set it was given under (submission.criteria_set_id).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tracker import filesafety, roles
from tracker.catalogue import criteria_rules, plan, plan_store, plans
from tracker.csvsafe import xlsx_text
from tracker.problems import Problem
from tracker.roles import User
from tracker.store import audit, db
from tracker.text import fmt_datetime, key, nfc

SHEET = "Bộ tiêu chí"
PROVISIONAL_WARNING = (  # {loader}: wording.Words.criteria_loader
    "Bộ tiêu chí đang dùng là **bộ tạm thời**, chưa phải Phụ lục II của Quyết định "
    "2579/QĐ-UBND ngày 21/11/2025. Điểm và xếp loại chỉ có tính tham khảo cho đến khi {loader} "
    "nạp bộ tiêu chí chính thức."
)

# field -> header text written by to_xlsx (and the edit table); ALIASES adds accepted variants.
COLUMNS = {
    "code": "Mã tiêu chí",
    "group_code": "Mã nhóm",
    "group_name": "Nhóm",
    "title": "Nội dung tiêu chí",
    "max_points": "Điểm tối đa",
    "kind": "Loại",
    "evidence_hint": "Tài liệu kiểm chứng",
    "responsible_unit": "Đơn vị phụ trách",
}
ALIASES = {
    "code": ("Mã", "Mã số", "code"),
    "group_code": ("group_code",),
    "group_name": ("Tên nhóm", "Nhóm tiêu chí", "group_name"),
    "title": ("Tiêu chí", "Nội dung", "title"),
    "max_points": ("Điểm tối đa", "Điểm chuẩn", "Thang điểm", "max_points"),
    "kind": ("Loại tiêu chí", "kind"),
    "evidence_hint": ("Tài liệu kiểm chứng (gợi ý)", "Minh chứng", "evidence_hint"),
    "responsible_unit": ("Đơn vị chịu trách nhiệm", "responsible_unit"),
}
REQUIRED = ("code", "title", "max_points")
KIND_LABELS = {"ordinary": "Thường", "bonus": "Điểm thưởng", "penalty": "Điểm trừ"}
_HEADER_SEARCH_ROWS = 20


class CriteriaError(ValueError):
    """The replacement set has errors; `problems` lists every one (Vietnamese, with cells)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(f"{p.cell}: {p.message}" for p in problems))
        self.problems = problems


# ---------------------------------------------------------------------------------------------
# Reading


def active_set(path: Path | None = None, *, year: int) -> dict[str, Any]:
    """The criteria set in force for the plan of `year`: id, label, source, provisional,
    loaded_at, loaded_by."""
    df = sets(path)
    mine = df[df["active"] & (df["plan_year"] == year)]
    if mine.empty:
        raise plans.PlanError(f"Kế hoạch năm {year} chưa có bộ tiêu chí.")
    row = mine.iloc[0]
    return {k: _plain(row[k]) for k in ("id", "label", "source", "provisional", "loaded_at")} | {
        "loaded_by": _plain(row["loaded_by"])
    }


def sets(path: Path | None = None) -> pd.DataFrame:
    """Every loaded version, newest first."""
    return db.query("criteria_sets", path=path)


def criteria_of(set_id: int, path: Path | None = None) -> pd.DataFrame:
    return db.query("criteria", path=path, set_id=int(set_id))


def sets_table(path: Path | None = None) -> pd.DataFrame:
    """The versions as the admin sees them (Vietnamese headers)."""
    df = sets(path)
    return pd.DataFrame(
        {
            "Phiên bản": df["id"],
            "Tên bộ tiêu chí": df["label"],
            "Nguồn": df["source"],
            "Tạm thời": df["provisional"].map({True: "Có", False: "Không"}),
            "Đang áp dụng": df["active"].map({True: "Đang áp dụng", False: ""}),
            "Số tiêu chí": df["criteria"],
            "Tổng điểm tiêu chí thường": df["ordinary_points"],
            "Số bảng điểm đang dùng": df["score_sheets"],
            "Nạp lúc": df["loaded_at"].map(fmt_datetime),
            "Người nạp": df["loaded_by"].fillna(""),
        }
    )


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _unit_lookup(path: Path | None) -> dict[str, str]:
    units = plan.units(path, active_only=False)
    return criteria_rules.unit_lookup(zip(units["code"], units["name"], strict=True))


# ---------------------------------------------------------------------------------------------
# .xlsx


def _refuse(code: str, message: str, fix: str) -> tuple[list, list[Problem]]:
    return [], [Problem("", "", code, message, fix)]


def _find_table(wb: Any) -> tuple[Any, int, dict[str, int]] | None:
    """The first sheet with a header row naming 'Mã tiêu chí' and the required columns."""
    wanted = {key(text): name for name, text in COLUMNS.items()}
    for name, aliases in ALIASES.items():
        wanted.update({key(a): name for a in aliases})
    for ws in wb.worksheets:
        for r, values in enumerate(
            ws.iter_rows(max_row=_HEADER_SEARCH_ROWS, values_only=True), start=1
        ):
            columns: dict[str, int] = {}
            for c, value in enumerate(values, start=1):
                name = wanted.get(key(value))
                if name and name not in columns:
                    columns[name] = c
            if all(f in columns for f in REQUIRED):
                return ws, r, columns
    return None


def parse_xlsx(
    data: bytes, filename: str = "bo_tieu_chi.xlsx", path: Path | None = None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read a criteria set from an .xlsx: (criteria, problems), every problem with its cell.

    The table is found by its header row (Mã tiêu chí, Nội dung tiêu chí, Điểm tối đa required;
    Mã nhóm, Nhóm, Loại, Tài liệu kiểm chứng, Đơn vị phụ trách optional). Group heading rows
    such as "A. Lãnh đạo, chỉ đạo" name the group of the rows below them.
    """
    refused = filesafety.check(data, filename)
    if refused:
        return [], refused
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return _refuse("xlsx_unreadable", "Không đọc được tệp .xlsx.", "Mở tệp và lưu lại.")
    try:
        found = _find_table(wb)
        if found is None:
            need = ", ".join(COLUMNS[f] for f in REQUIRED)
            return _refuse(
                "criteria_header_missing",
                f"Không tìm thấy dòng tiêu đề có các cột: {need}.",
                "Tải bộ tiêu chí hiện hành về để xem mẫu, giữ nguyên tên các cột.",
            )
        ws, header_row, columns = found
        rows = []
        for r, values in enumerate(
            ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
        ):
            picked = {f: values[c - 1] if c - 1 < len(values) else None for f, c in columns.items()}
            cells = {f: f"{get_column_letter(c)}{r}" for f, c in columns.items()}
            rows.append(criteria_rules.Row(r, picked, cells))
        return criteria_rules.validate(rows, ws.title, _unit_lookup(path))
    finally:
        wb.close()


def to_xlsx(set_id: int, path: Path | None = None) -> bytes:
    """A set as the .xlsx that parse_xlsx reads back (to edit offline and load as a new version)."""
    df = criteria_of(set_id, path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS.values()))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in df.itertuples():
        ws.append(
            [
                row.code,
                row.group_code,
                row.group_name,
                row.title,
                float(row.max_points),
                KIND_LABELS[row.kind],
                row.evidence_hint if isinstance(row.evidence_hint, str) else "",
                row.responsible_unit,
            ]
        )
    for cell in (c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)):
        xlsx_text(cell, cell.value)  # ws.append makes a formula of text starting with "="
    for letter, width in zip("ABCDEFGH", (12, 10, 40, 70, 12, 14, 40, 16), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Editing in the app


def edit_frame(set_id: int, path: Path | None = None) -> pd.DataFrame:
    """A set as an editable table with the Vietnamese headers (kinds as Vietnamese labels)."""
    df = criteria_of(set_id, path)
    out = pd.DataFrame({text: df[name] for name, text in COLUMNS.items()})
    out[COLUMNS["kind"]] = df["kind"].map(KIND_LABELS)
    out[COLUMNS["evidence_hint"]] = out[COLUMNS["evidence_hint"]].fillna("")
    return out


def rows_from_frame(table: pd.DataFrame, path: Path | None = None) -> tuple[list, list[Problem]]:
    """Validate an edited table (same rules as the .xlsx); cells are named 'dòng N, cột X'."""
    rows = []
    for i, record in enumerate(table.to_dict("records"), start=1):
        values = {name: record.get(text) for name, text in COLUMNS.items()}
        cells = {name: f"dòng {i}, cột {text}" for name, text in COLUMNS.items()}
        rows.append(criteria_rules.Row(i, values, cells))
    return criteria_rules.validate(rows, "Bảng chỉnh sửa", _unit_lookup(path))


# ---------------------------------------------------------------------------------------------
# Storing a new version


def replace_set(
    user: User,
    data: bytes,
    label: str,
    *,
    provisional: bool = False,
    source: str = "bo_tieu_chi.xlsx",
    path: Path | None = None,
    year: int,
) -> int:
    """Load a new criteria set from an .xlsx and make it the active one of the plan of `year`;
    returns its id."""
    roles.require(user, "edit_catalogue")
    rows, problems = parse_xlsx(data, source, path)
    stored = _Stored(label, provisional, source, "criteria_replace", year)
    return _store(user, rows, problems, stored, path)


def save_edited(
    user: User,
    table: pd.DataFrame,
    label: str,
    *,
    provisional: bool,
    path: Path | None = None,
    year: int,
) -> int:
    """Store an edited copy of a set as a new version of the plan of `year`; earlier scores
    keep their own set."""
    roles.require(user, "edit_catalogue")
    rows, problems = rows_from_frame(table, path)
    source = "chỉnh sửa trên ứng dụng"
    stored = _Stored(label, provisional, source, "criteria_edit", year)
    return _store(user, rows, problems, stored, path)


@dataclass(frozen=True)
class _Stored:
    """How a new set is stored: its name, whether provisional, where from, the audit action and
    the plan it belongs to."""

    label: str
    provisional: bool
    source: str
    action: str
    year: int


def _store(
    user: User,
    rows: list[dict[str, Any]],
    problems: list[Problem],
    new: _Stored,
    path: Path | None,
) -> int:
    errors = [p for p in problems if p.severity == "error"]
    label = nfc(new.label)
    if not label:
        errors.append(Problem("", "", "criteria_label_missing", "Cần đặt tên cho bộ tiêu chí.", ""))
    if errors:
        raise CriteriaError(errors)
    before = active_set(path, year=new.year)
    with db.transaction(path) as tx:
        set_id = plan_store.store_criteria_set(
            tx,
            new.year,
            rows,
            label=label,
            source=new.source,
            provisional=new.provisional,
            by=user.username,
        )
        audit.record(
            new.action,
            username=user.username,
            role=user.role,
            target=f"criteria_set/{set_id}",
            before={"set_id": before["id"], "label": before["label"]},
            after={
                "set_id": set_id,
                "plan_year": new.year,
                "label": label,
                "provisional": new.provisional,
                "criteria": len(rows),
                "source": new.source,
            },
            tx=tx,
        )
    return set_id


def preview_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Parsed criteria shown before loading (Vietnamese headers)."""
    df = pd.DataFrame(rows, columns=[*COLUMNS, "sort_order"])
    out = pd.DataFrame({text: df[name] for name, text in COLUMNS.items()})
    out[COLUMNS["kind"]] = df["kind"].map(KIND_LABELS)
    return out


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Mức độ": ["Lỗi" if p.severity == "error" else "Cảnh báo" for p in problems],
            "Trang tính": [p.sheet for p in problems],
            "Ô": [p.cell for p in problems],
            "Nội dung": [p.message for p in problems],
            "Cách sửa": [p.fix for p in problems],
        }
    )
