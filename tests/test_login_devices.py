"""Guessing bounded, the owner never locked out (issue 27): an account takes at most
MAX_FAILED_LOGINS_NEW_BROWSERS wrong passwords per window from browsers that never signed in to
it, whatever their addresses; a browser holding the account's device cookie keeps its own
allowance; known client addresses keep their own lock too."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.apptest_helpers import open_page, texts
from tests.conftest import PASSWORD, StillClock
from tracker import settings
from tracker.accounts import admin, auth, devices
from tracker.store import db

SPOOFED = [f"198.51.100.{i}" for i in range(1, 13)]


@pytest.fixture
def clock(still_clock) -> StillClock:
    """The clock held at 08:00 on a Monday; a test moves it with clock.advance()."""
    return still_clock(datetime(2026, 3, 9, 8, 0))


def _refused(username: str, password: str, **where: str | None) -> bool:
    """Whether the login is refused (with the one answer every failure gets)."""
    try:
        auth.authenticate(username, password, **where)
    except auth.AccountError as exc:
        answer = str(exc)
    else:
        return False
    assert answer == str(auth.login_error())
    return True


def _audit(action: str) -> list[dict]:
    rows = db.rows("select detail from audit_log where action = $a order by id", {"a": action})
    return [json.loads(r[0]) for r in rows]


def test_twelve_addresses_lock_new_browsers_not_the_owners_browser(
    users: dict, clock: StillClock
) -> None:
    owner = devices.issue("lanhdao")  # the owner signed in from this browser earlier
    for client in SPOOFED:  # twelve guesses, each from a "new" address
        assert _refused("lanhdao", "doan-sai", client=client)
    # Ten counted, then the account is locked for every browser without its device cookie.
    assert _refused("lanhdao", PASSWORD, client="192.0.2.99")
    assert _refused("lanhdao", PASSWORD)  # unknown address (a local connection)
    assert auth.authenticate("lanhdao", PASSWORD, device=owner).username == "lanhdao"
    (lock,) = _audit("login_lock")
    assert lock["counter"] == auth.NEW_BROWSERS and lock["failed_logins"] == 10
    # Quản trị sees the account under attack, by client, and can lift the lock.
    pressure = admin.login_pressure(users["quan_tri"])
    shown = pressure[pressure["username"] == "lanhdao"]
    assert shown["locked"].sum() == 1
    assert "Mọi máy chưa từng đăng nhập tài khoản này" in set(shown["counter"])
    assert {f"Địa chỉ {c}" for c in SPOOFED[:10]} <= set(shown["counter"])
    auth.unlock("lanhdao", by=users["quan_tri"])
    assert auth.authenticate("lanhdao", PASSWORD, client="192.0.2.99").username == "lanhdao"


def test_the_owner_keeps_a_separate_allowance_per_device(users: dict, clock: StillClock) -> None:
    owner = devices.issue("hctc")
    other = devices.issue("hctc")
    for _ in range(settings.MAX_FAILED_LOGINS):
        assert _refused("hctc", "go-nham", device=owner)
    assert _refused("hctc", PASSWORD, device=owner)  # this device: locked
    assert auth.authenticate("hctc", PASSWORD, device=other).username == "hctc"
    assert auth.authenticate("hctc", PASSWORD).username == "hctc"  # new browsers untouched
    clock.advance(timedelta(minutes=settings.LOGIN_LOCK_MINUTES, seconds=1))
    assert auth.authenticate("hctc", PASSWORD, device=owner).username == "hctc"


def test_a_device_cookie_is_per_account_and_revoked_by_a_password_change(users: dict) -> None:
    cookie = devices.issue("hctc")
    assert auth.device_holds(cookie, "hctc")
    assert not auth.device_holds(cookie, "btcd")  # another account's
    device_id, signature = cookie.rsplit(".", 1)
    assert not auth.device_holds(f"{device_id}x.{signature}", "hctc")  # edited
    assert not auth.device_holds(None, "hctc") and not auth.device_holds("rác", "hctc")
    assert devices.cookie_name("hctc") != devices.cookie_name("btcd")
    assert "hctc" not in devices.cookie_name("hctc")
    auth.set_password("hctc", "mat-khau-moi-2026", by=users["quan_tri"])
    assert not auth.device_holds(cookie, "hctc")


def test_a_forged_device_cookie_gets_the_new_browser_allowance(
    users: dict, clock: StillClock
) -> None:
    forged = "abc." + "0" * 64
    for _ in range(settings.MAX_FAILED_LOGINS_NEW_BROWSERS):
        assert _refused("admin", "doan-sai", device=forged)
    assert _refused("admin", PASSWORD, device=forged)


def test_a_known_client_is_locked_alone(users: dict, clock: StillClock) -> None:
    """Trusted client addresses keep their own lock: one client's storm locks that client."""
    for _ in range(settings.MAX_FAILED_LOGINS + 3):
        assert _refused("admin", "doan-sai", client="203.0.113.66")
    assert _refused("admin", PASSWORD, client="203.0.113.66")
    assert auth.authenticate("admin", PASSWORD, client="10.0.0.7").username == "admin"


def test_the_owner_signing_in_does_not_reset_the_new_browser_count(
    users: dict, clock: StillClock
) -> None:
    for client in SPOOFED[:9]:
        assert _refused("lanhdao", "doan-sai", client=client)
    assert auth.authenticate("lanhdao", PASSWORD, client="10.0.0.7").username == "lanhdao"
    assert _refused("lanhdao", "doan-sai", client=SPOOFED[9])  # the tenth: locks new browsers
    assert _refused("lanhdao", PASSWORD, client="10.0.0.7")


def test_a_damaged_device_key_is_replaced_and_old_cookies_stop_counting(
    users: dict, clock: StillClock
) -> None:
    cookie = devices.issue("hctc")
    key_file = settings.device_key_path()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    key_file.write_text("hỏng", encoding="utf-8")
    devices._key.cache_clear()
    assert not auth.device_holds(cookie, "hctc")
    assert auth.device_holds(devices.issue("hctc"), "hctc")
    devices._key.cache_clear()


# --- what the pages show ------------------------------------------------------------------------


def test_a_sample_database_says_so_on_every_page(users: dict) -> None:
    assert "Dữ liệu mẫu." not in texts(open_page(None))
    auth.create_user("quantri", "quan_tri", PASSWORD, sample=True)
    for user, page in (
        (None, "tong_quan"),
        (users["don_vi"], "nop_bao_cao"),
        (users["quan_tri"], "quan_tri"),
    ):
        at = open_page(user, page)
        assert not at.exception, page
        (banner,) = [w for w in at.warning if w.value.startswith("**Dữ liệu mẫu.**")]
        assert "TRACKER_DB" not in banner.value and "users add" in banner.value


def test_quan_tri_sees_accounts_under_attack(users: dict, clock: StillClock) -> None:
    at = open_page(users["quan_tri"], "quan_tri")
    assert "Đăng nhập sai gần đây" not in texts(at)  # nothing to show: nothing shown
    for client in SPOOFED[:10]:
        _refused("lanhdao", "doan-sai", client=client)
    at = open_page(users["quan_tri"], "quan_tri")
    assert not at.exception
    assert "Đăng nhập sai gần đây" in texts(at)
    (warning,) = [w for w in at.warning if "Đang tạm khóa đăng nhập" in w.value]
    assert "lanhdao" in warning.value
    (table,) = [d.value for d in at.dataframe if "Từ đâu" in d.value.columns]
    assert set(table["Tài khoản"]) == {"lanhdao"}
    locked = table[table["Trạng thái"] == "Tạm khóa"]
    assert list(locked["Từ đâu"]) == ["Mọi máy chưa từng đăng nhập tài khoản này"]
    # The page's own unlock button lifts it for every client.
    at.selectbox(key="target_user").set_value("lanhdao").run()
    at.button(key="unlock_user").click().run()
    assert auth.authenticate("lanhdao", PASSWORD, client="192.0.2.1").username == "lanhdao"
