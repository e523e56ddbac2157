"""Records tracker/tools/peak_assets.json: the static files a fresh chromium context fetches
for an officer's journey and for a leader's (see peak_assets.py). Run it after a Streamlit
upgrade: `python -m tracker.tools.peak_record` (needs chromium and Playwright)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from tracker.tools import bench_peak
from tracker.tools.bench_browser import server
from tracker.tools.bench_core import own_clock, sandbox
from tracker.tools.peak_assets import FILE, STATIC, streamlit_version
from tracker.tools.peak_core import Outcome


async def _record(url: str, files: list[Any]) -> dict[str, list[str]]:
    from playwright.async_api import async_playwright

    seen: dict[str, list[str]] = {"officer": [], "leader": []}
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(bench_peak.CHROMIUM), headless=True, args=bench_peak.ARGS
        )
        opened = browser.new_context

        def spying(role: str) -> Any:
            async def new_context(**kw: Any) -> Any:
                context = await opened(**kw)

                def request(r: Any) -> None:
                    path = r.url.removeprefix(url)
                    if STATIC in path and path not in seen[role]:
                        seen[role].append(path)

                context.on("request", request)
                return context

            return new_context

        browser.new_context = spying("officer")
        await bench_peak.officer(browser, url, files[0], time.perf_counter(), Outcome(files[0]))
        browser.new_context = spying("leader")
        stop, times = asyncio.Event(), []
        pages = len(bench_peak.LEADER_PAGES)
        reading = asyncio.create_task(bench_peak.leader(browser, url, 0, 0.2, stop, times))
        while len(times) < pages and not reading.done():
            await asyncio.sleep(0.2)
        stop.set()
        await reading
        await browser.close()
    return seen


@own_clock()
def record(folder: Path) -> dict[str, Any]:
    """Run one officer and one leader in chromium against a small sample; write the lists."""
    with sandbox(folder):
        path = folder / "peak.duckdb"
        files, _ = bench_peak.prepare(path, 1, 10)
        with server(path) as (url, _proc):
            seen = asyncio.run(_record(url, files))
    data = {"streamlit": streamlit_version(), **seen}
    FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return data


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tracker-assets-") as tmp:
        got = record(Path(tmp))
    print(f"streamlit {got['streamlit']}: {len(got['officer'])} + {len(got['leader'])} tệp")
