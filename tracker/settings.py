"""Every configuration value in one place: read from the environment, with defaults."""

from __future__ import annotations

import functools
import os
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "store" / "migrations"
# The city registry's own migrations, applied after the body schema's (store/opening.py).
CITY_MIGRATIONS_DIR = Path(__file__).resolve().parent / "store" / "city_migrations"
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


# The city (issue 34): one database file per body, plus a small registry. TRACKER_DB is the home
# body's file, the Office (Văn phòng UBND thành phố, code VPUB), as it always was.
HOME_BODY = "VPUB"
# How many database files one process keeps open at most (the least recently used idle one is
# closed past it; one in use never is), and how many query results it keeps cached.
MAX_OPEN_DATABASES = int(os.environ.get("TRACKER_MAX_OPEN_DATABASES", "64"))
CACHE_ENTRIES = int(os.environ.get("TRACKER_CACHE_ENTRIES", "4096"))
# While dashboard runs queue for their turn (many leaders at once), a run shows the figures the
# runs before it computed if they are at most this many seconds old, with their time, instead of
# computing every page again for each upload that committed meanwhile (issue 34, the peak).
# 0: every run computes the latest state.
BUSY_FIGURES_SECONDS = float(os.environ.get("TRACKER_BUSY_FIGURES_SECONDS", "20"))
# DuckDB's I/O threads per open file (its default, 8, is nine threads and ~9 MB per file; one
# is enough for local files and keeps 134 bodies at 2 threads each).
DUCKDB_ASYNC_THREADS = int(os.environ.get("TRACKER_DUCKDB_ASYNC_THREADS", "1"))
# The block size of a new body file (other than the home body's) and of the registry.
SMALL_BLOCK_BYTES = int(os.environ.get("TRACKER_SMALL_BLOCK_KB", "16")) * 1024


def city_db_path() -> Path:
    """The city registry: $TRACKER_CITY_DB, else <db stem>.city.duckdb beside TRACKER_DB."""
    given = os.environ.get("TRACKER_CITY_DB")
    if given:
        return _absolute(given, os.getcwd())
    home = db_path()
    return home.parent / f"{home.stem}.city.duckdb"


def bodies_dir() -> Path:
    """Where the other bodies' files live: <db stem>.bodies/ beside TRACKER_DB."""
    home = db_path()
    return home.parent / f"{home.stem}.bodies"


# A body's code: upper case letters, digits and _ (it names a file and prefixes a cookie).
BODY_CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,19}$")


def body_db_path(code: str) -> Path:
    """The database file of body `code`: TRACKER_DB for the home body, else
    <db stem>.bodies/<CODE>.duckdb (its kept files beside it, as files_dir() derives).
    ValueError for a code that is not one (never a path outside that folder)."""
    if code == HOME_BODY:
        return db_path()
    if not BODY_CODE_PATTERN.match(code):
        raise ValueError(f"mã cơ quan không hợp lệ: {code!r}")
    return bodies_dir() / f"{code}.duckdb"


def body_of_file(path: Path) -> str | None:
    """The body whose database `path` is (None: the registry, or a file of no body)."""
    path = Path(path).resolve()
    if path == db_path():
        return HOME_BODY
    if path.parent == bodies_dir() and path.suffix == ".duckdb":
        return path.stem if BODY_CODE_PATTERN.match(path.stem) else None
    return None


def files_dir(db: Path | None = None) -> Path:
    """Where uploaded files are kept: beside the database, so a backup takes both.
    $TRACKER_FILES moves the home body's only: another body's stay beside its own file."""
    db = db or db_path()
    given = os.environ.get("TRACKER_FILES")
    if given and body_of_file(db) in (HOME_BODY, None):
        return Path(given)
    return db.parent / f"{db.stem}_files"


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


def clock_setting(instant: datetime) -> str:
    """A $TRACKER_NOW value that sets the clock to `instant` now, anchored to this real moment,
    so that the processes started with it share one clock to the second (the benchmark's)."""
    return f"{instant.isoformat()}@{time.time():.6f}"


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
