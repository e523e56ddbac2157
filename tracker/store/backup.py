"""Backup and restore of the database file and the kept upload files, checksummed and signed.

Why a file copy and not EXPORT DATABASE: the copy is exact (sequences, macros, views, the
migration record, the audit log) and restores by swapping files, with no import step that could
drift from the schema. It is taken inside the server's own process: db.quiesced() checkpoints
and holds off every writer while the file is copied, so the copy is one consistent state.
DuckDB lets one process hold the file, so `python -m tracker backup` works only while the
server is stopped (db.DatabaseBusyError, exit code 3); the server makes its own daily backup.

A backup is a directory:
    manifest.json      format, time, who, table row counts, the SHA-256 of every file, and an
                       HMAC-SHA256 signature of all of that
    tracker.duckdb     the database file (and tracker.duckdb.wal if one was left)
    files/...          the kept uploads, same layout as settings.files_dir()
The checksums prove the files are intact, the signature that this installation wrote them: a
backup whose database was edited (a unit account turned quan_tri) and whose checksums were
recomputed no longer matches the signature. The key is 32 random bytes kept outside every backup
(settings.backup_key_path(): <db stem>.backup-key beside the database, or $TRACKER_BACKUP_KEY),
made on first use; restoring on a new server needs that key file copied there.
Restore verifies the signature and every checksum before touching anything, keeps a safety
backup of the current state, then swaps the files in. Backups are owner-only (fileperms).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Protocol

from tracker import settings
from tracker.store import audit, db, fileperms, keys
from tracker.text import fmt_number

log = logging.getLogger(__name__)

FORMAT = 2  # 2: the manifest is signed (format 1 backups had checksums only)
MANIFEST = "manifest.json"
DB_NAME = "tracker.duckdb"
WAL_NAME = DB_NAME + ".wal"
FILES_NAME = "files"
KEEP_DAILY = 14
AUTO_PREFIX = "tu-dong-"
MANUAL_PREFIX = "thu-cong-"
SAFETY_PREFIX = "truoc-khoi-phuc-"
_PARTIAL = ".dang-tao"  # a directory still being written; renamed when complete
SIGNATURE = "signature"  # manifest key: {"algorithm", "key_id", "value"}
SIGNATURE_ALGORITHM = "HMAC-SHA256"
KEY_BYTES = keys.KEY_BYTES
KINDS = {AUTO_PREFIX: "Tự động", MANUAL_PREFIX: "Thủ công", SAFETY_PREFIX: "Trước khôi phục"}


class Actor(Protocol):
    """Who backs up or restores, as recorded in the manifest and the audit log. The permission
    check belongs to the caller (tracker.accounts.backups): this layer knows no roles."""

    @property
    def username(self) -> str: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class _Server:
    username: str = "may_chu"
    role: str = "quan_tri"


SERVER = _Server()  # the server's own daily backup


class BackupError(RuntimeError):
    """A backup cannot be made or restored; the message is Vietnamese and says why."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime
    created_by: str
    files: int
    size_bytes: int
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return next((k for p, k in KINDS.items() if self.path.name.startswith(p)), "Khác")

    @property
    def size_label(self) -> str:
        return f"{fmt_number(self.size_bytes / 1024 / 1024, 1)} MB"


def backups_dir(db_file: Path | None = None) -> Path:
    """Where the server keeps its backups: $TRACKER_BACKUPS, else backups/ beside the database."""
    db_file = db_file or settings.db_path()
    return Path(os.environ.get("TRACKER_BACKUPS") or db_file.parent / "backups")


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- the signing key and the signature -----------------------------------------------------


def _read_key(key_file: Path) -> bytes:
    key = keys.read(key_file)
    if key is None:
        raise BackupError(
            f"Tệp khóa ký sao lưu {key_file} bị hỏng (cần {KEY_BYTES} byte dạng hex). "
            "Hãy chép lại tệp khóa gốc từ máy chủ đã tạo các bản sao lưu."
        )
    return key


def signing_key(db_file: Path, *, create: bool) -> bytes:
    """The backup key of this installation; made (0600, random) on first use when `create`."""
    key_file = settings.backup_key_path(db_file)
    if not key_file.exists() and not create:
        raise BackupError(
            f"Không tìm thấy khóa ký sao lưu {key_file}, nên không kiểm tra được bản sao lưu "
            "có đúng do ứng dụng này tạo hay không; dữ liệu hiện tại giữ nguyên. Khi khôi phục "
            "trên máy chủ mới, hãy chép tệp khóa từ máy chủ cũ vào đường dẫn này (hoặc đặt "
            "TRACKER_BACKUP_KEY)."
        )
    if keys.make(key_file):
        log.warning(
            "Đã tạo khóa ký sao lưu %s: hãy giữ kỹ, thiếu nó không khôi phục được.", key_file
        )
    fileperms.private_file(key_file)
    return _read_key(key_file)


def _key_id(key: bytes) -> str:
    """A public fingerprint of the key: tells "another key" from "edited" in the message."""
    return hashlib.sha256(b"tracker-backup-key-id:" + key).hexdigest()[:16]


def _signed_bytes(manifest: dict) -> bytes:
    """The manifest without its signature, serialised one way only (sorted keys, no spaces)."""
    body = {k: v for k, v in manifest.items() if k != SIGNATURE}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _sign(manifest: dict, key: bytes) -> dict:
    value = hmac.new(key, _signed_bytes(manifest), hashlib.sha256).hexdigest()
    return {"algorithm": SIGNATURE_ALGORITHM, "key_id": _key_id(key), "value": value}


def _check_signature(folder: Path, manifest: dict, db_file: Path) -> None:
    """Refuse a manifest that is unsigned or whose HMAC does not match this installation's key."""
    key = signing_key(db_file, create=False)
    refused = f"Bản sao lưu {folder} không được khôi phục; dữ liệu hiện tại giữ nguyên: "
    signature = manifest.get(SIGNATURE)
    if not isinstance(signature, dict) or not isinstance(signature.get("value"), str):
        raise BackupError(
            refused + "bản sao lưu không có chữ ký (HMAC), nên không chứng minh được do ứng dụng "
            "này tạo ra (có thể đã bị sửa, hoặc được tạo bởi phiên bản cũ chưa ký sao lưu)."
        )
    if signature.get("algorithm") != SIGNATURE_ALGORITHM:
        raise BackupError(refused + f"chữ ký dùng thuật toán lạ ({signature.get('algorithm')}).")
    expected = hmac.new(key, _signed_bytes(manifest), hashlib.sha256).hexdigest()
    if hmac.compare_digest(expected.encode(), signature["value"].encode()):
        return
    if signature.get("key_id") != _key_id(key):
        raise BackupError(
            refused + "chữ ký không khớp vì bản sao lưu được ký bằng một khóa khác với khóa "
            f"{settings.backup_key_path(db_file)} (khóa của máy chủ khác?). Hãy dùng đúng tệp khóa đã "
            "ký bản sao lưu này."
        )
    raise BackupError(
        refused + "chữ ký (HMAC) không khớp: manifest hoặc mã kiểm tra đã bị sửa sau khi sao lưu."
    )


def _table_counts(db_file: Path) -> dict[str, int]:
    names = [
        r[0]
        for r in db.rows(
            "select table_name from information_schema.tables "
            "where table_schema = 'main' and table_type = 'BASE TABLE' order by table_name",
            path=db_file,
        )
    ]
    return {n: db.scalar(f'select count(*) from "{n}"', path=db_file) for n in names}


def _prepare(out_dir: Path) -> Path:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise BackupError(
            f"Thư mục {out_dir} đã có dữ liệu. Hãy chọn một thư mục trống hoặc chưa tồn tại."
        )
    staging = out_dir.with_name(out_dir.name + _PARTIAL)
    shutil.rmtree(staging, ignore_errors=True)
    fileperms.private_dir(staging)
    return staging


def _copy_database(db_file: Path, staging: Path) -> dict[str, int]:
    """Copy the quiesced database file (and a leftover WAL) and count rows in the same state."""
    with db.quiesced(db_file):
        shutil.copyfile(db_file, staging / DB_NAME)
        wal = db_file.with_name(db_file.name + ".wal")
        if wal.exists() and wal.stat().st_size:
            shutil.copyfile(wal, staging / WAL_NAME)
        return _table_counts(db_file)


def _checksums(root: Path) -> dict[str, str]:
    return {
        f.relative_to(root).as_posix(): _sha256(f)
        for f in sorted(root.rglob("*"))
        if f.is_file() and f.name != MANIFEST
    }


def backup(
    out_dir: Path, user: Actor, *, path: Path | None = None, note: str | None = None
) -> BackupInfo:
    """Copy the database and the kept upload files into `out_dir` (new or empty), with a manifest."""
    db_file = (path or settings.db_path()).resolve()
    out_dir = Path(out_dir).resolve()
    key = signing_key(db_file, create=True)
    staging = _prepare(out_dir)
    try:
        tables = _copy_database(db_file, staging)
        uploads = settings.files_dir(db_file)
        if uploads.is_dir():
            shutil.copytree(uploads, staging / FILES_NAME, ignore=shutil.ignore_patterns("*.part"))
        else:
            (staging / FILES_NAME).mkdir()
        created = settings.now()
        checksums = _checksums(staging)
        manifest = {
            "format": FORMAT,
            "created_at": created.isoformat(),
            "created_by": user.username,
            "note": note,
            "source_db": str(db_file),
            "engine": db.scalar("select version()", path=db_file),
            "tables": tables,
            "checksums": checksums,
        }
        manifest[SIGNATURE] = _sign(manifest, key)
        (staging / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        fileperms.private_tree(staging)  # copies keep their source's mode: make all owner-only
        if out_dir.exists():
            out_dir.rmdir()
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    info = _info(out_dir, manifest)
    audit.record(
        "backup",
        username=user.username,
        role=user.role,
        target=str(out_dir),
        detail={"files": info.files, "size_bytes": info.size_bytes, "note": note},
        path=db_file,
    )
    return info


def _info(folder: Path, manifest: dict) -> BackupInfo:
    checksums = manifest.get("checksums", {})
    size = sum((folder / rel).stat().st_size for rel in checksums if (folder / rel).is_file())
    return BackupInfo(
        path=folder,
        created_at=datetime.fromisoformat(manifest["created_at"]),
        created_by=manifest.get("created_by") or "",
        files=sum(1 for rel in checksums if rel.startswith(f"{FILES_NAME}/")),
        size_bytes=size,
        tables=manifest.get("tables", {}),
    )


def _read_manifest(folder: Path) -> dict:
    file = folder / MANIFEST
    if not file.is_file():
        raise BackupError(
            f"Không tìm thấy {MANIFEST} trong {folder}: đây không phải thư mục sao lưu của ứng dụng."
        )
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
        datetime.fromisoformat(manifest["created_at"])
        checksums = manifest["checksums"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"Tệp {MANIFEST} trong {folder} bị hỏng ({exc}).") from None
    if manifest.get("format") not in (1, FORMAT) or not isinstance(checksums, dict):
        raise BackupError(f"Tệp {MANIFEST} trong {folder} không đúng định dạng sao lưu.")
    return manifest


def _safe_relative(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return bool(parts) and not PurePosixPath(rel).is_absolute() and ".." not in parts


def verify(folder: Path, *, path: Path | None = None) -> dict:
    """Check the manifest's signature with this installation's key (database `path`), then every
    file against its checksum; raise BackupError saying why (listing every damaged file)."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    _check_signature(folder, manifest, (path or settings.db_path()).resolve())
    expected: dict[str, str] = manifest["checksums"]
    problems = []
    if DB_NAME not in expected:
        problems.append(f"manifest không có tệp cơ sở dữ liệu {DB_NAME}.")
    for rel, digest in expected.items():
        file = folder / rel
        if not _safe_relative(rel):
            problems.append(f"đường dẫn không hợp lệ trong manifest: {rel}.")
        elif not file.is_file():
            problems.append(f"thiếu tệp {rel}.")
        elif _sha256(file) != digest:
            problems.append(f"tệp {rel} không khớp mã kiểm tra SHA-256 (đã bị hỏng hoặc sửa đổi).")
    for rel in _checksums(folder):
        if rel not in expected:
            problems.append(f"tệp {rel} không có trong manifest.")
    if problems:
        raise BackupError(
            f"Bản sao lưu {folder} bị hỏng nên không được khôi phục; dữ liệu hiện tại giữ nguyên.\n- "
            + "\n- ".join(problems)
        )
    return manifest


def _stage_database(folder: Path, db_file: Path) -> Path:
    """Copy the backed-up database beside the target and open it once to prove it is usable."""
    staged = db_file.with_name(db_file.name + ".khoi-phuc")
    for leftover in (staged, staged.with_name(staged.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(folder / DB_NAME, staged)
    fileperms.private_file(staged)
    if (folder / WAL_NAME).is_file():
        shutil.copyfile(folder / WAL_NAME, staged.with_name(staged.name + ".wal"))
        fileperms.private_file(staged.with_name(staged.name + ".wal"))
    try:
        db.scalar("select count(*) from app_user", path=staged)
    except Exception as exc:
        db.close_all()
        staged.unlink(missing_ok=True)
        raise BackupError(f"Không mở được cơ sở dữ liệu trong bản sao lưu {folder}: {exc}") from exc
    db.close_all()  # the open applied any WAL and migrations; closing writes them into the file
    return staged


def _swap_files(folder: Path, db_file: Path) -> None:
    target = settings.files_dir(db_file)
    incoming = target.with_name(target.name + ".khoi-phuc")
    shutil.rmtree(incoming, ignore_errors=True)
    if (folder / FILES_NAME).is_dir():
        fileperms.private_dir(incoming.parent)
        shutil.copytree(folder / FILES_NAME, incoming)
    else:
        fileperms.private_dir(incoming)
    fileperms.private_tree(incoming)
    if target.exists():
        shutil.rmtree(target)
    incoming.rename(target)


def restore(folder: Path, user: Actor, *, path: Path | None = None) -> BackupInfo:
    """Replace the database and kept files by a verified backup; the current state is kept first."""
    folder = Path(folder).resolve()
    db_file = (path or settings.db_path()).resolve()
    if db_file.exists():
        db.connection(db_file)  # DatabaseBusyError when the server holds the file
    manifest = verify(folder, path=db_file)  # signature and checksums, before anything changes
    safety = None
    if db_file.exists():
        stamp = f"{settings.now():%Y%m%d-%H%M%S}"
        safety = backup(
            backups_dir(db_file) / f"{SAFETY_PREFIX}{stamp}",
            user,
            path=db_file,
            note="trước khôi phục",
        )
    db.close_all()
    staged = _stage_database(folder, db_file)
    db_file.with_name(db_file.name + ".wal").unlink(missing_ok=True)
    os.replace(staged, db_file)
    _swap_files(folder, db_file)
    audit.record(
        "backup_restore",
        username=user.username,
        role=user.role,
        target=str(folder),
        detail={
            "created_at": manifest["created_at"],
            "safety_backup": str(safety.path) if safety else None,
        },
        path=db_file,
    )
    return _info(folder, manifest)


def list_backups(path: Path | None = None) -> list[BackupInfo]:
    """The backups kept beside the database, newest first (manifests read, not re-verified)."""
    root = backups_dir((path or settings.db_path()).resolve())
    found = []
    for folder in sorted(root.glob("*"), reverse=True) if root.is_dir() else []:
        if folder.is_dir() and not folder.name.endswith(_PARTIAL):
            try:
                found.append(_info(folder, _read_manifest(folder)))
            except BackupError:
                continue
    return sorted(found, key=lambda b: b.created_at, reverse=True)


def backup_now(user: Actor, path: Path | None = None) -> BackupInfo:
    """A manual backup into the server's backups directory (the Quản trị page's button)."""
    db_file = (path or settings.db_path()).resolve()
    stamp = f"{settings.now():%Y%m%d-%H%M%S}"
    return backup(backups_dir(db_file) / f"{MANUAL_PREFIX}{stamp}", user, path=db_file)


# --- the server's own daily backup ------------------------------------------------------------

_daily_lock = threading.Lock()
_daily_done: dict[str, date] = {}


def daily_enabled() -> bool:
    return os.environ.get("TRACKER_DAILY_BACKUP", "1") != "0"


def daily_backup(
    now: datetime | None = None, path: Path | None = None, keep: int = KEEP_DAILY
) -> BackupInfo | None:
    """Make today's automatic backup unless one exists, then keep only the newest `keep`."""
    now = now or settings.now()
    db_file = (path or settings.db_path()).resolve()
    root = backups_dir(db_file)
    today = f"{AUTO_PREFIX}{now:%Y%m%d}"
    if root.is_dir() and any((f / MANIFEST).is_file() for f in root.glob(f"{today}*")):
        return None
    info = backup(root / f"{today}-{now:%H%M%S}", SERVER, path=db_file, note="tự động hằng ngày")
    prune(root, keep)
    return info


def prune(root: Path, keep: int = KEEP_DAILY) -> list[Path]:
    """Delete automatic backups beyond the newest `keep` (manual ones are never deleted)."""
    auto = sorted(
        f for f in root.glob(f"{AUTO_PREFIX}*") if f.is_dir() and not f.name.endswith(_PARTIAL)
    )
    old = auto[:-keep] if keep else auto
    for folder in old:
        shutil.rmtree(folder)
    return old


def _daily_job(now: datetime, db_file: Path) -> None:
    try:
        daily_backup(now, db_file)
    except Exception:  # a failed backup must never break a page; the log says why
        log.exception("Sao lưu tự động hằng ngày thất bại (%s)", db_file)


def ensure_daily(now: datetime | None = None, path: Path | None = None) -> threading.Thread | None:
    """Start today's automatic backup in a background thread, at most once per process and day.

    Called by every page through ui.frame, so after the first call of the day it costs one
    dictionary lookup. Set TRACKER_DAILY_BACKUP=0 to switch it off (tests, read-only copies).
    """
    if not daily_enabled():
        return None
    now = now or settings.now()
    db_file = (path or settings.db_path()).resolve()
    with _daily_lock:
        if _daily_done.get(str(db_file)) == now.date():
            return None
        _daily_done[str(db_file)] = now.date()
    thread = threading.Thread(
        target=_daily_job, args=(now, db_file), name="tracker-daily-backup", daemon=True
    )
    thread.start()
    return thread
