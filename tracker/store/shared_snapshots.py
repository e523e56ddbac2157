"""Snapshots that the dashboards' page runs share (issue 34, the Friday peak).

A snapshot is a DuckDB read transaction: it sees one committed state for as long as it is open.
A page run that asks to share (db.snapshot(path, share=...)) takes the file's published snapshot
when that still fits and nobody is using it (runs that share take turns, tracker/ui/display.py),
else opens a new one and publishes it in its place. Every value cached under a shared snapshot's
version is then found again by the next run instead of being computed afresh: under 500 uploads
in ten minutes every upload is a new version, and 20 leaders each computed every page again.

Callers hold no lock of ours; this module's lock guards the board only. A retired snapshot is
closed by whoever lets it go last.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tracker.store.builds import DATA

Versions = tuple[int, int, int]  # by scope, as db._versions()


@dataclass(eq=False)
class Shared:
    cursor: Any  # a DuckDB cursor inside its read transaction
    versions: Versions  # what it sees, by scope
    taken_at: datetime  # settings.now() when it was opened: the figures' time
    opened: float = field(default_factory=time.monotonic)
    users: int = 0
    retired: bool = False

    def age(self) -> float:
        return time.monotonic() - self.opened

    def fits(self, latest: Versions, share: float, own_write: int) -> bool:
        """Whether a run may read this state: it holds what the run's writer (its browser
        session) saved last (`own_write`: the data version of that commit, 0 if none: Writes),
        and it is the `latest` or at most `share` seconds old."""
        if self.versions[DATA] < own_write:
            return False
        return self.versions == latest or self.age() <= share


_writer = threading.local()  # whose run this thread is running (acting_for)


def acting_for(writer: str | None) -> None:
    """This thread's runs are `writer`'s (a browser session) until said otherwise: what the
    writer saved is shown to all its runs, whichever thread runs them (Writes)."""
    _writer.key = writer


def writer() -> str:
    """This thread's writer: the session acting_for() named, else the thread itself."""
    return getattr(_writer, "key", None) or f"thread:{threading.get_ident()}"


class Writes:
    """The data version each writer last committed to each file (the latest few thousand), so
    a run that shares an older snapshot is never shown one without its writer's own save."""

    def __init__(self, keep: int = 4096) -> None:
        self._lock = threading.Lock()
        self._keep = keep
        self._last: OrderedDict[tuple[str, str], tuple[int, int]] = OrderedDict()

    def note(self, path: str, opening: int, version: int) -> None:
        """This thread's writer committed data `version` of `path` (its `opening`)."""
        with self._lock:
            self._last[(writer(), path)] = (opening, version)
            self._last.move_to_end((writer(), path))
            if len(self._last) > self._keep:
                self._last.popitem(last=False)

    def last(self, path: str, opening: int) -> int:
        """The data version this thread's writer last committed to `path` (0: none known)."""
        with self._lock:
            found = self._last.get((writer(), path))
        return found[1] if found is not None and found[0] == opening else 0


def _end(snapshot: Shared) -> None:
    """End the read transaction (DuckDB may then let go of the old row versions)."""
    try:
        snapshot.cursor.execute("rollback")
    finally:
        snapshot.cursor.close()


class Board:
    """The published snapshot of each file, by path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._published: dict[str, Shared] = {}

    @contextmanager
    def use(
        self, path: str, fits: Callable[[Shared], bool], opened: Callable[[], Shared]
    ) -> Iterator[Shared]:
        """The published snapshot of `path` if it is idle and fits, else `opened()`, published."""
        found = self.take(path, fits)
        if found is None:
            found = opened()
            self.publish(path, found)
        try:
            yield found
        finally:
            self.release(found)

    def take(self, path: str, fits: Callable[[Shared], bool]) -> Shared | None:
        """The published snapshot of `path`, now in use by the caller, when it is idle and fits."""
        with self._lock:
            found = self._published.get(path)
            if found is None or found.users or not fits(found):
                return None
            found.users += 1
            return found

    def publish(self, path: str, snapshot: Shared) -> None:
        """`snapshot` (in use by the caller) becomes the one runs share; the last goes."""
        with self._lock:
            snapshot.users += 1
            old = self._published.get(path)
            self._published[path] = snapshot
            done = self._retire(old) if old is not None else None
        if done is not None:
            _end(done)

    def release(self, snapshot: Shared) -> None:
        with self._lock:
            snapshot.users -= 1
            done = snapshot if snapshot.retired and not snapshot.users else None
        if done is not None:
            _end(done)

    def versions(self, path: str) -> Versions | None:
        """The published snapshot's versions: values cached under them are still wanted."""
        with self._lock:
            found = self._published.get(path)
            return found.versions if found is not None else None

    def retire_idle(self, path: str, older_than: float) -> None:
        """Close `path`'s published snapshot if nobody uses it and it is past sharing."""
        with self._lock:
            found = self._published.get(path)
            if found is None or found.users or found.age() <= older_than:
                return
            done = self._retire(found)
        if done is not None:
            _end(done)

    def drop(self, path: str | None = None) -> None:
        """Forget `path`'s (None: every) published snapshot before its file closes; one still in
        use is closed by its last user."""
        with self._lock:
            paths = [path] if path is not None else list(self._published)
            done = [
                ended
                for key in paths
                if key in self._published
                and (ended := self._retire(self._published[key])) is not None
            ]
        for snapshot in done:
            _end(snapshot)

    def _retire(self, snapshot: Shared) -> Shared | None:
        """Unpublish `snapshot`; returned when nobody uses it (the caller ends it, unlocked)."""
        for key, found in list(self._published.items()):
            if found is snapshot:
                del self._published[key]
        snapshot.retired = True
        return None if snapshot.users else snapshot
