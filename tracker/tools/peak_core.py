"""What the peak's two drivers share (issue 34, `bench --peak`): the uploads and their outcomes,
the schedule that starts them (N over M minutes, on a fixed timetable however long each takes)
while the leaders browse, and the /proc sampler that measures the server and the users' side.

A driver is two coroutines: `officer(upload, at, outcome)` (one officer's session, started at
`at`, perf_counter) and `leader(index, stop, times)` (one leader browsing until `stop`, each
page's seconds appended to `times`). bench_peak drives them with chromium (Playwright),
peak_protocol with Streamlit's own protocol (tracker/ui/wire_client.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.ingest import kept

LEADER_PAGES = ("Tổng quan", "Nhiệm vụ", "Đơn vị", "Tự chấm điểm", "Vướng mắc", "Đôn đốc")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Officer = Callable[["Upload", float, "Outcome"], Awaitable[None]]
Leader = Callable[[int, asyncio.Event, list[float]], Awaitable[None]]


@dataclass(frozen=True)
class Upload:
    unit: str
    username: str
    name: str
    data: bytes

    @property
    def digest(self) -> str:
        return kept.sha256(self.data)


@dataclass
class Outcome:
    upload: Upload
    accepted: bool = False
    upload_seconds: float = 0.0  # file put in the uploader → "Đã nhận" shown
    session_seconds: float = 0.0  # page opened → signed in → "Đã nhận" shown
    late: float = 0.0  # how long after its slot on the schedule it started
    error: str = ""


@dataclass
class Samples:
    """The server's CPU (cores, per interval) and memory, the users' side's CPU, the machine's."""

    server_cores: list[float] = field(default_factory=list)
    machine_busy: list[float] = field(default_factory=list)  # 0..1 of all cores
    rss_mb: list[float] = field(default_factory=list)
    server_cpu_seconds: float = 0.0
    user_cpu_seconds: float = 0.0  # the users' side: this process and the browsers it starts
    seconds: float = 0.0
    hwm_mb: float = 0.0


# --- the sample and the files ----------------------------------------------------------------


async def schedule(
    officer: Officer, leader: Leader, files: list[Upload], minutes: float, leaders: int
) -> tuple[list[Outcome], list[float], float, list[str]]:
    """The peak: leaders signed in first, then the uploads on their schedule while the leaders
    browse; returns each upload's outcome, the leaders' page times, the wall seconds and the
    leader sessions that failed (a page not settled within the timeout: that session stops)."""
    stop = asyncio.Event()
    page_times: list[float] = []
    crowd = [asyncio.create_task(leader(i, stop, page_times)) for i in range(leaders)]
    await asyncio.sleep(min(5.0, 0.5 * leaders))  # the leaders' first pages open
    start = time.perf_counter()
    step = minutes * 60 / max(1, len(files))
    outcomes = [Outcome(f) for f in files]
    await asyncio.gather(
        *(
            officer(f, start + i * step, out)
            for i, (f, out) in enumerate(zip(files, outcomes, strict=True))
        )
    )
    wall = time.perf_counter() - start
    stop.set()
    failed = [
        f"lãnh đạo {i + 1}: {type(r).__name__}: {str(r).splitlines()[0][:200]}"
        for i, r in enumerate(await asyncio.gather(*crowd, return_exceptions=True))
        if r is not None
    ]
    return outcomes, page_times, wall, failed


# --- measuring the server --------------------------------------------------------------------


class Sampler:
    """/proc figures every `every` seconds: the server's process tree (Streamlit and the
    workers it starts to read workbooks), the users' side (this process and its other
    descendants: the protocol client, or Playwright's driver and chromium), and the whole
    machine."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.pid, self.every = pid, every
        self.samples = Samples()
        self.tick = os.sysconf("SC_CLK_TCK")
        self.last: dict[int, float] = {}  # pid -> CPU seconds at the last sample

    def _processes(self) -> tuple[dict[int, int], dict[int, float]]:
        """Every process's parent and CPU seconds (utime + stime)."""
        parents, cpu = {}, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            cpu[pid] = (int(fields[11]) + int(fields[12])) / self.tick
        return parents, cpu

    @staticmethod
    def _tree(root: int, parents: dict[int, int]) -> set[int]:
        tree, grew = {root}, True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        return tree

    def _sample(self) -> tuple[float, float, float]:
        """CPU seconds since the last sample: the server's tree, the users' side (this process,
        which runs the protocol client or drives the browsers, and the browsers it started);
        and the server tree's resident memory (MB)."""
        parents, cpu = self._processes()
        server = self._tree(self.pid, parents)
        ours = self._tree(os.getpid(), parents) - server
        delta = {pid: cpu[pid] - self.last.get(pid, 0.0) for pid in server | ours}
        self.last = {pid: cpu[pid] for pid in server | ours}
        rss = sum(self._memory(pid, "VmRSS:") for pid in server)
        return sum(delta[p] for p in server), sum(delta[p] for p in ours), rss

    @staticmethod
    def _machine() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = values[3] + values[4]
        return sum(values) - idle, sum(values)

    @staticmethod
    def _memory(pid: int, key: str) -> float:
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return 0.0
        for line in text.splitlines():
            if line.startswith(key):
                return int(line.split()[1]) / 1024
        return 0.0

    async def run(self, stop: asyncio.Event) -> None:
        s = self.samples
        self._sample()  # the starting point
        first_at = at = time.perf_counter()
        machine = self._machine()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.every)
            server, users, rss = self._sample()
            now_at, now_machine = time.perf_counter(), self._machine()
            s.server_cores.append(server / (now_at - at))
            s.server_cpu_seconds += server
            s.user_cpu_seconds += users
            busy, total = now_machine[0] - machine[0], now_machine[1] - machine[1]
            s.machine_busy.append(busy / total if total else 0.0)
            s.rss_mb.append(rss)
            at, machine = now_at, now_machine
        s.seconds = at - first_at
        s.hwm_mb = self._memory(self.pid, "VmHWM:")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def cores(spec: str) -> set[int]:
    """taskset's list of cores ("0", "0-1", "0,2-3") as a set."""
    out: set[int] = set()
    for part in spec.split(","):
        low, _, high = part.strip().partition("-")
        out |= set(range(int(low), int(high or low) + 1))
    return out
