"""Every page in Streamlit's light and dark theme, in Debian's chromium (issue 12).

Two servers over the same small dataset (tests/metric_fixture.py): the default theme and
`--theme.base dark`. An administrator, who sees every page, opens each one from the sidebar; a
screenshot of each is kept under test-artifacts/screens/theme-<light|dark>-<page>.png for a
human look. Checked here: no exception or console error on any page, and charts take the page's
theme (a chart that forced plotly's white template showed a white block on the dark page).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import browser_support as bs
from tests import metric_fixture as fx
from tests.conftest import pinned
from tracker.catalogue import catalogues
from tracker.store import db
from tracker.ui import shell

pytestmark = [*bs.MARKS, pytest.mark.now(fx.NOW)]

WHITE = "rgb(255, 255, 255)"


def _database(path: Path) -> None:
    catalogues.open_database(path)
    bs.create_accounts(path)
    fx.load(path)
    db.close_all()


@pytest.fixture(scope="module", params=["light", "dark"])
def themed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """(theme, url, browser): a server in that theme over the fixture's data."""
    theme = request.param
    path = tmp_path_factory.mktemp(f"theme-{theme}") / "tracker.duckdb"
    extra = ("--theme.base", "dark") if theme == "dark" else ()
    with pinned(fx.NOW):
        db.close_all()
        _database(path)
        with bs.running_server(path, *extra) as url, bs.chromium() as browser:
            yield theme, url, browser


def _chart_backgrounds(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        '[data-testid="stPlotlyChart"] .main-svg',
        "nodes => nodes.map(n => getComputedStyle(n).backgroundColor)",
    )


def test_every_page_in_both_themes(themed: tuple) -> None:
    theme, url, browser = themed
    context, page, watch = bs.new_page(browser, url)
    try:
        page.goto(url)
        bs.login(page, bs.ACCOUNTS["quan_tri"])
        bs.heading(page, "Tổng quan")
        seen_chart = False
        for key, info in shell.PAGES.items():
            if "quan_tri" not in info.roles:
                continue
            if key != "tong_quan":
                bs.go(page, info.title)
            backgrounds = _chart_backgrounds(page)
            seen_chart = seen_chart or bool(backgrounds)
            if theme == "dark":
                assert WHITE not in backgrounds, (key, backgrounds)
            bs.screenshot(page, f"theme-{theme}-{key.replace('_', '-')}")
            watch.assert_clean()
        assert seen_chart, "no chart was drawn on any page"
    finally:
        context.close()
