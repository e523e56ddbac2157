"""Owner-only files: the database and its WAL, kept uploads (backups: test_backup.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tracker import settings
from tracker.accounts import auth
from tracker.ingest import kept, submissions
from tracker.store import db, fileperms


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    """Start from the usual 022 (other tests may already have tightened this process's)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_new_database_and_its_wal_are_owner_only(tmp_path: Path, loose_umask: None) -> None:
    path = tmp_path / "moi" / "sau" / "tracker.duckdb"
    db.close_all()
    try:
        db.connection(path)
        with db.transaction(path) as tx:
            tx.execute("insert into setting (key, value) values ('thu_quyen', '1')")
        wal = path.with_name(path.name + ".wal")
        assert wal.exists()  # written, not yet checkpointed: DuckDB made it itself
        assert _mode(path) == 0o600
        assert _mode(wal) == 0o600
        assert _mode(path.parent) == 0o700
        assert _mode(path.parent.parent) == 0o700  # both folders were created here
    finally:
        db.close_all()


def test_existing_readable_database_is_tightened_on_connect(
    tmp_path: Path, loose_umask: None
) -> None:
    path = tmp_path / "cu.duckdb"
    db.close_all()
    try:
        db.connection(path)
        db.close_all()
        path.chmod(0o644)  # as made by an older version
        before = _mode(tmp_path)
        db.connection(path)
        assert _mode(path) == 0o600
        assert _mode(tmp_path) == before  # a folder the user chose is not changed
    finally:
        db.close_all()


def test_kept_upload_is_owner_only(tmp_db: Path, loose_umask: None) -> None:
    stored = kept.keep_file(b"PK\x03\x04 bao cao HCTC tuan 10")
    assert _mode(stored) == 0o600
    assert _mode(stored.parent) == 0o700
    assert _mode(settings.files_dir()) == 0o700
    assert stored.parent.parent == settings.files_dir()


def test_submitted_workbook_is_kept_owner_only(tmp_db: Path, loose_umask: None) -> None:
    """Through the real upload path, a rejected file is kept too: owner-only as well."""
    result = submissions.submit(b"khong phai tep excel", "sai.xlsx", auth.SYSTEM)
    assert result.status == "rejected"
    files = [p for p in settings.files_dir().rglob("*") if p.is_file()]
    assert files
    for p in [settings.files_dir(), *settings.files_dir().rglob("*")]:
        assert _mode(p) == (0o700 if p.is_dir() else 0o600), p


def test_private_dir_creates_only_missing_folders_owner_only(
    tmp_path: Path, loose_umask: None
) -> None:
    (tmp_path / "co").mkdir(mode=0o755)
    made = fileperms.private_dir(tmp_path / "co" / "a" / "b")
    assert made.is_dir()
    assert _mode(tmp_path / "co") == 0o755
    assert _mode(tmp_path / "co" / "a") == 0o700
    assert _mode(tmp_path / "co" / "a" / "b") == 0o700
    fileperms.private_dir(made)  # existing: no error
    key = tmp_path / "khoa"
    fileperms.write_private(key, b"bi mat")
    assert _mode(key) == 0o600
    with pytest.raises(FileExistsError):
        fileperms.write_private(key, b"khac")
    assert key.read_bytes() == b"bi mat"
