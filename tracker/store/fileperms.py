"""Owner-only files: the database, its write-ahead log, backups, the backup key and kept uploads.

They hold argon2 hashes, phone numbers and every submitted workbook, so no other local account
may read them: files are 0600, folders 0700. Folders are made owner-only when this module
creates them (an existing folder the user chose, such as the one holding the database, is left
as it is); files are chmodded after whoever created them.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def restrict_umask() -> None:
    """Make every file this process creates from now on owner-only.

    DuckDB creates and deletes its write-ahead log (<db>.wal) by itself at every checkpoint, so
    a chmod afterwards would always leave a moment when it is readable; the umask closes it.
    """
    current = os.umask(0o077)
    os.umask(current | 0o077)


def private_file(path: Path) -> None:
    """chmod 0600 if the file exists (a file owned by another account is left alone)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, FILE_MODE)


def private_dir(path: Path) -> Path:
    """Create `path` and any missing parents as 0700 folders; return it (existing ones kept)."""
    path = Path(path)
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:  # made meanwhile by another thread or process
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_tree(root: Path) -> None:
    """chmod a whole tree this process wrote: folders 0700, files 0600."""
    root = Path(root)
    os.chmod(root, DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(Path(folder, name), DIR_MODE)
        for name in files:
            os.chmod(Path(folder, name), FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Create a new owner-only file holding `data` (FileExistsError when it exists already)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), FILE_MODE)
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
