"""Secret keys kept in owner-only files beside the database (the backup signing key, the device
cookie key): 32 random bytes written as hex, made on first use."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from tracker.store import fileperms

KEY_BYTES = 32
log = logging.getLogger(__name__)


def make(key_file: Path) -> bool:
    """Create `key_file` (0600, in a 0700 folder when the folder is new) unless it exists;
    whether this call made it (another process may win the race: its key is then used)."""
    if key_file.exists():
        return False
    fileperms.private_dir(key_file.parent)
    try:
        fileperms.write_private(key_file, secrets.token_bytes(KEY_BYTES).hex().encode() + b"\n")
    except FileExistsError:
        return False
    return True


def read(key_file: Path) -> bytes | None:
    """The key in `key_file`, or None when it is missing or not KEY_BYTES bytes of hex."""
    try:
        key = bytes.fromhex(key_file.read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return key if len(key) == KEY_BYTES else None


def replace(key_file: Path) -> bytes:
    """A new key in place of a damaged one (what it signed is no longer accepted)."""
    key_file.unlink(missing_ok=True)
    make(key_file)
    log.warning("Đã tạo lại khóa %s (tệp cũ bị hỏng).", key_file)
    key = read(key_file)
    assert key is not None
    return key
