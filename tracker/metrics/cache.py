"""The one cache the pages use, over the store's: a value built from the database once per data
version and shared by every session (derived), one committed state for a whole page run
(snapshot), and the version a replayed picture is filed under (data_version).

The key of every cached value is the database, the version of what it reads (the catalogue
version when it reads only catalogues, else the data version) and the value's name and parts
(tracker/store/db.py); a write transaction retires the versions it can change when it commits,
so nothing here is ever invalidated by hand. A value that depends on the viewer, the clock or a
widget carries it in its parts; a picture replayed to other sessions says its audience
(tracker/ui/display.py shared()).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tracker.store import db, shared_snapshots

T = TypeVar("T")


def derived(
    name: str, build: Callable[[], T], path: Path | None, *parts: Any, catalogue: bool = False
) -> T:
    """`build()` on the database at `path` (None: the default), built once per data version
    and `parts` and shared by every session: treat it as read-only. With catalogue=True it is
    built once per catalogue version instead, and may read only catalogues (checked)."""
    return db.derived(name, build, path, *parts, catalogue=catalogue)


@contextmanager
def snapshot(path: Path | None = None, *, share: float | None = None) -> Iterator[None]:
    """Every read of this thread in the block sees one committed state of the database; with
    `share` (seconds), the one other sharing runs see, if no older than that (db.snapshot)."""
    with db.snapshot(path, share=share):
        yield


def acting_for(session: str | None) -> None:
    """The rest of this thread's run is `session`'s: a shared snapshot it is shown always
    holds what that session saved (tracker/store/shared_snapshots.py)."""
    shared_snapshots.acting_for(session)


def figures_time(path: Path | None = None) -> datetime | None:
    """When the state this thread's snapshot reads was taken, if a newer one exists."""
    return db.figures_time(path)


def in_snapshot(path: Path | None = None) -> bool:
    return db.in_snapshot(path)


def data_version(path: Path | None = None) -> tuple[str, int, int]:
    """Changes whenever the data change (inside snapshot(): the version it reads); a sign-in,
    sign-out or session keep-alive does not change it."""
    return db.data_version(path)


def building(name: str) -> AbstractContextManager[None]:
    """The block builds a value filed under data_version(): a read of what that version does
    not follow (the sign-in tables) raises, as in derived()."""
    return db.building(name)
