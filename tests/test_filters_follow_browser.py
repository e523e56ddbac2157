"""Filters that follow, in a real browser (issue 12): a week chosen on Tổng quan is still chosen
after following the sidebar to Nhiệm vụ, and the address bar carries it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import browser_support as bs
from tests.apptest_helpers import page_scope
from tests.conftest import pinned
from tracker.catalogue import periods
from tracker.store import db
from tracker.ui import filters

pytestmark = bs.MARKS


def test_a_week_chosen_on_the_overview_follows_to_the_tasks_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    path = tmp_path / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(path))  # the week options below read this database
    with pinned(), bs.chromium() as browser:
        bs.create_accounts(path)
        # the first week: the default only before it ends
        oldest = filters.week_options(page_scope(path=path))[-1]
        db.close_all()
        context, page, watch = bs.new_page(browser, "http://127.0.0.1")
        try:
            with bs.running_server(path) as url:
                page.goto(url + "/")
                bs.login(page, "lanhdao")
                bs.heading(page, "Tổng quan")
                label = periods.label(oldest)
                box = page.get_by_test_id("stSelectbox").filter(
                    has=page.get_by_text("Số liệu đến hết tuần", exact=True)
                )
                box.click()
                page.keyboard.type(label)
                page.get_by_role("option", name=label, exact=True).first.click()
                expect(page).to_have_url(re.compile(f"week={oldest}"), timeout=bs.TIMEOUT_MS)
                bs.idle(page)
                bs.go(page, "Nhiệm vụ")
                expect(page).to_have_url(re.compile(f"week={oldest}"), timeout=bs.TIMEOUT_MS)
                week_box = page.get_by_test_id("stSidebar").get_by_role(
                    "combobox", name="Số liệu đến hết tuần"
                )
                expect(week_box).to_have_value(label)
                watch.assert_clean()
        finally:
            context.close()
