"""The city-shaped sample the city tests read: the office sample up to W10 (tests/conftest.py's
office_w10, copied) with three sample bodies beside it (demo --bodies 3: Sở Nội vụ and two xã,
phường whose unit and task codes clash), built once per session at CITY_NOW. Tests only read it;
one that writes works on city_copy()."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import built_sample
from tracker.store import db
from tracker.tools import demo

# After the 6-month Báo cáo's default due date (20/06): Sở Nội vụ's sample sent quý I and 6 tháng.
CITY_NOW = "2026-07-01T10:00:00"
BODIES = ("SNV", "X001", "X002")


@pytest.fixture(scope="session")
def city3(office_w10: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The home body's file of the sample (TRACKER_DB); the registry and bodies beside it."""
    db.checkpoint(office_w10)
    home = tmp_path_factory.mktemp("city3") / "office.duckdb"
    shutil.copyfile(office_w10, home)
    yield from built_sample(home, CITY_NOW, lambda path: demo.build_bodies(path, 3, seed=7))


def city_copy(city3: Path, target: Path) -> Path:
    """A writable copy of the whole sample (home, registry, bodies) in `target`; its home file."""
    db.close_all()
    shutil.copytree(city3.parent, target)
    return target / city3.name


@pytest.fixture
def city(city3: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TRACKER_DB pointing at the shared sample (read only)."""
    monkeypatch.setenv("TRACKER_DB", str(city3))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    return city3


@pytest.fixture
def city_rw(city3: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """TRACKER_DB pointing at a copy of the sample, for a test that writes."""
    home = city_copy(city3, tmp_path / "city")
    monkeypatch.setenv("TRACKER_DB", str(home))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    yield home
    db.close_all()
