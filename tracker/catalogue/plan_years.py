"""The plan's year in its own text (issue 36): a copy of 2026's plan is 2027's text, and a loaded
plan whose text names another year is pointed out.

The year a plan's text names as its own is written "năm 2026" ("Dân vận khéo năm 2026", "Thời
gian thực hiện: Năm 2026", "cải cách hành chính … và năm 2026"). Other years in the same texts
are not the plan's and never move: a document's date ("ngày 21 tháng 11 năm 2025"), a term or a
period ("nhiệm kỳ 2026 - 2031", "5 năm 2026 - 2030", "giai đoạn 2021 - 2030"), a law's number
("Luật số 97/2025/QH15").
"""

from __future__ import annotations

import re
from typing import Any

# "năm 2026" as the plan's year: not a date's year ("tháng 11 năm 2025"), not the start of a
# range ("5 năm 2026 - 2030").
_PLAN_YEAR = re.compile(
    r"(?<![Tt]háng \d )(?<![Tt]háng \d\d )(?P<word>\b[Nn]ăm)\s+(?P<year>(?:19|20)\d\d)\b"
    r"(?!\s*[-–—]\s*\d)"
)
# The columns of a task, a heading and a criterion that are text a year may appear in.
TASK_TEXT = ("short_title", "full_text")
GROUP_TEXT = ("heading",)
CRITERION_TEXT = ("group_name", "title", "evidence_hint")


def moved(text: str, source: int, target: int) -> str:
    """`text` with the plan's year `source` written as `target` where it names the plan's year."""
    if not isinstance(text, str) or str(source) not in text:
        return text

    def swap(match: re.Match[str]) -> str:
        if int(match["year"]) != int(source):
            return match[0]
        return f"{match['word']} {int(target)}"

    return _PLAN_YEAR.sub(swap, text)


def moved_rows(
    rows: list[dict[str, Any]], columns: tuple[str, ...], source: int, target: int
) -> list[dict[str, Any]]:
    """Each row with its text `columns` moved from `source` to `target` (new dicts)."""
    return [
        {k: moved(v, source, target) if k in columns else v for k, v in row.items()} for row in rows
    ]


def other_years(text: str, year: int) -> list[int]:
    """The years other than `year` that `text` names as a plan's year ("năm 2026"), in order."""
    if not isinstance(text, str):
        return []
    found = [int(m["year"]) for m in _PLAN_YEAR.finditer(text)]
    return list(dict.fromkeys(y for y in found if y != int(year)))


def year_warnings(
    rows: list[tuple[int, dict[str, str]]], columns: tuple[str, ...], year: int, file: str
) -> list[str]:
    """One Vietnamese line per cell of a loaded file whose text names another plan year: the
    row, the column and what it says, so HCTC checks it before the plan is used."""
    out = []
    for line, row in rows:
        for column in columns:
            years = other_years(row.get(column, ""), year)
            if years:
                named = ", ".join(f"năm {y}" for y in years)
                code = row.get("code", "")
                out.append(
                    f"{file}, dòng {line}{f' ({code})' if code else ''}, cột {column}: ghi "
                    f"“{named}” trong Kế hoạch năm {year}; kiểm tra lại nội dung."
                )
    return out
