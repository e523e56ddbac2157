"""Guessing bounded through a real server and Debian's chromium (issue 27): the spoofed
X-Forwarded-For a browser sends straight to the server names nobody, the account locks for new
browsers after MAX_FAILED_LOGINS_NEW_BROWSERS guesses and the owner's browser still gets in;
behind a trusted proxy, one forwarded client's guesses lock that client only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests import browser_support as bs
from tests.conftest import PASSWORD, pinned
from tracker import settings
from tracker.accounts import devices
from tracker.store import db

# Any date will do (nothing here depends on it): a fixed one, so CI need not rerun these at
# its other dates (tests/clock_selection.py).
AT = "2026-03-09T08:00:00"

pytestmark = bs.MARKS
SPOOFED = [f"198.51.100.{i}" for i in range(1, 13)]


def login_audit(path: Path) -> list[tuple[str, dict]]:
    db.close_all()
    try:
        rows = db.rows("select action, detail from audit_log where action like 'login%'", path=path)
    finally:
        db.close_all()
    return [(action, json.loads(detail) if detail else {}) for action, detail in rows]


def _attempt(browser: Any, url: str, password: str, **options: Any) -> bool:
    """One login to `lanhdao` from a browser that never signed in (its own context)."""
    context, page, _ = bs.new_page(browser, url, **options)
    try:
        page.goto(url + "/")
        return bs.try_login(page, "lanhdao", password)
    finally:
        context.close()


def guessing_from_spoofed_addresses(browser: Any, url: str, **options: Any) -> tuple[bool, bool]:
    """The owner signs in once (the browser keeps its device cookie) and out; twelve wrong
    passwords follow, each from a new browser naming a new address; then the right password
    from a new browser, and from the owner's. Returns (new browser admitted, owner admitted)."""
    owner, page, watch = bs.new_page(browser, url, **options)
    page.goto(url + "/")
    bs.login(page, "lanhdao")
    assert any(c["name"] == devices.cookie_name("lanhdao") for c in owner.cookies())
    page.locator(".st-key-logout_button button").click()
    for address in SPOOFED:
        headers = {"X-Forwarded-For": address}
        assert not _attempt(browser, url, "doan-sai", extra_http_headers=headers, **options)
    stranger = _attempt(
        browser, url, PASSWORD, extra_http_headers={"X-Forwarded-For": "192.0.2.99"}, **options
    )
    page.goto(url + "/")
    admitted = bs.try_login(page, "lanhdao", PASSWORD)
    watch.assert_clean()
    owner.close()
    return stranger, admitted


def assert_no_spoofed_address(audit: list[tuple[str, dict]]) -> None:
    text = json.dumps(audit)
    assert not any(address in text for address in SPOOFED), text
    locks = [detail for action, detail in audit if action == "login_lock"]
    assert [lock["counter"] for lock in locks] == ["*"]
    assert locks[0]["failed_logins"] == settings.MAX_FAILED_LOGINS_NEW_BROWSERS


def test_spoofed_addresses_sent_straight_to_the_server(tmp_path: Path) -> None:
    path = tmp_path / "tracker.duckdb"
    with pinned(AT), bs.chromium() as browser:
        bs.create_accounts(path)
        with bs.running_server(path, env={"TRACKER_TRUSTED_PROXIES": ""}) as url:
            stranger, owner = guessing_from_spoofed_addresses(browser, url)
    assert (stranger, owner) == (False, True)
    assert_no_spoofed_address(login_audit(path))


def test_behind_a_trusted_proxy_one_client_locks_alone(tmp_path: Path) -> None:
    path = tmp_path / "tracker.duckdb"
    attacker = {"X-Forwarded-For": "198.51.100.7"}
    with pinned(AT), bs.chromium() as browser:
        bs.create_accounts(path)
        with bs.running_server(path, env={"TRACKER_TRUSTED_PROXIES": "127.0.0.1"}) as url:
            context, page, _ = bs.new_page(browser, url, extra_http_headers=attacker)
            page.goto(url + "/")
            for _ in range(settings.MAX_FAILED_LOGINS):
                assert not bs.try_login(page, "lanhdao", "doan-sai")
            assert not bs.try_login(page, "lanhdao", PASSWORD)  # that client is locked
            context.close()
            other = {"X-Forwarded-For": "198.51.100.8"}
            assert _attempt(browser, url, PASSWORD, extra_http_headers=other)
    audit = login_audit(path)
    locks = [d for action, d in audit if action == "login_lock"]
    assert [(lock["counter"], lock["client"]) for lock in locks] == [("198.51.100.7",) * 2]
    assert [d["client"] for action, d in audit if action == "login"] == ["198.51.100.8"]
