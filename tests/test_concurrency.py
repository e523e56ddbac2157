"""Sessions at once (issue 16): shared results are computed once, and pages viewed while a unit
uploads show one committed state, never a mix, and never a result the upload made stale."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.apptest_helpers import open_page
from tests.workbook_factory import Book
from tracker.ingest import submissions
from tracker.store import db
from tracker.ui import page_runs, scoring_page

UPLOADED = datetime(2026, 3, 5, 10, 0)  # on time for 2026-W10


def test_a_shared_result_is_built_once_for_many_sessions(tmp_db) -> None:
    calls: list[int] = []
    started = threading.Event()

    def build() -> dict[str, int]:
        started.set()
        calls.append(1)
        time.sleep(0.3)  # long enough for every other thread to ask meanwhile
        return {"units": db.scalar("select count(*) from unit")}

    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(db.derived("fill_once", build)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert started.is_set() and len(calls) == 1
    assert len(results) == 8 and all(r is results[0] for r in results)
    # A write retires it: the next reader builds it again, once.
    with db.transaction() as tx:
        tx.execute("update setting set value = value where key = 'year'")
    db.derived("fill_once", build)
    db.derived("fill_once", build)
    assert len(calls) == 2


def test_a_failed_build_lets_the_next_reader_try_again(tmp_db) -> None:
    def broken() -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        db.derived("fails_once", broken)
    assert db.derived("fails_once", lambda: 7) == 7


def test_a_query_result_is_fetched_once_for_concurrent_readers(tmp_db) -> None:
    fetched: list[int] = []
    original = db._fill_once

    def counting(key: tuple, compute: Any) -> Any:
        def counted() -> Any:
            fetched.append(1)
            time.sleep(0.2)
            return compute()

        return original(key, counted)

    db._fill_once = counting
    try:
        threads = [threading.Thread(target=lambda: db.query("units")) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        db._fill_once = original
    assert len(fetched) == 1


def _version(index: int, level: float) -> bytes:
    """HCTC's week-10 workbook with every score at `level` × its maximum (distinct bytes)."""
    book = Book(reporter=f"Cán bộ {index}")
    for row in book.scores:
        if row.get("max_points") and row["criterion_code"][0] not in "TP":
            row["score"] = round(row["max_points"] * level * 2) / 2
            row["not_applicable"] = None
    return book.to_bytes()


def _seen(at: Any) -> tuple[Any, ...]:
    """The Office's total (its metric, above the tabs) with, from the tab open (issue 35: one
    tab's section a run), HCTC's total in the ranking or its column in criterion × unit."""
    vp = next(m.value for m in at.metric if m.label == "Điểm của Văn phòng")
    for d in at.dataframe:
        if "Hạng" in d.value.columns:
            ranking = d.value
            total = ranking.loc[ranking["Mã đơn vị"] == "HCTC", "Điểm cuối cùng"].iloc[0]
            return vp, round(float(total), 6)
        if "VP" in d.value.columns:
            return vp, tuple(d.value["HCTC"].tolist())
    raise AssertionError("neither the ranking nor criterion × unit was drawn")


# A leader on the ranking (the first tab), the Office's admin on criterion × unit.
VIEWERS = {"lanh_dao": {}, "quan_tri": {"xem": scoring_page.TAB_MATRIX}}


def test_viewers_during_uploads_see_one_state_and_the_last_upload(users) -> None:
    unit = users["don_vi"]  # HCTC
    levels = [0.5 if i % 2 == 0 else 1.0 for i in range(8)]
    versions = [_version(i, level) for i, level in enumerate(levels)]
    # What the page shows under each of the two score levels, one at a time, on each tab.
    shown_at: dict[tuple[float, str], tuple] = {}
    for i in range(2):
        result = submissions.submit(versions[i], f"v{i}.xlsx", unit, now=UPLOADED)
        assert result.status == "accepted", result.errors
        for role, query in VIEWERS.items():
            shown_at[levels[i], role] = _seen(open_page(users[role], "tu_cham_diem", query))
    signatures = set(shown_at.values())
    assert len(signatures) == 4

    seen: list[tuple] = []
    errors: list[str] = []
    done = threading.Event()
    with page_runs.one_runtime():
        viewers = [open_page(users[role], "tu_cham_diem", q) for role, q in VIEWERS.items()]

        def view(at: Any) -> None:
            while not done.is_set():
                at.run()
                if at.exception:
                    errors.append(str(at.exception))
                    return
                seen.append(_seen(at))

        def upload() -> None:
            try:
                for i, data in enumerate(versions[2:], start=2):
                    when = UPLOADED + timedelta(minutes=i)
                    result = submissions.submit(data, f"v{i}.xlsx", unit, now=when)
                    assert result.status == "accepted", result.errors
            finally:
                done.set()

        threads = [threading.Thread(target=view, args=(at,)) for at in viewers]
        threads.append(threading.Thread(target=upload))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors[0]
        assert seen and set(seen) <= signatures  # never a total beside another state's lines
        # After the last upload committed, a rerun shows it (nothing stale in the caches).
        viewers[0].run()
        last = _seen(open_page(users["lanh_dao"], "tu_cham_diem"))
        assert _seen(viewers[0]) == last == shown_at[levels[-1], "lanh_dao"]


def test_a_write_forgets_results_no_reader_can_ask_for(tmp_db) -> None:
    path = str(tmp_db.resolve())
    for i in range(5):
        db.query("units")
        db.derived("per_version", lambda i=i: i)
        with db.transaction() as tx:
            tx.execute("delete from indicator_value where false")
    db.derived("per_version", lambda: 5)  # filed under the current version: kept
    kept = [k for k in db._cache if k[0] == path and k[2] != db.CATALOGUE]
    assert kept and all(k[1] == db._versions(path)[k[2]] for k in kept)
