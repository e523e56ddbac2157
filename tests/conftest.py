"""Shared fixtures: a throwaway DuckDB per test, pointed to by TRACKER_DB, and clean caches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker import auth, db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-2026"


@pytest.fixture
def tmp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh database (migrated, catalogues loaded) used by the package and the app."""
    path = tmp_path / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")  # no background backup threads in tests
    db.close_all()
    db.connection(path)
    yield path
    db.close_all()
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def users(tmp_db: Path) -> dict[str, auth.User]:
    """One account per role (the unit account belongs to HCTC, a second one to BTCD)."""
    return {
        "quan_tri": auth.create_user("admin", "quan_tri", PASSWORD, full_name="Quản trị HCTC"),
        "lanh_dao": auth.create_user("lanhdao", "lanh_dao", PASSWORD, full_name="Chánh Văn phòng"),
        "don_vi": auth.create_user("hctc", "don_vi", PASSWORD, unit_code="HCTC"),
        "don_vi_btcd": auth.create_user("btcd", "don_vi", PASSWORD, unit_code="BTCD"),
    }
