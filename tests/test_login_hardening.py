"""Login hardening (issue 10): race-free throttling per account and client, one generic answer
in constant time, bounded audit, sessions ended by account changes and by their lifetime."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import open_page, texts
from tests.conftest import PASSWORD, ROOT, StillClock, child_env
from tracker import settings
from tracker.accounts import auth
from tracker.store import db
from tracker.ui import shell

NEW_PASSWORD = "mat-khau-moi-2026"
ATTACKER = "203.0.113.66"
OFFICE = "10.0.0.7"


@pytest.fixture
def clock(still_clock) -> StillClock:
    """The clock held at 08:00 on a Monday; a test moves it with clock.advance()."""
    return still_clock(datetime(2026, 3, 9, 8, 0))


def _refusal(username: str, password: str, client: str | None = None) -> str:
    """The message of a refused login (fails the test if the login succeeds)."""
    with pytest.raises(auth.AccountError) as refused:
        auth.authenticate(username, password, client=client)
    return str(refused.value)


def _audit(action: str, username: str | None = None) -> list[dict | str | None]:
    rows = db.rows(
        "select detail from audit_log where action = $a and ($u is null or username = $u) "
        "order by id",
        {"a": action, "u": username},
    )
    return [json.loads(r[0]) if r[0] else None for r in rows]


def _throttle(username: str) -> list[tuple]:
    return db.rows(
        "select client, failures, locked_until from login_throttle where username = $u "
        "order by client",
        {"u": username},
    )


# --- throttling ---------------------------------------------------------------------------------


def test_parallel_wrong_passwords_lock_the_account_for_that_client(
    users: dict, clock: StillClock
) -> None:
    start = threading.Barrier(30)

    def attempt(_: int) -> str:
        start.wait()  # all 30 at once: the old read-then-write counter kept only one failure
        try:
            auth.authenticate("admin", "doan-sai", client=ATTACKER)
        except auth.AccountError as exc:
            return str(exc)
        return "đăng nhập được"

    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(attempt, range(30)))
    assert answers == [str(auth.login_error())] * 30
    # The address's counter locked; the account's new-browser counter holds the same 5.
    assert _throttle("admin") == [
        (auth.NEW_BROWSERS, 5, None),
        (ATTACKER, 0, clock.now + timedelta(minutes=15)),
    ]
    # Exactly MAX_FAILED_LOGINS failures were counted and audited; the rest were refused.
    failed = _audit("login_failed", "admin")
    assert [d["failed_logins"] for d in failed] == [1, 2, 3, 4, 5]
    assert failed[-1] == {
        "failed_logins": 5,
        "locked": True,
        "client": ATTACKER,
        "new_browser_failures": 5,
    }
    assert [d["counter"] for d in _audit("login_lock", "admin")] == [ATTACKER]
    assert len(_audit("login_refused_locked", "admin")) == 1
    _refusal("admin", PASSWORD, ATTACKER)  # the right password too, from that client
    assert auth.authenticate("admin", PASSWORD, client=OFFICE).username == "admin"


def test_a_storm_from_one_client_does_not_lock_out_another(users: dict, clock: StillClock) -> None:
    for _ in range(30):
        _refusal("admin", "doan-sai", ATTACKER)
    _refusal("admin", PASSWORD, ATTACKER)
    assert auth.authenticate("admin", PASSWORD, client=OFFICE).role == "quan_tri"
    assert auth.authenticate("admin", PASSWORD).role == "quan_tri"  # unknown client (CLI)
    # The admin's table shows the lock (latest on any client) until it expires.
    summary = db.rows("select failed_logins, locked_until from app_user where username = 'admin'")
    assert summary == [(5, clock.now + timedelta(minutes=15))]
    clock.advance(timedelta(minutes=15, seconds=1))
    assert auth.authenticate("admin", PASSWORD, client=ATTACKER).username == "admin"
    assert _throttle("admin") == []


def test_failures_are_forgotten_after_the_lock_window(users: dict, clock: StillClock) -> None:
    for _ in range(4):
        _refusal("hctc", "doan-sai", ATTACKER)
    clock.advance(timedelta(minutes=16))
    _refusal("hctc", "doan-sai", ATTACKER)  # counts as the first failure of a new window
    assert _throttle("hctc") == [(auth.NEW_BROWSERS, 1, None), (ATTACKER, 1, None)]
    assert auth.authenticate("hctc", PASSWORD, client=ATTACKER).username == "hctc"


def test_one_client_spraying_usernames_is_capped(
    users: dict, clock: StillClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "LOGIN_MAX_USERNAMES_PER_CLIENT", 3)
    for name in ("khongco1", "khongco2", "lanhdao"):
        _refusal(name, "doan-sai", ATTACKER)
    _refusal("btcd", PASSWORD, ATTACKER)  # a fourth username from that client: refused
    assert auth.authenticate("btcd", PASSWORD, client=OFFICE).username == "btcd"
    assert db.scalar("select count(*) from login_throttle where client = $c", {"c": ATTACKER}) == 3
    assert db.scalar("select count(*) from login_throttle where client = '*'") == 3
    clock.advance(timedelta(minutes=16))
    assert auth.authenticate("btcd", PASSWORD, client=ATTACKER).username == "btcd"
    # No cap for the unknown client: everyone behind a local proxy would share it.
    for name in ("khongco1", "khongco2", "lanhdao"):
        _refusal(name, "doan-sai")
    assert auth.authenticate("btcd", PASSWORD).username == "btcd"


# --- one answer ---------------------------------------------------------------------------------


def test_unknown_disabled_locked_and_wrong_get_the_identical_message(
    users: dict, clock: StillClock
) -> None:
    auth.set_active("btcd", False, by=users["quan_tri"])
    for _ in range(settings.MAX_FAILED_LOGINS):
        _refusal("hctc", "doan-sai", ATTACKER)
    messages = {
        "unknown": _refusal("khongco", PASSWORD, OFFICE),
        "disabled, right password": _refusal("btcd", PASSWORD, OFFICE),
        "locked, right password": _refusal("hctc", PASSWORD, ATTACKER),
        "wrong password": _refusal("lanhdao", "doan-sai", OFFICE),
    }
    assert set(messages.values()) == {str(auth.login_error())}
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in messages["unknown"]
    # Internally the audit still tells the admin what happened.
    assert _audit("login_refused_disabled", "btcd")[0]["client"] == OFFICE
    assert _audit("login_failed", "khongco")[0]["reason"] == "không có tài khoản"


@pytest.mark.timing
@pytest.mark.production_argon2
def test_unknown_and_real_accounts_take_the_same_time(users: dict) -> None:
    """Median of interleaved rounds with the real argon2 parameters: each kind of refusal within
    0.5–2× of a real account's wrong password (an unknown one used to answer ~40× faster)."""
    auth.set_active("btcd", False, by=users["quan_tri"])
    for _ in range(settings.MAX_FAILED_LOGINS):
        _refusal("hctc", "doan-sai", ATTACKER)
    kinds: dict[str, Callable[[int], object]] = {
        "wrong": lambda i: _refusal("lanhdao", "doan-sai", f"10.1.0.{i}"),
        "unknown": lambda i: _refusal(f"khongco{i}", "doan-sai", f"10.2.0.{i}"),
        "disabled": lambda i: _refusal("btcd", PASSWORD, f"10.3.0.{i}"),
        "locked": lambda i: _refusal("hctc", PASSWORD, ATTACKER),
    }
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for i in range(7):
        for kind, attempt in kinds.items():
            started = time.perf_counter()
            attempt(i)
            times[kind].append(time.perf_counter() - started)
    medians = {kind: statistics.median(t) for kind, t in times.items()}
    for kind in ("unknown", "disabled", "locked"):
        ratio = medians[kind] / medians["wrong"]
        assert 0.5 <= ratio <= 2, f"{kind}: {ratio:.2f}× ({medians})"


# --- bounded audit ------------------------------------------------------------------------------


def test_unknown_username_attempts_leave_bounded_audit_rows(users: dict, clock: StillClock) -> None:
    for _ in range(100):
        _refusal("khongco", "doan-sai", ATTACKER)
    for i in range(100):
        _refusal(f"ke-la-{i}", "doan-sai", ATTACKER)
    assert len(_audit("login_failed", "khongco")) == 1
    assert db.scalar("select count(*) from audit_log where action like 'login%'") <= (
        1 + settings.LOGIN_MAX_USERNAMES_PER_CLIENT
    )
    # Per username counted: its address counter and its new-browser counter.
    assert db.scalar("select count(*) from login_throttle") <= (
        2 * settings.LOGIN_MAX_USERNAMES_PER_CLIENT
    )
    clock.advance(timedelta(minutes=16))  # a new window: one more row
    _refusal("khongco", "doan-sai", ATTACKER)
    assert len(_audit("login_failed", "khongco")) == 2
    assert db.scalar("select count(*) from login_throttle") == 2  # expired rows were dropped


# --- sessions -----------------------------------------------------------------------------------


def test_reset_disable_and_role_change_end_open_sessions(users: dict) -> None:
    admin = users["quan_tri"]
    session = auth.authenticate("hctc", PASSWORD)
    assert auth.session_valid(session)
    auth.update_user("hctc", role="don_vi", unit_code="HCTC", full_name="Cán bộ", by=admin)
    assert auth.session_valid(session)  # only the name changed
    auth.set_password("hctc", NEW_PASSWORD, by=admin)
    assert not auth.session_valid(session)

    session = auth.authenticate("hctc", NEW_PASSWORD)
    auth.update_user("hctc", role="lanh_dao", unit_code=None, full_name=None, by=admin)
    auth.update_user("hctc", role="don_vi", unit_code="HCTC", full_name=None, by=admin)
    assert not auth.session_valid(session)  # back to the old role, still a new session needed

    session = auth.authenticate("hctc", NEW_PASSWORD)
    auth.set_active("hctc", False, by=admin)
    auth.set_active("hctc", True, by=admin)
    assert not auth.session_valid(session)

    session = auth.authenticate("hctc", NEW_PASSWORD)
    kept = auth.change_own_password(session, NEW_PASSWORD, PASSWORD)
    assert not auth.session_valid(session)  # every other session of the account ends
    assert auth.session_valid(kept)  # the one that changed it may carry on


def _log_in(username: str) -> AppTest:
    at = open_page(None)
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert at.title[0].value == "Tổng quan", texts(at)
    return at


def test_a_password_reset_logs_the_open_session_out(users: dict, clock: StillClock) -> None:
    at = _log_in("hctc")
    assert at.session_state[shell.SESSION_STARTED] == clock.now
    auth.set_password("hctc", NEW_PASSWORD, by=users["quan_tri"])
    at.run()
    assert at.title[0].value == "Đăng nhập"
    assert "Tài khoản đã thay đổi hoặc bị vô hiệu hóa. Vui lòng đăng nhập lại." in texts(at)
    assert shell.SESSION_USER not in at.session_state


def test_a_session_ends_after_its_absolute_lifetime(
    users: dict, clock: StillClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "SESSION_TIMEOUT_MINUTES", 24 * 60)  # never idle here
    at = _log_in("lanhdao")
    clock.advance(timedelta(hours=settings.SESSION_MAX_HOURS) - timedelta(minutes=1))
    at.run()
    assert at.title[0].value == "Tổng quan"
    clock.advance(timedelta(minutes=2))
    at.run()
    assert at.title[0].value == "Đăng nhập"
    assert "Phiên đăng nhập đã quá thời hạn tối đa 12 giờ. Vui lòng đăng nhập lại." in texts(at)
    assert shell.SESSION_STARTED not in at.session_state


# --- command line -------------------------------------------------------------------------------


def test_cli_users_unlock_clears_every_client(users: dict, tmp_db: Path, clock: StillClock) -> None:
    for client in (ATTACKER, OFFICE, None):
        for _ in range(settings.MAX_FAILED_LOGINS):
            _refusal("hctc", "doan-sai", client)
    assert len(_throttle("hctc")) == 3
    db.close_all()  # the command line opens the file itself

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "tracker", "--db", str(tmp_db), "users", "unlock", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=child_env(TRACKER_DAILY_BACKUP="0"),
        )

    done = cli("--username", "hctc")
    assert done.returncode == 0, done.stderr
    assert "Đã mở khóa đăng nhập cho 'hctc' (xóa 3 bộ đếm đăng nhập sai theo máy)." in done.stdout
    missing = cli("--username", "khongco")
    assert missing.returncode == 1
    assert "Không có tài khoản 'khongco'" in missing.stderr
    assert _throttle("hctc") == []
    assert auth.authenticate("hctc", PASSWORD, client=ATTACKER).username == "hctc"
    (row,) = db.rows(
        "select username, target, detail, after_value from audit_log where action = 'user_unlock'"
    )
    assert row[:2] == ("he_thong", "hctc")
    assert json.loads(row[2]) == {"cleared_login_locks": 3}
    assert json.loads(row[3]) == {"failed_logins": 0, "locked_until": None}
