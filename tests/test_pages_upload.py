"""Nộp báo cáo in AppTest: check, preview, confirm; no double insert when the page reruns."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.apptest_helpers import open_page, texts
from tests.conftest import set_now
from tests.workbook_factory import Book
from tracker.store import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def thursday_of_week_10(monkeypatch: pytest.MonkeyPatch) -> None:
    set_now(monkeypatch, datetime(2026, 3, 5, 10, 0))


def submissions(status: str) -> int:
    return db.scalar("select count(*) from submission where status = $s", {"s": status})


def upload(at, *files: tuple[str, bytes]):
    at.file_uploader(key="upload_files").set_value([(n, d, XLSX) for n, d in files]).run()
    return at


def test_check_then_confirm_without_double_insert(users) -> None:
    at = open_page(users["don_vi"], "nop_bao_cao", {"week": "2026-W10"})
    assert not at.exception
    upload(at, ("hctc.xlsx", Book().to_bytes()))
    assert not at.exception
    assert submissions("accepted") == 0  # checked only
    results = at.dataframe[0].value
    assert results["Kết quả"].tolist() == ["Hợp lệ - chờ xác nhận"]
    at.button(key="confirm").click().run()
    assert "Đã nhận báo cáo Tuần 10/2026 của HCTC" in texts(at)
    at.run()  # a rerun with the file still in the uploader
    at.run()
    assert submissions("accepted") == 1
    assert db.scalar("select count(*) from progress_row") == 11


def test_rejected_file_shows_errors_and_is_recorded_once(users) -> None:
    book = Book()
    book.progress[0]["percent"] = 140
    at = open_page(users["don_vi"], "nop_bao_cao", {"week": "2026-W10"})
    upload(at, ("sai.xlsx", book.to_bytes()), ("dung.xlsx", Book(reporter="Hà").to_bytes()))
    at.run()
    assert submissions("rejected") == 1
    problems = at.dataframe[1].value
    assert book.cell("II.1.a", "percent") in problems["Ô"].tolist()
    assert "Lỗi" in problems["Mức độ"].tolist()
    assert at.button(key="confirm").label.startswith("3. Xác nhận nộp 1 tệp")


def test_no_change_button_submits_last_figures(users) -> None:
    at = open_page(users["don_vi"], "nop_bao_cao", {"week": "2026-W10"})
    at.button(key="no_change").click().run()
    assert not at.exception
    assert submissions("accepted") == 1
    assert db.scalar("select period from submission where status = 'accepted'") == "2026-W10"


def test_admin_chooses_the_unit(users) -> None:
    at = open_page(users["quan_tri"], "nop_bao_cao", {"week": "2026-W10", "unit": "BTCD"})
    assert not at.exception
    assert at.selectbox(key="filter_unit").value == "BTCD"
