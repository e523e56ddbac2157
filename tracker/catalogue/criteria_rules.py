"""The rules of a criteria set (bộ tiêu chí), written once for every way a set arrives.

The .xlsx the Office uploads, the in-app editor and data/criteria.csv all turn their rows into
`Row`s and call `validate`, so a set accepted one way is accepted every way, with the same messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tracker.problems import Problem
from tracker.text import key, nfc

_KIND_WORDS = {
    "": "ordinary",
    "ordinary": "ordinary",
    "thường": "ordinary",
    "tiêu chí thường": "ordinary",
    "cơ bản": "ordinary",
    "bonus": "bonus",
    "thưởng": "bonus",
    "điểm thưởng": "bonus",
    "cộng": "bonus",
    "điểm cộng": "bonus",
    "penalty": "penalty",
    "trừ": "penalty",
    "điểm trừ": "penalty",
}
_CODE = re.compile(r"^[A-Za-zĐđ0-9][A-Za-zĐđ0-9._-]{0,19}$")
_GROUP_PREFIX = re.compile(r"^([A-Za-zĐđ]{1,3}|[IVXLC]+)[.)]\s+\S")


@dataclass
class Row:
    """One data row: its values by field and where each value sits (for messages)."""

    line: int
    values: dict[str, Any]
    cells: dict[str, str] = field(default_factory=dict)

    def cell(self, name: str) -> str:
        return self.cells.get(name, f"dòng {self.line}")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if pd.isna(value) else float(value)
    text = nfc(value).replace("−", "-").replace("–", "-").replace(" ", "")
    text = text.replace(",", ".").removesuffix("điểm")
    try:
        return float(text)
    except ValueError:
        return None


def _is_heading(values: dict[str, Any]) -> bool:
    """A group heading row: no maximum, no kind, and no criterion code with digits.

    Both "A. Lãnh đạo, chỉ đạo" in the code column and "A" | "Lãnh đạo, chỉ đạo" count.
    """
    if nfc(values.get("max_points")) or nfc(values.get("kind")):
        return False
    code = nfc(values.get("code"))
    if not code and not nfc(values.get("title")):
        return False
    return not _CODE.match(code) or not any(ch.isdigit() for ch in code)


def _heading(values: dict[str, Any]) -> tuple[str, str]:
    """(group code, group name) of a heading row."""
    code, title = nfc(values.get("code")), nfc(values.get("title"))
    if code and _CODE.match(code):
        return code.upper(), f"{code}. {title}" if title else code
    name = code or title
    match = _GROUP_PREFIX.match(name)
    return (match.group(1).upper() if match else ""), name


def validate(rows: list[Row], sheet: str, units: dict[str, str]) -> tuple[list, list]:
    """Turn raw rows into criterion dicts; every problem is collected, none stops the reading.

    `units` maps key(code) and key(name) of each known unit to its code (see unit_lookup).
    """
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    heading_code, heading_name = "", ""

    def fail(row: Row, name: str, code: str, message: str, fix: str = "") -> None:
        problems.append(Problem(sheet, row.cell(name), code, message, fix))

    for row in rows:
        v = row.values
        if not any(nfc(x) for x in v.values()):
            continue
        if _is_heading(v):
            heading_code, heading_name = _heading(v)
            continue
        code = nfc(v.get("code"))
        if not code:
            fail(row, "code", "criterion_code_missing", "Thiếu mã tiêu chí.", "Nhập mã, ví dụ A1.")
        elif not _CODE.match(code):
            fail(
                row,
                "code",
                "criterion_code_invalid",
                f"Mã tiêu chí '{code}' không hợp lệ.",
                "Mã chỉ gồm chữ, số, dấu chấm hoặc gạch, không có khoảng trắng (ví dụ A1, B2.1).",
            )
        elif code in seen:
            fail(
                row,
                "code",
                "criterion_code_duplicate",
                f"Mã tiêu chí '{code}' bị trùng với ô {seen[code]}.",
                "Mỗi tiêu chí cần một mã riêng.",
            )
        else:
            seen[code] = row.cell("code")
        title = nfc(v.get("title"))
        if not title:
            fail(row, "title", "criterion_title_missing", "Thiếu nội dung tiêu chí.")
        word = key(v.get("kind"))
        kind = _KIND_WORDS.get(word)
        if kind is None:
            fail(
                row,
                "kind",
                "criterion_kind_invalid",
                f"Loại tiêu chí '{nfc(v.get('kind'))}' không hợp lệ.",
                "Dùng một trong: Thường, Điểm thưởng, Điểm trừ (để trống = Thường).",
            )
            kind = "ordinary"
        maximum = _number(v.get("max_points"))
        if maximum is None or maximum == 0:
            fail(
                row,
                "max_points",
                "criterion_max_invalid",
                f"Điểm tối đa '{nfc(v.get('max_points'))}' không hợp lệ.",
                "Nhập một số lớn hơn 0 (điểm trừ có thể ghi -5).",
            )
            maximum = 0.0
        elif maximum < 0:
            if word == "" or kind == "penalty":
                kind = "penalty"
                maximum = -maximum
            else:
                fail(
                    row,
                    "max_points",
                    "criterion_max_negative",
                    f"Điểm tối đa âm ({maximum:g}) chỉ dùng cho điểm trừ.",
                    "Ghi số dương, hoặc đặt Loại là Điểm trừ.",
                )
        unit_text = nfc(v.get("responsible_unit"))
        unit = units.get(key(unit_text)) if unit_text else "HCTC"
        if unit is None:
            fail(
                row,
                "responsible_unit",
                "criterion_unit_unknown",
                f"Đơn vị phụ trách '{unit_text}' không có trong danh mục đơn vị.",
                "Ghi mã hoặc tên đơn vị như trong danh mục (để trống = HCTC).",
            )
            unit = "HCTC"
        group_code = nfc(v.get("group_code")) or heading_code or _default_group(code, kind)
        group_name = (
            nfc(v.get("group_name")) or heading_name or _default_group_name(kind, group_code)
        )
        out.append(
            {
                "code": code,
                "sort_order": len(out) + 1,
                "group_code": group_code,
                "group_name": group_name,
                "title": title,
                "max_points": maximum,
                "kind": kind,
                "evidence_hint": nfc(v.get("evidence_hint")),
                "responsible_unit": unit,
            }
        )
    problems += _set_checks(out, sheet)
    return out, problems


def _default_group(code: str, kind: str) -> str:
    if kind == "bonus":
        return "T"
    if kind == "penalty":
        return "P"
    match = re.match(r"^[A-Za-zĐđ]+", code)
    return match.group(0).upper() if match else "-"


def _default_group_name(kind: str, group_code: str) -> str:
    return {"bonus": "Điểm thưởng", "penalty": "Điểm trừ"}.get(kind, f"Nhóm {group_code}")


def _set_checks(out: list[dict[str, Any]], sheet: str) -> list[Problem]:
    ordinary = [c for c in out if c["kind"] == "ordinary"]
    if not ordinary:
        return [
            Problem(
                sheet,
                "",
                "criteria_empty",
                "Bộ tiêu chí không có tiêu chí thường nào.",
                "Cần ít nhất một tiêu chí loại Thường có điểm tối đa.",
            )
        ]
    total = sum(c["max_points"] for c in ordinary)
    if abs(total - 100) > 1e-9:
        return [
            Problem(
                sheet,
                "",
                "criteria_total_not_100",
                f"Tổng điểm tối đa của các tiêu chí thường là {total:g}, không phải 100.",
                "Vẫn nạp được: tổng điểm luôn được quy về thang 100.",
                severity="warning",
            )
        ]
    return []


def unit_lookup(units: Iterable[tuple[str, str]]) -> dict[str, str]:
    """key(code) and key(name) -> code, for (code, name) pairs: a unit may be written either way."""
    pairs = list(units)
    lookup = {key(code): code for code, _ in pairs}
    lookup.update({key(name): code for code, name in pairs})  # as the Office writes them
    return lookup
