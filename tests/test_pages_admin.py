"""AppTest runs of the Quản trị and Tài khoản pages for each role, and their actions."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import open_page, texts
from tests.conftest import PASSWORD
from tracker import settings
from tracker.accounts import auth
from tracker.store import backup, db
from tracker.ui import shell

NEW_PASSWORD = "mat-khau-moi-2026"


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The first table shown with `column` (AppTest does not expose st.dataframe keys)."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with column {column!r}")


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao"])
def test_quan_tri_refuses_non_admins(users: dict, role: str) -> None:
    at = open_page(users[role], "quan_tri")
    assert not at.exception
    assert any("không dành cho vai trò" in e.value for e in at.error)
    assert not at.tabs
    assert not at.dataframe


def test_quan_tri_for_admin_shows_every_tab(users: dict) -> None:
    at = open_page(users["quan_tri"], "quan_tri")
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == [
        "Tài khoản",
        "Kế hoạch",
        "Danh mục",
        "Khóa tuần & ngoại lệ",
        "Lịch sử nộp",
        "Nhập hàng loạt",
        "Nhật ký",
        "Sao lưu",
    ]
    table = _table(at, "Đăng nhập lần cuối")
    assert sorted(table["Tên đăng nhập"]) == ["admin", "btcd", "hctc", "lanhdao"]
    assert set(table["Vai trò"]) == {"Quản trị", "Lãnh đạo", "Đơn vị"}
    audit_rows = _table(at, "Người thực hiện")
    assert (audit_rows["Thao tác"] == "Tạo tài khoản").sum() == 4


def test_admin_creates_an_account_in_the_page(users: dict) -> None:
    at = open_page(users["quan_tri"], "quan_tri")
    at.text_input(key="new_username").input("canbo_btcd")
    at.text_input(key="new_full_name").input("Trần Thị B")
    at.selectbox(key="new_role").set_value("don_vi")
    at.selectbox(key="new_unit").set_value("BTCD")
    at.text_input(key="new_password").input(NEW_PASSWORD)
    at.button(key="FormSubmitter:create_user_form-Tạo tài khoản").click().run()
    assert not at.exception, at.exception
    assert "Đã tạo tài khoản 'canbo_btcd' (Đơn vị)." in texts(at)
    assert auth.authenticate("canbo_btcd", NEW_PASSWORD).unit_code == "BTCD"
    assert (
        db.scalar(
            "select username from audit_log where action = 'user_create' and target = 'canbo_btcd'"
        )
        == "admin"
    )


def test_admin_disables_and_resets_in_the_page(users: dict) -> None:
    at = open_page(users["quan_tri"], "quan_tri")
    at.selectbox(key="target_user").set_value("btcd").run()
    at.button(key="toggle_active").click().run()
    assert not at.exception, at.exception
    assert db.scalar("select active from app_user where username = 'btcd'") is False
    at.text_input(key="reset_password").input(NEW_PASSWORD)
    at.button(key="FormSubmitter:reset_password_form-Đặt lại mật khẩu").click().run()
    assert "Đã đặt lại mật khẩu cho 'btcd'" in texts(at)
    assert db.scalar("select count(*) from audit_log where action = 'password_reset'") == 1


def test_short_password_is_refused_with_a_message(users: dict) -> None:
    at = open_page(users["quan_tri"], "quan_tri")
    at.selectbox(key="target_user").set_value("hctc").run()
    at.text_input(key="reset_password").input("ngan")
    at.button(key="FormSubmitter:reset_password_form-Đặt lại mật khẩu").click().run()
    assert not at.exception
    assert "ít nhất 8 ký tự" in texts(at)


def test_saving_an_unchanged_catalogue_changes_nothing(users: dict) -> None:
    at = open_page(users["quan_tri"], "quan_tri")
    at.selectbox(key="catalogue_name").set_value("tasks").run()
    at.button(key="save_tasks").click().run()
    assert not at.exception, at.exception
    assert "Không có thay đổi nào để lưu." in texts(at)
    assert db.scalar("select count(*) from audit_log where action = 'catalogue_edit'") == 0


@pytest.mark.now("2026-03-04T09:00:00")  # W10: the list of weeks offers W08
def test_grant_exception_in_the_page(users: dict) -> None:
    at = open_page(users["quan_tri"], "quan_tri")
    at.selectbox(key="exc_unit").set_value("BTCD")
    at.selectbox(key="exc_week").set_value("2026-W08")
    at.text_input(key="exc_reason").input("Mất điện cả tuần")
    at.button(key="FormSubmitter:grant_exception_form-Cho phép nộp").click().run()
    assert not at.exception, at.exception
    assert "Đã cho phép (ngoại lệ số 1)" in texts(at)
    table = _table(at, "Còn hiệu lực")
    assert table["Lý do"].tolist() == ["Mất điện cả tuần"]
    assert bool(table["Còn hiệu lực"].iloc[0]) is True
    at.button(key="revoke_button").click().run()
    assert not at.exception, at.exception
    assert db.scalar("select expires_at from lock_exception") <= settings.now()


def test_missing_reason_is_refused(users: dict) -> None:
    at = open_page(users["quan_tri"], "quan_tri")
    at.button(key="FormSubmitter:grant_exception_form-Cho phép nộp").click().run()
    assert "Cần ghi lý do" in texts(at)
    assert db.scalar("select count(*) from lock_exception") == 0


def _accepted(version: int, percent: float) -> int:
    data = f"tep phien ban {version}".encode()
    digest = hashlib.sha256(data).hexdigest()
    target = settings.files_dir() / digest[:2] / f"{digest}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    with db.transaction() as tx:
        sid = tx.scalar(
            "insert into submission (sha256, filename, unit_code, period, status, uploaded_at, "
            "uploaded_by, uploader_role, has_progress) values ($h, $f, 'HCTC', '2026-W10', "
            "'accepted', $t, 'hctc', 'don_vi', true) returning id",
            {
                "h": digest,
                "f": f"v{version}.xlsx",
                "t": datetime(2026, 3, 5, 9) + timedelta(hours=version),
            },
        )
        tx.execute(
            "insert into progress_row (submission_id, task_code, row_no, status, percent) "
            "values ($i, 'II.2', 5, 'Đang thực hiện', $p)",
            {"i": sid, "p": percent},
        )
        tx.execute(
            "insert or replace into current_sheet values ('HCTC', '2026-W10', 'progress', $i)",
            {"i": sid},
        )
    return sid


def test_history_restores_an_earlier_version(users: dict) -> None:
    first = _accepted(1, 30.0)
    second = _accepted(2, 40.0)
    at = open_page(users["quan_tri"], "quan_tri")
    table = _table(at, "Đang dùng cho trang tính")
    assert table["Số"].tolist() == [second, first]
    assert table["Đang dùng cho trang tính"].tolist() == ["Tiến độ", ""]
    at.selectbox(key="history_id").set_value(first).run()
    at.button(key="history_restore").click().run()
    assert not at.exception, at.exception
    assert f"Đã khôi phục bản nộp số {first} cho các trang tính: Tiến độ." in texts(at)
    assert db.scalar("select submission_id from current_sheet") == first
    assert db.scalar("select count(*) from audit_log where action = 'submission_restore'") == 1


def test_backup_now_in_the_page(users: dict) -> None:
    at = open_page(users["quan_tri"], "quan_tri")
    at.button(key="backup_now").click().run()
    assert not at.exception, at.exception
    assert "Đã sao lưu vào" in texts(at)
    (made,) = backup.backups_dir().iterdir()
    backup.verify(made)
    assert _table(at, "Số tệp đã nộp")["Loại"].tolist() == ["Thủ công"]
    at.button(key="verify_button").click().run()
    assert "Bản sao lưu nguyên vẹn" in texts(at)


def test_audit_filter_in_the_page(users: dict) -> None:
    with pytest.raises(auth.AccountError):
        auth.authenticate("hctc", "sai-mat-khau")
    at = open_page(users["quan_tri"], "quan_tri")
    at.selectbox(key="audit_action").set_value("login_failed").run()
    table = _table(at, "Người thực hiện")
    assert table["Người thực hiện"].tolist() == ["hctc"]
    assert table["Thao tác"].tolist() == ["Đăng nhập sai"]


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao", "quan_tri"])
def test_tai_khoan_for_every_role(users: dict, role: str) -> None:
    user = users[role]
    at = open_page(user, "tai_khoan")
    assert not at.exception, at.exception
    info = _table(at, "Thông tin")
    values = dict(zip(info["Thông tin"], info["Giá trị"], strict=True))
    assert values["Tên đăng nhập"] == user.username
    assert values["Vai trò"] == user.role_label
    assert values["Đơn vị"] == ("Phòng Hành chính - Tổ chức (HCTC)" if role == "don_vi" else "")
    at.text_input(key="pw_old").input(PASSWORD)
    at.text_input(key="pw_new").input(NEW_PASSWORD)
    at.text_input(key="pw_again").input(NEW_PASSWORD)
    at.button(key="FormSubmitter:change_password_form-Đổi mật khẩu").click().run()
    assert "Đã đổi mật khẩu" in texts(at)
    assert auth.authenticate(user.username, NEW_PASSWORD).role == role
    at.run()  # this session goes on after its own password change (others end)
    assert at.title[0].value == "Tài khoản của tôi"


def test_tai_khoan_refuses_wrong_or_mismatched_passwords(users: dict) -> None:
    at = open_page(users["don_vi"], "tai_khoan")
    at.text_input(key="pw_old").input("sai-mat-khau")
    at.text_input(key="pw_new").input(NEW_PASSWORD)
    at.text_input(key="pw_again").input(NEW_PASSWORD)
    at.button(key="FormSubmitter:change_password_form-Đổi mật khẩu").click().run()
    assert "Mật khẩu hiện tại không đúng." in texts(at)
    at.text_input(key="pw_old").input(PASSWORD)
    at.text_input(key="pw_new").input(NEW_PASSWORD)
    at.text_input(key="pw_again").input("khac-han-2026")
    at.button(key="FormSubmitter:change_password_form-Đổi mật khẩu").click().run()
    assert "không khớp" in texts(at)
    assert auth.authenticate("hctc", PASSWORD).username == "hctc"


def test_logout_from_tai_khoan(users: dict) -> None:
    at = open_page(users["lanh_dao"], "tai_khoan")
    at.button(key="logout_page").click().run()
    assert shell.SESSION_USER not in at.session_state
    assert at.title[0].value == "Đăng nhập"


def test_a_disabled_account_loses_its_open_session(users: dict) -> None:
    at = open_page(users["don_vi"], "tai_khoan")
    assert at.title[0].value == "Tài khoản của tôi"
    auth.set_active("hctc", False, by=users["quan_tri"])
    at.run()
    assert at.title[0].value == "Đăng nhập"
    assert "vô hiệu hóa" in texts(at)
