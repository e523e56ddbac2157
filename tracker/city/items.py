"""The items of the city's Kế hoạch 52 per year (mục của Kế hoạch thành phố): what each body's task
names in task.city_item, and what Sở Nội vụ follows across bodies. Shipped as a provisional sample
(data/city_items.csv) until the city administrator loads the city's own list for a year.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from tracker import settings
from tracker.catalogue import periods
from tracker.city.bodies import BodyError
from tracker.csvsafe import restore, rows_csv
from tracker.roles import User, require
from tracker.store import audit, db
from tracker.text import nfc

COLUMNS = ("year", "code", "title", "note")
FILE = "city_items.csv"


@dataclass(frozen=True)
class Item:
    code: str
    title: str
    note: str
    sort_order: int
    provisional: bool


def parse(text: str, file: str = FILE) -> list[dict]:
    """The rows of an item CSV, checked as a whole (BodyError lists every mistake)."""
    problems: list[str] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise BodyError([f"{file}, dòng 1: thiếu cột {', '.join(missing)}."])
    out, seen = [], set()
    for row in reader:
        clean = {k: nfc(restore(v or "")) for k, v in row.items() if k}
        if not any(clean.values()):
            continue
        where = f"{file}, dòng {reader.line_num}"
        year = clean.get("year", "")
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            problems.append(
                f"{where}: cột 'year' phải là năm (ví dụ {periods.example_year()}), "
                f"đang là '{year}'."
            )
            continue
        code, title = clean.get("code", ""), clean.get("title", "")
        if not code:
            problems.append(f"{where}: thiếu mã mục.")
        elif (year, code) in seen:
            problems.append(f"{where}: mục '{code}' của năm {year} bị trùng.")
        seen.add((year, code))
        if not title:
            problems.append(f"{where}: thiếu nội dung mục.")
        out.append({"year": int(year), "code": code, "title": title, "note": clean.get("note")})
    if problems:
        raise BodyError(problems)
    return out


def store(tx: db.Tx, rows: list[dict], *, source: str, provisional: bool, by: str) -> list[int]:
    """Replace the items of every year `rows` names; the years."""
    years = sorted({r["year"] for r in rows})
    for year in years:
        tx.delete("city_item", "where year = $y", {"y": year})
        ordered = [r for r in rows if r["year"] == year]
        tx.insert_rows(
            "city_item",
            [r | {"note": r["note"] or None, "sort_order": i} for i, r in enumerate(ordered, 1)],
        )
        tx.insert(
            "city_item_set",
            "values ($y, $s, $p, $t, $b)",
            {"y": year, "s": source, "p": provisional, "t": settings.now(), "b": by},
            replace=True,
        )
    return years


def load_csv(user: User, data: bytes, registry: Path, name: str = FILE) -> list[int]:
    """The city's own list of items for the years in the file (city administrator): replaces
    those years' lists, no longer provisional. Bodies' tasks naming a code the new list lacks
    keep it (the rollup counts them under 'không thuộc mục nào')."""
    require(user, "edit_city_items")
    try:
        rows = parse(data.decode("utf-8-sig"), name)
    except UnicodeDecodeError:
        raise BodyError([f"{name}: tệp không ở mã UTF-8 (Excel: Lưu thành › CSV UTF-8)."]) from None
    with db.transaction(registry) as tx:
        years = store(tx, rows, source=name, provisional=False, by=user.username)
        audit.record(
            "city_items_load",
            username=user.username,
            role=user.role,
            detail={"file": name, "years": years, "items": len(rows)},
            tx=tx,
        )
    return years


def items(year: int, registry: Path) -> list[Item]:
    return [Item(*row) for row in db.cached_rows("city_items", registry, year=int(year))]


def export_csv(year: int, registry: Path) -> bytes:
    """A year's items in data/city_items.csv's columns."""
    return rows_csv(
        COLUMNS,
        [[year, i.code, i.title, i.note] for i in items(year, registry)],
        lineterminator="\n",
    )


def shipped_rows() -> list[dict]:
    """The provisional sample list shipped in data/ (TRACKER_CATALOGUES may hold another)."""
    source = settings.catalogue_dir() / FILE
    if not source.exists():
        source = settings.DATA_DIR / FILE
    return parse(source.read_text(encoding="utf-8"), FILE)
