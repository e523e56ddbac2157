"""Every configuration value in one place: read from the environment, with defaults."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# Upload limits: the raw file and what its zip parts may expand to (zip-bomb guard).
MAX_UPLOAD_BYTES = int(os.environ.get("TRACKER_MAX_UPLOAD_MB", "10")) * 1024 * 1024
MAX_DECOMPRESSED_BYTES = int(os.environ.get("TRACKER_MAX_DECOMPRESSED_MB", "50")) * 1024 * 1024

# Accounts.
MAX_FAILED_LOGINS = int(os.environ.get("TRACKER_MAX_FAILED_LOGINS", "5"))
LOGIN_LOCK_MINUTES = int(os.environ.get("TRACKER_LOGIN_LOCK_MINUTES", "15"))
SESSION_TIMEOUT_MINUTES = int(os.environ.get("TRACKER_SESSION_TIMEOUT_MINUTES", "60"))


def db_path() -> Path:
    """The DuckDB file: $TRACKER_DB, else data/tracker.duckdb."""
    return Path(os.environ.get("TRACKER_DB") or DATA_DIR / "tracker.duckdb").resolve()


def files_dir(db: Path | None = None) -> Path:
    """Where uploaded files are kept: beside the database, so a backup takes both."""
    db = db or db_path()
    return Path(os.environ.get("TRACKER_FILES") or db.parent / f"{db.stem}_files")


def catalogue_dir() -> Path:
    """Where the catalogue CSV files are read from ($TRACKER_CATALOGUES, else data/)."""
    return Path(os.environ.get("TRACKER_CATALOGUES") or DATA_DIR)


def now() -> datetime:
    """Current local time in Asia/Ho_Chi_Minh, naive (how the database stores times)."""
    return datetime.now(TIMEZONE).replace(tzinfo=None, microsecond=0)
