"""Backups as an action a person takes: the role check, then tracker.store.backup does the work.

Only `quan_tri` backs up, lists or restores (auth.PERMISSIONS); the command line acts as
auth.SYSTEM. Verifying a backup and the server's own daily backup need no person.
"""

from __future__ import annotations

from pathlib import Path

from tracker.accounts import auth
from tracker.roles import User
from tracker.store import backup as store
from tracker.store.backup import KEEP_DAILY as KEEP_DAILY
from tracker.store.backup import BackupError as BackupError
from tracker.store.backup import BackupInfo


def backup(
    out_dir: Path, user: User, *, path: Path | None = None, note: str | None = None
) -> BackupInfo:
    """Copy the database and the kept uploads into `out_dir` (new or empty), signed."""
    auth.require(user, "backup")
    return store.backup(out_dir, user, path=path, note=note)


def backup_now(user: User, path: Path | None = None) -> BackupInfo:
    """A manual backup into the server's backups directory (the Quản trị page's button)."""
    auth.require(user, "backup")
    return store.backup_now(user, path)


def list_backups(user: User, path: Path | None = None) -> list[BackupInfo]:
    """The backups kept beside the database, newest first."""
    auth.require(user, "backup")
    return store.list_backups(path)


def restore(folder: Path, user: User, *, path: Path | None = None) -> BackupInfo:
    """Replace the database and kept files by a verified backup (the current state kept first)."""
    auth.require(user, "restore_backup")
    return store.restore(folder, user, path=path)


def backups_dir(path: Path | None = None) -> Path:
    """Where the server keeps the backups of the database at `path` (beside it)."""
    return store.backups_dir(path)


def verify(folder: Path | str, path: Path | None = None) -> None:
    """Check every file of a backup against its signed checksums, with the key of the database
    at `path` (BackupError when one fails)."""
    store.verify(Path(folder), path=path)


def ensure_daily() -> None:
    """Start today's automatic backup in the background, once per process and day (the server
    itself, on any page)."""
    store.ensure_daily()
