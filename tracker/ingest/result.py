"""The outcome of checking or submitting one file (what the pages, the CLI and the JSON Lines
record show): made by submissions' checks, completed by storing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tracker.ingest.parsed import ParsedWorkbook
from tracker.problems import Problem


@dataclass
class Result:
    """The outcome of checking or submitting one file."""

    file: str
    status: str  # 'checked' (dry run passed), 'accepted', 'rejected', 'duplicate'
    unit: str | None = None
    period: str | None = None
    submission_id: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    parsed: ParsedWorkbook | None = None
    changes: pd.DataFrame | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("checked", "accepted", "duplicate")

    def as_json(self, dry_run: bool = False) -> dict[str, Any]:
        """The CLI's JSON Lines record (PRODUCT.md §9)."""
        status = self.status
        if status == "checked":
            status = "accepted"
        out = {
            "file": self.file,
            "status": status,
            "unit": self.unit,
            "period": self.period,
            "submission_id": self.submission_id,
            "rows": self.rows or {"progress": 0, "indicators": 0, "scores": 0, "models": 0},
            "errors": [p.as_json() for p in self.errors],
            "warnings": [p.as_json() for p in self.warnings],
        }
        if dry_run:
            out["dry_run"] = True
        return out
