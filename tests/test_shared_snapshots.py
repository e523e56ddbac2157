"""Dashboard runs that queue share one snapshot (issue 34, the Friday peak): a run that had to
wait shows the state the runs before it computed, at most settings.BUSY_FIGURES_SECONDS old and
with its time; a run that did not wait shows the latest state. Each test here fails if sharing
is switched off (share ignored) or if it outlives its bound."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.apptest_helpers import open_page
from tracker import settings
from tracker.store import db
from tracker.ui import display


def _add_unit(code: str) -> None:
    """Another session's commit (its own thread: a thread always sees what it wrote)."""

    def write() -> None:
        with db.transaction() as tx:
            tx.execute(
                "insert into unit (code, name, sort_order) values ($c, 'x', 999)", {"c": code}
            )

    writer = threading.Thread(target=write)
    writer.start()
    writer.join()


def _units_seen(share: float | None) -> int:
    with db.snapshot(share=share):
        return len(db.query("units"))


def test_a_sharing_run_sees_the_shared_state_within_its_bound(tmp_db) -> None:
    before = _units_seen(share=0.0)  # publishes the state it read
    _add_unit("ZZ1")
    with db.snapshot(share=60.0):
        assert len(db.query("units")) == before  # the shared state
        assert db.figures_time() is not None  # the page says its figures' time
    assert _units_seen(share=0.0) == before + 1  # a run that does not wait: the latest
    assert _units_seen(share=None) == before + 1  # a private snapshot: the latest
    with db.snapshot(share=60.0):
        assert db.figures_time() is None  # the shared state is the latest again


def test_a_run_always_sees_its_own_thread_s_last_write(tmp_db) -> None:
    before = _units_seen(share=0.0)
    with db.transaction() as tx:  # this thread's write, as a form saved then st.rerun()
        tx.execute("insert into unit (code, name, sort_order) values ('ZZ1', 'x', 999)")
    assert _units_seen(share=60.0) == before + 1
    _add_unit("ZZ2")  # another session's: the shared state holding ZZ1 may be shown
    assert _units_seen(share=60.0) == before + 1


def test_a_session_sees_its_own_save_from_its_next_run_on_another_thread(tmp_db) -> None:
    """A browser session's runs each get a thread of their own: what it saved in one run is
    shown to its next, even when that run shares an older snapshot."""
    from tracker.metrics import cache

    before = _units_seen(share=0.0)  # the shared state, without ZZ1

    def save() -> None:  # one run of session S: a form saved
        cache.acting_for("S")
        with db.transaction() as tx:
            tx.execute("insert into unit (code, name, sort_order) values ('ZZ1', 'x', 999)")

    seen: dict[str, int] = {}

    def view(session: str) -> None:  # a later run, on another thread
        cache.acting_for(session)
        seen[session] = _units_seen(share=60.0)

    for target, args in ((save, ()), (view, ("T",)), (view, ("S",))):
        thread = threading.Thread(target=target, args=args)
        thread.start()
        thread.join()
    assert seen == {"S": before + 1, "T": before}  # T may be shown the shared, older state


def test_a_shared_state_older_than_its_bound_is_not_shown(tmp_db, monkeypatch) -> None:
    before = _units_seen(share=0.0)
    _add_unit("ZZ1")
    shared = db._board._published[str(tmp_db.resolve())]
    monkeypatch.setattr(shared, "opened", shared.opened - 61.0)  # opened a minute ago
    assert _units_seen(share=60.0) == before + 1


def test_values_cached_under_the_shared_state_survive_commits(tmp_db) -> None:
    builds: list[int] = []

    def count() -> int:
        builds.append(1)
        return len(db.query("units"))

    with db.snapshot(share=0.0):
        first = db.derived("shared_count", count)
    _add_unit("ZZ1")
    _add_unit("ZZ2")
    with db.snapshot(share=60.0):
        assert db.derived("shared_count", count) == first
    assert len(builds) == 1  # not built again for the shared state
    with db.snapshot(share=0.0):
        assert db.derived("shared_count", count) == first + 2


def test_a_snapshot_in_use_is_not_handed_to_another_thread(tmp_db) -> None:
    _units_seen(share=0.0)
    inside, leave = threading.Event(), threading.Event()
    cursors: list[Any] = []

    def hold() -> None:
        with db.snapshot(share=60.0):
            cursors.append(db._pinned_snapshot(tmp_db.resolve())[0])
            inside.set()
            leave.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    inside.wait(10)
    with db.snapshot(share=60.0):
        assert db._pinned_snapshot(tmp_db.resolve())[0] is not cursors[0]
    leave.set()
    holder.join()


def test_an_idle_shared_snapshot_past_its_bound_ends_at_the_next_commit(
    tmp_db, monkeypatch
) -> None:
    _units_seen(share=0.0)
    key = str(tmp_db.resolve())
    shared = db._board._published[key]
    monkeypatch.setattr(shared, "opened", shared.opened - settings.BUSY_FIGURES_SECONDS - 1)
    _add_unit("ZZ1")
    assert key not in db._board._published and shared.retired
    with pytest.raises(Exception, match="closed"):
        shared.cursor.execute("select 1")


def test_close_all_ends_the_shared_snapshots(tmp_db) -> None:
    _units_seen(share=0.0)
    shared = db._board._published[str(tmp_db.resolve())]
    db.close_all()
    assert shared.retired and not db._board._published
    assert _units_seen(share=0.0) > 0  # reopened as usual


def _run_queued(page: Any) -> None:
    """Run `page` while another leader's run holds the turn, so that it waits for it."""
    queued = threading.Thread(target=page.run)
    with display._TURNS:
        queued.start()
        queued.join(0.5)
    queued.join(60)


def _figures_notes(page: Any) -> list[str]:
    return [c.value for c in page.caption if "số liệu tính lúc" in c.value]


def test_a_leader_who_waited_sees_the_shared_figures_with_their_time(users) -> None:
    page = open_page(users["lanh_dao"], "tong_quan")  # not queued: the latest, no note
    assert not _figures_notes(page)
    _run_queued(page)  # queued: the shared state, the latest for now (no note)
    assert not _figures_notes(page)
    _add_unit("ZZ1")
    _run_queued(page)  # queued again: the shared state, now older than the file
    assert len(_figures_notes(page)) == 1, [c.value for c in page.caption]
    page.run()  # nobody ahead of it: the latest state again
    assert not _figures_notes(page)
