"""The "Dân vận khéo" register: models by unit, field and status, and each model's history."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tracker.ingest.contract import MODEL_FIELDS, MODEL_STATUSES
from tracker.store import db
from tracker.text import key

NO_STATUS = "Chưa ghi trạng thái"


def register(path: Path | None = None) -> pd.DataFrame:
    """Every unit's models as its latest standing sheet lists them (queries/models_register.sql)."""
    return db.query("models_register", path=path)


def filtered(
    df: pd.DataFrame,
    *,
    unit: str | None = None,
    field: str | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """The register narrowed to one unit, field and/or status (None = all)."""
    mask = pd.Series(True, index=df.index)
    if unit:
        mask &= df["unit_code"] == unit
    if field:
        mask &= df["field"].map(key) == key(field)
    if status:
        status_col = df["status"].fillna("").replace("", NO_STATUS)
        mask &= status_col == status
    return df[mask].reset_index(drop=True)


def status_counts(df: pd.DataFrame) -> dict[str, int]:
    """Models per status in the movement's order (Đăng ký → … → Nhân rộng), then unrecorded."""
    statuses = df["status"].fillna("").replace("", NO_STATUS)
    counts = {s: int((statuses == s).sum()) for s in MODEL_STATUSES}
    other = int((~statuses.isin(MODEL_STATUSES)).sum())
    if other:
        counts[NO_STATUS] = other
    return counts


def field_status_matrix(df: pd.DataFrame) -> pd.DataFrame:
    """Counts of models per field (rows) and status (columns), every field and status shown."""
    statuses = df["status"].fillna("").replace("", NO_STATUS)
    table = pd.crosstab(df["field"], statuses)
    columns = [*MODEL_STATUSES, *([NO_STATUS] if NO_STATUS in table.columns else [])]
    fields = [*MODEL_FIELDS, *sorted(set(table.index) - set(MODEL_FIELDS))]
    return table.reindex(index=fields, columns=columns, fill_value=0)


def history(unit_code: str, name: str | None = None, path: Path | None = None) -> pd.DataFrame:
    """Every accepted report of a unit's models (one model when `name` is given), oldest first."""
    df = db.query("models_history", path=path, unit=unit_code)
    if name is not None:
        df = df[df["model_key"] == key(name)].reset_index(drop=True)
    return df
