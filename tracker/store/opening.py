"""Opening one database file: connect (owner-only, few threads), migrate, define the rules, and
learn what each relation reads. db.py calls open_file() the first time a process (or, after the
file was closed to keep the open files bounded, again) needs the file.

Two kinds of file share this path. A body's database (the Office's, TRACKER_DB, and one per other
body) runs tracker/store/migrations. The city registry runs the same migrations first (so its
accounts, sessions, audit log and settings are the body schema's, and tracker/accounts works on
it unchanged; its plan tables stay empty) and then its own, tracker/store/city_migrations,
recorded apart in city_migration.

Re-opening is made cheap (issue 34: 134 bodies in one process): the rule macros of
queries/rules.sql are redefined only when the file does not already hold this code's (their
SHA-256 is kept in store_meta, migration 016, and any migration applied in this opening
redefines them), and what each relation reads (relations.py, DuckDB's parse of every view and
macro) is computed once per process for a given schema and rules.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tracker import settings
from tracker.store import fileperms, queries, relations

BODY, CITY = "body", "city"
RULES_KEY = "rules_sha256"
DATA_STAMP_KEY = "data_stamp"
KIND_KEY = "kind"  # 'city' in the registry (city migration 001); absent in a body's file
_CITY_TABLE = "city_migration"


class DatabaseBusyError(RuntimeError):
    """The database file is held by another process (usually the running server)."""


BUSY_MESSAGE = (
    "Máy chủ đang chạy và đang giữ cơ sở dữ liệu {path} (tiến trình khác đang mở tệp). "
    "Hãy thực hiện thao tác này trên trang Quản trị của ứng dụng, hoặc dừng máy chủ rồi chạy lại lệnh."
)


@dataclass(frozen=True)
class Opened:
    """An open file and what the result cache needs to know about it."""

    con: duckdb.DuckDBPyConnection
    kind: str  # BODY or CITY
    data_relations: frozenset[str]  # relations that may read data (not only catalogues)
    sign_in_relations: frozenset[str]  # relations that may read the sign-in tables
    rules_defined: bool  # whether this opening (re)defined the rules (not already there)


def rules_hash() -> str:
    return _rules_hash(queries.rules_sql())


_hashes: dict[str, str] = {}


def _rules_hash(text: str) -> str:
    found = _hashes.get(text)
    if found is None:
        found = _hashes[text] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return found


def open_file(path: Path, *, small: bool | None = None) -> Opened:
    """Connect to `path`, migrate it, make sure it holds this code's rules; see the module.
    `small`: made with small blocks if new (default: another body's file or the registry)."""
    con = _connect(path, _is_small(path) if small is None else small)
    try:
        body_versions, applied = _migrate(con, settings.MIGRATIONS_DIR, "schema_migration")
        city = path == settings.city_db_path() or _meta(con, KIND_KEY) == CITY
        schema = (city, body_versions)
        if city:
            city_versions, city_applied = _migrate(con, settings.CITY_MIGRATIONS_DIR, _CITY_TABLE)
            schema, applied = (*schema, city_versions), applied + city_applied
        rules, defined = _ensure_rules(con, force=bool(applied))
        data, sign_in = _relations(con, (*schema, rules))
    except Exception:
        con.close()
        raise
    return Opened(con, CITY if city else BODY, data, sign_in, defined)


def _is_small(path: Path) -> bool:
    """Another body's file or the registry: made with settings.SMALL_BLOCK_BYTES blocks. A body
    file holds ~35 tables of a few hundred rows each: at DuckDB's 256 KB blocks an empty one is
    8 MB, a xã's year 12 MB; at 16 KB, a tenth. The home body's keeps DuckDB's default (the
    Office's file, and the benchmark's 4,000-unit body, as before)."""
    body = settings.body_of_file(path)
    return (body is not None and body != settings.HOME_BODY) or path == settings.city_db_path()


def _connect(path: Path, small: bool) -> duckdb.DuckDBPyConnection:
    # Owner-only (fileperms): the file holds password hashes and phone numbers.
    fileperms.restrict_umask()
    fileperms.private_dir(path.parent)
    config = {"async_threads": settings.DUCKDB_ASYNC_THREADS}
    if small:  # a new file only: an existing one keeps the block size it was made with
        config["default_block_size"] = str(settings.SMALL_BLOCK_BYTES)
    try:
        con = duckdb.connect(str(path), config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusyError(BUSY_MESSAGE.format(path=path)) from exc
        raise
    for file in (path, path.with_name(path.name + ".wal")):
        fileperms.private_file(file)  # also tightens a file made before this rule
    return con


def _meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value of store_meta (migration 016): cheap, unlike listing the catalog."""
    with con.cursor() as cur:
        found = cur.execute("select value from store_meta where key = $k", {"k": key}).fetchall()
    return found[0][0] if found else None


def _migrate(
    con: duckdb.DuckDBPyConnection, folder: Path, table: str
) -> tuple[tuple[int, ...], list[int]]:
    """Apply folder/NNN_*.sql not yet recorded in `table`, in order; every version the file now
    has, and those applied now."""
    applied = []
    with con.cursor() as cur:
        cur.execute(
            f"create table if not exists {table} (version integer primary key, "
            "name varchar not null, applied_at timestamp not null)"
        )
        done = {row[0] for row in cur.execute(f"select version from {table}").fetchall()}
        for file in sorted(folder.glob("[0-9][0-9][0-9]_*.sql")):
            version = int(file.name[:3])
            if version in done:
                continue
            cur.execute("begin transaction")
            try:
                cur.execute(file.read_text(encoding="utf-8"))
                cur.execute(
                    f"insert into {table} values ($v, $n, $t)",
                    {"v": version, "n": file.stem, "t": settings.now()},
                )
                cur.execute("commit")
            except Exception:
                cur.execute("rollback")
                raise
            applied.append(version)
    return tuple(sorted(done | set(applied))), applied


def _ensure_rules(con: duckdb.DuckDBPyConnection, force: bool) -> tuple[str, bool]:
    """(Re)define the rule macros and views of queries/rules.sql unless the file already holds
    exactly these (same SHA-256, no migration applied now); their hash, and whether defined."""
    text = queries.rules_sql()
    digest = _rules_hash(text)
    if not force and _meta(con, RULES_KEY) == digest:
        return digest, False
    with con.cursor() as cur:
        cur.execute("begin transaction")
        try:
            cur.execute(text)
            cur.execute(
                "insert or replace into store_meta values ($k, $v)", {"k": RULES_KEY, "v": digest}
            )
            cur.execute("commit")
        except Exception:
            cur.execute("rollback")
            raise
    return digest, True


# What each relation reads depends only on the schema: the tables the migrations made, the views
# and macros of the rules. The same for every body file of this code version, so it is computed
# once per process, keyed by the file's kind, migrations and rules (tables, views and macros
# come only from those: nothing else defines any).
_relations_lock = threading.Lock()
_relations_memo: dict[tuple, tuple[frozenset[str], frozenset[str]]] = {}


def _relations(con: duckdb.DuckDBPyConnection, key: tuple) -> tuple[frozenset[str], frozenset[str]]:
    with _relations_lock:
        found = _relations_memo.get(key)
        if found is None:
            found = _relations_memo[key] = relations.data_and_sign_in(con, relations.SIGN_IN_TABLES)
    return found


def data_stamp(con: duckdb.DuckDBPyConnection) -> int:
    """The file's data stamp: bumped by every commit that writes data (db.transaction), kept in
    the file so another process (the city rollup at start) can tell the data changed."""
    return int(_meta(con, DATA_STAMP_KEY) or 0)


BUMP_STAMP = (
    "update store_meta set value = cast(cast(value as bigint) + 1 as varchar) "
    f"where key = '{DATA_STAMP_KEY}'"
)


BUSY_WRITE_MESSAGE = (
    "Cơ sở dữ liệu {path} đang bận: một thao tác khác đang ghi vào cùng dữ liệu. Chờ một lát rồi "
    "chạy lại lệnh (hoặc dừng máy chủ nếu nó đang chạy)."
)


def busy_error(exc: BaseException, path: Path | None = None) -> DatabaseBusyError | None:
    """The Vietnamese refusal for an error DuckDB raised because another process or another
    writer holds the database (a file lock, a write conflict); None for any other error."""
    if isinstance(exc, DatabaseBusyError):
        return exc
    where = path or settings.db_path()
    if isinstance(exc, (duckdb.IOException, duckdb.TransactionException)):
        text = str(exc).lower()
        if "lock" in text:
            return DatabaseBusyError(BUSY_MESSAGE.format(path=where))
        if isinstance(exc, duckdb.TransactionException):
            return DatabaseBusyError(BUSY_WRITE_MESSAGE.format(path=where))
    return None
