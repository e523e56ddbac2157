"""Formula-injection-safe CSV for every export (PRODUCT.md §8): defined once, used by all."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

# Text starting with these is run as a formula by Excel/LibreOffice/WPS when the file is opened.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: Any) -> Any:
    """Prefix an apostrophe to text a spreadsheet would read as a formula; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def frame_csv(
    df: pd.DataFrame, *, float_format: str | None = None, lineterminator: str = "\r\n"
) -> bytes:
    """UTF-8 with BOM, ',' separator, '.' decimals; text cells neutralised, numbers untouched."""
    safe = df.copy()
    for column in safe.columns:
        if pd.api.types.is_string_dtype(safe[column]) or safe[column].dtype == object:
            safe[column] = safe[column].map(neutralise)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, float_format=float_format, lineterminator=lineterminator)
    return (BOM + buffer.getvalue()).encode("utf-8")
