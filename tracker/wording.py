"""Who a text names when it speaks of the body whose data it shows.

On the home body's (the Office's) pages and files: its own offices, as always ("Văn phòng",
HCTC, Phòng Hành chính - Tổ chức). On any other body's: neutral words for that body and whoever
administers its app, and Sở Nội vụ as the one who loads the city's criteria set (shared by every
body, tracker/city/shared_criteria.py). The Office's words stay byte for byte what they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker import settings


@dataclass(frozen=True)
class Words:
    body: str  # the body in running text
    admin: str  # who administers the app in the body
    admin_short: str  # the same in a column header or a button
    criteria_loader: str  # who loads the official criteria set (Phụ lục II)


OFFICE = Words("Văn phòng", "Phòng Hành chính - Tổ chức", "HCTC", "Văn phòng")
OTHER_BODY = Words("cơ quan", "bộ phận quản trị của cơ quan", "quản trị", "Sở Nội vụ")
CITY = Words("Sở Nội vụ", "quản trị của Sở Nội vụ", "quản trị", "Sở Nội vụ")  # the registry's


def of_body(code: str) -> Words:
    """The words of body `code` ('' or the home body: the Office's)."""
    return OFFICE if code in ("", settings.HOME_BODY) else OTHER_BODY


def of_file(path: Path | None) -> Words:
    """The words of the body whose database `path` is (the Office's for the home file and for a
    file of no body; Sở Nội vụ's for the city registry)."""
    path = Path(path or settings.db_path()).resolve()
    if path == settings.city_db_path().resolve():
        return CITY
    return of_body(settings.body_of_file(path) or "")
