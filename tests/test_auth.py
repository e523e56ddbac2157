"""Accounts: argon2 hashing, login throttling, disabling, and the role rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tests.conftest import PASSWORD, ROOT
from tracker import settings
from tracker.accounts import auth
from tracker.store import db


@pytest.mark.production_argon2
def test_production_hashing_keeps_its_cost(tmp_db: Path) -> None:
    """The suite hashes cheaply (tests/conftest.py): here the product's own parameters are
    pinned (OWASP's first argon2id configuration: 19 MiB, 2 passes, 1 lane)."""
    stored = auth.hash_password("Rat-Bi-Mat-9071")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert auth._verify(stored, "Rat-Bi-Mat-9071")


@pytest.mark.production_argon2
def test_a_hash_of_other_parameters_verifies_and_is_replaced_at_login(tmp_db: Path) -> None:
    """An account hashed before (argon2-cffi's default 64 MiB, 3 passes, 4 lanes) still signs
    in, and that sign-in stores today's hash (sessions untouched); a wrong password, or the right
    one refused (a disabled account), changes nothing."""
    auth.create_user("canbo", "don_vi", "Rat-Bi-Mat-9071", unit_code="HCTC")
    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash("Rat-Bi-Mat-9071")
    with db.transaction() as tx:
        tx.update("app_user", "set password_hash = $h where username = 'canbo'", {"h": old})
    stored = "select password_hash, session_epoch from app_user where username = 'canbo'"
    with pytest.raises(auth.AccountError):
        auth.authenticate("canbo", "sai-mat-khau")
    assert db.rows(stored)[0][0] == old
    admin = auth.create_user("quantri", "quan_tri", "Rat-Bi-Mat-9072")
    auth.set_active("canbo", False, by=admin)  # refused with the right password: not replaced,
    with pytest.raises(auth.AccountError):  # so a refusal never tells the password was right
        auth.authenticate("canbo", "Rat-Bi-Mat-9071")
    assert db.rows(stored)[0][0] == old
    auth.set_active("canbo", True, by=admin)
    epoch = db.rows(stored)[0][1]
    assert auth.authenticate("canbo", "Rat-Bi-Mat-9071").unit_code == "HCTC"
    renewed, same_epoch = db.rows(stored)[0]
    assert renewed.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and same_epoch == epoch
    assert auth.authenticate("canbo", "Rat-Bi-Mat-9071").username == "canbo"
    assert db.rows(stored)[0][0] == renewed  # current: left as it is


@pytest.mark.production_argon2
def test_password_is_hashed_and_never_stored_in_clear(tmp_db: Path) -> None:
    auth.create_user("canbo", "don_vi", "Rat-Bi-Mat-9071", unit_code="HCTC")
    stored = db.scalar("select password_hash from app_user where username = 'canbo'")
    assert stored.startswith("$argon2")
    db.checkpoint()
    db.close_all()
    assert b"Rat-Bi-Mat-9071" not in tmp_db.read_bytes()
    assert auth.authenticate("canbo", "Rat-Bi-Mat-9071").unit_code == "HCTC"


def test_login_normalises_username(users: dict) -> None:
    assert auth.authenticate("  ADMIN ", PASSWORD).role == "quan_tri"


def test_wrong_password_and_lock(users: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    # No client address (a local connection): the account's allowance for new browsers.
    monkeypatch.setattr(settings, "MAX_FAILED_LOGINS_NEW_BROWSERS", 3)
    for _ in range(3):
        with pytest.raises(auth.AccountError, match="không đúng"):
            auth.authenticate("hctc", "sai-mat-khau")
    with pytest.raises(auth.AccountError, match="không đúng"):  # the same words as any failure
        auth.authenticate("hctc", PASSWORD)  # even the right password is refused while locked
    actions = [
        r[0] for r in db.rows("select action from audit_log where username = 'hctc' order by id")
    ]
    assert actions.count("login_failed") == 3
    assert actions.count("login_lock") == 1
    assert actions.count("login_refused_locked") == 1


def test_disabled_account_cannot_log_in(users: dict) -> None:
    auth.set_active("btcd", False, by=users["quan_tri"])
    with pytest.raises(auth.AccountError) as refused:
        auth.authenticate("btcd", PASSWORD)
    assert str(refused.value) == str(auth.login_error())  # says nothing about the account


def test_unit_user_needs_known_unit_and_roles_are_checked(tmp_db: Path) -> None:
    with pytest.raises(auth.AccountError):
        auth.create_user("x", "don_vi", PASSWORD, unit_code="KHONGCO")
    with pytest.raises(auth.AccountError):
        auth.create_user("y", "giam_doc", PASSWORD)
    with pytest.raises(auth.AccountError, match="ít nhất"):
        auth.create_user("z", "lanh_dao", "ngan")


def test_only_admins_manage_users(users: dict) -> None:
    with pytest.raises(auth.PermissionDenied):
        auth.create_user("moi", "lanh_dao", PASSWORD, by=users["don_vi"])
    with pytest.raises(auth.PermissionDenied):
        auth.set_password("admin", "mat-khau-moi-1", by=users["lanh_dao"])
    auth.change_own_password(users["lanh_dao"], PASSWORD, "mat-khau-moi-1")
    assert auth.authenticate("lanhdao", "mat-khau-moi-1").role == "lanh_dao"


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        ("don_vi", "upload", True),
        ("don_vi", "upload_any_unit", False),
        ("don_vi", "review", False),
        ("don_vi", "raise_difficulty", True),
        ("don_vi", "handle_difficulty", False),
        ("lanh_dao", "handle_difficulty", True),
        ("lanh_dao", "upload", False),
        ("lanh_dao", "edit_catalogue", False),
        ("quan_tri", "restore_submission", True),
        ("quan_tri", "upload_any_unit", True),
    ],
)
def test_permission_table(role: str, action: str, allowed: bool) -> None:
    assert auth.can(auth.User("u", role, "HCTC"), action) is allowed


def test_cli_users_add_and_list(tmp_path: Path) -> None:
    path = tmp_path / "cli.duckdb"
    run = [sys.executable, "-m", "tracker", "--db", str(path), "users"]
    add = subprocess.run(
        [*run, "add", "--username", "qt", "--role", "quan_tri", "--password", PASSWORD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert add.returncode == 0, add.stderr
    listed = subprocess.run([*run, "list"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "qt\tquan_tri" in listed.stdout
    bad = subprocess.run(
        [*run, "add", "--username", "dv", "--role", "don_vi", "--password", PASSWORD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert "mã đơn vị" in bad.stderr
