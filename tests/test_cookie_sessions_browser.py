"""A sign-in survives a reload, a second tab and a server restart; signing out ends it in every
tab; an admin's password reset makes the old cookie worthless (issue 12). Real server, Debian's
chromium."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests import browser_support as bs
from tests.conftest import pinned
from tracker.store import db

pytestmark = bs.MARKS
COOKIE = "tracker_session"


def _signed_in(page: Any, title: str) -> None:
    """The page shows `title` to a signed-in user (its sidebar has the sign-out button)."""
    from playwright.sync_api import expect

    bs.heading(page, title)
    expect(page.locator(".st-key-logout_button")).to_be_attached(timeout=bs.TIMEOUT_MS)


def _login_form(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=bs.TIMEOUT_MS)
    bs.idle(page)
    assert page.locator(".st-key-logout_button").count() == 0


def _forget_restart_noise(watch: bs.Watch) -> None:
    """The old page's frontend complained while its server was stopped: expected here."""
    watch.errors[:] = [e for e in watch.errors if "reach" not in e and "not respond" not in e]


def _cookie(context: Any) -> dict:
    (found,) = [c for c in context.cookies() if c["name"] == COOKIE]
    return found


def _stored_sessions(path: Path) -> list[tuple]:
    db.close_all()
    try:
        return db.rows("select * from auth_session", path=path)
    finally:
        db.close_all()


def test_sign_in_survives_reload_new_tab_restart_until_sign_out(tmp_path: Path) -> None:
    path = tmp_path / "tracker.duckdb"
    with pinned(), bs.chromium() as browser:
        bs.create_accounts(path)
        context, page, watch = bs.new_page(browser, "http://127.0.0.1")
        try:
            with bs.running_server(path) as url:
                page.goto(url + "/")
                bs.login(page, "admin")
                _signed_in(page, "Tổng quan")
                cookie = _cookie(context)
                assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
                assert not cookie["secure"]  # plain http here; Secure over https
                page.reload()
                _signed_in(page, "Tổng quan")
                second = context.new_page()
                second.goto(url + "/nhiem_vu")
                _signed_in(second, "Nhiệm vụ")
            # Only the token's SHA-256 is stored, never the token.
            (row,) = _stored_sessions(path)
            assert row[0] == hashlib.sha256(cookie["value"].encode()).hexdigest()
            assert cookie["value"] not in repr(row)
            with bs.running_server(path) as url:  # a new server process: nothing in memory
                page.goto(url + "/")
                _signed_in(page, "Tổng quan")
                _forget_restart_noise(watch)
                page.locator(".st-key-logout_button").click()
                _login_form(page)
                assert not [c for c in context.cookies() if c["name"] == COOKIE]
                second.goto(url + "/nhiem_vu")
                _login_form(second)
                watch.assert_clean()
        finally:
            context.close()
        assert _stored_sessions(path) == []


def test_password_reset_refuses_the_old_cookie(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    path = tmp_path / "tracker.duckdb"
    with pinned(), bs.chromium() as browser:
        bs.create_accounts(path)
        context, page, watch = bs.new_page(browser, "http://127.0.0.1")
        admin, admin_page, admin_watch = bs.new_page(browser, "http://127.0.0.1")
        try:
            with bs.running_server(path) as url:
                page.goto(url + "/")
                bs.login(page, "hctc")
                _signed_in(page, "Tổng quan")
                old = _cookie(context)
                # The admin, in another browser, resets hctc's password on Quản trị.
                admin_page.goto(url + "/quan_tri")
                bs.login(admin_page, "admin")
                bs.heading(admin_page, "Quản trị")
                bs.open_choices(admin_page, "target_user")
                admin_page.get_by_role("option", name="hctc", exact=True).click()
                bs.idle(admin_page)
                admin_page.locator(".st-key-reset_password input").fill("mat-khau-moi-2026")
                admin_page.get_by_role("button", name="Đặt lại mật khẩu").click()
                expect(admin_page.get_by_text("Đã đặt lại mật khẩu cho 'hctc'")).to_be_visible()
                # The unit officer's next page load is refused, and so is the cookie elsewhere.
                page.goto(url + "/don_vi")
                _login_form(page)
                other, page2, _ = bs.new_page(browser, url)
                other.add_cookies([{**old, "domain": "127.0.0.1", "path": "/"}])
                page2.goto(url + "/")
                _login_form(page2)
                other.close()
                watch.assert_clean()
                admin_watch.assert_clean()
        finally:
            context.close()
            admin.close()


@pytest.fixture(autouse=True)
def _no_open_connections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    # Each test hands its database to a server process: nothing of ours may hold it open, and
    # nothing may fall back to the default database under data/.
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.duckdb"))
    db.close_all()
    yield
    db.close_all()
