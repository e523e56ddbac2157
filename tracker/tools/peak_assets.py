"""The static files a browser fetches on its first visit, for the protocol driver (issue 34).

A fresh chromium context (as the browser driver opens one per officer and per leader) fetches
the frontend's files on its first page load, about 220 of them, and the server compresses each:
on this machine about 0.5 s of the server's CPU a session, more than the officer's whole
sign-in and upload (about 0.35 s). The protocol driver fetches the same files, so a session
costs the server what a browser's does, which it could not know without running one: the
lists are recorded once from chromium, here, for each user's journey (an officer's, a
leader's), with the Streamlit version they belong to (peak_assets.json). When the installed
Streamlit differs, the lists are out of date: re-record them with

    python -m tracker.tools.peak_record

(needs chromium and Playwright; tests/test_bench_peak.py checks every listed file exists).
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

FILE = Path(__file__).with_name("peak_assets.json")
STATIC = "/static/"


def streamlit_version() -> str:
    return version("streamlit")


def load() -> dict[str, Any]:
    """{"streamlit": version, "officer": [paths], "leader": [paths]}."""
    return json.loads(FILE.read_text(encoding="utf-8"))


def current() -> bool:
    """The recorded lists belong to the installed Streamlit."""
    return load()["streamlit"] == streamlit_version()
