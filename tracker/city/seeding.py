"""A new body's database file: what it starts with.

The body schema and rules (like every file), then, in one transaction:
- its units: the list given (a body's own, from an import), or none yet (its administrator adds
  them on Quản trị, or loads its units.csv);
- its plan of the year: one task per item of the city's Kế hoạch 52 for that year (task M1 for
  item 1 …, each naming its item, every unit of the body coordinating, lead unit to be set), which
  the body's administrator replaces by loading or editing its own plan (plan load, Quản trị ›
  Kế hoạch) as the Office does;
- the catalogues every body shares from data/: indicators (each linked to the body's task for the
  city item its Office task carries out), the fields of Dân vận khéo models, the working-day
  calendar additions, the settings (the Báo cáo's number prefix BC-<code>, its issuer and signer
  from the body's name and kind: tracker/catalogue/issuer.py);
- then the city's criteria set of the year (shared_criteria.copy_into).
The Office's own file (the home body) is never made here: it is TRACKER_DB, seeded from data/ as
before.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import settings
from tracker.catalogue import catalogues, issuer, plan_store, workdays
from tracker.city import bodies, items, shared_criteria
from tracker.city.bodies import BodyError
from tracker.store import db, fileperms

GROUP = "II"
GROUP_HEADING = "NỘI DUNG THỰC HIỆN (theo Kế hoạch của UBND thành phố)"


def task_code(item_code: str) -> str:
    """A seeded task's code: M + the city item's (a bare number would read as a number in Excel)."""
    return f"M{item_code}"


def create_body_file(
    code: str,
    registry: Path,
    *,
    units: list[dict[str, Any]] | None = None,
    year: int | None = None,
    by: str = "hệ thống",
    template: Path | None = None,
) -> Path:
    """Make body `code`'s database file (see the module); its path. Refused for the home body, a
    body the catalogue lacks, or one whose file exists already. `template`: a closed file that
    is only migrated (empty_template()), copied instead of migrating anew (many bodies at once)."""
    body = bodies.find(code, registry)
    if body is None:
        raise BodyError([f"Không có cơ quan '{code}' trong danh mục cơ quan."])
    if body.home:
        raise BodyError([f"Cơ quan gốc {code} dùng cơ sở dữ liệu TRACKER_DB, không tạo mới."])
    year = year or catalogues.plan_year_of(catalogues.read_dir(settings.catalogue_dir()))
    city = CitySide(items.items(year, registry), shared_criteria.city_set(year, registry))
    return seed_body_file(
        code, year, city, units=units, by=by, template=template, named=(body.name, body.kind)
    )


@dataclass(frozen=True)
class CitySide:
    """What a new body's file takes from the registry: the year's city items and criteria set."""

    items: list[items.Item]
    criteria: tuple[dict[str, Any], list[dict[str, Any]]] | None


def seed_body_file(
    code: str,
    year: int,
    city: CitySide,
    *,
    units: list[dict[str, Any]] | None = None,
    by: str = "hệ thống",
    template: Path | None = None,
    named: tuple[str, str],
) -> Path:
    """create_body_file() once the registry was read (`city`): writes the body's file only (a
    process that does not hold the registry may run it: demo --bodies' workers). `named`: the
    body's catalogue name and kind, which its Báo cáo's issuer and signer are seeded from."""
    path = settings.body_db_path(code)
    if path.exists():
        raise BodyError([f"Cơ quan {code} đã có cơ sở dữ liệu ({path})."])
    if any(u["code"] == catalogues.GENERAL_UNIT for u in units or []):
        raise BodyError([f"Cơ quan {code}: {catalogues.reserved_unit_message()}"])
    data = catalogues.read_dir(settings.catalogue_dir())
    if template is not None:
        fileperms.private_dir(path.parent)
        shutil.copyfile(template, path)
        fileperms.private_file(path)
    db.connection(path)  # migrated; catalogues.seed_if_empty leaves another body's file empty
    with db.transaction(path) as tx:
        _store_catalogues(tx, code, named, data, units or [], city.items)
        plan_store.store_plan_row(tx, year, number=None, issued_on=None, by=by)
        tx.update("plan", "set body = $b where year = $y", {"b": code, "y": year})
        plan_store.store_tasks(
            tx,
            year,
            _tasks(year, city.items),
            [{"code": GROUP, "heading": GROUP_HEADING, "sort_order": 1}],
        )
        plan_store.store_settings(tx, year, _settings(code, named, data, year))
        workdays.refresh(tx)  # last: it reads the plan's years
    if city.criteria is not None:
        shared_criteria.copy_set_into(*city.criteria, year, path, by)
    return path


def empty_template(path: Path) -> Path:
    """A migrated body file with nothing in it, closed: what create_body_file(template=…)
    copies (the migrations run once instead of once per body)."""
    db.migrate_only(path)
    return path


def _store_catalogues(
    tx: db.Tx,
    code: str,
    named: tuple[str, str],
    data: dict[str, list[dict[str, Any]]],
    units: list[dict[str, Any]],
    city_items: list[items.Item],
) -> None:
    rows = [
        {
            "code": u["code"],
            "name": u["name"],
            "active": u.get("active", True),
            "sample": u.get("sample", False),
            "note": u.get("note"),
            "sort_order": i,
        }
        for i, u in enumerate(units, start=1)
    ]
    for table in ("unit", "indicator", "model_field", "calendar_override"):
        tx.delete(table)  # a migration may have seeded defaults (as catalogues.load_all)
    tx.insert_frame("unit", pd.DataFrame(rows))
    item_of_office_task = {t["code"]: t["city_item"] for t in data["tasks"]}
    known = {i.code for i in city_items}
    indicators = [
        ind
        | {
            "task_code": task_code(item_of_office_task[ind["task_code"]])
            if item_of_office_task.get(ind["task_code"]) in known
            else None
        }
        for ind in data["indicators"]
    ]
    tx.insert_frame("indicator", pd.DataFrame(indicators))
    tx.insert_frame("model_field", pd.DataFrame(data["model_fields"]))
    tx.insert_rows("calendar_override", data["calendar"])
    for row in _settings(code, named, data, None, every=True):
        tx.insert("setting", "values ($key, $value, $description)", row)


def _tasks(year: int, city_items: list[items.Item]) -> list[dict[str, Any]]:
    return [
        {
            "code": task_code(item.code),
            "group_code": GROUP,
            "short_title": item.title,
            "full_text": f"{item.code}. {item.title}",
            "directing": "Lãnh đạo cơ quan",
            "lead_unit": None,
            "coordinating": "*",
            "start_date": date(year, 1, 1),
            "due_date": date(year, 12, 31),
            "weight": 1.0,
            "kind": "thuong_xuyen",
            "assignment_inferred": False,
            "city_item": item.code,
        }
        for item in city_items
    ]


# The settings that name the Office: a body's own Báo cáo has its own number prefix, issuer,
# signer and recipients (issuer.body_values: from its name and kind).
def _own_values(code: str, named: tuple[str, str]) -> dict[str, str]:
    return {
        "report_number_prefix": f"BC-{code}",
        "report_signer_name": "",
        "report_recipients": "Sở Nội vụ;Lưu: VT",
    } | issuer.body_values(*named)


def _settings(
    code: str,
    named: tuple[str, str],
    data: dict[str, list[dict[str, Any]]],
    year: int | None,
    *,
    every: bool = False,
) -> Any:
    """data/settings.csv with the body's own values: the rows (every=True) or key -> value."""
    own = _own_values(code, named) | ({"year": str(year)} if year else {})
    rows = [r | {"value": own.get(r["key"], r["value"])} for r in data["settings"]]
    return rows if every else {r["key"]: r["value"] for r in rows}
