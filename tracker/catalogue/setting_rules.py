"""The one validator of the Office's settings (settings.csv and the admin's settings editor).

Both the CSV load (catalogues.parse_settings) and the admin edit (catalogue edits) call
`value_problem`, so a value the metrics cannot use is refused whichever way it arrives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from tracker.catalogue import periods

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def week_problem(key: str, value: str) -> str | None:
    try:
        periods.parse_week_id(value)
    except ValueError as exc:
        return f"Tham số {key}: {exc}"
    return None


def _weeks_problem(key: str, value: str) -> str | None:
    weeks = filter(None, (x.strip() for x in value.split(";")))
    return next((p for w in weeks if (p := week_problem(key, w))), None)


def _number_problem(key: str, value: str, low: float, high: float, whole: bool) -> str | None:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return f"Tham số {key} phải là số, đang là '{value}'."
    if not low <= number <= high or (whole and not number.is_integer()):
        kind = "số nguyên" if whole else "số"
        return f"Tham số {key} phải là {kind} từ {low:g} đến {high:g}, đang là '{value}'."
    return None


def _time_problem(key: str, value: str) -> str | None:
    if _HHMM.match(value):
        return None
    return f"Tham số {key} phải là giờ dạng HH:MM (ví dụ 16:30), đang là '{value}'."


def _bands_problem(key: str, value: str) -> str | None:
    try:
        bands = [
            (label.strip(), float(low)) for label, low in (p.split(":") for p in value.split(";"))
        ]
    except ValueError:
        bands = []
    if not bands or any(not label or not 0 <= low <= 100 for label, low in bands):
        return f"Tham số grade_bands phải có dạng 'Tốt:90;Khá:70;Trung bình:50;Yếu:0', đang là '{value}'."
    return None


# Each known setting and what makes its value usable; unknown keys are free text.
_CHECKS: dict[str, Callable[[str, str], str | None]] = {
    "year": lambda k, v: _number_problem(k, v, 2000, 2100, True),
    "first_week": week_problem,
    "exempt_weeks": _weeks_problem,
    "deadline_weekday": lambda k, v: _number_problem(k, v, 1, 7, True),
    "deadline_time": _time_problem,
    "lock_days": lambda k, v: _number_problem(k, v, 0, 366, True),
    "tolerance": lambda k, v: _number_problem(k, v, 0, 100, False),
    "grade_bands": _bands_problem,
    "rank_min_points": lambda k, v: _number_problem(k, v, 0, 1000, False),
}


def value_problem(key: str, value: str) -> str | None:
    """Why `value` is not usable for setting `key` (Vietnamese), or None when it is."""
    check = _CHECKS.get(key)
    return check(key, value) if check else None


def problems(parsed: list[dict[str, Any]], required: Iterable[str]) -> list[str]:
    """A whole settings table: required keys must stay, known values must be usable."""
    values = {row["key"]: row["value"] for row in parsed}
    found = [f"Không được xóa tham số bắt buộc '{key}'." for key in required if key not in values]
    for key in _CHECKS:
        if key in values and (problem := value_problem(key, values[key])):
            found.append(problem)
    return found
