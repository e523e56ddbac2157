"""A body's pages speak as that body: no word of the Office ('Văn phòng' as the body, its HCTC,
its Phòng Hành chính - Tổ chức) on the pages a xã's own accounts open."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.apptest_helpers import open_page
from tests.city_fixture import CITY_NOW
from tests.test_city_shell import account, everything
from tracker.ui import shell

pytestmark = pytest.mark.now(CITY_NOW)

# The xã's own "Văn phòng HĐND và UBND" is its unit, not the Office.
OFFICE_WORDS = re.compile(r"Văn phòng(?! HĐND)|VĂN PHÒNG|HCTC|Hành chính - Tổ chức|VPUB")
PAGES = [key for key in shell.PAGES if key not in ("thanh_pho", "xep_hang", "quan_tri_tp")]


@pytest.mark.parametrize("page_key", PAGES)
@pytest.mark.parametrize("username", ["x001.quantri", "x001.lanhdao", "x001.donvi"])
def test_a_bodys_pages_do_not_speak_as_the_office(city: Path, page_key: str, username: str) -> None:
    at = open_page(account(username), page_key)
    assert not at.exception
    found = sorted({line for line in everything(at).splitlines() if OFFICE_WORDS.search(line)})
    assert not found, "\n".join(found)


def test_the_login_page_of_a_city_names_no_single_body(city: Path) -> None:
    at = open_page(None, "tong_quan")
    caption = " ".join(str(c.value) for c in at.caption)
    assert "các cơ quan thành phố Cần Thơ" in caption
    assert shell.HOME_NAME not in caption


@pytest.mark.now("2027-01-06T09:00:00")  # 2027's plan not loaded yet: whom to ask
@pytest.mark.parametrize("page_key", ["tong_quan", "nop_bao_cao"])
def test_the_first_week_of_a_new_year_sends_a_body_to_its_own_administrator(
    city: Path, page_key: str
) -> None:
    at = open_page(account("x001.donvi"), page_key)
    shown = everything(at)
    assert "Kế hoạch năm 2027 chưa được nạp" in shown
    assert "liên hệ bộ phận quản trị của cơ quan (tài khoản Quản trị)" in shown
    assert not OFFICE_WORDS.search(shown.replace("Văn phòng HĐND", ""))


@pytest.mark.now("2027-01-06T09:00:00")
def test_thanh_pho_names_the_bodies_without_this_years_plan(city: Path) -> None:
    """In the first week of 2027 no sample body has loaded 2027's plan: Sở Nội vụ is told which
    cannot receive their units' sheets yet (and nothing of it in a year every body has)."""
    at = open_page(account("sonoivu"), "thanh_pho")
    warning = " ".join(str(w.value) for w in at.warning)
    assert "Kế hoạch năm 2027: 0/4 cơ quan đã nạp." in warning
    assert "UBND phường Ninh Kiều" in warning


def test_thanh_pho_says_nothing_of_plans_when_every_body_has_this_years(city: Path) -> None:
    at = open_page(account("sonoivu"), "thanh_pho")
    assert not any("cơ quan đã nạp" in str(w.value) for w in at.warning)
