"""Who issues a body's Báo cáo: its header, the name its text uses, its signer (Nghị định
30/2020/NĐ-CP, Phụ lục I).

The report_issuer_* settings of the body's own file (edited on Quản trị › Danh mục › Tham số as
the other report_* settings), each falling back to the Office's words when a database made
before them lacks it, so the Office's Báo cáo, its annex and its workbook keep their bytes.
A new body's file is seeded with `body_values` (tracker/city/seeding.py) from its name and kind:

- a sở, ban, ngành: "UBND THÀNH PHỐ CẦN THƠ" above its name in capitals ("SỞ TƯ PHÁP"), signed
  "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" (a ban "KT. TRƯỞNG BAN", Thanh tra "KT. CHÁNH THANH TRA");
- a UBND xã, phường: no line above (an Ủy ban nhân dân writes no chủ quản), its name on two
  lines "ỦY BAN NHÂN DÂN" / "XÃ THỚI LAI", signed "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker import settings
from tracker.catalogue import catalogues
from tracker.store import db

CITY = "UBND THÀNH PHỐ CẦN THƠ"
# The Office's words: the defaults, and data/settings.csv's values.
OFFICE = {
    "report_issuer_parent": CITY,
    "report_issuer_name": "VĂN PHÒNG",
    "report_issuer_text": "Văn phòng UBND thành phố",
    "report_issuer_full": "Văn phòng UBND thành phố Cần Thơ",
    "report_issuer_short": "Văn phòng",
    "report_compiler": "PHÒNG HÀNH CHÍNH - TỔ CHỨC",
}
KEYS = tuple(OFFICE)
# The highlighted places of a Báo cáo ("[HCTC bổ sung: …]"): the Office's Phòng Hành chính - Tổ
# chức writes them; in another body's, the body ("[Cơ quan bổ sung: …]").
OFFICE_MARKER = "HCTC"
BODY_MARKER = "Cơ quan"


@dataclass(frozen=True)
class Issuer:
    parent: str  # the chủ quản line above the name ("" for a UBND: none)
    name: tuple[str, ...]  # the issuing body's name in capitals, one item per line
    text: str  # in running text: "… của Văn phòng UBND thành phố báo cáo …"
    full: str  # the full name: Phụ lục I's "Kèm theo …", the files' author
    short: str  # "Lãnh đạo Văn phòng", "các đơn vị thuộc Văn phòng"
    compiler: str  # who signs the Báo cáo tổng hợp workbook under Bảng 1
    marker: str = OFFICE_MARKER  # who the Báo cáo's highlighted places ask to write: "[HCTC …]"

    @property
    def heading(self) -> str:
        """The name in capitals on one line ('VĂN PHÒNG UBND THÀNH PHỐ CẦN THƠ')."""
        return self.full.upper()


def lines(value: str) -> tuple[str, ...]:
    """'ỦY BAN NHÂN DÂN;XÃ THỚI LAI' -> its lines."""
    return tuple(x.strip() for x in value.split(";") if x.strip())


def _stored(path: Path | None) -> dict[str, str]:
    found = {}
    for key in KEYS:
        try:
            found[key] = catalogues.setting(key, path).strip()
        except KeyError:
            continue
    return found


def _fallback(path: Path | None) -> dict[str, str]:
    """For a setting the file lacks: the Office's words, or for another body's file seeded
    before these settings, the words its catalogue row gives (never the Office's)."""
    code = settings.body_of_file(path or settings.db_path())
    if code in (None, settings.HOME_BODY):
        return OFFICE
    registry = settings.city_db_path()
    if not registry.exists():
        return OFFICE
    found = [r for r in db.cached_rows("city_bodies", registry) if r[0] == code]
    return body_values(found[0][1], found[0][2]) if found else OFFICE


def of(path: Path | None = None) -> Issuer:
    """The issuer of the body whose file is `path` (see the module for a missing setting)."""
    v = _stored(path)
    code = settings.body_of_file(path or settings.db_path())
    if any(key not in v for key in KEYS):
        v = _fallback(path) | v
    v = {k: x or (OFFICE[k] if k != "report_issuer_parent" else "") for k, x in v.items()}
    return Issuer(
        parent=v["report_issuer_parent"],
        name=lines(v["report_issuer_name"]) or lines(OFFICE["report_issuer_name"]),
        text=v["report_issuer_text"],
        full=v["report_issuer_full"],
        short=v["report_issuer_short"],
        compiler=v["report_compiler"],
        marker=OFFICE_MARKER if code in (None, settings.HOME_BODY) else BODY_MARKER,
    )


def values(found: Issuer) -> dict[str, str]:
    """`found` back as its settings (key -> value)."""
    return {
        "report_issuer_parent": found.parent,
        "report_issuer_name": ";".join(found.name),
        "report_issuer_text": found.text,
        "report_issuer_full": found.full,
        "report_issuer_short": found.short,
        "report_compiler": found.compiler,
    }


def _signer(name: str, kind: str) -> tuple[str, str]:
    if kind == "xa_phuong":
        return "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
    first = name.split()[0].casefold() if name.split() else ""
    if first == "sở":
        return "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"
    if first == "ban":
        return "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"
    if name.casefold().startswith("thanh tra"):
        return "KT. CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA"
    return "KT. THỦ TRƯỞNG CƠ QUAN", "PHÓ THỦ TRƯỞNG CƠ QUAN"


def body_values(name: str, kind: str) -> dict[str, str]:
    """A new body's issuer and signer settings from its catalogue name and kind (see the
    module): 'Sở Tư pháp' (so_ban_nganh), 'UBND xã Thới Lai' (xa_phuong)."""
    name = " ".join(name.split())
    authority, title = _signer(name, kind)
    if kind == "xa_phuong":
        place = name.removeprefix("UBND ").removeprefix("Ủy ban nhân dân ")
        header = ("ỦY BAN NHÂN DÂN", place.upper())
        short = f"UBND {place.split()[0]}" if place.split() else "UBND"
        parent, full = "", f"UBND {place}"
    else:
        header = (name.upper(),)
        first = name.split()[0] if name.split() else ""
        short = first if first.casefold() in ("sở", "ban") else "cơ quan"
        parent = CITY
        full = f"{name} Cần Thơ" if name.endswith("thành phố") else f"{name} thành phố Cần Thơ"
    return {
        "report_issuer_parent": parent,
        "report_issuer_name": ";".join(header),
        "report_issuer_text": full if kind == "xa_phuong" else name,
        "report_issuer_full": full,
        "report_issuer_short": short,
        "report_compiler": " ".join(header),
        "report_signer_authority": authority,
        "report_signer_title": title,
    }
