"""A real server and Debian's chromium: each role logs in from a direct link, sees its navigation,
and a forbidden page is refused.

The first request the fresh server gets is the deep link /quan_tri (a leader's bookmark).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests import browser_support as bs
from tests.conftest import pinned
from tracker.store import db
from tracker.ui import shell

pytestmark = bs.MARKS
ACCOUNTS = bs.ACCOUNTS


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free local port, on a temp DB with one account per role."""
    path = tmp_path_factory.mktemp("browser") / "tracker.duckdb"
    with pinned():  # the tests' clock, for the accounts and the server
        db.close_all()
        bs.create_accounts(path)
        with bs.running_server(path) as url:
            yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    with bs.chromium() as chromium:
        yield chromium


def _sidebar_links(page, expected: int) -> list[str]:
    """The sidebar's link texts, once the sidebar has drawn them (it can follow the main area)."""
    from playwright.sync_api import expect

    links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
    expect(links).to_have_count(expected, timeout=bs.TIMEOUT_MS)
    return [text.strip() for text in links.all_inner_texts()]


def _labels(role: str) -> tuple[set[str], set[str]]:
    shown = {p.title for p in shell.PAGES.values() if role in p.roles}
    hidden = {p.title for p in shell.PAGES.values()} - shown
    return shown, hidden


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao", "quan_tri"])
def test_role_logs_in_from_a_direct_link(server: str, browser, role: str) -> None:
    from playwright.sync_api import expect

    context, page, watch = bs.new_page(browser, server)
    try:
        page.goto(f"{server}/quan_tri")
        bs.login(page, ACCOUNTS[role])
        if role == "quan_tri":
            expect(page.get_by_role("heading", name="Quản trị")).to_be_visible()
            expect(page.get_by_role("tab", name="Sao lưu")).to_be_visible()
        else:
            expect(page.get_by_text("không dành cho vai trò")).to_be_visible()
            assert page.get_by_role("tab", name="Sao lưu").count() == 0
        shown, hidden = _labels(role)
        texts = _sidebar_links(page, len(shown))
        for title in shown:
            assert any(title in t for t in texts), (title, texts)
        for title in hidden:
            assert not any(t.endswith(title) for t in texts), (title, texts)
        assert len(texts) == len(shown)
        watch.assert_clean()
    finally:
        context.close()


def test_leader_direct_link_to_the_upload_page_is_refused(server: str, browser) -> None:
    from playwright.sync_api import expect

    context, page, watch = bs.new_page(browser, server)
    try:
        page.goto(f"{server}/nop_bao_cao")
        bs.login(page, "lanhdao")
        expect(page.get_by_text("không dành cho vai trò")).to_be_visible()
        assert page.get_by_role("button", name="Tải biểu mẫu đã điền sẵn (.xlsx)").count() == 0
        page.get_by_test_id("stSidebar").get_by_role("link", name="Tài khoản").click()
        bs.heading(page, "Tài khoản")
        expect(page.get_by_role("button", name="Đổi mật khẩu")).to_be_visible()
        watch.assert_clean()
    finally:
        context.close()
