"""Accepted score and model sheets written straight into the tables ingest fills.

The scoring tests need data with exactly known numbers; inserting rows keeps them independent of
the workbook reader while using the same tables and the same supersede rule (current_sheet).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tracker.store import db

NA = "na"  # marks a criterion "không áp dụng" in add_scores
EVIDENCE = "Văn bản số 12/KH-VP"


def active_set_id(path: Path | None = None) -> int:
    return db.scalar("select id from criteria_set where active", path=path)


def _submission(
    tx: db.Tx, unit: str, period: str, sheet: str, uploaded_at: datetime, set_id: int | None
) -> int:
    sub_id = tx.scalar(
        "insert into submission (sha256, filename, unit_code, period, status, uploaded_at, "
        "uploaded_by, uploader_role, reporter, phone, has_scores, has_models, criteria_set_id) "
        "values ($sha, $f, $u, $p, 'accepted', $t, 'test', 'don_vi', 'Nguyễn Văn A', '0292', "
        "$hs, $hm, $set) returning id",
        {
            "sha": f"{unit}-{period}-{sheet}-{uploaded_at.isoformat()}",
            "f": f"{unit}_{period}.xlsx",
            "u": unit,
            "p": period,
            "t": uploaded_at,
            "hs": sheet == "scores",
            "hm": sheet == "models",
            "set": set_id,
        },
    )
    tx.execute(
        "delete from current_sheet where unit_code = $u and period = $p and sheet = $s",
        {"u": unit, "p": period, "s": sheet},
    )
    tx.execute(
        "insert into current_sheet values ($u, $p, $s, $id)",
        {"u": unit, "p": period, "s": sheet, "id": sub_id},
    )
    return sub_id


def add_scores(
    unit: str,
    period: str,
    scores: dict[str, float | str | None],
    *,
    evidence: dict[str, str] | str = EVIDENCE,
    set_id: int | None = None,
    uploaded_at: datetime | None = None,
    path: Path | None = None,
) -> int:
    """Store an accepted 'Tự chấm điểm' sheet; NA marks a row not applicable, None a blank score.

    Criteria left out of `scores` are absent from the sheet. Penalties are given as stored (≤ 0).
    """
    set_id = set_id if set_id is not None else active_set_id(path)
    uploaded_at = uploaded_at or datetime(2026, 3, 6, 10, 0)
    with db.transaction(path) as tx:
        sub_id = _submission(tx, unit, period, "scores", uploaded_at, set_id)
        for row_no, (code, value) in enumerate(scores.items(), start=5):
            text = evidence.get(code, "") if isinstance(evidence, dict) else evidence
            tx.execute(
                "insert into score_row values ($s, $c, $r, $na, $score, $e, $x)",
                {
                    "s": sub_id,
                    "c": code,
                    "r": row_no,
                    "na": value == NA,
                    "score": None if value == NA else value,
                    "e": text,
                    "x": "",
                },
            )
    return sub_id


def add_models(
    unit: str,
    period: str,
    models: list[dict[str, str]],
    *,
    uploaded_at: datetime | None = None,
    path: Path | None = None,
) -> int:
    """Store an accepted 'Dân vận khéo' sheet; each model: name, field, status (+ optional texts)."""
    uploaded_at = uploaded_at or datetime(2026, 3, 6, 10, 0)
    with db.transaction(path) as tx:
        sub_id = _submission(tx, unit, period, "models", uploaded_at, None)
        for row_no, m in enumerate(models, start=3):
            tx.execute(
                "insert into model_row values ($s, $r, $n, $f, $c, $t, $o, $st)",
                {
                    "s": sub_id,
                    "r": row_no,
                    "n": m["name"],
                    "f": m["field"],
                    "c": m.get("content", ""),
                    "t": m.get("timeframe", ""),
                    "o": m.get("outcome", ""),
                    "st": m.get("status", ""),
                },
            )
    return sub_id


# Ordinary criteria of the provisional set with their maxima (Σ = 100), in sheet order.
ORDINARY_MAX = {
    "A1": 4, "A2": 3, "A3": 3, "B1": 4, "B2": 4, "B3": 2, "C1": 7, "C2": 7, "C3": 6, "D1": 8,
    "D2": 6, "D3": 6, "E1": 4, "E2": 5, "E3": 4, "E4": 4, "E5": 3, "F1": 5, "F2": 8, "F3": 4,
    "F4": 3,
}  # fmt: skip


def ordinary_scores(points: float) -> dict[str, float]:
    """Every ordinary criterion filled in order up to its maximum until `points` are used.

    With all 21 criteria applicable (Σ maxima = 100) the total is exactly `points`.
    """
    out: dict[str, float] = {}
    left = points
    for code, maximum in ORDINARY_MAX.items():
        given = min(maximum, max(left, 0.0))
        out[code] = round(given, 6)
        left -= given
    return out
