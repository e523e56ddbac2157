"""Guessing bounded, the owner never locked out (issues 27 and 32): an account takes at most
MAX_FAILED_LOGINS_NEW_BROWSERS wrong passwords per window from browsers that never signed in to
it, whatever their addresses; a browser holding the account's device cookie keeps its own
allowance, through the owner's password change too; known client addresses keep their own lock
too; the owner sees and revokes their trusted browsers on Tài khoản, HCTC on Quản trị."""

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
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def _browser(username: str, client: str | None = "192.0.2.10") -> str:
    """The device cookie a browser receives when `username`'s owner signs in from it."""
    return devices.issue(username, client=client, user_agent=CHROME_WINDOWS)


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
    owner = _browser("lanhdao")  # the owner signed in from this browser earlier
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
    owner = _browser("hctc")
    other = _browser("hctc")
    for _ in range(settings.MAX_FAILED_LOGINS):
        assert _refused("hctc", "go-nham", device=owner)
    assert _refused("hctc", PASSWORD, device=owner)  # this device: locked
    assert auth.authenticate("hctc", PASSWORD, device=other).username == "hctc"
    assert auth.authenticate("hctc", PASSWORD).username == "hctc"  # new browsers untouched
    clock.advance(timedelta(minutes=settings.LOGIN_LOCK_MINUTES, seconds=1))
    assert auth.authenticate("hctc", PASSWORD, device=owner).username == "hctc"


def test_a_device_cookie_is_per_account_and_outlives_a_password_change(
    users: dict, clock: StillClock
) -> None:
    cookie = _browser("hctc")
    assert devices.trusted(cookie, "hctc")
    assert not devices.trusted(cookie, "btcd")  # another account's
    assert not devices.trusted(cookie + "x", "hctc")  # edited
    assert not devices.trusted(None, "hctc") and not devices.trusted("rác", "hctc")
    assert devices.cookie_name("hctc") != devices.cookie_name("btcd")
    assert "hctc" not in devices.cookie_name("hctc")
    # The owner's own change and HCTC's reset leave the owner's browsers trusted (issue 32).
    auth.change_own_password(users["don_vi"], PASSWORD, "mat-khau-moi-2026")
    auth.set_password("hctc", "mat-khau-moi-2027", by=users["quan_tri"])
    assert devices.trusted(cookie, "hctc")
    clock.advance(timedelta(days=settings.DEVICE_COOKIE_DAYS, seconds=1))
    assert not devices.trusted(cookie, "hctc")  # it lasts DEVICE_COOKIE_DAYS


def test_the_database_keeps_only_a_digest_of_the_device_cookie(users: dict) -> None:
    cookie = _browser("hctc")
    stored = db.rows("select * from auth_device")
    assert len(stored) == 1 and cookie not in json.dumps(stored, default=str)


def _owner_after_guessing(users: dict, owner: str) -> bool:
    """After MAX_FAILED_LOGINS_NEW_BROWSERS wrong passwords from new browsers: whether the
    owner's browser (`owner`, its device cookie) gets in with the new password."""
    for client in SPOOFED[: settings.MAX_FAILED_LOGINS_NEW_BROWSERS]:
        assert _refused("lanhdao", "doan-sai", client=client)
    assert _refused("lanhdao", "mat-khau-moi-2026", client="192.0.2.99")  # new browsers: locked
    return not _refused("lanhdao", "mat-khau-moi-2026", device=owner)


def test_the_owner_keeps_the_browser_they_changed_the_password_in(
    users: dict, clock: StillClock
) -> None:
    """Issue 32's finding: after the owner's own password change, a stranger's ten guesses
    locked the owner out of their own browser."""
    owner = _browser("lanhdao")
    auth.change_own_password(users["lanh_dao"], PASSWORD, "mat-khau-moi-2026")
    assert _owner_after_guessing(users, owner)
    (login,) = _audit("login")
    assert login["device"] is True


def test_seeded_violation_a_password_change_that_forgets_the_browsers_locks_the_owner_out(
    users: dict, clock: StillClock
) -> None:
    """The password change of issue 27 (every device cookie revoked with the old password):
    the check above fails."""
    owner = _browser("lanhdao")
    auth.change_own_password(users["lanh_dao"], PASSWORD, "mat-khau-moi-2026")
    devices.revoke("lanhdao", None, by=users["lanh_dao"])  # what the old change did
    assert not _owner_after_guessing(users, owner)


def test_a_refused_browser_is_told_how_the_owner_gets_in() -> None:
    answer = str(auth.login_error())
    assert answer.startswith("Tên đăng nhập hoặc mật khẩu không đúng.")
    assert "đăng nhập từ máy đã dùng trước đây" in answer
    assert "Phòng Hành chính - Tổ chức mở khóa" in answer


def test_a_trusted_browser_records_when_and_where(users: dict, clock: StillClock) -> None:
    cookie = _browser("lanhdao", client="192.0.2.10")
    clock.advance(timedelta(hours=2))
    auth.authenticate("lanhdao", PASSWORD, client="192.0.2.20", device=cookie)
    (row,) = devices.browsers("lanhdao").to_dict("records")
    assert row["browser"] == "Chrome trên Windows"
    assert (row["issued_at"], row["issued_client"]) == (datetime(2026, 3, 9, 8), "192.0.2.10")
    assert (row["last_used_at"], row["last_client"]) == (datetime(2026, 3, 9, 10), "192.0.2.20")


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (CHROME_WINDOWS, "Chrome trên Windows"),
        (CHROME_WINDOWS + " Edg/120.0.0.0", "Edge trên Windows"),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
            "Firefox trên Linux",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            "Safari trên iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "coc_coc_browser/120.0 Chrome/120.0 Mobile Safari/537.36",
            "Cốc Cốc trên Android",
        ),
        (None, "Trình duyệt khác"),
    ],
)
def test_a_browser_is_named_as_its_owner_would(agent: str | None, label: str) -> None:
    assert devices.browser_label(agent) == label


def test_only_the_owner_or_hctc_revokes_an_accounts_browsers(users: dict) -> None:
    mine, other = _browser("hctc"), _browser("hctc")
    with pytest.raises(auth.PermissionDenied):
        devices.revoke("hctc", None, by=users["don_vi_btcd"])
    assert devices.revoke("hctc", [devices.trusted(mine, "hctc")], by=users["don_vi"]) == 1
    assert not devices.trusted(mine, "hctc") and devices.trusted(other, "hctc")
    assert devices.revoke("hctc", None, by=users["quan_tri"]) == 1
    assert devices.browsers("hctc").empty
    assert [e["browsers"] for e in _audit("device_revoke")] == [
        [devices._digest(mine)[:8]],
        [devices._digest(other)[:8]],
    ]


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


def test_tai_khoan_lists_the_owners_browsers_and_revokes_them(users: dict) -> None:
    _browser("lanhdao", client="192.0.2.10")
    at = open_page(users["lanh_dao"], "tai_khoan")
    assert not at.exception
    (table,) = [d.value for d in at.dataframe if "Trình duyệt" in d.value.columns]
    assert list(table["Trình duyệt"]) == ["Chrome trên Windows"]
    assert list(table["Địa chỉ lúc đó"]) == ["192.0.2.10"]
    (chosen,) = at.multiselect
    chosen.set_value([devices.browsers("lanhdao")["id"][0]]).run()
    at.button(key="revoke_own_browsers").click().run()
    assert not at.exception and "Đã thu hồi 1 máy." in texts(at)
    assert devices.browsers("lanhdao").empty


def test_quan_tri_revokes_every_browser_of_an_account(users: dict) -> None:
    _browser("lanhdao"), _browser("lanhdao")
    at = open_page(users["quan_tri"], "quan_tri")
    at.selectbox(key="target_user").set_value("lanhdao").run()
    assert "Máy 'lanhdao' đã đăng nhập, vẫn vào được khi có người dò mật khẩu: 2." in texts(at)
    at.button(key="revoke_account_browsers").click().run()
    assert not at.exception and "Đã thu hồi 2 máy của 'lanhdao'." in texts(at)
    assert devices.browsers("lanhdao").empty
