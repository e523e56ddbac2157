"""Many database files in one process (issue 34): re-opening a file that already holds this code's
rules does not define them again, at most settings.MAX_OPEN_DATABASES files stay open and one in
use is never closed, the result cache lets its least recently used entries go (never all at
once), every data commit moves the file's data stamp, and another body's file is small."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tracker import settings
from tracker.catalogue import plan
from tracker.store import db, opening, queries, resultcache


def _copies(tmp_db: Path, folder: Path, count: int) -> list[Path]:
    """`count` copies of the fresh test database (closed), as body files of another body."""
    db.checkpoint(tmp_db)
    db.close_all()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        path = folder / f"B{i:02d}.duckdb"
        shutil.copyfile(tmp_db, path)
        out.append(path)
    return out


def test_reopening_skips_the_rules_it_already_holds(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (path,) = _copies(tmp_db, tmp_db.parent / "copies", 1)
    first = opening.open_file(path)
    first.con.close()
    again = opening.open_file(path)
    stored = again.con.execute("select value from store_meta where key = 'rules_sha256'")
    assert stored.fetchall() == [(opening.rules_hash(),)]
    again.con.close()
    assert not again.rules_defined  # the copy was made by the same code: nothing to redefine
    text = queries.rules_sql()
    monkeypatch.setattr(opening.queries, "rules_sql", lambda: text + "\n-- a new version\n")
    changed = opening.open_file(path)
    changed.con.close()
    assert changed.rules_defined  # other rules: defined again, and their hash kept
    assert changed.data_relations == again.data_relations


def test_at_most_the_bound_stays_open_and_one_in_use_is_never_closed(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _copies(tmp_db, settings.bodies_dir(), 4)
    monkeypatch.setattr(settings, "MAX_OPEN_DATABASES", 2)
    with db.snapshot(files[0]):  # in use for the whole block
        for path in files[1:]:
            assert len(plan.units(path)) == 10
            open_now = db.open_paths()
            assert str(files[0]) in open_now
            assert len(open_now) <= 2 + 1  # the home body's file may be open besides
    assert len([p for p in db.open_paths() if "B0" in p]) <= 2
    # A closed file opens again with its data (and nothing cached from before).
    assert len(plan.units(files[1])) == 10


def test_a_file_opened_again_sees_what_another_process_wrote(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _copies(tmp_db, settings.bodies_dir(), 3)
    monkeypatch.setattr(settings, "MAX_OPEN_DATABASES", 1)
    assert db.query("units", files[0])["name"].iloc[0] == "Phòng Hành chính - Tổ chức"
    for path in files[1:]:
        db.query("units", path)  # files[0] is closed to make room
    assert str(files[0]) not in db.open_paths()
    other = opening.open_file(files[0])  # "another process" writes while it is closed
    other.con.execute("update unit set name = 'Đổi ở nơi khác' where code = 'HCTC'")
    other.con.close()
    assert db.query("units", files[0])["name"].iloc[0] == "Đổi ở nơi khác"


def test_the_result_cache_lets_the_least_recently_used_go() -> None:
    cache = resultcache.ResultCache(3)
    for i in range(3):
        cache.put(("a", 0, i), i)
    assert cache.get(("a", 0, 0)) == 0  # now the most recently used
    cache.put(("b", 0, 9), 9)
    assert ("a", 0, 1) not in cache and ("a", 0, 0) in cache and len(cache) == 3
    assert cache.stats.evicted == 1 and cache.stats.hits == 1
    assert cache.get(("a", 0, 1)) is resultcache.MISS and cache.stats.misses == 1
    cache.retire("a", lambda key: key[2] == 2)
    assert list(cache) == [("a", 0, 2), ("b", 0, 9)] and cache.paths() == {"a": 1, "b": 1}
    cache.drop_path("b")
    assert list(cache) == [("a", 0, 2)]


def test_many_files_share_the_cache_without_emptying_it(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before issue 34 the whole cache was emptied past 1,024 entries: with many bodies every
    page computed everything again. Now a second pass over the bodies is all hits."""
    files = _copies(tmp_db, settings.bodies_dir(), 6)
    monkeypatch.setattr(db, "_cache", resultcache.ResultCache(6 * 3))
    for _ in range(2):
        for path in files:
            for name, params in (("units", {}), ("settings", {}), ("plan_years", {})):
                db.query(name, path, **params)
    stats = db.cache_stats()
    assert stats.misses == 18 and stats.hits == 18 and stats.evicted == 0


def test_a_data_commit_moves_the_stamp_and_tells_the_hooks(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[Path] = []
    monkeypatch.setattr(db, "_commit_hooks", [told.append])
    before = db.data_stamp()
    with db.transaction() as tx:  # sign-in tables only: the dashboards' data did not change
        tx.insert_rows("audit_log", [{"logged_at": settings.now(), "action": "login"}])
    assert db.data_stamp() == before and told == []
    with db.transaction() as tx:
        tx.update("unit", "set note = 'x' where code = 'HCTC'")
    assert db.data_stamp() == before + 1 and told == [tmp_db]
    with pytest.raises(ValueError, match="expected one SQL statement"):
        _failing_update()
    assert db.data_stamp() == before + 1  # rolled back: no stamp either


def _failing_update() -> None:
    with db.transaction() as tx:
        tx.update("unit", "set note = 'y' where code = 'HCTC'")
        tx.update("unit", "set note = 'z'; delete from unit")


def test_another_bodys_file_is_small_and_has_few_threads(tmp_db: Path) -> None:
    body = settings.body_db_path("X001")
    db.connection(body)
    size = db.rows("pragma database_size", path=body)[0][2]
    home = db.rows("pragma database_size", path=tmp_db)[0][2]
    assert (size, home) == (settings.SMALL_BLOCK_BYTES, 262144)
    assert db.scalar("select current_setting('async_threads')", path=body) == 1


def test_a_body_code_never_names_a_file_outside_the_bodies_folder(tmp_db: Path) -> None:
    for bad in ("../tracker", "x001", "X/../Y", "", "A"):
        with pytest.raises(ValueError, match="không hợp lệ"):
            settings.body_db_path(bad)
    assert settings.body_of_file(settings.bodies_dir() / "_tmp.duckdb") is None
    assert settings.body_of_file(tmp_db) == settings.HOME_BODY
