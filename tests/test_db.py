"""Migrations, the connection, the query files, and the busy-database message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, child_env
from tracker import settings
from tracker.store import db, queries


def test_migrations_apply_from_empty_and_rerun(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    db.connection(path)
    versions = db.migrations_applied(path)
    files = sorted(settings.MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    assert versions == [int(f.name[:3]) for f in files]
    db.close_all()
    db.connection(path)  # re-open: nothing applied twice, data kept
    assert db.migrations_applied(path) == versions
    assert db.scalar("select count(*) from task", path=path) == 11
    db.close_all()


def test_week_macros(tmp_db: Path) -> None:
    start, end, w53 = db.rows(
        "select week_start('2026-W10'), week_end('2026-W10'), week_end('2026-W53')"
    )[0]
    assert (start.isoformat(), end.isoformat(), w53.isoformat()) == (
        "2026-03-02",
        "2026-03-08",
        "2027-01-03",
    )


@pytest.mark.parametrize("name", queries.names())
def test_every_query_is_documented(name: str) -> None:
    q = queries.load(name)
    assert q.description, f"queries/{name}.sql needs a description line"
    assert q.grain, f"queries/{name}.sql needs a `-- grain:` line"
    assert "-- params:" in q.sql


@pytest.mark.parametrize("name", queries.names())
def test_every_query_runs_with_its_declared_params(tmp_db: Path, name: str) -> None:
    # DuckDB rejects missing and unexpected named parameters, which keeps the header honest.
    samples = {
        "week": "2026-W10",
        "unit": "HCTC",
        "task": "II.4",
        "year": 2026,
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
        "first_week": "2026-W07",
        "set_id": 1,
        "source": None,
        "username": None,
        "action": None,
    }
    params = {p: samples.get(p) for p in queries.load(name).params}
    db.query(name, **params)


def test_busy_database_gives_vietnamese_message(tmp_db: Path) -> None:
    code = (
        "import sys; from tracker.store import db\n"
        "try:\n    db.connection()\nexcept db.DatabaseBusyError as e:\n    print(e); sys.exit(3)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env(TRACKER_DB=str(tmp_db)),
        timeout=60,
    )
    assert proc.returncode == 3, proc.stderr
    assert "Máy chủ đang chạy" in proc.stdout


def test_cli_refuses_while_server_holds_database(tmp_db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(tmp_db), "users", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 3
    assert "Máy chủ đang chạy" in proc.stderr


def test_result_cache_follows_what_each_query_reads(tmp_db: Path) -> None:
    """Catalogue queries survive data writes; any write that could change a result drops it."""
    names = db.query("units")["name"].tolist()
    history = db.query("submission_history", unit=None, period=None)
    assert history.empty
    with db.transaction() as tx:  # a data write: the catalogue result stays cached
        tx.execute(
            "insert into difficulty (unit_code, content, raised_at) values ('HCTC', 'x', now())"
        )
        tx.execute(
            "insert into submission (sha256, filename, status, uploaded_at) "
            "values ('h', 'f.xlsx', 'rejected', now())"
        )
    assert db.query("units")["name"].tolist() == names
    assert len(db.query("submission_history", unit=None, period=None)) == 1
    with db.transaction() as tx:  # a catalogue write: the catalogue result is recomputed
        tx.execute("update unit set name = 'Phòng mới' where code = 'HCTC'")
    assert "Phòng mới" in db.query("units")["name"].tolist()
    macro_query = "select * from progress_as_of('2026-W10')"
    assert not db._reads_only_catalogues(macro_query, str(tmp_db.resolve()))


@pytest.mark.parametrize("name", queries.names())
def test_every_query_is_in_the_readme_catalogue(name: str) -> None:
    assert f"| `{name}` |" in (ROOT / "README.md").read_text(encoding="utf-8")
