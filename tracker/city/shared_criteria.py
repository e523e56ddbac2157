"""The city's criteria set per year (QĐ 2579/QĐ-UBND Phụ lục II), shared by every body: kept in
the registry (its criteria_set and criterion rows, plan_year = the year) and copied into each
body's file, where the body's scoring reads it as today (a new version of the body's set for that
plan; earlier scores stay tied to the set they were given under).

A criterion's responsible unit (đơn vị phụ trách, whose scores make the body's own assessment)
is a unit of the body: the city's set names the Office's (HCTC by default); a body's copy keeps a
unit it has and otherwise names the body's focal unit (its first active unit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker import settings
from tracker.catalogue import criteria, plan, plan_store
from tracker.city import bodies
from tracker.roles import User, require
from tracker.store import audit, db
from tracker.text import nfc

_COLUMNS = (
    "code",
    "sort_order",
    "group_code",
    "group_name",
    "title",
    "max_points",
    "kind",
    "evidence_hint",
    "responsible_unit",
)


# The name a new set is given unless the administrator gives another (page and command line).
DEFAULT_LABEL = "Phụ lục II - Quyết định 2579/QĐ-UBND ngày 21/11/2025"


class SharedCriteriaError(ValueError):
    """The city's criteria set cannot be loaded as asked; `problems` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def store(
    tx: db.Tx,
    year: int,
    rows: list[dict[str, Any]],
    *,
    label: str,
    source: str,
    provisional: bool,
    by: str,
) -> int:
    """The city's set of `year` in the registry (inside the registry's transaction `tx`)."""
    return plan_store.store_criteria_set(
        tx, year, rows, label=label, source=source, provisional=provisional, by=by
    )


def city_set(year: int, registry: Path) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """The city's set of `year`: ({set_id, label, provisional}, criteria rows), or None."""
    frame = db.query("city_criteria_set", registry, year=int(year))
    if frame.empty:
        return None
    first = frame.iloc[0]
    head = {
        "set_id": int(first["set_id"]),
        "label": first["label"],
        "provisional": bool(first["provisional"]),
    }
    return head, frame[list(_COLUMNS)].to_dict("records")


def copy_into(year: int, registry: Path, body_path: Path, by: str) -> int | None:
    """Give the body at `body_path` the city's set of `year` as the active set of its plan of
    that year (responsible units mapped, see the module); its set id, None without a city set."""
    found = city_set(year, registry)
    return None if found is None else copy_set_into(*found, year, body_path, by)


def copy_set_into(
    head: dict[str, Any], rows: list[dict[str, Any]], year: int, body_path: Path, by: str
) -> int:
    """copy_into() of a set already read (city_set()): reads and writes the body's file only."""
    units = plan.units(body_path, active_only=False)
    own = set(units["code"])
    focal = next(iter(plan.units(body_path)["code"]), None)
    mapped = [
        r
        | {
            "responsible_unit": r["responsible_unit"]
            if r["responsible_unit"] in own
            else focal or r["responsible_unit"]
        }
        for r in rows
    ]
    with db.transaction(body_path) as tx:
        return plan_store.store_criteria_set(
            tx,
            year,
            mapped,
            label=head["label"],
            source=f"bộ tiêu chí của thành phố năm {year} (số {head['set_id']})",
            provisional=head["provisional"],
            by=by,
        )


def load_xlsx(
    user: User,
    year: int,
    data: bytes,
    filename: str,
    label: str,
    registry: Path,
    *,
    provisional: bool = False,
) -> list[str]:
    """The city administrator loads the year's set from an .xlsx (the same reader and checks as
    a body's, units read as the home body's): stored in the registry, then copied into the file
    of every active body that has one (the home body's included); the bodies' codes."""
    require(user, "edit_city_criteria")
    rows, problems = criteria.parse_xlsx(data, filename, settings.db_path())
    errors = [
        f"{p.cell + ': ' if p.cell else ''}{p.message} {p.fix}".strip()
        for p in problems
        if p.severity == "error"
    ]
    if not nfc(label):
        errors.append("Cần đặt tên cho bộ tiêu chí.")
    if errors:
        raise SharedCriteriaError(errors)
    targets = [b for b in bodies.all_bodies(registry) if b.active and b.path.exists()]
    with db.transaction(registry) as tx:
        set_id = store(
            tx,
            year,
            rows,
            label=nfc(label),
            source=filename,
            provisional=provisional,
            by=user.username,
        )
        audit.record(
            "city_criteria_load",
            username=user.username,
            role=user.role,
            target=f"criteria_set/{set_id}",
            after={"year": year, "label": nfc(label), "criteria": len(rows)},
            tx=tx,
        )
    for body in targets:
        copy_into(year, registry, body.path, user.username)
    return [b.code for b in targets]
