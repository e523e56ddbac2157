"""Untrusted workbooks are opened in worker processes, so no file can take the server down.

A spreadsheet library fed a hostile file may allocate without bound, spin, or abort the whole
process from native code (a Rust allocation failure is a SIGABRT, not an exception). Every
call that opens an uploaded file therefore runs in a small pool of persistent worker processes
(`python -m tracker.ingest.isolation`), each started once with an address-space limit
(`settings.PARSE_MEMORY_MB`) and answering one request at a time within
`settings.PARSE_TIMEOUT_SECONDS`. A worker that crashes, runs out of memory or overruns its
time is killed and replaced; the caller gets `WorkerFailed` with a Vietnamese message, and
every other session carries on. Requests and answers are pickled over the worker's pipes, as
multiprocessing does; a caller passes the function itself (`run(reader.read, …)`), the worker gets
its name and only ever imports and runs the functions named in `TASKS`, so this module imports
none of them. An argument named in `_KEPT` (the reading context: 77 KB at city scale, the same
object until a catalogue changes) is sent to each worker once and kept there; later requests pass
it as None.

`TRACKER_PARSE_WORKERS=0` runs the same functions in-process (for profiling only).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from tracker import settings

_LENGTH = struct.Struct("<Q")
READ = "tracker.ingest.reader:read"
MARK = "tracker.ingest.markup:mark"
# The only functions a worker runs ("module:name"): reading an upload and marking its problems.
TASKS = frozenset({READ, MARK})
# Per task, the positions of arguments a worker keeps between requests (compared by identity).
_KEPT: dict[str, tuple[int, ...]] = {READ: (1,)}


class WorkerFailed(RuntimeError):
    """The worker died, ran out of memory or time; the message is Vietnamese."""


def task_name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


def run(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` in an isolated worker (fn one of TASKS), returning its result."""
    task = task_name(fn)
    if task not in TASKS:
        raise ValueError(f"{task} is not a worker task")
    if settings.PARSE_WORKERS <= 0:
        return fn(*args)
    return _pool().run(task, args)


def shutdown() -> None:
    """Stop every worker (at exit, and in tests that change the limits)."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.close()


# --------------------------------------------------------------------------------------------
# The server side: a pool of persistent workers.


class _Worker:
    def __init__(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "RUST_BACKTRACE": "0"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tracker.ingest.isolation", str(settings.PARSE_MEMORY_MB)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=settings.ROOT,
        )
        self.kept: dict[tuple[str, int], Any] = {}  # what this worker holds, see _KEPT

    def call(self, task: str, args: tuple[Any, ...], timeout: float) -> Any:
        sent, reused, fresh = list(args), [], {}
        for i in _KEPT.get(task, ()):
            if self.kept.get((task, i)) is args[i]:
                sent[i] = None
                reused.append(i)
            else:
                fresh[(task, i)] = args[i]
        _send(self.process.stdin, (task, tuple(sent), tuple(reused)))
        self.kept.update(fresh)  # the worker stores them on receipt, before running the task
        status, value = _receive(self.process.stdout, deadline=time.monotonic() + timeout)
        if status == "error":
            self.kept.clear()  # whatever went wrong, the next request sends everything again
            raise WorkerFailed(value)
        return value

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]


class _Pool:
    def __init__(self, size: int) -> None:
        self.size = size
        self.idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self.started = 0
        self.lock = threading.Lock()
        self.closed = False

    def run(self, task: str, args: tuple[Any, ...]) -> Any:
        worker = self.acquire()
        try:
            result = worker.call(task, args, settings.PARSE_TIMEOUT_SECONDS)
        except WorkerFailed:
            self.release(worker)  # the task raised inside a healthy worker
            raise
        except (_Timeout, _Died, OSError) as exc:
            self.discard(worker)
            raise WorkerFailed(exc.args[0] if exc.args else _DIED) from None
        self.release(worker)
        return result

    def acquire(self) -> _Worker:
        with self.lock:
            try:
                return self.idle.get_nowait()
            except queue.Empty:
                if self.started < self.size:
                    self.started += 1
                    return _Worker()
        return self.idle.get()

    def release(self, worker: _Worker) -> None:
        if self.closed:
            worker.kill()
        else:
            self.idle.put(worker)

    def discard(self, worker: _Worker) -> None:
        worker.kill()
        with self.lock:
            self.started -= 1
            replacement = self.started < self.size and not self.closed
            if replacement:
                self.started += 1
        if replacement:  # keep the pool whole so a waiting caller is not stuck
            self.idle.put(_Worker())

    def close(self) -> None:
        self.closed = True
        while True:
            try:
                self.idle.get_nowait().kill()
            except queue.Empty:
                return


_POOL: _Pool | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> _Pool:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = _Pool(settings.PARSE_WORKERS)
        return _POOL


atexit.register(shutdown)

_DIED = "Tệp làm bộ đọc dừng bất thường (có thể tệp quá lớn hoặc hỏng); tệp chưa được kiểm tra."


class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


# --------------------------------------------------------------------------------------------
# The pipe protocol: an 8-byte length, then a pickle.


def _send(stream: Any, message: Any) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def _receive(stream: Any, deadline: float | None = None) -> Any:
    (length,) = _LENGTH.unpack(_read_exactly(stream, _LENGTH.size, deadline))
    return pickle.loads(_read_exactly(stream, length, deadline))


def _read_exactly(stream: Any, size: int, deadline: float | None) -> bytes:
    chunks, missing, fd = [], size, stream.fileno()
    while missing:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise _Timeout(
                    f"Kiểm tra tệp quá {settings.PARSE_TIMEOUT_SECONDS:g} giây nên đã dừng; "
                    "tệp chưa được kiểm tra."
                )
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise _Died(_DIED)
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


# --------------------------------------------------------------------------------------------
# The worker side.


def _call(task: str, args: tuple[Any, ...]) -> Any:
    if task not in TASKS:  # checked before anything is imported
        raise ValueError(task)
    module, name = task.split(":")
    return getattr(import_module(module), name)(*args)


def _with_kept(
    task: str, args: tuple[Any, ...], reused: tuple[int, ...], kept: dict[tuple[str, int], Any]
) -> tuple[Any, ...]:
    """The arguments in full: those sent as None taken from `kept`, fresh ones stored there."""
    full = list(args)
    for i in _KEPT.get(task, ()):
        if i in reused:
            full[i] = kept[(task, i)]
        else:
            kept[(task, i)] = full[i]
    return tuple(full)


def _limit_memory(megabytes: int) -> None:
    import resource

    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _serve(memory_mb: int) -> None:
    """Answer requests on stdin until it closes (the server went away)."""
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must not corrupt the protocol

    _limit_memory(memory_mb)
    kept: dict[tuple[str, int], Any] = {}
    while True:
        try:
            message = _receive(requests)
        except (_Died, EOFError, struct.error):
            return
        # (task, args) is a server started before _KEPT existed that spawned this worker since.
        task, args, reused = message if len(message) == 3 else (*message, ())
        try:
            args = _with_kept(task, args, reused, kept)
            answer = ("ok", _call(task, args))
        except MemoryError:
            answer = ("error", "Tệp cần quá nhiều bộ nhớ để đọc; tệp chưa được kiểm tra.")
        except Exception as exc:  # the task's own failure, reported to the caller
            answer = ("error", f"Không xử lý được tệp ({type(exc).__name__}).")
        _send(answers, answer)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
