"""A body's queries never read another body's file (issue 34): every query of queries/ names no
function that reads a file or another database (a guard, with a planted violation), and, run
against two bodies of the sample whose unit and task codes clash (X001 and X002: the same unit
codes VP, KT, … and the same tasks M1-M8), each gives only its own rows: no cell names the other
body's units, and each body's results are the same with the other body's file gone."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.city_fixture import CITY_NOW
from tracker import settings
from tracker.catalogue import plan
from tracker.store import db, queries, relations

pytestmark = pytest.mark.now(CITY_NOW)

# Table functions and statements that reach outside the file a connection is on.
OUTSIDE = frozenset(
    {"read_csv", "read_csv_auto", "read_parquet", "parquet_scan", "read_json", "read_json_auto"}
    | {"read_ndjson", "read_text", "read_blob", "glob", "sqlite_scan", "postgres_scan"}
    | {"duckdb_databases", "iceberg_scan", "delta_scan", "read_xlsx"}
)


def outside_reads(texts: dict[str, str]) -> list[str]:
    """Query files that name a file-reading function, ATTACH or a .duckdb path."""
    bad = []
    for name, sql in texts.items():
        names = relations.names_read(sql) or frozenset()
        lowered = sql.lower()
        if names & OUTSIDE or "attach" in lowered or ".duckdb" in lowered:
            bad.append(name)
    return bad


def _texts() -> dict[str, str]:
    return {name: queries.load(name).sql for name in queries.names()}


def test_no_query_reads_another_file() -> None:
    assert outside_reads(_texts()) == []
    assert "read_csv" not in queries.rules_sql().lower()
    assert "attach" not in queries.rules_sql().lower()


def test_the_guard_sees_a_planted_violation() -> None:
    planted = _texts() | {
        "seeded_csv": "select * from read_csv('/tmp/x.csv')",
        "seeded_attach": "select * from other.unit -- attach 'X002.duckdb' as other",
    }
    assert sorted(outside_reads(planted)) == ["seeded_attach", "seeded_csv"]


SAMPLES = {
    "week": "2026-W20",
    "unit": "VPX",
    "task": "M4",
    "year": 2026,
    "date_from": date(2026, 2, 1),
    "date_to": date(2026, 6, 30),
    "first_week": "2026-W07",
    "set_id": 2,
    "source": "sheet",
    "ref": "VPX|M4",
    "text_handled": "",
    "username": None,
    "action": None,
    "period": None,
    "submission_id": 1,
    "difficulty_id": 1,
    "model_key": "x",
    "criterion": "A1",
    "criterion_code": "A1",
    "unit_code": "VP",
    "exception_id": 1,
    "now": pd.Timestamp(CITY_NOW).to_pydatetime(),
    "since": pd.Timestamp("2026-01-01").to_pydatetime(),
    "client": "",
    "token_hash": "",
    "code_hash": "",
}
BODY_QUERIES = queries.names(city=False)


def _results(path: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for name in BODY_QUERIES:
        params = {p: SAMPLES.get(p) for p in queries.load(name).params}
        out[name] = db.query(name, path, **params)
    return out


def _text_cells(frame: pd.DataFrame) -> set[str]:
    return {str(v) for column in frame.columns for v in frame[column] if isinstance(v, str)}


@pytest.fixture
def two_bodies(city_rw: Path) -> tuple[Path, Path]:
    """X001 and X002 of a copy of the sample, each unit's name marked with its body's code."""
    paths = settings.body_db_path("X001"), settings.body_db_path("X002")
    for path, code in zip(paths, ("X001", "X002"), strict=True):
        with db.transaction(path) as tx:
            tx.update("unit", "set name = name || ' [' || $c || ']'", {"c": code})
    return paths


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    """A result's rows in a fixed order: a query without a total ORDER BY (a catalogue's codes
    in use) may return the same rows in another order from one run to the next."""
    if frame.empty:
        return frame
    text = frame.astype(str)
    return frame.loc[text.sort_values(list(text.columns)).index].reset_index(drop=True)


def test_each_body_gets_only_its_own_rows(two_bodies: tuple[Path, Path], tmp_path: Path) -> None:
    x001, x002 = two_bodies
    assert set(plan.units(x001)["code"]) & set(plan.units(x002)["code"])  # the codes clash
    assert set(plan.tasks(x001, year=2026)["code"]) == set(plan.tasks(x002, year=2026)["code"])
    first, second = _results(x001), _results(x002)
    for name in BODY_QUERIES:
        assert not any("[X002]" in c for c in _text_cells(first[name])), name
        assert not any("[X001]" in c for c in _text_cells(second[name])), name
    marked = [n for n in BODY_QUERIES if any("[X001]" in c for c in _text_cells(first[n]))]
    assert len(marked) >= 10  # the check above looked at something
    # With X002's file gone, X001's every result is what it was.
    db.close_all()
    shutil.move(x002, tmp_path / "X002.duckdb")
    alone = _results(x001)
    for name in BODY_QUERIES:
        pd.testing.assert_frame_equal(_rows(alone[name]), _rows(first[name]), obj=name)
