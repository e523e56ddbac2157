"""What a statement reads and what kind it is, from DuckDB's own parser (never a pattern over
SQL text), and which relations are catalogues.

A cached result may outlive data writes when everything it reads is a catalogue: the catalogue
tables below, and the views and macros that, through each other, read only them. That second
set is derived from their definitions when a database is opened, so a new rule macro needs no
list kept by hand; a name the parser cannot account for counts as data (the safe side).
"""

from __future__ import annotations

import functools
import json
import threading
from typing import Any

import duckdb

from tracker.store import builds

# Tables the Office edits rarely; results that read only these stay cached across submissions,
# which keeps uploads and page loads fast.
CATALOGUE_TABLES = frozenset(
    {"unit", "task", "indicator", "criteria_set", "criterion", "setting"}
    | {"calendar_override", "calendar_day", "calendar_week"}  # migration 007
    | {"model_field", "task_group"}  # migration 008
    | {"plan", "plan_setting"}  # migration 011
    | {"body", "city_item", "city_item_set"}  # the city registry (city migration 001)
)

# Tables a sign-in, a sign-out or a session's keep-alive writes (sessions and their one-time
# codes, login counters, the account's login summary, its trusted browsers, the audit log). No dashboard reads them,
# so a write to them alone leaves the data version, and every page's cached results, standing
# (db.py); a result that may read them is retired by every write.
SIGN_IN_TABLES = frozenset(
    {"auth_session", "auth_login_code", "login_throttle", "app_user", "audit_log"}
    | {"auth_device"}  # migration 013: a trusted browser is made and touched at sign-in
)

Kind = duckdb.StatementType
READ = Kind.SELECT

_parser_lock = threading.Lock()


@functools.cache
def _parser() -> duckdb.DuckDBPyConnection:
    """Parsing needs no database: one private in-memory connection, opened on first use (not
    at import: the isolated reader imports this package under a tight memory limit)."""
    return duckdb.connect()


@functools.lru_cache(maxsize=4096)
def kind_of(sql: str) -> Kind:
    """The kind of the single statement `sql` (SELECT, INSERT, UPDATE, DELETE, ...)."""
    with _parser_lock:
        statements = _parser().extract_statements(sql)
    if len(statements) != 1:
        raise ValueError(f"expected one SQL statement, got {len(statements)}")
    return statements[0].type


@functools.lru_cache(maxsize=4096)
def names_read(sql: str) -> frozenset[str] | None:
    """Every table, view, table function and function a SELECT names (lower case), CTE names
    included; None when DuckDB cannot parse it as one SELECT."""
    with _parser_lock:
        parsed = json.loads(
            _parser().execute("select json_serialize_sql($sql)", {"sql": sql}).fetchone()[0]
        )
    if parsed.get("error") or len(parsed.get("statements", [])) != 1:
        return None
    found: set[str] = set()
    _collect(parsed["statements"][0], found)
    return frozenset(found)


def _collect(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE":
            found.add(node["table_name"].lower())
        elif node.get("class") == "FUNCTION":
            found.add(node["function_name"].lower())
        for value in node.values():
            _collect(value, found)
    elif isinstance(node, list):
        for value in node:
            _collect(value, found)


def data_and_sign_in(
    con: duckdb.DuckDBPyConnection, sign_in: frozenset[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """data_relations(con) and reaching(con, sign_in), reading the definitions once (the
    costly part: DuckDB lists every function to find our macros)."""
    definitions = _definitions(con)
    return _data(con, definitions), _reaching(definitions, sign_in)


def data_relations(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Every relation of the database (table, view, our macro) that may read data tables."""
    return _data(con, _definitions(con))


def _data(con: duckdb.DuckDBPyConnection, definitions: dict[str, str]) -> frozenset[str]:
    relations = _tables(con) | set(definitions)
    reads = {name: names_read(sql) for name, sql in definitions.items()}
    catalogue = set(CATALOGUE_TABLES)
    grown = True
    while grown:  # a macro built on catalogue macros is a catalogue macro too
        grown = False
        for name, names in reads.items():
            if name not in catalogue and names is not None and names & relations <= catalogue:
                catalogue.add(name)
                grown = True
    return frozenset(relations - catalogue)


def reaching(con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> frozenset[str]:
    """`tables` and every view and macro that, through each other, may read one of them (one
    whose definition the parser cannot read counts: the safe side)."""
    return _reaching(_definitions(con), tables)


def _reaching(definitions: dict[str, str], tables: frozenset[str]) -> frozenset[str]:
    reads = {name: names_read(sql) for name, sql in definitions.items()}
    found = set(tables)
    grown = True
    while grown:
        grown = False
        for name, names in reads.items():
            if name not in found and (names is None or not names.isdisjoint(found)):
                found.add(name)
                grown = True
    return frozenset(found)


def may_read(sql: str, relations: frozenset[str]) -> bool:
    """Whether the SELECT `sql` may read one of `relations` (unparsable: it may)."""
    names = names_read(sql)
    return names is None or not names.isdisjoint(relations)


def scope(sql: str, data: frozenset[str], sign_in: frozenset[str]) -> int:
    """What the SELECT `sql` reads, given a file's relations that may read data and sign-in
    tables: CATALOGUE, DATA, or EVERYTHING (it may read a sign-in table, or the parser cannot
    tell)."""
    if reads_only_catalogues(sql, data):
        return builds.CATALOGUE
    return builds.EVERYTHING if may_read(sql, sign_in) else builds.DATA


def reads_only_catalogues(sql: str, data: frozenset[str]) -> bool:
    """Whether the SELECT `sql` names none of the `data` relations (see data_relations)."""
    names = names_read(sql)
    return names is not None and not names & data


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    with con.cursor() as cur:
        rows = cur.execute("select table_name from duckdb_tables() where not internal").fetchall()
    return {name.lower() for (name,) in rows}


def _definitions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each view and macro of ours -> one SELECT that reads what it reads."""
    with con.cursor() as cur:
        views = cur.execute("select view_name, sql from duckdb_views() where not internal")
        found = {name.lower(): _view_query(name, sql) for name, sql in views.fetchall()}
        macros = cur.execute(
            "select function_name, function_type, macro_definition from duckdb_functions() "
            "where not internal and function_type in ('macro', 'table_macro')"
        ).fetchall()
    for name, kind, body in macros:
        query = body if kind == "table_macro" else f"select ({body})"
        # Overloads share a name: a query calling it may reach any of them.
        found[name.lower()] = query if name.lower() not in found else ""
    return found


def _view_query(name: str, sql: str) -> str:
    """The SELECT of DuckDB's canonical `CREATE VIEW "name" AS ...`; "" (unparsable, so data)
    if the text is not in that form."""
    for prefix in (f'CREATE VIEW "{name}" AS ', f"CREATE VIEW {name} AS "):
        if sql.startswith(prefix):
            return sql[len(prefix) :].rstrip().rstrip(";")
    return ""
