"""Backup and restore: round trip, corrupted backups refused, roles, daily backup, command line."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, child_env
from tracker import settings
from tracker.accounts import auth, backups
from tracker.store import audit, backup, db

UPLOAD = b"PK\x03\x04 noi dung tep bao cao tuan 10 cua HCTC"


def _tables() -> list[str]:
    return [
        r[0]
        for r in db.rows(
            "select table_name from information_schema.tables "
            "where table_schema = 'main' and table_type = 'BASE TABLE' order by 1"
        )
    ]


def _snapshot(skip_actions: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order (audit rows of `skip_actions` left out)."""
    out = {}
    for table in _tables():
        where = ""
        if table == "audit_log" and skip_actions:
            where = "where action not in (" + ", ".join(f"'{a}'" for a in skip_actions) + ")"
        out[table] = db.rows(f"select * from {table} {where} order by all")
    return out


def _seed_submission(digest: str) -> None:
    """One accepted HCTC week with one progress row and its kept file, written directly."""
    with db.transaction() as tx:
        sid = tx.scalar(
            "insert into submission (sha256, filename, unit_code, period, status, uploaded_at, "
            "uploaded_by, uploader_role, reporter, phone, has_progress) values ($h, 'hctc.xlsx', "
            "'HCTC', '2026-W10', 'accepted', $t, 'hctc', 'don_vi', 'Nguyễn Văn A', '0292 3820 123', "
            "true) returning id",
            {"h": digest, "t": datetime(2026, 3, 6, 9)},
        )
        tx.execute(
            "insert into current_sheet values ('HCTC', '2026-W10', 'progress', $i)", {"i": sid}
        )
        tx.execute(
            "insert into progress_row (submission_id, task_code, row_no, status, percent, result_text) "
            "values ($i, 'II.4', 5, 'Đang thực hiện', 45.5, 'Đã tiếp 12 lượt công dân')",
            {"i": sid},
        )


def _keep(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    target = settings.files_dir() / digest[:2] / f"{digest}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return digest


@pytest.fixture
def with_data(users: dict) -> dict:
    digest = _keep(UPLOAD)
    _seed_submission(digest)
    return users


def test_round_trip_restores_every_table_and_file(with_data: dict, tmp_path: Path) -> None:
    admin = with_data["quan_tri"]
    info = backup.backup(tmp_path / "bk", admin)
    # The backup row itself is written after the copy, so compare without it.
    before = _snapshot(skip_actions=("backup",))
    files_before = sorted(
        p.relative_to(settings.files_dir()) for p in settings.files_dir().rglob("*.xlsx")
    )
    assert info.files == 1
    assert info.tables["progress_row"] == 1
    assert info.tables["app_user"] == 4

    # Change everything afterwards: a new user, a deleted row, a new file.
    auth.create_user("moi", "lanh_dao", "mat-khau-moi-99", by=admin)
    with db.transaction() as tx:
        tx.execute("delete from progress_row")
        tx.execute("update unit set name = 'Đổi tên' where code = 'HCTC'")
    _keep(b"tep khac")

    backup.restore(tmp_path / "bk", admin)
    after = _snapshot(skip_actions=("backup", "backup_restore"))
    assert after == before
    files_after = sorted(
        p.relative_to(settings.files_dir()) for p in settings.files_dir().rglob("*.xlsx")
    )
    assert files_after == files_before
    assert (settings.files_dir() / files_before[0]).read_bytes() == UPLOAD
    assert db.scalar("select percent from progress_row") == 45.5
    restored = db.rows("select username, detail from audit_log where action = 'backup_restore'")
    assert restored[0][0] == "admin"
    safety = json.loads(restored[0][1])["safety_backup"]
    assert Path(safety).name.startswith(backup.SAFETY_PREFIX)
    # The state replaced by the restore was itself kept (and is a valid backup).
    backup.verify(Path(safety))
    assert backup._read_manifest(Path(safety))["tables"]["app_user"] == 5


def test_backup_is_audited_and_listed(with_data: dict) -> None:
    admin = with_data["quan_tri"]
    info = backup.backup_now(admin)
    row = db.rows("select username, role, target from audit_log where action = 'backup'")
    assert row == [("admin", "quan_tri", str(info.path))]
    listed = backup.list_backups()
    assert [b.path for b in listed] == [info.path]
    assert listed[0].kind == "Thủ công"
    assert listed[0].size_bytes > 0


def _flip_byte(file: Path, offset: int) -> None:
    data = bytearray(file.read_bytes())
    data[offset] ^= 0x01
    file.write_bytes(bytes(data))


@pytest.mark.parametrize("victim", ["db", "upload"])
def test_corrupted_backup_is_refused_and_nothing_changes(
    with_data: dict, tmp_path: Path, victim: str
) -> None:
    admin = with_data["quan_tri"]
    backup.backup(tmp_path / "bk", admin)
    auth.create_user("sau_sao_luu", "lanh_dao", "mat-khau-moi-99", by=admin)
    if victim == "db":
        file = tmp_path / "bk" / backup.DB_NAME
        _flip_byte(file, file.stat().st_size // 2)
        name = backup.DB_NAME
    else:
        (file,) = (tmp_path / "bk" / backup.FILES_NAME).rglob("*.xlsx")
        _flip_byte(file, 3)
        name = file.relative_to(tmp_path / "bk").as_posix()
    before = _snapshot()
    with pytest.raises(backup.BackupError, match="bị hỏng") as err:
        backup.restore(tmp_path / "bk", admin)
    assert f"tệp {name} không khớp mã kiểm tra SHA-256" in str(err.value)
    assert "dữ liệu hiện tại giữ nguyên" in str(err.value)
    assert _snapshot() == before  # the account made after the backup is still there
    assert db.scalar("select count(*) from app_user where username = 'sau_sao_luu'") == 1
    assert not backup.backups_dir().exists()  # not even a safety backup was made


def test_missing_extra_and_foreign_files_are_refused(with_data: dict, tmp_path: Path) -> None:
    admin = with_data["quan_tri"]
    backup.backup(tmp_path / "bk", admin)
    (tmp_path / "bk" / backup.FILES_NAME / "la.xlsx").write_bytes(b"x")
    with pytest.raises(backup.BackupError, match=r"tệp files/la\.xlsx không có trong manifest"):
        backup.verify(tmp_path / "bk")
    (tmp_path / "bk" / backup.DB_NAME).unlink()
    with pytest.raises(backup.BackupError, match=r"thiếu tệp tracker\.duckdb"):
        backup.verify(tmp_path / "bk")
    (tmp_path / "khac").mkdir()
    with pytest.raises(backup.BackupError, match="không phải thư mục sao lưu"):
        backup.restore(tmp_path / "khac", admin)


def _manifest(folder: Path) -> dict:
    return json.loads((folder / backup.MANIFEST).read_text(encoding="utf-8"))


def _write_manifest(folder: Path, manifest: dict, *, resign: bool = False) -> None:
    """Rewrite a manifest; `resign` signs it with this installation's key (as if the key leaked)."""
    if resign:
        manifest[backup.SIGNATURE] = backup._sign(
            manifest, backup.signing_key(settings.db_path(), create=False)
        )
    (folder / backup.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_manifest_path_traversal_is_refused(with_data: dict, tmp_path: Path) -> None:
    """Even a correctly signed manifest (a leaked key) cannot name a file outside the backup."""
    backup.backup(tmp_path / "bk", with_data["quan_tri"])
    manifest = _manifest(tmp_path / "bk")
    manifest["checksums"]["../ngoai.txt"] = "0" * 64
    _write_manifest(tmp_path / "bk", manifest, resign=True)
    with pytest.raises(backup.BackupError, match="đường dẫn không hợp lệ"):
        backup.verify(tmp_path / "bk")


def test_backup_refuses_a_non_empty_folder(with_data: dict, tmp_path: Path) -> None:
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "khac.txt").write_text("x")
    with pytest.raises(backup.BackupError, match="đã có dữ liệu"):
        backup.backup(tmp_path / "bk", with_data["quan_tri"])


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao"])
def test_only_admins_back_up_and_restore(with_data: dict, tmp_path: Path, role: str) -> None:
    user = with_data[role]
    with pytest.raises(auth.PermissionDenied):
        backups.backup(tmp_path / "x", user)
    with pytest.raises(auth.PermissionDenied):
        backups.backup_now(user)
    with pytest.raises(auth.PermissionDenied):
        backups.list_backups(user)
    backup.backup(tmp_path / "bk", with_data["quan_tri"])
    with pytest.raises(auth.PermissionDenied):
        backups.restore(tmp_path / "bk", user)
    assert not (tmp_path / "x").exists()
    assert db.scalar("select count(*) from audit_log where action = 'backup_restore'") == 0


def test_daily_backup_once_a_day_keeps_the_last_14(tmp_db: Path) -> None:
    root = backup.backups_dir()
    for day in range(1, 17):
        info = backup.daily_backup(datetime(2026, 3, day, 7, 0))
        assert info is not None
        assert info.path.name == f"tu-dong-202603{day:02d}-070000"
    assert backup.daily_backup(datetime(2026, 3, 16, 18, 0)) is None  # already made today
    kept = sorted(p.name for p in root.iterdir())
    assert kept == [f"tu-dong-202603{d:02d}-070000" for d in range(3, 17)]
    backup.backup_now(auth.SYSTEM)
    backup.prune(root, keep=1)
    names = sorted(p.name for p in root.iterdir())
    assert len(names) == 2
    assert names[0].startswith(backup.MANUAL_PREFIX)  # manual backups are never pruned
    assert names[1] == "tu-dong-20260316-070000"
    audited = db.scalar(
        "select count(*) from audit_log where action = 'backup' and username = 'may_chu'"
    )
    assert audited == 16


def test_ensure_daily_runs_in_background_once_per_day(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "1")
    monkeypatch.setattr(backup, "_daily_done", {})
    thread = backup.ensure_daily(datetime(2026, 3, 9, 8, 0))
    assert thread is not None
    thread.join(timeout=30)
    assert backup.ensure_daily(datetime(2026, 3, 9, 17, 0)) is None  # same day: nothing started
    (made,) = backup.backups_dir().iterdir()
    assert made.name == "tu-dong-20260309-080000"
    backup.verify(made)
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    assert backup.ensure_daily(datetime(2026, 3, 10, 8, 0)) is None


def _cli(*args: str, db_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(db_file), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(TRACKER_DAILY_BACKUP="0"),
    )


def test_cli_refuses_while_the_server_holds_the_database(with_data: dict, tmp_path: Path) -> None:
    for args in (["backup", "--out", str(tmp_path / "bk")], ["restore", str(tmp_path)]):
        proc = _cli(*args, db_file=settings.db_path())
        assert proc.returncode == 3, proc.stderr
        assert "Máy chủ đang chạy" in proc.stderr
    assert not (tmp_path / "bk").exists()


def test_cli_backup_and_restore_when_stopped(with_data: dict, tmp_path: Path) -> None:
    db_file = settings.db_path()
    audit.record("marker", username="admin", role="quan_tri")
    db.close_all()  # "stop the server"
    made = _cli("backup", "--out", str(tmp_path / "bk"), db_file=db_file)
    assert made.returncode == 0, made.stderr
    assert "Đã sao lưu" in made.stdout
    assert "1 tệp đã nộp" in made.stdout
    db.connection(db_file)
    with db.transaction() as tx:
        tx.execute("delete from audit_log where action = 'marker'")
    db.close_all()
    restored = _cli("restore", str(tmp_path / "bk"), db_file=db_file)
    assert restored.returncode == 0, restored.stderr
    assert "Đã khôi phục" in restored.stdout
    assert db.scalar("select count(*) from audit_log where action = 'marker'", path=db_file) == 1
    _flip_byte(tmp_path / "bk" / backup.MANIFEST, 30)
    db.close_all()
    broken = _cli("restore", str(tmp_path / "bk"), db_file=db_file)
    assert broken.returncode == 1
    assert "Lỗi:" in broken.stderr


# --- signature (HMAC with a key kept outside the backup) and owner-only files ----------------


def _promote_in_backup(folder: Path, username: str) -> None:
    """What an attacker with write access to the backups would do: edit the database copy."""
    con = duckdb.connect(str(folder / backup.DB_NAME))
    try:
        con.execute(
            "update app_user set role = 'quan_tri', unit_code = null where username = $u",
            {"u": username},
        )
    finally:
        con.close()
    (folder / backup.WAL_NAME).unlink(missing_ok=True)


def test_edited_backup_with_recomputed_checksums_is_refused(
    with_data: dict, tmp_path: Path
) -> None:
    admin = with_data["quan_tri"]
    backup.backup(tmp_path / "bk", admin)
    _promote_in_backup(tmp_path / "bk", "hctc")
    manifest = _manifest(tmp_path / "bk")
    manifest["checksums"] = backup._checksums(tmp_path / "bk")  # every SHA-256 matches again
    _write_manifest(tmp_path / "bk", manifest)
    before = _snapshot()
    with pytest.raises(backup.BackupError, match=r"chữ ký \(HMAC\) không khớp") as err:
        backup.restore(tmp_path / "bk", admin)
    assert "dữ liệu hiện tại giữ nguyên" in str(err.value)
    assert _snapshot() == before
    assert db.scalar("select role from app_user where username = 'hctc'") == "don_vi"
    assert not backup.backups_dir().exists()  # refused before even the safety backup


def test_unsigned_backup_is_refused(with_data: dict, tmp_path: Path) -> None:
    admin = with_data["quan_tri"]
    backup.backup(tmp_path / "bk", admin)
    manifest = _manifest(tmp_path / "bk")
    del manifest[backup.SIGNATURE]
    manifest["format"] = 1  # what a backup made before signing looked like
    _write_manifest(tmp_path / "bk", manifest)
    before = _snapshot()
    with pytest.raises(backup.BackupError, match="không có chữ ký"):
        backup.restore(tmp_path / "bk", admin)
    assert _snapshot() == before
    assert not backup.backups_dir().exists()
    assert [b.path.name for b in backup.list_backups()] == []  # nothing beside the db


def test_backup_signed_with_another_key_is_refused(with_data: dict, tmp_path: Path) -> None:
    admin = with_data["quan_tri"]
    backup.backup(tmp_path / "bk", admin)
    key_file = settings.backup_key_path()
    key_file.unlink()
    backup.signing_key(settings.db_path(), create=True)  # a new key, as on a new server
    with pytest.raises(backup.BackupError, match="ký bằng một khóa khác"):
        backup.restore(tmp_path / "bk", admin)
    assert not backup.backups_dir().exists()


def test_key_is_needed_to_restore_and_works_on_a_new_server(
    with_data: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = with_data["quan_tri"]
    info = backup.backup(tmp_path / "bk", admin)
    key_file = settings.backup_key_path()
    assert key_file == settings.db_path().parent / "tracker.backup-key"
    # A new server: an empty folder, the backup copied over, the key not (yet).
    new_db = tmp_path / "may-moi" / "tracker.duckdb"
    new_db.parent.mkdir()
    with pytest.raises(backup.BackupError, match="Không tìm thấy khóa ký sao lưu") as err:
        backup.restore(tmp_path / "bk", admin, path=new_db)
    assert str(new_db.parent / "tracker.backup-key") in str(err.value)
    assert not new_db.exists()
    assert not settings.files_dir(new_db).exists()
    # Copying the key beside the new database is all it takes.
    shutil.copy2(key_file, new_db.parent / "tracker.backup-key")
    restored = backup.restore(tmp_path / "bk", admin, path=new_db)
    assert restored.created_at == info.created_at
    assert db.scalar("select percent from progress_row", path=new_db) == 45.5
    # Or TRACKER_BACKUP_KEY pointing at a copy kept elsewhere.
    db.close_all()
    elsewhere = tmp_path / "khoa-cat-giu"
    shutil.move(key_file, elsewhere)
    with pytest.raises(backup.BackupError, match="Không tìm thấy khóa"):
        backup.verify(tmp_path / "bk")
    monkeypatch.setenv("TRACKER_BACKUP_KEY", str(elsewhere))
    backup.verify(tmp_path / "bk")


def test_key_is_random_owner_only_and_never_in_a_backup(with_data: dict, tmp_path: Path) -> None:
    admin = with_data["quan_tri"]
    key_file = settings.backup_key_path()
    assert not key_file.exists()
    backup.backup(tmp_path / "bk1", admin)
    text = key_file.read_text(encoding="ascii").strip()
    assert len(bytes.fromhex(text)) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    backup.backup(tmp_path / "bk2", admin)
    assert key_file.read_text(encoding="ascii").strip() == text  # made once, then reused
    for folder in (tmp_path / "bk1", tmp_path / "bk2"):
        for file in folder.rglob("*"):
            if file.is_file():
                data = file.read_bytes()
                assert text.encode() not in data
                assert bytes.fromhex(text) not in data
    assert _manifest(tmp_path / "bk2")[backup.SIGNATURE]["algorithm"] == "HMAC-SHA256"


def test_backup_and_restored_files_are_owner_only(with_data: dict, tmp_path: Path) -> None:
    admin = with_data["quan_tri"]
    # A kept file left readable by an older version: the backup must not copy that mode.
    (kept,) = settings.files_dir().rglob("*.xlsx")
    kept.chmod(0o644)
    made = backup.backup(tmp_path / "ngoai" / "bk", admin).path
    assert stat.S_IMODE((tmp_path / "ngoai").stat().st_mode) == 0o700  # created by the backup
    paths = [made, *made.rglob("*")]
    assert len(paths) >= 5
    for p in paths:
        assert stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600), p
    auto = backup.backup_now(admin).path
    for p in [backup.backups_dir(), auto, *auto.rglob("*")]:
        assert stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600), p
    backup.restore(made, admin)
    restored = [settings.db_path(), settings.files_dir(), *settings.files_dir().rglob("*")]
    for p in restored:
        assert stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600), p
