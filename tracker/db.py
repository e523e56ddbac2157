"""The only module that talks to DuckDB: one connection per process, a cursor per call."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tracker import queries, settings


class DatabaseBusyError(RuntimeError):
    """The database file is held by another process (usually the running server)."""


_lock = threading.RLock()
_write_lock = threading.RLock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_generation: dict[str, int] = {}
_cache: dict[tuple, pd.DataFrame] = {}
_CACHE_MAX = 256

BUSY_MESSAGE = (
    "Máy chủ đang chạy và đang giữ cơ sở dữ liệu {path} (tiến trình khác đang mở tệp). "
    "Hãy thực hiện thao tác này trên trang Quản trị của ứng dụng, hoặc dừng máy chủ rồi chạy lại lệnh."
)


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusyError(BUSY_MESSAGE.format(path=path)) from exc
        raise


def connection(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide connection for `path` (default: settings.db_path()), migrated and seeded."""
    path = (path or settings.db_path()).resolve()
    key = str(path)
    with _lock:
        con = _connections.get(key)
        if con is None:
            con = _open(path)
            _connections[key] = con
            _generation[key] = 0
            try:
                _migrate(con)
                _seed_catalogues_if_empty(path)
            except Exception:
                con.close()
                del _connections[key]
                raise
        return con


def close_all() -> None:
    """Close every cached connection (tests, backup/restore, CLI exit)."""
    with _lock:
        for con in _connections.values():
            con.close()
        _connections.clear()
        _cache.clear()


def _migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Apply tracker/migrations/NNN_*.sql not yet recorded in schema_migration, in order."""
    cur = con.cursor()
    cur.execute(
        "create table if not exists schema_migration (version integer primary key, "
        "name varchar not null, applied_at timestamp not null)"
    )
    done = {row[0] for row in cur.execute("select version from schema_migration").fetchall()}
    for file in sorted(settings.MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")):
        version = int(file.name[:3])
        if version in done:
            continue
        cur.execute("begin transaction")
        try:
            cur.execute(file.read_text(encoding="utf-8"))
            cur.execute(
                "insert into schema_migration values ($v, $n, $t)",
                {"v": version, "n": file.stem, "t": settings.now()},
            )
            cur.execute("commit")
        except Exception:
            cur.execute("rollback")
            raise
    cur.close()


def _seed_catalogues_if_empty(path: Path) -> None:
    # Imported here: catalogues uses this module to write, so a top-level import would be circular.
    from tracker import catalogues

    if scalar("select count(*) from task", path=path) == 0:
        catalogues.load_all(path=path)


def migrations_applied(path: Path | None = None) -> list[int]:
    return [r[0] for r in rows("select version from schema_migration order by version", path=path)]


def rows(sql: str, params: dict[str, Any] | None = None, path: Path | None = None) -> list[tuple]:
    """Run one statement on a fresh cursor and return all rows."""
    with connection(path).cursor() as cur:
        return cur.execute(sql, params or {}).fetchall()


def scalar(sql: str, params: dict[str, Any] | None = None, path: Path | None = None) -> Any:
    result = rows(sql, params, path)
    return result[0][0] if result else None


def frame(sql: str, params: dict[str, Any] | None = None, path: Path | None = None) -> pd.DataFrame:
    with connection(path).cursor() as cur:
        return cur.execute(sql, params or {}).df()


def query(name: str, path: Path | None = None, **params: Any) -> pd.DataFrame:
    """Run queries/<name>.sql with its named $params; results cached until the next write."""
    path = (path or settings.db_path()).resolve()
    con = connection(path)
    key = (str(path), _generation[str(path)], name, tuple(sorted(params.items())))
    cached = _cache.get(key)
    if cached is not None:
        return cached.copy()
    with con.cursor() as cur:
        result = cur.execute(queries.load(name).sql, params).df()
    with _lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        _cache[key] = result
    return result.copy()


class Tx:
    """A write transaction's cursor, with the few verbs the package needs."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self._cur = cur

    def execute(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> None:
        self._cur.execute(sql, params or {}).fetchall()

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        return self._cur.execute(sql, params or {}).fetchall()

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        result = self.rows(sql, params)
        return result[0][0] if result else None

    def insert_frame(self, table: str, df: pd.DataFrame, replace: bool = False) -> None:
        """Append a DataFrame whose columns are named like the table's (by name, any order).

        With replace=True, rows whose primary key exists already are replaced.
        """
        if df.empty:
            return
        self._cur.register("_incoming", df)
        cols = ", ".join(df.columns)
        verb = "insert or replace" if replace else "insert"
        self._cur.execute(f"{verb} into {table} ({cols}) select {cols} from _incoming").fetchall()
        self._cur.unregister("_incoming")


@contextmanager
def transaction(path: Path | None = None) -> Iterator[Tx]:
    """One write transaction: all or nothing. Writers in this process take turns."""
    path = (path or settings.db_path()).resolve()
    con = connection(path)
    with _write_lock, con.cursor() as cur:
        cur.execute("begin transaction")
        try:
            yield Tx(cur)
            cur.execute("commit")
        except BaseException:
            cur.execute("rollback")
            raise
        finally:
            with _lock:
                _generation[str(path)] = _generation.get(str(path), 0) + 1


def checkpoint(path: Path | None = None) -> None:
    """Flush the write-ahead log into the database file (before a file-level backup)."""
    with _write_lock, connection(path).cursor() as cur:
        cur.execute("checkpoint")


@contextmanager
def quiesced(path: Path | None = None) -> Iterator[Path]:
    """Checkpoint, then hold off every writer of this process while the caller copies the file.

    Readers may go on: after the checkpoint the file holds every committed write, and nothing
    changes it until the block ends (all writes go through transaction()).
    """
    path = (path or settings.db_path()).resolve()
    with _write_lock:
        checkpoint(path)
        yield path
