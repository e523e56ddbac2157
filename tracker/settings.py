"""Every configuration value in one place: read from the environment, with defaults."""

from __future__ import annotations

import functools
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "store" / "migrations"
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# Upload limits: the raw file and what its zip parts may expand to (zip-bomb guard).
MAX_UPLOAD_BYTES = int(os.environ.get("TRACKER_MAX_UPLOAD_MB", "10")) * 1024 * 1024
MAX_DECOMPRESSED_BYTES = int(os.environ.get("TRACKER_MAX_DECOMPRESSED_MB", "50")) * 1024 * 1024
# How far a sheet's filled cells may reach before it is refused unread; problems listed per file.
MAX_SHEET_ROWS = int(os.environ.get("TRACKER_MAX_SHEET_ROWS", "2000"))
MAX_SHEET_COLUMNS = int(os.environ.get("TRACKER_MAX_SHEET_COLUMNS", "60"))
MAX_PROBLEMS_LISTED = 200
# Uploaded files are parsed in worker processes with these limits (a crash stays there).
PARSE_WORKERS = int(os.environ.get("TRACKER_PARSE_WORKERS", "2"))
PARSE_MEMORY_MB = int(os.environ.get("TRACKER_PARSE_MEMORY_MB", "1024"))
PARSE_TIMEOUT_SECONDS = float(os.environ.get("TRACKER_PARSE_TIMEOUT_SECONDS", "30"))

# Accounts.
MAX_FAILED_LOGINS = int(os.environ.get("TRACKER_MAX_FAILED_LOGINS", "5"))
LOGIN_LOCK_MINUTES = int(os.environ.get("TRACKER_LOGIN_LOCK_MINUTES", "15"))
# A known client (IP address) failing on this many different usernames within the lock window is
# refused for any other username until the window passes (password spraying; bounds stored rows).
LOGIN_MAX_USERNAMES_PER_CLIENT = int(os.environ.get("TRACKER_LOGIN_MAX_USERNAMES_PER_CLIENT", "20"))
# Wrong passwords an account accepts per lock window from every browser that has never signed in
# to it, whatever their addresses (OWASP "device cookie"); a browser its owner signed in from
# holds a device cookie and keeps its own allowance of MAX_FAILED_LOGINS.
MAX_FAILED_LOGINS_NEW_BROWSERS = int(os.environ.get("TRACKER_MAX_FAILED_LOGINS_NEW_BROWSERS", "10"))
DEVICE_COOKIE_DAYS = int(os.environ.get("TRACKER_DEVICE_COOKIE_DAYS", "180"))
SESSION_TIMEOUT_MINUTES = int(os.environ.get("TRACKER_SESSION_TIMEOUT_MINUTES", "60"))
# Absolute lifetime of a login, however active the session is.
SESSION_MAX_HOURS = int(os.environ.get("TRACKER_SESSION_MAX_HOURS", "12"))

# The server. The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed
# (comma-separated addresses or networks; default none: the client is the socket's peer).
TRUSTED_PROXIES = os.environ.get("TRACKER_TRUSTED_PROXIES", "").strip()
# A sample database (demo accounts) may be served beyond this machine only when this is "1".
DEMO = os.environ.get("TRACKER_DEMO", "").strip() == "1"


def db_path() -> Path:
    """The DuckDB file: $TRACKER_DB, else data/tracker.duckdb."""
    return _absolute(os.environ.get("TRACKER_DB") or str(DATA_DIR / "tracker.duckdb"), os.getcwd())


@functools.lru_cache(maxsize=64)
def _absolute(raw: str, cwd: str) -> Path:
    # Memoised: every query of a page run asks for the path, and resolving it walks the
    # file system each time. A relative $TRACKER_DB is taken from `cwd`, part of the key.
    return (Path(cwd) / raw).resolve()


def files_dir(db: Path | None = None) -> Path:
    """Where uploaded files are kept: beside the database, so a backup takes both."""
    db = db or db_path()
    return Path(os.environ.get("TRACKER_FILES") or db.parent / f"{db.stem}_files")


def backup_key_path(db: Path | None = None) -> Path:
    """The secret that signs backups (HMAC): $TRACKER_BACKUP_KEY, else <db stem>.backup-key
    beside the database. Never inside a backup: whoever can edit a backup must not re-sign it."""
    db = db or db_path()
    return Path(os.environ.get("TRACKER_BACKUP_KEY") or db.parent / f"{db.stem}.backup-key")


def catalogue_dir() -> Path:
    """Where the catalogue CSV files are read from ($TRACKER_CATALOGUES, else data/)."""
    return Path(os.environ.get("TRACKER_CATALOGUES") or DATA_DIR)


# The clock. $TRACKER_NOW sets it (tests, demos, training): "2026-03-04T09:00:00" or "2026-03-04",
# local time; it then ticks from the moment this process first read it. An optional
# "@<Unix time>" suffix says at which real instant the clock read that time, so that several
# processes (the test run, the server it starts) share one clock to the second.
_clock: tuple[str, timedelta] | None = None  # (the $TRACKER_NOW it came from, offset)


def parse_clock(value: str) -> tuple[datetime, datetime | None]:
    """$TRACKER_NOW as (the local time it sets, the real local time it was set at or None)."""
    text, _, anchor = value.strip().partition("@")
    try:
        start = datetime.fromisoformat(text.strip())
        if start.tzinfo is not None:
            start = start.astimezone(TIMEZONE).replace(tzinfo=None)
        if not anchor.strip():
            return start, None
        return start, datetime.fromtimestamp(float(anchor), TIMEZONE).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            f"TRACKER_NOW không hợp lệ: {value!r}. Cần ngày giờ ISO theo giờ Việt Nam, "
            "dạng YYYY-MM-DDTHH:MM:SS hoặc YYYY-MM-DD (tùy chọn thêm @<Unix time>)."
        ) from None


def now() -> datetime:
    """Current local time in Asia/Ho_Chi_Minh, naive (how the database stores times).

    The only place the product reads the clock; $TRACKER_NOW moves it (see above)."""
    global _clock
    real = datetime.now(TIMEZONE).replace(tzinfo=None)
    value = os.environ.get("TRACKER_NOW", "").strip()
    if value:
        if _clock is None or _clock[0] != value:
            start, read_at = parse_clock(value)
            _clock = (value, start - (read_at or real))
        real += _clock[1]
    return real.replace(microsecond=0)
