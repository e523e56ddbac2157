"""What a cached value may read decides the version it is filed under (relations.py): CATALOGUE
(catalogue tables only) < DATA (anything but the sign-in tables) < EVERYTHING. While a value is
built, every read in the thread is checked against its scope (db.derived, db.building)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

CATALOGUE, DATA, EVERYTHING = 0, 1, 2


class CatalogueReadError(RuntimeError):
    """A cached value read something outside what it is filed under: a catalogue value read
    data, or a data value read a sign-in table."""


_stacks = threading.local()  # per thread: the cached values being built, with their scopes


@contextmanager
def building(name: str, scope: int = DATA) -> Iterator[None]:
    """Reads in the block are checked against `scope` (see derived): for a value cached by
    data_version() outside this module, e.g. a replayed picture."""
    stack = _stacks.__dict__.setdefault("stack", [])
    stack.append((name, scope))
    try:
        yield
    finally:
        stack.pop()


def built(name: str, build: Callable[[], Any], scope: int) -> Any:
    with building(name, scope):
        return build()


def check_read(scope: int, what: str) -> None:
    """Inside the build of a cached value, refuse a read wider than the value's scope."""
    stack = getattr(_stacks, "stack", None)
    if stack and scope > stack[-1][1]:
        name, allowed = stack[-1]
        kind = "catalogue" if allowed == CATALOGUE else "data"
        raise CatalogueReadError(f"{name} is filed under the {kind} version: {what}")


def active() -> bool:
    """Whether this thread is building a cached value."""
    return bool(getattr(_stacks, "stack", None))
