"""What reading a workbook produces: its header, the rows of each sheet, and every problem found.

The reader (tracker.workbook) fills these; ingest stores them; the demo builds them directly for
city-scale data. A sheet that is absent from the workbook is None (its earlier data stays),
an empty list means the sheet is there with no data rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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


@dataclass
class Header:
    unit_code: str | None = None
    period: str | None = None  # '2026-W10'
    reporter: str = ""
    phone: str = ""
    report_date: str = ""
    # Where each header value was read from, e.g. {"unit_code": "B4", "period": "B5"}.
    cells: dict[str, str] = field(default_factory=dict)


@dataclass
class ProgressRow:
    row_no: int  # the worksheet row (1-based)
    task_code: str
    status: str  # one of contract.STATUSES
    percent: float  # 0..100
    role: str = ""
    result_text: str = ""
    evidence: str = ""
    difficulty: str = ""
    proposal: str = ""


@dataclass
class IndicatorRow:
    row_no: int
    indicator_code: str
    value: float
    note: str = ""


@dataclass
class ScoreRow:
    row_no: int
    criterion_code: str
    not_applicable: bool = False
    score: float | None = None  # penalties stored as <= 0
    evidence: str = ""
    explanation: str = ""


@dataclass
class ModelRow:
    row_no: int
    name: str
    field: str
    content: str = ""
    timeframe: str = ""
    outcome: str = ""
    status: str = ""


@dataclass
class ParsedWorkbook:
    header: Header = field(default_factory=Header)
    progress: list[ProgressRow] | None = None
    indicators: list[IndicatorRow] | None = None
    scores: list[ScoreRow] | None = None
    models: list[ModelRow] | None = None
    meta: dict[str, str] = field(default_factory=dict)
    # Column letter of each field per sheet, e.g. {"Tiến độ": {"percent": "F"}}, for cell addresses.
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def row_counts(self) -> dict[str, int]:
        return {
            "progress": len(self.progress or []),
            "indicators": len(self.indicators or []),
            "scores": len(self.scores or []),
            "models": len(self.models or []),
        }

    def as_dict(self) -> dict:
        return asdict(self)
