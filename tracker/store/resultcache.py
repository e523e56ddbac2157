"""The process-wide store of cached results: least recently used first out, per database.

Every key starts with the database's path and the version it was read at (db.py). Before issue 34
the whole store was emptied when it passed 1,024 entries: with one database that happened now and
then; with 134 body files whose pages each cache a few dozen results it happened every few page
runs, and every page computed everything again. Now the least recently used entry leaves when the
store is full, and what a commit retires or a closed file leaves behind is found through a
per-database index (no walk over every key).

Callers hold db._lock around every call (this class does no locking of its own).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MISS = object()  # a cached value may be None


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    evicted: int = 0  # left because the store was full
    retired: int = 0  # dropped by a commit or a closed file


class ResultCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[tuple, Any] = OrderedDict()
        self._by_path: dict[str, set[tuple]] = {}
        self.stats = Stats()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[tuple]:
        """The keys, least recently used first (a copy: safe while the store changes)."""
        return iter(list(self._entries))

    def __contains__(self, key: tuple) -> bool:
        return key in self._entries

    def get(self, key: tuple, default: Any = MISS) -> Any:
        """The value under `key` (now the most recently used), else `default`; counted."""
        value = self._entries.get(key, MISS)
        if value is MISS:
            self.stats.misses += 1
            return default
        self._entries.move_to_end(key)
        self.stats.hits += 1
        return value

    def __getitem__(self, key: tuple) -> Any:
        self._entries.move_to_end(key)
        return self._entries[key]

    def put(self, key: tuple, value: Any) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        self._by_path.setdefault(key[0], set()).add(key)
        while len(self._entries) > self.capacity:
            old, _ = self._entries.popitem(last=False)
            self._forget(old)
            self.stats.evicted += 1

    def retire(self, path: str, keep: Any) -> None:
        """Drop the entries of `path` for which keep(key) is false."""
        for key in list(self._by_path.get(path, ())):
            if not keep(key):
                self._entries.pop(key, None)
                self._forget(key)
                self.stats.retired += 1

    def drop_path(self, path: str) -> None:
        """Drop every entry of `path` (its file was closed)."""
        self.retire(path, lambda key: False)

    def clear(self) -> None:
        self._entries.clear()
        self._by_path.clear()

    def paths(self) -> dict[str, int]:
        """How many entries each database has (for the benchmark)."""
        return {path: len(keys) for path, keys in self._by_path.items() if keys}

    def _forget(self, key: tuple) -> None:
        keys = self._by_path.get(key[0])
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_path[key[0]]
