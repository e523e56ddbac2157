"""A write transaction's verbs (db.transaction() yields one): each write names its table, which
is how the commit knows which cached results it retires (db.py)."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from tracker.store import relations
from tracker.store.relations import CATALOGUE_TABLES, SIGN_IN_TABLES


class Tx:
    """A write transaction's cursor. Writes name their table (insert, update, delete,
    insert_rows, insert_frame): that is how the commit knows which cached results it retires.
    A write through rows()/execute() names none, so it retires every catalogue result too."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self._cur = cur
        self.written: set[str] = set()  # tables the verbs wrote
        self.unnamed_write = False  # a statement other than SELECT went through rows()

    @property
    def catalogue_touched(self) -> bool:
        return self.unnamed_write or not self.written.isdisjoint(CATALOGUE_TABLES)

    @property
    def data_touched(self) -> bool:
        """Whether it wrote anything besides the sign-in tables (sessions, login counters,
        the audit log): a sign-in must not retire every page's cached results."""
        return self.unnamed_write or not self.written <= SIGN_IN_TABLES

    def execute(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> None:
        self.rows(sql, params)

    def rows(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> list[tuple]:
        """One statement (DuckDB's parser tells a read from anything else)."""
        if relations.kind_of(sql) is not relations.READ:
            self.unnamed_write = True
        return self._cur.execute(sql, params or {}).fetchall()

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        result = self.rows(sql, params)
        return result[0][0] if result else None

    def insert(
        self, table: str, rest: str, params: dict[str, Any] | None = None, replace: bool = False
    ) -> list[tuple]:
        """`insert [or replace] into <table> <rest>`; the rows of a `returning` clause."""
        verb = "insert or replace" if replace else "insert"
        return self._write(table, relations.Kind.INSERT, f"{verb} into {table} {rest}", params)

    def insert_row(self, table: str, row: dict[str, Any]) -> Any:
        """Insert one row (column -> value) and return the id the table gave it."""
        cols = ", ".join(row)
        values = ", ".join(f"${c}" for c in row)
        return self.insert(table, f"({cols}) values ({values}) returning id", row)[0][0]

    def update(self, table: str, rest: str, params: dict[str, Any] | None = None) -> None:
        """`update <table> <rest>` (rest: `set ... where ...`)."""
        self._write(table, relations.Kind.UPDATE, f"update {table} {rest}", params)

    def delete(
        self, table: str, where: str = "", params: dict[str, Any] | None = None
    ) -> list[tuple]:
        """`delete from <table> <where>` (no where: every row); the rows of a `returning` clause."""
        return self._write(table, relations.Kind.DELETE, f"delete from {table} {where}", params)

    def _write(
        self, table: str, kind: relations.Kind, sql: str, params: dict[str, Any] | None
    ) -> list[tuple]:
        if relations.kind_of(sql) is not kind:  # `rest` smuggled in another statement kind
            raise ValueError(f"not one {kind.name} statement on {table}: {sql[:80]}")
        self.written.add(table)
        return self._cur.execute(sql, params or {}).fetchall()

    def insert_rows(self, table: str, rows: list[dict[str, Any]], replace: bool = False) -> None:
        """Insert a few rows (same keys) in one statement: cheaper than a DataFrame for small sets.

        Each column travels as one list parameter, unnested side by side (measured 1.6x faster
        than a VALUES list with a parameter per cell).
        """
        if not rows:
            return
        cols = list(rows[0])
        select = ", ".join(f"unnest(${c})" for c in cols)
        self.insert(
            table,
            f"({', '.join(cols)}) select {select}",
            {c: [row[c] for row in rows] for c in cols},
            replace,
        )

    def insert_frame(self, table: str, df: pd.DataFrame, replace: bool = False) -> None:
        """Append a DataFrame whose columns are named like the table's (by name, any order).

        With replace=True, rows whose primary key exists already are replaced.
        """
        if df.empty:
            return
        self._cur.register("_incoming", df)
        cols = ", ".join(df.columns)
        self.insert(table, f"({cols}) select {cols} from _incoming", replace=replace)
        self._cur.unregister("_incoming")
