"""The app's pages run headless, as the benchmark (tracker/tools/bench.py) measures them:
AppTest sessions signed in as a user, each page's warm run timed, and several sessions rerun at
the same moment in threads of one process, as one Streamlit server runs them.

Here rather than in the benchmark because only the UI layer imports streamlit
(tests/test_layers.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import MagicMock

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as t  # the runtime parts AppTest itself uses
from streamlit.testing.v1 import local_script_runner as local

from tracker import settings
from tracker.roles import User
from tracker.ui import shell


def warm_page_runs(user: User) -> Iterator[tuple[str, float, bool]]:
    """Each page opened as `user`, then run again: (title, seconds of that warm run, whether
    it raised)."""
    for page in shell.PAGES.values():
        at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=120)
        at.session_state[shell.SESSION_USER] = user
        at.run()
        if page.path != "app.py":
            at.switch_page(page.path).run()
        start = time.perf_counter()
        at.run()
        yield page.title, time.perf_counter() - start, bool(at.exception)


@contextmanager
def one_runtime() -> Iterator[None]:
    """Let AppTest runs overlap in threads, sharing one stand-in Streamlit runtime.

    Each AppTest run installs its own mock runtime in a process-wide slot and empties the slot
    when it ends, so two overlapping runs break each other ("Runtime hasn't been created").
    During the block the slot holds one runtime (media files, dataframe sources, st.cache_data
    storage) shared by every session, as one real server's runtime is, and AppTest's writes to
    the slot go to a stand-in class instead; likewise its reset of the pages-folder flag.

    Two more parts of the harness are made to work as a server does, so that what is measured
    is the pages' work and not the harness's: one script cache for every session (AppTest makes
    a new one per run, so each run re-read and re-compiled app.py and the page, and compiling in
    several threads at once trips CPython 3.11's "AST constructor recursion depth mismatch"),
    and a run's end awaited by joining its thread (AppTest polls every millisecond: eight
    pollers took the GIL from the scripts they were waiting for).
    """
    runtime = MagicMock(spec=t.Runtime)
    runtime.media_file_mgr = t.MediaFileManager(t.MemoryMediaFileStorage("/mock/media"))
    runtime.dataframe_source_mgr = t.DataframeSourceManager()
    runtime.cache_storage_manager = t.MemoryCacheStorageManager()
    components = t.BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    runtime.bidi_component_registry = components
    scripts = t.ScriptCache()
    Runtime = t.Runtime
    pages = t.PagesManager
    saved = Runtime._instance, pages.uses_pages_directory, t.Runtime, t.PagesManager
    saved_harness = t.ScriptCache, local.ScriptCache, local.require_widgets_deltas
    Runtime._instance = runtime
    pages.uses_pages_directory = True  # app.py sits beside pages/
    t.Runtime = type("RuntimeSlot", (), {"_instance": None})
    t.PagesManager = _Unresettable("PagesSlot", (pages,), {"uses_pages_directory": True})
    t.ScriptCache = local.ScriptCache = lambda: scripts
    local.require_widgets_deltas = _await_run
    try:
        yield
    finally:
        Runtime._instance, pages.uses_pages_directory, t.Runtime, t.PagesManager = saved
        t.ScriptCache, local.ScriptCache, local.require_widgets_deltas = saved_harness


def _await_run(runner: Any, timeout: float = 3) -> None:
    """AppTest's wait for a run, by joining the script thread instead of polling."""
    thread = runner._script_thread
    if thread is not None:
        thread.join(timeout)
    if not runner.script_stopped():
        runner.request_stop()
        runner.join()
        raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")


class _Unresettable(type):
    """A class whose `uses_pages_directory` AppTest cannot reset to None between runs."""

    def __setattr__(cls, name: str, value: Any) -> None:
        if name != "uses_pages_directory":
            super().__setattr__(name, value)


def signed_in(user: User) -> AppTest:
    """A session signed in as `user` (AppTest always enters through app.py)."""
    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=300)
    at.session_state[shell.SESSION_USER] = user
    return at.run()


def open_from_sidebar(at: AppTest, page_key: str) -> AppTest:
    """The session opens the page (from the sidebar, as a leader would)."""
    at.switch_page(shell.PAGES[page_key].path).run()
    if at.exception:
        raise RuntimeError(f"{page_key}: {at.exception}")
    return at


def rerun_all(sessions: list[Any]) -> list[float]:
    """Each session's wait (seconds from the common start until its rerun finished), every
    rerun started at the same moment; sorted, so the last is the last session's wait."""
    start = threading.Barrier(len(sessions) + 1)
    failures: list[str] = []
    waits: list[float] = []
    began = 0.0

    def rerun(at: Any) -> None:
        start.wait()
        at.run()
        waits.append(time.perf_counter() - began)
        if at.exception:
            failures.append(str(at.exception))

    threads = [threading.Thread(target=rerun, args=(at,)) for at in sessions]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(failures[0])
    return sorted(waits)


def one_after_another(sessions: list[Any]) -> float:
    """Seconds for the same sessions' reruns run one at a time: the last one's wait in a queue."""
    return sum(rerun_all([at])[-1] for at in sessions)
