"""Migrations, the connection, the query files, and the busy-database message."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import ROOT, child_env
from tracker import settings
from tracker.city import registry
from tracker.store import db, queries, relations


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
    # The city registry's queries (city_*.sql, issue 34) run on the registry, the others on a
    # body's database.
    where = registry.open_registry() if name in queries.names(city=True) else tmp_db
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
        "body": "VPUB",
        "today": date(2026, 11, 25),
    }
    params = {p: samples.get(p) for p in queries.load(name).params}
    db.query(name, where, **params)


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
    with db.transaction() as tx:  # data writes, naming their tables: the catalogue result stays
        tx.insert("difficulty", "(unit_code, content, raised_at) values ('HCTC', 'x', now())")
        tx.insert(
            "submission",
            "(sha256, filename, status, uploaded_at) values ('h', 'f.xlsx', 'rejected', now())",
        )
    assert db.query("units")["name"].tolist() == names
    assert len(db.query("submission_history", unit=None, period=None)) == 1
    with db.transaction() as tx:  # a catalogue write: the catalogue result is recomputed
        tx.update("unit", "set name = 'Phòng mới' where code = 'HCTC'")
    assert "Phòng mới" in db.query("units")["name"].tolist()


def test_a_write_that_names_no_table_retires_the_catalogue_results(tmp_db: Path) -> None:
    """A write through tx.execute is judged by DuckDB's parser, not by its first words: an
    UPDATE after a WITH (which the old pattern over the SQL text took for a read) or a data
    write retires the catalogue results all the same."""
    db.query("units")
    for sql in (
        "with renamed as (select 'Phòng A' as n) update unit set name = (select n from renamed) "
        "where code = 'HCTC'",
        "delete from difficulty where false",
    ):
        before = db.catalogue_version()
        with db.transaction() as tx:
            tx.execute(sql)
        assert db.catalogue_version() != before, sql
    assert "Phòng A" in db.query("units")["name"].tolist()
    before = db.catalogue_version()
    with db.transaction() as tx:  # reads only: nothing retired
        tx.rows("with x as (select 1) select * from x")
        tx.insert_rows("audit_log", [{"logged_at": settings.now(), "action": "t"}])
    assert db.catalogue_version() == before


def test_a_write_verb_runs_only_its_own_kind_of_statement(tmp_db: Path) -> None:
    with db.transaction() as tx:
        with pytest.raises(ValueError, match="one SQL statement"):
            tx.delete("difficulty", "where false; update unit set name = 'x'")
        with pytest.raises(ValueError, match="one SQL statement"):
            tx.insert("difficulty", "select 1; delete from unit")


def test_catalogue_macros_are_found_from_their_definitions(tmp_db: Path) -> None:
    """Which rule macros read only catalogues is derived from DuckDB's parse of them, through
    macros built on macros; the seeded ones read data one step or two away."""
    con = db.connection()
    data = relations.data_relations(con)
    assert {"week_start", "deadline_day", "grade_bands", "assignment"}.isdisjoint(data)
    assert {"progress_as_of", "score_lines", "submission"} <= data
    with con.cursor() as cur:
        cur.execute("create macro seeded_plan(y) as table select * from plan_tasks_of(y)")
        cur.execute(
            "create macro seeded_via(w) as table select * from seeded_plan(2026), progress_as_of(w)"
        )
        cur.execute(
            "create macro seeded_count(u) as (select count(*) from submission where unit_code = u)"
        )
        seeded = relations.data_relations(con)
    assert "seeded_plan" not in seeded
    assert {"seeded_via", "seeded_count"} <= seeded
    assert relations.reads_only_catalogues("select * from seeded_plan(2026)", seeded)
    assert not relations.reads_only_catalogues("select seeded_count('HCTC')", seeded)
    assert not relations.reads_only_catalogues("select * from progress_as_of('2026-W10')", data)
    assert not relations.reads_only_catalogues("select 1; select 2", data)  # unparsable: data


@pytest.mark.parametrize("name", queries.names())
def test_every_query_is_in_the_readme_catalogue(name: str) -> None:
    assert f"| `{name}` |" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_catalogue_value_survives_submissions_and_may_read_only_catalogues(tmp_db: Path) -> None:
    """One rule for every cached value: filed under the version of what it reads. The reading
    context is built once per catalogue version; the seeded value reads submissions while
    declared catalogue-only and is refused."""
    from tracker.ingest.reader.context import Context

    context = Context.load()
    with db.transaction() as tx:  # a data write
        tx.insert("difficulty", "(unit_code, content, raised_at) values ('HCTC', 'x', now())")
    assert Context.load() is context
    with db.transaction() as tx:  # a catalogue write
        tx.update("unit", "set name = 'Phòng mới' where code = 'HCTC'")
    rebuilt = Context.load()
    assert rebuilt is not context and rebuilt.units["HCTC"] == "Phòng mới"
    for read in (
        lambda: db.query("submission_history", unit=None, period=None),
        lambda: db.rows("select count(*) from submission"),
        lambda: db.derived("inner", lambda: db.query("units")),  # filed under the data version
    ):
        with pytest.raises(db.CatalogueReadError):
            db.derived("seeded", read, None, id(read), catalogue=True)
    assert db.derived("units", lambda: db.query("units"), catalogue=True) is not None


def test_a_sign_in_leaves_the_dashboards_cached(users: dict) -> None:
    """A sign-in, its session and a keep-alive write only the sign-in tables: the data version,
    a dashboard's query result and a derived value stand (the first page after a sign-in is
    not computed again), while results that read accounts follow every write."""
    from tracker.accounts import auth, devices, sessions

    completion = db.query("plan_trend", week="2026-W10")
    filed = [k for k in db._cache if k[4] == "plan_trend"]
    value = db.derived("seeded_dashboard", lambda: db.query("plan_completion", week="2026-W10"))
    version = db.data_version()
    before = db.query("users")
    user = auth.authenticate("lanhdao", "mat-khau-2026", client="10.0.0.1")
    sessions.redeem_code(sessions.issue_code(user, "b"), "b")
    devices.issue("lanhdao", client="10.0.0.1", user_agent=None)  # the browser becomes trusted
    assert db.data_version() == version
    assert db.derived("seeded_dashboard", lambda: None) is value
    assert db.query("plan_trend", week="2026-W10").equals(completion)
    assert [k for k in db._cache if k[4] == "plan_trend"] == filed  # the same entry, kept
    after = db.query("users")
    assert after.loc[after["username"] == "lanhdao", "last_login"].notna().all()
    assert before.loc[before["username"] == "lanhdao", "last_login"].isna().all()
    with db.transaction() as tx:  # any other write moves it
        tx.insert("difficulty", "(unit_code, content, raised_at) values ('HCTC', 'x', now())")
    assert db.data_version() != version


def test_a_value_filed_under_the_data_version_may_not_read_sign_in_tables(tmp_db: Path) -> None:
    """The seeded builds read accounts (directly, raw, and through a seeded macro) while filed
    under the data version, which a sign-in does not move: refused."""
    con = db.connection()
    with con.cursor() as cur:
        cur.execute("create macro seeded_accounts() as (select count(*) from app_user)")
    reaching = relations.reaching(con, relations.SIGN_IN_TABLES)
    assert "seeded_accounts" in reaching and "progress_as_of" not in reaching
    assert relations.may_read("select seeded_accounts()", reaching)
    assert relations.may_read("select 1; select 2", reaching)  # unparsable: it may
    key = str(tmp_db.resolve())
    db._data_relations[key], db._sign_in_relations[key] = relations.data_relations(con), reaching
    for read in (
        lambda: db.query("users"),
        lambda: db.rows("select seeded_accounts()"),
        lambda: db.rows("select count(*) from auth_session"),
    ):
        with pytest.raises(db.CatalogueReadError, match="data version"):
            db.derived("seeded", read, None, id(read))
    with db.building("seeded picture"), pytest.raises(db.CatalogueReadError):
        db.query("account_count")


SLOW_QUERY = "select count(*) from range(400000000) t(i) where i % 7 = 3"


def _query_in_thread(path: Path) -> tuple[threading.Thread, list]:
    """A read running in another thread (as the daily backup or another session's page)."""
    outcome: list = []

    def read() -> None:
        try:
            outcome.append(db.scalar(SLOW_QUERY, path=path))
        except Exception as exc:  # recorded for the test to judge
            outcome.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    deadline = time.monotonic() + 30
    while not db._cursors and time.monotonic() < deadline:  # the read is under way
        time.sleep(0.01)
    assert db._cursors
    return thread, outcome


def test_closing_waits_for_a_read_in_another_thread(tmp_db: Path) -> None:
    # DuckDB refuses to close a connection busy in another thread (ResourceInUseException):
    # the teardown of a page test met this while the daily backup was copying the file.
    thread, outcome = _query_in_thread(tmp_db)
    db.close_all()
    thread.join()
    assert outcome == [len(range(3, 400000000, 7))]
    assert db.open_paths() == []


def test_closing_interrupts_a_read_that_outlasts_the_wait(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "CLOSE_WAIT_SECONDS", 0.3)
    thread, outcome = _query_in_thread(tmp_db)
    db.close_all()
    thread.join()
    assert len(outcome) == 1 and isinstance(outcome[0], Exception)
    assert db.open_paths() == []


def test_closing_inside_a_use_of_ones_own_does_not_wait(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "CLOSE_WAIT_SECONDS", 30.0)
    start = time.monotonic()
    with db._using(tmp_db):
        db.close_all()
    assert time.monotonic() - start < 5
