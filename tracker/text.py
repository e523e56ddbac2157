"""Text and number helpers shared by reading and display: NFC, matching keys, Vietnamese formats."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from typing import Any

import pandas as pd

_SPACES = re.compile(r"\s+")


def is_missing(value: Any) -> bool:
    """No value: None, NaN, pandas' NA or NaT (the one definition every module uses)."""
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def nfc(value: Any) -> str:
    """Cell or input value as clean NFC text ('' when missing)."""
    if is_missing(value):
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def cell_text(value: Any) -> str:
    """A cell (from a workbook, a DataFrame or the database) as the text the catalogue files
    hold, so that edits, uploads and stored rows compare equal: blank when missing, true/false,
    ISO dates (a date-time's date), whole numbers without ".0", NFC."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(value)


def key(value: Any) -> str:
    """Matching key: NFC, lower case, single spaces, no trailing colon."""
    return _SPACES.sub(" ", nfc(value)).rstrip(":").strip().casefold()


def fmt_number(value: float | None, decimals: int = 1) -> str:
    """Vietnamese number format: 1.234,5 (empty when missing)."""
    if is_missing(value):
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_pct(value: float | None, decimals: int = 1) -> str:
    """45,5% (empty for None/NaN)."""
    text = fmt_number(value, decimals)
    return f"{text}%" if text else ""


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M")


WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def weekday_label(day: date | datetime) -> str:
    """'thứ Sáu 01/05/2026'."""
    return f"{WEEKDAYS[day.weekday()]} {fmt_date(day)}"


def fmt_deadline(when: datetime) -> str:
    """A deadline as the Office writes it: '16:30 thứ Sáu 06/03/2026'."""
    return f"{when:%H:%M} {weekday_label(when)}"


def sentence_start(text: str) -> str:
    """`text` with its first letter in capitals and the rest as written ('bộ phận quản trị …' →
    'Bộ phận quản trị …'; str.capitalize() would lower 'Phòng Hành chính - Tổ chức')."""
    return text[:1].upper() + text[1:]
