"""Signing in anywhere in the city through a real browser and server (issue 34): Sở Nội vụ's
account signs in to the registry (its cookie `city~…`), keeps its sign-in on a reload, opens a
body's Tổng quan with ?co_quan=; a xã's officer signs in to the xã's own file (`X001~…`) and,
given another body's ?co_quan=, sees only their own body. Debian's chromium, on a copy of the
three-body sample of tests/city_fixture.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests import browser_support as bs
from tests.city_fixture import CITY_NOW, city_copy
from tests.conftest import pinned
from tracker.tools import demo

pytestmark = bs.MARKS
COOKIE = "tracker_session"


def _login(page: Any, username: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=bs.TIMEOUT_MS)
    bs.idle(page)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".st-key-logout_button")).to_be_attached(timeout=bs.TIMEOUT_MS)
    bs.idle(page)


def _cookie(context: Any) -> str:
    (found,) = [c["value"] for c in context.cookies() if c["name"] == COOKIE]
    return found


def test_sign_in_to_the_city_and_to_another_body(city3: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    home = city_copy(city3, tmp_path / "city")
    with pinned(CITY_NOW), bs.chromium() as browser, bs.running_server(home) as url:
        context, page, watch = bs.new_page(browser, url)
        try:
            page.goto(url + "/thanh_pho")
            _login(page, "sonoivu")
            bs.heading(page, "Thành phố năm 2026")
            assert _cookie(context).startswith("city~")
            page.reload()
            bs.heading(page, "Thành phố năm 2026")
            bs.screenshot(page, "city-thanh-pho")
            page.goto(url + "/nhiem_vu?co_quan=X001")
            bs.heading(page, "Nhiệm vụ")
            sidebar = page.get_by_test_id("stSidebar")
            chosen = sidebar.get_by_test_id("stSelectbox").filter(has_text="Cơ quan")
            expect(chosen.get_by_role("combobox")).to_have_value("UBND phường Ninh Kiều (X001)")
            watch.assert_clean()
        finally:
            context.close()
        context, page, watch = bs.new_page(browser, url)
        try:
            page.goto(url + "/?co_quan=X002")
            _login(page, "x001.donvi")
            bs.heading(page, "Tổng quan")
            assert _cookie(context).startswith("X001~")
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar.get_by_text("UBND phường Ninh Kiều", exact=True)).to_be_visible()
            other = page.get_by_test_id("stApp").inner_text()
            assert "X002" not in other
            watch.assert_clean()
        finally:
            context.close()
