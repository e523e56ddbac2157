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


_PREFIX = re.compile(r"^[A-ZĐ0-9][A-ZĐ0-9.\-]{0,29}$")
_AUTHORITY = ("KT.", "TL.", "TM.", "Q.", "TUQ.")


def _prefix_problem(key: str, value: str) -> str | None:
    if _PREFIX.match(value):
        return None
    return f"Tham số {key} phải là ký hiệu viết hoa, không dấu cách (ví dụ BC-VPUB), đang là '{value}'."


def _authority_problem(key: str, value: str) -> str | None:
    if not value or (value.startswith(_AUTHORITY) and len(value) <= 80):
        return None
    return (
        f"Tham số {key} phải để trống hoặc bắt đầu bằng KT., TL., TM., Q. hoặc TUQ. "
        f"(ví dụ 'KT. CHÁNH VĂN PHÒNG'), đang là '{value}'."
    )


def _text_problem(key: str, value: str, required: bool) -> str | None:
    if required and not value.strip():
        return f"Tham số {key} không được để trống."
    if len(value) > 80:
        return f"Tham số {key} dài quá 80 ký tự."
    return None


def _long_text_problem(key: str, value: str, required: bool) -> str | None:
    if required and not value.strip():
        return f"Tham số {key} không được để trống."
    if len(value) > 160:
        return f"Tham số {key} dài quá 160 ký tự."
    return None


def _recipients_problem(key: str, value: str) -> str | None:
    items = [x.strip() for x in value.split(";") if x.strip()]
    if not items or len(items) > 20 or any(len(x) > 200 for x in items):
        return (
            f"Tham số {key} phải có từ 1 đến 20 nơi nhận cách nhau bởi dấu chấm phẩy "
            "(ví dụ 'Sở Nội vụ;Lãnh đạo Văn phòng;Lưu: VT, HCTC'), mỗi nơi nhận tối đa 200 ký tự."
        )
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
    "report_number_prefix": _prefix_problem,
    "report_signer_authority": _authority_problem,
    "report_signer_title": lambda k, v: _text_problem(k, v, True),
    "report_signer_name": lambda k, v: _text_problem(k, v, False),
    "report_recipients": _recipients_problem,
    "report_issuer_parent": lambda k, v: _long_text_problem(k, v, False),
    "report_issuer_name": lambda k, v: _long_text_problem(k, v, True),
    "report_issuer_text": lambda k, v: _long_text_problem(k, v, True),
    "report_issuer_full": lambda k, v: _long_text_problem(k, v, True),
    "report_issuer_short": lambda k, v: _long_text_problem(k, v, True),
    "report_compiler": lambda k, v: _long_text_problem(k, v, True),
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
