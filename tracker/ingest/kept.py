"""Every uploaded file, kept byte for byte (PRODUCT.md §5 "nothing is ever lost"): content-
addressed by SHA-256 under the files folder beside the database, written atomically and fsynced
before its submission is recorded, readable back for the history, restore and markup."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from tracker import settings
from tracker.store import fileperms


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep_file(
    data: bytes, path: Path | None = None, digest: str | None = None, *, durable: bool = True
) -> Path:
    """Store the bytes under files_dir/<ab>/<sha256>.xlsx (idempotent, atomic, fsynced).
    durable=False leaves the fsync to one make_durable() for a batch of files."""
    digest = digest or sha256(data)
    target = settings.files_dir(path or settings.db_path()) / digest[:2] / f"{digest}.xlsx"
    if not target.exists():
        fileperms.private_dir(target.parent)  # owner-only: 0700 folders, mkstemp makes 0600
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.replace(tmp, target)
    return target


def make_durable() -> None:
    """Flush the files kept with durable=False to disk (before the submissions naming them
    are recorded). sync(2): the whole machine's dirty pages, once per batch."""
    os.sync()


def kept_file(digest: str, path: Path | None = None) -> bytes:
    """The bytes of a kept upload."""
    return (
        settings.files_dir(path or settings.db_path()) / digest[:2] / f"{digest}.xlsx"
    ).read_bytes()
