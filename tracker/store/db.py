"""The only module that talks to DuckDB: one connection per file, a cursor per call.

Reads run in parallel (a cursor each; DuckDB releases the GIL inside a query); writes take turns
(transaction()). Results are cached per data version, a counter every write bumps, and shared by
every session; a missing entry is computed once while the others wait. A read and the version it
is filed under are taken together (_commit_lock), so a cached result never mixes states, and a
commit retires what it changes. A result that reads only catalogues (relations.py) follows the
catalogue version, moved only by a write to a catalogue table (a write names its table; a
statement DuckDB's parser does not call a SELECT counts as a write to every catalogue). A commit
that wrote only the sign-in tables (relations.SIGN_IN_TABLES) leaves the data version standing;
a result that may read them follows every write, and a value filed under the data version may
not read them (checked). Dashboard runs may share one snapshot (shared_snapshots.py).

Many files (issue 34: one per body, and the city registry): each opened on first use (opening.py),
at most settings.MAX_OPEN_DATABASES open (the least recently used idle one closes; never one in
use, the home body's or the registry); the result cache (resultcache.py) lets its least recently
used entries go. Every commit that writes data bumps the file's data stamp and tells on_commit().
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tracker import settings
from tracker.store import builds, opening, queries, relations, resultcache, shared_snapshots
from tracker.store.builds import CATALOGUE as CATALOGUE
from tracker.store.builds import DATA as DATA
from tracker.store.builds import EVERYTHING as EVERYTHING
from tracker.store.builds import CatalogueReadError as CatalogueReadError
from tracker.store.builds import building as building
from tracker.store.opening import BUSY_MESSAGE as BUSY_MESSAGE
from tracker.store.opening import DatabaseBusyError as DatabaseBusyError
from tracker.store.opening import busy_error as busy_error
from tracker.store.shared_snapshots import Versions  # by scope: _versions()
from tracker.store.tx import Tx as Tx  # the write verbs; db.Tx names it everywhere

_lock = threading.RLock()
_idle = threading.Condition(_lock)  # notified whenever a file's use count drops
_write_lock = threading.RLock()
# Held while a writer commits and bumps the data version, and while a reader opens its snapshot
# and reads that version: the version a result is filed under is the one it was read at.
_commit_lock = threading.Lock()
_filling: dict[tuple, threading.Event] = {}  # keys being computed by one thread right now
_pinned = threading.local()  # the snapshot a thread's reads use inside snapshot()
_writes = shared_snapshots.Writes()  # each session's last data write, by file
# Open files, least recently used first; how many cursors, transactions and snapshots of each
# are out right now (a file in use is never closed to make room).
_connections: OrderedDict[str, duckdb.DuckDBPyConnection] = OrderedDict()
_in_use: dict[str, int] = {}
_cursors: set[duckdb.DuckDBPyConnection] = set()  # cursors out now, whatever their file
_held = threading.local()  # how many of those uses are this thread's own (close_all's wait)
_kinds: dict[str, str] = {}  # opening.BODY or opening.CITY
_generation: dict[str, int] = {}  # bumped by every write transaction
_data_generation: dict[str, int] = {}  # bumped unless the writes were to sign-in tables only
_catalogue_generation: dict[str, int] = {}  # bumped only when a catalogue table is written
# Which opening of the file a version belongs to: versions restart at 0 when a connection is
# reopened (after a restore, say), and a cache outside this module must not mistake them.
_opening: dict[str, int] = {}
_openings = itertools.count(1)
_data_relations: dict[str, frozenset[str]] = {}  # per database: relations that may read data
_sign_in_relations: dict[str, frozenset[str]] = {}  # ... and those that may read sign-in tables
_cache = resultcache.ResultCache(settings.CACHE_ENTRIES)
_board = shared_snapshots.Board()  # the snapshot each file's dashboard runs share
_MISS = resultcache.MISS
_memos: dict[str, dict[str, Any]] = {}
# Run once per database per process, right after the migrations (see on_first_connect).
_first_connect_hooks: list[Callable[[Path], None]] = []
# Run after every commit that wrote data, with the file's path (see on_commit).
_commit_hooks: list[Callable[[Path], None]] = []


@functools.lru_cache(maxsize=64)
def _canonical(path: Path) -> Path:
    return path.resolve()


def _resolve(path: Path | None) -> Path:
    """`path` (default: settings.db_path()) resolved; memoised for absolute paths (a relative
    one depends on the working directory), as a page asks many times a run."""
    path = Path(path or settings.db_path())
    return _canonical(path) if path.is_absolute() else path.resolve()


def connection(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide connection for `path` (default: settings.db_path()), migrated and seeded.

    Only for opening a file: code that takes a cursor goes through _using(), which also keeps
    the file from being closed to make room while the cursor is out."""
    with _using(_resolve(path)) as con:
        return con


@contextmanager
def _using(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The open connection for `path` (opened if need be), counted as in use in the block."""
    key = str(path)
    with _lock:
        con = _connections.get(key)
        if con is not None:
            _connections.move_to_end(key)
        else:
            con = _own_pending(key)
        if con is not None:
            _in_use[key] = _in_use.get(key, 0) + 1
    if con is None:
        con = _open_once(path)  # counted as in use by the opening
    _held.count = getattr(_held, "count", 0) + 1
    try:
        yield con
    finally:
        _held.count -= 1
        with _lock:
            if _in_use.get(key):  # gone when close_all ran inside this block
                _in_use[key] -= 1
            _idle.notify_all()


# A file being opened: visible to the thread opening it (its first-connect hooks read and write
# it) and to nobody else until they are done. Each path has its own opening lock, so a slow
# opening holds up only those who want that file.
_pending: dict[str, tuple[int, duckdb.DuckDBPyConnection]] = {}
_path_locks: dict[str, threading.Lock] = {}


@contextmanager
def _cursor(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of `path`'s connection, known to close_all while it is out (to interrupt it)."""
    with _using(path) as con, con.cursor() as cur:
        with _lock:
            _cursors.add(cur)
        try:
            yield cur
        finally:
            with _lock:
                _cursors.discard(cur)


def _own_pending(key: str) -> duckdb.DuckDBPyConnection | None:
    found = _pending.get(key)
    return found[1] if found and found[0] == threading.get_ident() else None


def _open_once(path: Path) -> duckdb.DuckDBPyConnection:
    """Open `path` unless another thread did meanwhile; returned counted as in use."""
    key = str(path)
    with _lock:
        lock = _path_locks.setdefault(key, threading.Lock())
    with lock:
        with _lock:
            con = _connections.get(key)
            if con is not None:
                _in_use[key] = _in_use.get(key, 0) + 1
                return con
        opened = opening.open_file(path)  # outside _lock: other files' readers go on
        with _lock:
            _pending[key] = (threading.get_ident(), opened.con)
            _kinds[key] = opened.kind
            _generation[key] = _data_generation[key] = _catalogue_generation[key] = 0
            _opening[key] = next(_openings)
            _data_relations[key] = opened.data_relations
            _sign_in_relations[key] = opened.sign_in_relations
            _in_use[key] = _in_use.get(key, 0) + 1
        try:
            for hook in _first_connect_hooks:
                hook(path)
        except BaseException:
            with _lock:
                del _pending[key]
                _close(key)  # with whatever its hooks cached: a next opening starts afresh
                _kinds.pop(key, None)
            opened.con.close()
            raise
        with _lock:
            del _pending[key]
            _connections[key] = opened.con
            _make_room(keep=key)
        return opened.con


def _make_room(keep: str) -> None:
    """Close the least recently used idle files past settings.MAX_OPEN_DATABASES (never the
    home body's, the registry, `keep` or one in use)."""
    pinned = {keep, str(_resolve(None)), str(settings.city_db_path())}
    excess = len(_connections) - settings.MAX_OPEN_DATABASES
    for key in list(_connections):
        if excess <= 0:
            break
        if key in pinned or _in_use.get(key, 0) or key in _filling_paths():
            continue
        _close(key)
        excess -= 1


def _filling_paths() -> set[str]:
    return {key[0] for key in _filling}


def _close(key: str) -> None:
    """Close one file and forget what this process kept of it: its versions restart at the
    next opening, and another process may write it meanwhile."""
    _board.drop(key)
    con = _connections.pop(key, None)
    if con is not None:
        con.close()
    _cache.drop_path(key)
    _memos.pop(key, None)
    _in_use.pop(key, None)


def migrate_only(path: Path) -> None:
    """Migrate `path` (its rules defined) and close it, without the first-connect hooks: the
    template body files are copied from, small blocks (tracker/city/seeding.py)."""
    if str(_resolve(path)) in open_paths():
        raise RuntimeError(f"{path} is open")
    opening.open_file(_resolve(path), small=True).con.close()


CLOSE_WAIT_SECONDS = 60.0  # for other threads' calls (the daily backup, another session)


def close_all() -> None:
    """Close every cached connection (tests, backup/restore, CLI exit), after other threads'
    calls end (DuckDB refuses to close a busy connection); interrupted after CLOSE_WAIT_SECONDS."""
    with _lock:
        if not _idle.wait_for(_nothing_in_use, timeout=CLOSE_WAIT_SECONDS):
            for cur in _cursors:
                cur.interrupt()
            _idle.wait_for(_nothing_in_use, timeout=CLOSE_WAIT_SECONDS)
        _board.drop()
        for con in _connections.values():
            con.close()
        for forgotten in (_connections, _in_use, _kinds, _cache, _memos, _filling):
            forgotten.clear()


def _nothing_in_use() -> bool:
    """No other thread's call in progress (the caller's own uses cannot end while it waits)."""
    return sum(_in_use.values()) <= getattr(_held, "count", 0)


def open_paths() -> list[str]:
    """The files open now, least recently used first (for the benchmark and tests)."""
    with _lock:
        return list(_connections)


def cache_stats() -> resultcache.Stats:
    """Hits, misses, entries let go when full, entries retired (counted since the process began)."""
    return _cache.stats


def is_city(path: Path | None = None) -> bool:
    """Whether `path` is the city registry (opening it if need be)."""
    path = _resolve(path)
    connection(path)
    return _kinds.get(str(path)) == opening.CITY


def data_stamp(path: Path | None = None) -> int:
    """The file's data stamp (opening.data_stamp): moves with every commit that writes data."""
    with _using(_resolve(path)) as con:
        return opening.data_stamp(con)


def _scope(sql: str, path: str) -> int:
    """What the SELECT `sql` reads in the file at `path` (relations.scope)."""
    return relations.scope(sql, _data_relations[path], _sign_in_relations[path])


def _versions(path: str) -> tuple[int, int, int]:
    """The current version of each scope (indexed by CATALOGUE, DATA, EVERYTHING)."""
    return _catalogue_generation[path], _data_generation[path], _generation[path]


def on_first_connect(hook: Callable[[Path], None]) -> None:
    """Run `hook(path)` whenever this process first opens a database, after its migrations.

    The catalogue package registers its seeding here: the store stays below the domain (it never
    imports it) and a fresh database is still seeded by whatever opens it first.
    """
    if hook not in _first_connect_hooks:
        _first_connect_hooks.append(hook)


def migrations_applied(path: Path | None = None) -> list[int]:
    return [r[0] for r in rows("select version from schema_migration order by version", path=path)]


def rows(sql: str, params: dict[str, Any] | None = None, path: Path | None = None) -> list[tuple]:
    """Run one statement on a fresh cursor and return all rows."""
    _check_raw_read(sql, path)
    with _cursor(_resolve(path)) as cur:
        return cur.execute(sql, params or {}).fetchall()


def scalar(sql: str, params: dict[str, Any] | None = None, path: Path | None = None) -> Any:
    result = rows(sql, params, path)
    return result[0][0] if result else None


def frame(sql: str, params: dict[str, Any] | None = None, path: Path | None = None) -> pd.DataFrame:
    _check_raw_read(sql, path)
    with _cursor(_resolve(path)) as cur:
        return cur.execute(sql, params or {}).df()


def _check_raw_read(sql: str, path: Path | None) -> None:
    if builds.active():  # only parsed inside the build of a cached value
        resolved = _resolve(path)
        connection(resolved)
        builds.check_read(_scope(sql, str(resolved)), sql[:60])


def _fill_once(key: tuple, compute: Callable[[], Any]) -> Any:
    """The cached value for `key`, computed by the first thread that asks; the others wait."""
    while True:
        with _lock:
            if key in _cache:
                return _cache[key]
            event = _filling.get(key)
            if event is None:
                event = _filling[key] = threading.Event()
                break
        event.wait()  # another session is computing it; if it failed, the loop tries again
    try:
        value = compute()
        with _lock:
            _cache.put(key, value)
        return value
    finally:
        with _lock:
            _filling.pop(key, None)
        event.set()


def _pinned_snapshot(path: Path) -> tuple[duckdb.DuckDBPyConnection, Versions] | None:
    return getattr(_pinned, "snapshots", {}).get(str(path))


@contextmanager
def _read_cursor(path: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, Versions]]:
    """A cursor and the versions it sees (by scope): the snapshot() in force on this thread,
    else a fresh read transaction opened together with reading the versions."""
    pinned = _pinned_snapshot(path)
    if pinned is not None:
        yield pinned
        return
    with _cursor(path) as cur:
        versions = _begin_read(cur, str(path))
        try:
            yield cur, versions
        finally:
            cur.execute("rollback")  # read only: nothing to keep


def _begin_read(cur: duckdb.DuckDBPyConnection, key: str) -> Versions:
    """Open `cur`'s read transaction; the versions it sees."""
    with _commit_lock:
        cur.execute("begin transaction")
        # DuckDB takes a transaction's snapshot when it first reads the database, not at
        # BEGIN: read here, so the snapshot and the version belong to the same moment.
        cur.execute("select version from schema_migration limit 1").fetchall()
        return _versions(key)


@contextmanager
def _shared_cursor(path: Path, share: float) -> Iterator[tuple[Any, Versions]]:
    """The file's shared snapshot if idle and fitting (nothing committed since, or opened at most
    `share` seconds ago), else a new one, published."""
    key = str(path)

    def opened() -> shared_snapshots.Shared:
        cur = con.cursor()
        return shared_snapshots.Shared(cur, _begin_read(cur, key), settings.now())

    own = _writes.last(key, _opening[key])  # a session is always shown what it saved
    fits = lambda s: s.fits(_versions(key), share, own)  # noqa: E731
    with _using(path) as con, _board.use(key, fits, opened) as found:
        _pinned.taken[key] = found.taken_at
        yield found.cursor, found.versions


@contextmanager
def snapshot(path: Path | None = None, *, share: float | None = None) -> Iterator[None]:
    """Every read of this thread inside the block sees one committed state of the database.

    For a page that builds one view from several queries: without it a commit between two of
    them would show totals from before it beside lines from after it. Nested blocks share the
    outer snapshot. With `share` (seconds), the state other runs that share see, if it is no
    older than that or nothing was committed since (figures_time() says which state it is).
    """
    path = _resolve(path)
    snapshots = _pinned.__dict__.setdefault("snapshots", {})
    if str(path) in snapshots:
        yield
        return
    _pinned.__dict__.setdefault("taken", {})[str(path)] = settings.now()
    reader = _read_cursor(path) if share is None else _shared_cursor(path, share)
    with reader as pinned:
        snapshots[str(path)] = pinned
        try:
            yield
        finally:
            del snapshots[str(path)]


def figures_time(path: Path | None = None) -> datetime | None:
    """When this thread's snapshot of `path` was taken if data was committed after it, else None."""
    key, pinned = str(_resolve(path)), _pinned_snapshot(_resolve(path))
    behind = pinned is not None and pinned[1][DATA] != _data_generation.get(key)
    return _pinned.taken[key] if behind else None


def in_snapshot(path: Path | None = None) -> bool:
    """Whether this thread's reads of `path` are pinned by snapshot() right now."""
    return _pinned_snapshot(_resolve(path)) is not None


def _cached(name: str, path: Path | None, params: dict[str, Any], kind: str, fetch: Any) -> Any:
    """Look up or compute a query result; the key changes whenever a write could change it."""
    path = _resolve(path)
    connection(path)
    sql = queries.load(name).sql
    scope = _scope(sql, str(path))
    builds.check_read(scope, f"query {name}")

    def key(versions: Versions) -> tuple:
        return (str(path), versions[scope], scope, kind, name, tuple(sorted(params.items())))

    if not _pinned_snapshot(path):  # a hit needs no cursor
        with _lock:
            hit = _cache.get(key(_versions(str(path))), _MISS)
        if hit is not _MISS:
            return hit
    with _read_cursor(path) as (cur, versions):
        return _fill_once(key(versions), lambda: fetch(cur.execute(sql, params)))


def query(name: str, path: Path | None = None, **params: Any) -> pd.DataFrame:
    """Run queries/<name>.sql with its named $params; results cached until a write can change them."""
    return _cached(name, path, params, "frame", lambda result: result.df()).copy()


def cached_rows(name: str, path: Path | None = None, **params: Any) -> tuple[tuple, ...]:
    """Like query(), as plain tuples: for small lookups on hot paths (no DataFrame)."""
    return _cached(name, path, params, "rows", lambda result: tuple(result.fetchall()))


def derived(
    name: str,
    build: Callable[[], Any],
    path: Path | None = None,
    *parts: Any,
    catalogue: bool = False,
) -> Any:
    """A value built from the database (tables for the screen, a chart, a CSV), built once per
    version and shared by every session; `parts` are its other inputs (a year, a unit).

    Filed like a query result: under the data version, which sign-ins and sign-outs do not move
    (a build may not read their tables), or with catalogue=True under the catalogue version, so
    that it survives submissions (a build may read only catalogues). A read outside what the
    value is filed under raises CatalogueReadError (checked on every build).
    `build` runs inside one snapshot(), so the value and the version it is filed under agree.
    Callers must treat the value as read-only: every session gets the same object.
    """
    path = _resolve(path)
    connection(path)
    scope = CATALOGUE if catalogue else DATA
    builds.check_read(scope, f"the value {name}")

    def key(versions: Versions) -> tuple:
        return (str(path), versions[scope], scope, "derived", name, parts)

    if not _pinned_snapshot(path):  # a hit needs no snapshot
        with _lock:
            hit = _cache.get(key(_versions(str(path))), _MISS)
        if hit is not _MISS:
            return hit
    with snapshot(path), _read_cursor(path) as (_, versions):
        return _fill_once(key(versions), lambda: builds.built(name, build, scope))


def data_version(path: Path | None = None) -> tuple[str, int, int]:
    """Changes whenever a table other than the sign-in tables is written: a cache key (e.g.
    st.cache_data) for values built from the data (build them inside building()). Inside
    snapshot() it is the version that snapshot reads, so a value built from the snapshot is
    never filed under a later version."""
    path = _resolve(path)
    connection(path)
    pinned = _pinned_snapshot(path)
    versions = pinned[1] if pinned is not None else _versions(str(path))
    return str(path), _opening[str(path)], versions[DATA]


def memo(path: Path | None = None) -> dict[str, Any]:
    """Values a module derives from this database and keeps up to date itself, dropped with the
    connection. Sound because DuckDB lets only this process open the file."""
    path = _resolve(path)
    connection(path)
    return _memos.setdefault(str(path), {})


def catalogue_version(path: Path | None = None) -> tuple[str, int]:
    """Changes whenever a catalogue table is written: a cache key for values built from them."""
    path = _resolve(path)
    connection(path)
    return str(path), _catalogue_generation[str(path)]


def query_rows(name: str, path: Path | None = None, **params: Any) -> list[tuple]:
    """Run queries/<name>.sql and return plain tuples (no DataFrame, no cache): for hot paths."""
    sql = queries.load(name).sql
    _check_raw_read(sql, path)
    with _cursor(_resolve(path)) as cur:
        return cur.execute(sql, params).fetchall()


@contextmanager
def transaction(path: Path | None = None) -> Iterator[Tx]:
    """One write transaction: all or nothing. Writers in this process take turns."""
    path = _resolve(path)
    key = str(path)
    with _write_lock, _cursor(path) as cur:
        tx = Tx(cur)
        cur.execute("begin transaction")
        try:
            yield tx
            if tx.data_touched:  # another process (the city's rollup) can tell from the file
                cur.execute(opening.BUMP_STAMP)
            with _commit_lock:  # a reader sees the commit and its new version, or neither
                cur.execute("commit")
                _bump(key, tx)
        except BaseException:
            cur.execute("rollback")
            with _commit_lock:
                _bump(key, tx)  # as before: any attempted write retires caches
            raise
    if tx.data_touched:
        for hook in _commit_hooks:
            hook(path)


def on_commit(hook: Callable[[Path], None]) -> None:
    """Run `hook(path)` after every commit in this process that wrote data to `path` (not one
    that wrote only the sign-in tables): the city's rollup marks the body to refresh."""
    if hook not in _commit_hooks:
        _commit_hooks.append(hook)


def _bump(key: str, tx: Tx) -> None:
    with _lock:
        _generation[key] = _generation.get(key, 0) + 1
        if tx.data_touched:
            _data_generation[key] = _data_generation.get(key, 0) + 1
            _writes.note(key, _opening[key], _data_generation[key])
        if tx.catalogue_touched:
            _catalogue_generation[key] = _catalogue_generation.get(key, 0) + 1
        _board.retire_idle(key, older_than=settings.BUSY_FIGURES_SECONDS)
        _drop_retired(key)


def _drop_retired(path: str) -> None:
    """Forget what no new reader can ask for any more: results of an older version of `path`
    (a morning of uploads would otherwise keep a copy of every page's tables per upload)."""
    current, shared = _versions(path), _board.versions(path)  # the shared state's are wanted
    _cache.retire(  # key: (path, version, scope, ...)
        path, lambda key: key[1] >= current[key[2]] or (shared and key[1] == shared[key[2]])
    )


def checkpoint(path: Path | None = None) -> None:
    """Flush the write-ahead log into the database file (before a file-level backup)."""
    with _write_lock, _cursor(_resolve(path)) as cur:
        cur.execute("checkpoint")


@contextmanager
def quiesced(path: Path | None = None) -> Iterator[Path]:
    """Checkpoint, then hold off every writer of this process while the caller copies the file.

    Readers may go on: after the checkpoint the file holds every committed write, and nothing
    changes it until the block ends (all writes go through transaction()).
    """
    path = _resolve(path)
    with _write_lock, _using(path):
        checkpoint(path)
        yield path
