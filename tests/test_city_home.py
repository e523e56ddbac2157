"""The Office's existing database becomes body VPUB with nothing it shows changed (issue 34): a copy
of the office sample taken back to the schema before issue 34 (no task.city_item, no escalation
table, no store_meta, migrations 015 and 016 not applied) is opened by this code, its exports
made; then the city registry is made (the home body registered, its accounts in the directory,
its tasks mapped to the city plan's items) and every export is made again: byte for byte the
same. Its accounts sign in as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import OFFICE_NOW, OFFICE_UNTIL
from tracker import settings
from tracker.accounts import directory, signin
from tracker.city import bodies, registry
from tracker.exports import export
from tracker.store import db, opening
from tracker.tools import demo

pytestmark = pytest.mark.now(OFFICE_NOW)

BEFORE_ISSUE_34 = (
    "alter table task drop column city_item",
    "drop table escalation",
    "drop sequence escalation_id_seq",
    "drop table store_meta",
    "delete from schema_migration where version >= 15",
)


def _as_before_issue_34(path: Path) -> None:
    old = opening.open_file(path)
    for statement in BEFORE_ISSUE_34:
        old.con.execute(statement)
    old.con.close()


def _exports(path: Path) -> dict[str, bytes]:
    week = OFFICE_UNTIL
    out = {
        kind: export.build(kind, week=week, path=path)
        for kind in ("summary", "detail", "scores", "models", "indicators")
    }
    out["report"] = export.build("report", date_from="2026-02-01", date_to="2026-03-08", path=path)
    out["baocao"], out["phu_luc"] = export.baocao_files(period="quy1", year=2026, path=path)
    return out


@pytest.fixture
def old_office(office_w10: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db.checkpoint(office_w10)
    home = tmp_path / "tracker.duckdb"
    shutil.copyfile(office_w10, home)
    monkeypatch.setenv("TRACKER_DB", str(home))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    _as_before_issue_34(home)
    yield home
    db.close_all()


def test_the_office_becomes_body_vpub_with_the_same_exports(old_office: Path, still_clock) -> None:
    still_clock(OFFICE_NOW)
    assert not settings.city_db_path().exists()
    before = _exports(old_office)
    assert db.migrations_applied(old_office)[-2:] == [15, 16]  # brought up to date on opening
    assert all(before.values())
    reg = registry.open_registry()
    home = bodies.find("VPUB", reg)
    assert home.home and home.path == old_office
    db.close_all()  # a fresh start of the server on the same files
    after = _exports(old_office)
    for kind, data in before.items():
        assert after[kind] == data, kind
    assert directory.store_of("hctc") == directory.home()
    signed = signin.sign_in("hctc", demo.DEMO_PASSWORD)
    assert signed.store.body == "VPUB" and signed.user.unit_code == "HCTC"
    assert signin.cookie_value(signed.store, "token") == "token"  # the cookie as before
