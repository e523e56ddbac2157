"""The city registry's file (settings.city_db_path(): $TRACKER_CITY_DB, else <db stem>.city.duckdb
beside TRACKER_DB), made on first use.

Made, it holds: the body catalogue of data/bodies.csv with the home body (TRACKER_DB's file, the
Office, VPUB) marked home; the home body's existing accounts in the account directory; the city
plan's items of data/city_items.csv and the city's criteria set of data/'s plan year (both
provisional, as shipped). Registering the home body changes nothing the Office sees: only its
tasks of data/'s plan year that name no city item get the one data/tasks.csv names.
"""

from __future__ import annotations

from pathlib import Path

from tracker import settings
from tracker.accounts import directory
from tracker.catalogue import catalogues
from tracker.city import bodies, items, shared_criteria
from tracker.roles import SYSTEM
from tracker.store import audit, db

_SEEDED = "registry.seeded"


def path() -> Path:
    return settings.city_db_path()


def exists() -> bool:
    return path().exists()


def open_registry() -> Path:
    """The registry's path, made (and the home body registered) on first use; cheap after."""
    reg = path()
    db.connection(reg)
    memo = db.memo(reg)
    if not memo.get(_SEEDED):
        if not db.scalar("select count(*) from body", path=reg):
            _make(reg)
        memo[_SEEDED] = True
    return reg


def _make(reg: Path) -> None:
    home = settings.HOME_BODY
    data = catalogues.read_dir(settings.catalogue_dir())
    year = catalogues.plan_year_of(data)
    listed = bodies.parse(_shipped(bodies.FILE).read_text(encoding="utf-8"))
    if home not in {b["code"] for b in listed}:
        listed.insert(0, _home_row())
    with db.transaction(reg) as tx:
        bodies.store_rows(tx, listed, home=home)
        items.store(
            tx,
            items.shipped_rows(),
            source="data/city_items.csv",
            provisional=True,
            by=SYSTEM.username,
        )
        shared_criteria.store(
            tx,
            year,
            data["criteria"],
            label="Bộ tiêu chí tạm thời (chưa phải Phụ lục II chính thức)",
            source="data/criteria.csv",
            provisional=True,
            by=SYSTEM.username,
        )
        audit.record(
            "city_registry_create",
            username=SYSTEM.username,
            role=SYSTEM.role,
            detail={"home": home, "home_db": str(settings.db_path()), "bodies": len(listed)},
            tx=tx,
        )
    _register_home()


def _shipped(name: str) -> Path:
    """A city catalogue file: from TRACKER_CATALOGUES when it has one, else data/'s."""
    found = settings.catalogue_dir() / name
    return found if found.exists() else settings.DATA_DIR / name


def _home_row() -> dict:
    return {
        "code": settings.HOME_BODY,
        "name": "Văn phòng UBND thành phố",
        "kind": "van_phong",
        "active": True,
        "sample": False,
        "note": None,
    }


def _register_home() -> None:
    """The home body's accounts into the directory; its tasks mapped to the city's items."""
    home_db = settings.db_path()
    catalogues.open_database(home_db)
    names = [u for (u,) in db.rows("select username from app_user order by username", path=home_db)]
    directory.record(names, settings.HOME_BODY)
    catalogues.map_city_items(home_db)


def is_sample() -> bool:
    """Whether the registry holds sample data (demo --bodies: sample mode on, sample accounts)."""
    if not exists():
        return False
    _, _, sample_mode = db.query_rows("database_contents", path())[0]
    return bool(sample_mode)


def sample_anywhere() -> bool:
    """Whether any store of the installation holds sample data (the home body's file, the
    registry, or a body the catalogue marks sample): what the server's guard against serving a
    sample to other machines asks (tracker/ui/sample_guard.py checks the home body's today)."""
    _, _, home_sample = db.query_rows("database_contents", settings.db_path())[0]
    if home_sample or is_sample():
        return True
    return exists() and any(b.sample for b in bodies.all_bodies(path()))
