"""What reading a workbook produces: its header, the rows of each sheet, and every problem found.

The reader (tracker/ingest/reader/) fills these; ingest stores them; the demo builds them directly for
city-scale data. A sheet that is absent from the workbook is None (its earlier data stays),
an empty list means the sheet is there with no data rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from tracker.problems import Problem


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
