"""AppTest runs of every page, entered through app.py, for each role and logged out."""

from __future__ import annotations

import pytest

from tests.apptest_helpers import open_page, texts
from tracker.ui import shell


def test_logged_out_sees_login_form(tmp_db) -> None:
    at = open_page(None)
    assert not at.exception
    assert at.title[0].value == "Đăng nhập"
    assert "Chưa có tài khoản" in texts(at)


def test_login_flow(users) -> None:
    at = open_page(None)
    at.text_input(key="login_username").input("admin")
    at.text_input(key="login_password").input("mat-khau-2026")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state[shell.SESSION_USER].role == "quan_tri"
    assert at.title[0].value == "Tổng quan"


def test_wrong_password_shows_message(users) -> None:
    at = open_page(None)
    at.text_input(key="login_username").input("admin")
    at.text_input(key="login_password").input("sai")
    at.button[0].click().run()
    assert "không đúng" in texts(at)
    assert shell.SESSION_USER not in at.session_state


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao", "quan_tri"])
@pytest.mark.parametrize("page_key", list(shell.PAGES))
def test_every_page_for_every_role(users, role: str, page_key: str) -> None:
    at = open_page(users[role], page_key)
    assert not at.exception, at.exception
    allowed = role in shell.PAGES[page_key].roles
    refused = any("không dành cho vai trò" in e.value for e in at.error)
    assert refused is not allowed


@pytest.mark.parametrize(
    "page_key", [k for k, p in shell.PAGES.items() if k != "tong_quan" and "quan_tri" in p.roles]
)
def test_a_direct_open_runs_that_page_alone(users, page_key: str) -> None:
    """open_page() opens a page in one run, as a direct link does (no Tổng quan first): the
    page's own title, not the overview's. (The city's pages, which a body's administrator may
    not open: tests/test_city_shell.py.)"""
    at = open_page(users["quan_tri"], page_key)
    assert not at.exception, at.exception
    titles = [t.value for t in at.title]
    assert titles and titles[0].startswith(shell.PAGES[page_key].title), titles
    assert not titles[0].startswith("Tổng quan")


def test_plan_page_shows_the_seed(users) -> None:
    at = open_page(users["don_vi"], "ke_hoach")
    table = at.dataframe[0].value
    assert table["Mã"].tolist()[0] == "II.1.a"
    row = table[table["Mã"] == "II.4"].iloc[0]
    assert row["Chủ trì"] == "Ban Tiếp công dân thành phố"
    assert row["Chỉ đạo"] == "Trưởng ban Ban Tiếp công dân thành phố"
    assert table[table["Mã"] == "III.2.b"].iloc[0]["Loại"] == "Khi có yêu cầu"
    assert not any("Nâng cao hiệu quả công tác tiếp dân" in t.value for t in at.text)
    at.session_state["plan_task_II.4"] = True  # a task's text is drawn when opened (issue 35)
    at.run()
    assert any("Nâng cao hiệu quả công tác tiếp dân" in t.value for t in at.text)
