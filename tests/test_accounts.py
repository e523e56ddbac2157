"""Accounts end to end: each role against each account action, locks, disabling, audit, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, ROOT, child_env
from tracker import settings
from tracker.accounts import auth
from tracker.ingest import locks, submissions, template
from tracker.store import db

NEW_PASSWORD = "mat-khau-moi-2026"


def _audit(action: str) -> list[tuple]:
    return db.rows(
        "select username, role, target, before_value, after_value, detail from audit_log "
        "where action = $a order by id",
        {"a": action},
    )


def _account_actions(by: auth.User) -> dict:
    return {
        "create_user": lambda: auth.create_user("moi", "lanh_dao", NEW_PASSWORD, by=by),
        "set_active": lambda: auth.set_active("btcd", False, by=by),
        "set_password": lambda: auth.set_password("btcd", NEW_PASSWORD, by=by),
        "unlock": lambda: auth.unlock("btcd", by=by),
        "update_user": lambda: auth.update_user(
            "btcd", role="don_vi", unit_code="TH", full_name="Cán bộ TH", by=by
        ),
    }


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao"])
def test_non_admins_are_refused_every_account_action(users: dict, role: str) -> None:
    for name, action in _account_actions(users[role]).items():
        with pytest.raises(auth.PermissionDenied, match="không có quyền"):
            action()
        assert auth.authenticate("btcd", PASSWORD).unit_code == "BTCD", name
    assert db.scalar("select count(*) from app_user") == 4


def test_admin_may_do_every_account_action(users: dict) -> None:
    for action in _account_actions(users["quan_tri"]).values():
        action()
    row = db.rows("select role, unit_code, full_name, active from app_user where username = 'btcd'")
    assert row == [("don_vi", "TH", "Cán bộ TH", False)]
    assert auth.authenticate("moi", NEW_PASSWORD).role == "lanh_dao"


def test_create_user_is_audited_without_the_password(users: dict) -> None:
    created = _audit("user_create")
    assert [(u, r, t) for u, r, t, *_ in created] == [
        ("he_thong", "quan_tri", "admin"),
        ("he_thong", "quan_tri", "lanhdao"),
        ("he_thong", "quan_tri", "hctc"),
        ("he_thong", "quan_tri", "btcd"),
    ]
    assert json.loads(created[2][4]) == {"role": "don_vi", "unit_code": "HCTC"}
    text = " ".join(str(v) for row in db.rows("select * from audit_log") for v in row)
    assert PASSWORD not in text


def test_lock_after_repeated_failures_then_it_expires(
    users: dict, monkeypatch: pytest.MonkeyPatch, still_clock
) -> None:
    clock = still_clock(datetime(2026, 3, 9, 8, 0))
    # No client address (a local connection): the account's allowance for new browsers.
    monkeypatch.setattr(settings, "MAX_FAILED_LOGINS_NEW_BROWSERS", 5)
    monkeypatch.setattr(settings, "LOGIN_LOCK_MINUTES", 15)
    for _ in range(4):
        with pytest.raises(auth.AccountError, match="không đúng"):
            auth.authenticate("hctc", "doan-sai")
    assert db.scalar("select failed_logins from app_user where username = 'hctc'") == 4
    with pytest.raises(auth.AccountError, match="không đúng"):
        auth.authenticate("hctc", "doan-sai")
    assert db.scalar("select locked_until from app_user where username = 'hctc'") == datetime(
        2026, 3, 9, 8, 15
    )
    with pytest.raises(auth.AccountError, match="tạm bị khóa 15 phút"):
        auth.authenticate("hctc", PASSWORD)
    clock.advance(timedelta(minutes=14))
    with pytest.raises(auth.AccountError, match="không đúng"):
        auth.authenticate("hctc", PASSWORD)
    clock.advance(timedelta(minutes=2))
    assert auth.authenticate("hctc", PASSWORD).unit_code == "HCTC"
    failed = _audit("login_failed")
    assert json.loads(failed[-1][5]) == {
        "failed_logins": 5,
        "locked": True,
        "client": None,
        "new_browser_failures": 5,
    }
    (refused,) = _audit("login_refused_locked")  # one row per lock, however many refusals
    assert json.loads(refused[5]) == {
        "client": None,
        "counter": "*",
        "locked_until": "2026-03-09 08:15:00",
    }


def test_a_successful_login_resets_its_clients_count_not_the_new_browser_count(
    users: dict,
) -> None:
    for _ in range(3):
        with pytest.raises(auth.AccountError):
            auth.authenticate("hctc", "doan-sai", client="10.0.0.7")
    auth.authenticate("hctc", PASSWORD, client="10.0.0.7")
    counters = db.rows("select client, failures from login_throttle where username = 'hctc'")
    # The shared new-browser count stays for its window: signing in from one browser must not
    # hand whoever guesses from others a fresh allowance.
    assert counters == [("*", 3)]
    assert db.scalar("select failed_logins from app_user where username = 'hctc'") == 3


def test_admin_unlocks_and_reset_clears_the_lock(
    users: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "MAX_FAILED_LOGINS_NEW_BROWSERS", 2)
    for username in ("hctc", "btcd"):
        for _ in range(2):
            with pytest.raises(auth.AccountError):
                auth.authenticate(username, "doan-sai")
    auth.unlock("hctc", by=users["quan_tri"])
    assert auth.authenticate("hctc", PASSWORD).username == "hctc"
    (row,) = _audit("user_unlock")
    assert row[2] == "hctc"
    assert json.loads(row[3])["locked_until"] is not None
    assert json.loads(row[4]) == {"failed_logins": 0, "locked_until": None}

    auth.set_password("btcd", NEW_PASSWORD, by=users["quan_tri"])
    with pytest.raises(auth.AccountError, match="không đúng"):
        auth.authenticate("btcd", PASSWORD)
    assert auth.authenticate("btcd", NEW_PASSWORD).username == "btcd"
    assert [r[:3] for r in _audit("password_reset")] == [("admin", "quan_tri", "btcd")]


def test_disabled_account_is_refused_and_its_session_ends(users: dict) -> None:
    hctc = auth.authenticate("hctc", PASSWORD)
    assert auth.session_valid(hctc)
    auth.set_active("hctc", False, by=users["quan_tri"])
    assert not auth.session_valid(hctc)
    with pytest.raises(auth.AccountError, match="không đúng"):  # no word of the disabling
        auth.authenticate("hctc", PASSWORD)
    (row,) = _audit("user_disable")
    assert (json.loads(row[3]), json.loads(row[4])) == ({"active": True}, {"active": False})
    assert len(_audit("login_refused_disabled")) == 1
    auth.set_active("hctc", True, by=users["quan_tri"])
    assert auth.authenticate("hctc", PASSWORD).username == "hctc"
    with pytest.raises(auth.AccountError, match="tự vô hiệu hóa"):
        auth.set_active("admin", False, by=users["quan_tri"])


def test_update_user_is_checked_and_audited(users: dict) -> None:
    admin_user = users["quan_tri"]
    with pytest.raises(auth.AccountError, match="mã đơn vị"):
        auth.update_user("lanhdao", role="don_vi", unit_code=None, full_name=None, by=admin_user)
    with pytest.raises(auth.AccountError, match="tự đổi vai trò"):
        auth.update_user("admin", role="lanh_dao", unit_code=None, full_name=None, by=admin_user)
    with pytest.raises(auth.AccountError, match="Không có tài khoản"):
        auth.update_user("khongco", role="lanh_dao", unit_code=None, full_name=None, by=admin_user)
    hctc = users["don_vi"]
    auth.update_user(
        "hctc", role="lanh_dao", unit_code="HCTC", full_name="Phó Chánh", by=admin_user
    )
    assert not auth.session_valid(hctc)  # the old session no longer matches the account
    (row,) = _audit("user_update")
    assert json.loads(row[3]) == {"role": "don_vi", "unit_code": "HCTC", "full_name": None}
    assert json.loads(row[4]) == {"role": "lanh_dao", "unit_code": None, "full_name": "Phó Chánh"}


def test_every_role_changes_its_own_password(users: dict) -> None:
    for role in ("don_vi", "lanh_dao", "quan_tri"):
        user = users[role]
        with pytest.raises(auth.AccountError, match="hiện tại không đúng"):
            auth.change_own_password(user, "sai", NEW_PASSWORD)
        with pytest.raises(auth.AccountError, match="ít nhất 8"):
            auth.change_own_password(user, PASSWORD, "ngan")
        auth.change_own_password(user, PASSWORD, NEW_PASSWORD)
        assert auth.authenticate(user.username, NEW_PASSWORD).role == role
    changes = _audit("password_change")
    assert [(u, t) for u, _, t, *_ in changes] == [
        ("hctc", "hctc"),
        ("lanhdao", "lanhdao"),
        ("admin", "admin"),
    ]


def test_account_details_without_the_hash(users: dict) -> None:
    auth.authenticate("hctc", PASSWORD)
    info = auth.account("hctc")
    assert info is not None
    assert "password_hash" not in info
    assert (info["role"], info["unit_code"], info["active"]) == ("don_vi", "HCTC", True)
    assert info["last_login"] is not None
    assert auth.account("khongco") is None


def test_unit_user_cannot_submit_another_units_workbook(users: dict) -> None:
    data = template.build("BTCD", "2026-W10")
    now = datetime(2026, 3, 6, 9, 0)
    refused = submissions.submit(data, "btcd.xlsx", users["don_vi"], now=now)  # an HCTC officer
    assert refused.status == "rejected"
    assert "wrong_unit" in [p.code for p in refused.errors]
    assert db.scalar("select count(*) from current_sheet") == 0
    assert "wrong_unit" not in [
        p.code for p in submissions.check(data, "btcd.xlsx", users["don_vi_btcd"], now=now).errors
    ]
    assert "wrong_unit" not in [
        p.code for p in submissions.check(data, "btcd.xlsx", users["quan_tri"], now=now).errors
    ]
    with pytest.raises(auth.PermissionDenied):
        submissions.check(data, "btcd.xlsx", users["lanh_dao"], now=now)


def test_locked_week_opens_only_with_an_exception(users: dict) -> None:
    data = template.build("HCTC", "2026-W08")
    late = datetime(2026, 3, 20, 9, 0)  # W08's deadline 20/02 + 14 days has passed
    codes = [p.code for p in submissions.check(data, "w08.xlsx", users["don_vi"], now=late).errors]
    assert "week_locked" in codes
    admin_codes = [
        p.code for p in submissions.check(data, "w08.xlsx", users["quan_tri"], now=late).errors
    ]
    assert "week_locked" not in admin_codes  # admins are never locked out
    locks.grant_exception(
        "HCTC", "2026-W08", "Bổ sung số liệu", datetime(2026, 3, 21), users["quan_tri"], now=late
    )
    codes = [p.code for p in submissions.check(data, "w08.xlsx", users["don_vi"], now=late).errors]
    assert "week_locked" not in codes


def _cli(db_file: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(db_file), "users", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        env=child_env(TRACKER_DAILY_BACKUP="0"),
    )


def test_cli_disable_enable_and_reset_password(tmp_path: Path) -> None:
    path = tmp_path / "cli.duckdb"
    made = _cli(
        path, "add", "--username", "dv", "--role", "don_vi", "--unit", "BTCD", stdin=PASSWORD + "\n"
    )
    assert made.returncode == 0, made.stderr
    assert _cli(path, "disable", "--username", "dv").returncode == 0
    assert "dv\tdon_vi\tBTCD\tvô hiệu hóa" in _cli(path, "list").stdout
    assert _cli(path, "enable", "--username", "dv").returncode == 0
    reset = _cli(path, "reset-password", "--username", "dv", stdin=NEW_PASSWORD + "\n")
    assert reset.returncode == 0, reset.stderr
    missing = _cli(path, "disable", "--username", "khongco")
    assert missing.returncode == 1
    assert "Không có tài khoản 'khongco'" in missing.stderr
    db.close_all()
    assert auth.authenticate("dv", NEW_PASSWORD, path=path).unit_code == "BTCD"
    actions = [r[0] for r in db.rows("select action from audit_log order by id", path=path)]
    assert actions[:4] == ["user_create", "user_disable", "user_enable", "password_reset"]
    db.close_all()
