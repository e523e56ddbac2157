"""A problem found in what a user gave the product (a workbook, a catalogue file, a criteria
set): where it is (sheet and cell), a stable code, a Vietnamese message and how to fix it.
Below the domain packages: the workbook reader, the file checks and the catalogue validators
all report problems in this one shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One error (rejects the upload) or warning (accepted, shown), located by sheet and cell."""

    sheet: str
    cell: str  # "F15", "B3", or "" when the problem is about the whole file/sheet
    code: str  # stable machine code, e.g. "percent_out_of_range"
    message: str  # Vietnamese: what is wrong
    fix: str = ""  # Vietnamese: how to fix it
    severity: Severity = "error"

    def as_json(self) -> dict[str, str]:
        """The CLI's JSON shape: sheet, cell, code, message (the fix appended to the message)."""
        message = f"{self.message} {self.fix}".strip()
        return {"sheet": self.sheet, "cell": self.cell, "code": self.code, "message": message}


MORE_PROBLEMS = "more_problems"


def capped(problems: list[Problem], limit: int) -> list[Problem]:
    """At most `limit` problems, errors first, then one line saying how many more there are.

    A file of thousands of bad rows would otherwise bury the reader (and the marked-up copy)
    in identical messages; the first few hundred show what to fix.
    """
    if len(problems) <= limit:
        return problems
    ordered = [p for p in problems if p.severity == "error"]
    ordered += [p for p in problems if p.severity == "warning"]
    kept, dropped = ordered[:limit], ordered[limit:]
    dropped_errors = sum(1 for p in dropped if p.severity == "error")
    what = "lỗi" if dropped_errors == len(dropped) else "lỗi, cảnh báo"
    kept.append(
        Problem(
            sheet="",
            cell="",
            code=MORE_PROBLEMS,
            message=f"… và {len(dropped):,} {what} khác chưa liệt kê.".replace(",", "."),
            fix="Sửa các lỗi đã liệt kê (thường cùng một nguyên nhân) rồi tải lên lại để xem "
            "các lỗi còn lại.",
            severity="error" if dropped_errors else "warning",
        )
    )
    return kept
