"""Quản trị thành phố (tracker/ui/pages/quan_tri_tp.py): the city administrator's page, refused
to every other role and linked in no other role's sidebar; its writes (a body by the form, the
catalogue and the city items by CSV, a setting of Sở Nội vụ's Báo cáo) go through the domain
functions and show their outcome in Vietnamese. On the city sample (tests/city_fixture.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

from tests.apptest_helpers import open_page, texts
from tests.city_fixture import CITY_NOW
from tests.conftest import PASSWORD
from tests.test_city_shell import account, everything, table_with
from tracker import settings
from tracker.accounts import auth, devices, signin
from tracker.catalogue import criteria
from tracker.city import bodies, city_settings, items, registry, shared_criteria
from tracker.roles import CITY_SYSTEM
from tracker.ui import city_accounts, shell
from tracker.ui.pages import quan_tri_tp

pytestmark = pytest.mark.now(CITY_NOW)

ADMIN = "thanhpho.quantri"
TITLE = shell.PAGES["quan_tri_tp"].title
SECTIONS = [
    "Cơ quan",
    "Mục của Kế hoạch thành phố",
    "Bộ tiêu chí của thành phố",
    "Tham số Báo cáo của Sở Nội vụ",
    "Tài khoản thành phố",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _links(at) -> list[str]:
    return [link.proto.label for link in at.sidebar.get("page_link")]


def test_the_city_administrator_sees_every_section(city: Path) -> None:
    at = open_page(account(ADMIN), "quan_tri_tp")
    assert not at.exception, at.exception
    assert at.title[0].value == TITLE
    assert [t.label for t in at.tabs] == SECTIONS
    assert TITLE in _links(at)
    catalogue = table_with(at, "Có cơ sở dữ liệu")
    assert {"VPUB", "SNV", "X001", "X002"} <= set(catalogue["Mã"])
    assert set(catalogue["Loại"]) <= set(bodies.KINDS.values())
    listed = table_with(at, "Mã mục")
    year = int(at.sidebar.selectbox(key="filter_nam").value)
    assert listed["Mã mục"].tolist() == [i.code for i in items.items(year, registry.path())]
    assert not table_with(at, "Điểm tối đa").empty  # the city's criteria set of the year
    settings_shown = table_with(at, "Ý nghĩa")
    assert settings_shown["Tham số"].tolist() == list(city_settings.DEFAULTS)
    assert "python -m tracker users add --role quan_tri_tp" in texts(at)
    assert "chưa làm được" not in texts(at)


@pytest.mark.parametrize(
    "username", ["sonoivu", "sonoivu.lanhdao", "x001.quantri", "quantri", "x001.donvi"]
)
def test_every_other_role_is_refused(city: Path, username: str) -> None:
    at = open_page(account(username), "quan_tri_tp")
    assert not at.exception, at.exception
    assert any("không dành cho vai trò" in e.value for e in at.error)
    assert TITLE not in _links(at)
    assert not at.dataframe and not at.get("file_uploader")
    assert "Tham số Báo cáo của Sở Nội vụ" not in everything(at)


def test_a_body_saved_by_the_form_is_in_the_catalogue(city_rw: Path) -> None:
    at = open_page(account(ADMIN), "quan_tri_tp")
    assert at.selectbox(key="qttp_body_pick").value == ""  # a new body
    at.text_input(key="qttp_body_code_new").input("XA_MOI")
    at.text_input(key="qttp_body_name_new").input("UBND xã Mới")
    at.selectbox(key="qttp_body_kind_new").select("xa_phuong")
    at.button(key="qttp_body_save").click().run()
    assert not at.exception, at.exception
    assert any("Đã lưu cơ quan UBND xã Mới (XA_MOI)" in s.value for s in at.success)
    catalogue = table_with(at, "Có cơ sở dữ liệu")
    row = catalogue[catalogue["Mã"] == "XA_MOI"].iloc[0]
    assert row["Loại"] == "UBND xã, phường" and row["Đang theo dõi"] == "Có"
    assert row["Có cơ sở dữ liệu"] == "Không"  # as `body load`: the catalogue only
    found = bodies.find("XA_MOI", registry.path())
    assert found is not None and found.name == "UBND xã Mới" and found.kind == "xa_phuong"


def test_a_body_the_form_cannot_save_says_why(city_rw: Path) -> None:
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.text_input(key="qttp_body_code_new").input("1sai")
    at.button(key="qttp_body_save").click().run()
    assert not at.exception, at.exception
    assert any("Chưa lưu được cơ quan" in e.value for e in at.error)
    problems = table_with(at, "Lỗi")["Lỗi"].tolist()
    assert any("không hợp lệ" in p for p in problems) and any("thiếu tên" in p for p in problems)
    assert bodies.find("1SAI", registry.path()) is None


def test_an_invalid_catalogue_shows_every_problem_and_changes_nothing(city_rw: Path) -> None:
    before = bodies.export_csv(registry.path())
    bad = "code,name,kind,active,sample\nVPUB,Văn phòng,van_phong,true,false\nsai ma,,tinh,có,\n"
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.file_uploader(key="qttp_bodies_up").set_value(("co_quan.csv", bad.encode(), "text/csv"))
    at.run()
    at.button(key="qttp_bodies_load").click().run()
    assert not at.exception, at.exception
    assert any("chưa nạp gì" in e.value for e in at.error)
    problems = table_with(at, "Lỗi")["Lỗi"].tolist()
    assert len(problems) == 3, problems  # the code, the name, the kind of line 3
    assert all(p.startswith("co_quan.csv, dòng 3:") for p in problems)
    assert bodies.export_csv(registry.path()) == before


def test_a_catalogue_upload_replaces_the_catalogue(city_rw: Path) -> None:
    reg = registry.path()
    data = bodies.export_csv(reg).decode("utf-8-sig")
    data = "\n".join(line for line in data.splitlines() if not line.startswith("X002,"))
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.file_uploader(key="qttp_bodies_up").set_value(("co_quan.csv", data.encode(), "text/csv"))
    at.run()
    at.button(key="qttp_bodies_load").click().run()
    assert not at.exception, at.exception
    assert any("Đã nạp danh mục 3 cơ quan từ co_quan.csv" in s.value for s in at.success)
    assert not bodies.find("X002", reg).active and bodies.find("X001", reg).active


def test_the_upload_handlers_refuse_a_body_role(city_rw: Path) -> None:
    reg = registry.path()
    before = bodies.export_csv(reg)
    ok, said = quan_tri_tp.load_bodies(account("quantri"), reg, before, "co_quan.csv")
    assert not ok and "không có quyền" in said[0]
    ok, said = quan_tri_tp.load_items(account("sonoivu"), reg, b"year,code,title\n", "m.csv")
    assert not ok and "không có quyền" in said[0]


def test_items_loaded_from_a_csv_replace_the_years_list(city_rw: Path) -> None:
    reg = registry.path()
    csv = "year,code,title,note\n2026,1,Mục một mới,\n2026,2,Mục hai mới,ghi chú\n"
    at = open_page(account(ADMIN), "quan_tri_tp", {"nam": "2026"})
    at.file_uploader(key="qttp_items_up").set_value(("muc.csv", csv.encode(), "text/csv"))
    at.run()
    at.button(key="qttp_items_load").click().run()
    assert not at.exception, at.exception
    assert any("năm 2026 từ muc.csv" in s.value for s in at.success)
    assert [i.title for i in items.items(2026, reg)] == ["Mục một mới", "Mục hai mới"]
    assert table_with(at, "Mã mục")["Nội dung"].tolist() == [
        "Mục một mới",
        "Mục hai mới",
    ]


def test_a_setting_set_by_the_form_is_stored(city_rw: Path) -> None:
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.selectbox(key="qttp_set_key").select("report_signer_name").run()
    at.text_input(key="qttp_set_value_report_signer_name").input("Nguyễn Văn An")
    at.button(key="qttp_set_save").click().run()
    assert not at.exception, at.exception
    assert any("Đã đổi tham số report_signer_name" in s.value for s in at.success)
    assert city_settings.values(registry.path())["report_signer_name"] == "Nguyễn Văn An"
    shown = table_with(at, "Ý nghĩa")
    assert "Nguyễn Văn An" in shown["Giá trị"].tolist()


def _criteria_book() -> bytes:
    """The home body's active set of 2026 as the .xlsx the page reads."""
    return criteria.to_xlsx(
        criteria.active_set(settings.db_path(), year=2026)["id"], settings.db_path()
    )


def test_a_criteria_set_loaded_on_the_page_reaches_every_body(city_rw: Path) -> None:
    reg = registry.path()
    at = open_page(account(ADMIN), "quan_tri_tp", {"nam": "2026"})
    at.file_uploader(key="qttp_criteria_up").set_value(("bo.xlsx", _criteria_book(), XLSX))
    at.run()
    at.text_input(key="qttp_criteria_label").input("Phụ lục II chính thức")
    at.button(key="qttp_criteria_load").click().run()
    assert not at.exception, at.exception
    assert any("Đã nạp bộ tiêu chí năm 2026" in s.value for s in at.success)
    assert shared_criteria.city_set(2026, reg)[0]["label"] == "Phụ lục II chính thức"
    x001 = bodies.find("X001", reg).path
    assert criteria.active_set(x001, year=2026)["label"] == "Phụ lục II chính thức"


def test_a_criteria_set_without_a_name_is_refused(city_rw: Path) -> None:
    reg = registry.path()
    before = shared_criteria.city_set(2026, reg)[0]
    at = open_page(account(ADMIN), "quan_tri_tp", {"nam": "2026"})
    at.file_uploader(key="qttp_criteria_up").set_value(("bo.xlsx", _criteria_book(), XLSX))
    at.run()
    at.text_input(key="qttp_criteria_label").input(" ")
    at.button(key="qttp_criteria_load").click().run()
    assert not at.exception, at.exception
    assert "Cần đặt tên cho bộ tiêu chí." in table_with(at, "Lỗi")["Lỗi"].tolist()
    assert shared_criteria.city_set(2026, reg)[0] == before


def test_an_unusable_setting_is_refused_in_vietnamese(city_rw: Path) -> None:
    before = city_settings.values(registry.path())
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.selectbox(key="qttp_set_key").select("report_number_prefix").run()
    at.text_input(key="qttp_set_value_report_number_prefix").input("")
    at.button(key="qttp_set_save").click().run()
    assert not at.exception, at.exception
    assert any("Chưa đổi được tham số" in e.value for e in at.error)
    assert city_settings.values(registry.path()) == before


def test_a_city_account_made_on_the_page_signs_in_to_the_city(city_rw: Path) -> None:
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.text_input(key="qttp_acc_username").input("snv.moi")
    at.text_input(key="qttp_acc_full_name").input("Trần Thị Bình")
    at.selectbox(key="qttp_acc_role").select("so_noi_vu")
    at.text_input(key="qttp_acc_password").input(PASSWORD)
    at.button(key="qttp_acc_create").click().run()
    assert not at.exception, at.exception
    assert any("Đã tạo tài khoản 'snv.moi' (Sở Nội vụ)" in s.value for s in at.success)
    made = account("snv.moi")
    assert made.role == "so_noi_vu" and made.is_city
    again = open_page(account(ADMIN), "quan_tri_tp")
    again.text_input(key="qttp_acc_username").input("x001.quantri")  # a body's name: taken
    again.text_input(key="qttp_acc_password").input(PASSWORD)
    again.button(key="qttp_acc_create").click().run()
    assert any("đã được dùng" in p or "đã tồn tại" in p for p in table_with(again, "Lỗi")["Lỗi"])


def test_a_new_body_started_on_the_page_has_its_file_and_its_administrator(city_rw: Path) -> None:
    """Catalogue first, then "Bắt đầu theo dõi": the body's file is made and its first
    administrator signs in there (and is the body's quan_tri, confined to it)."""
    bodies.save_body(
        account(ADMIN), registry.path(), code="XA_MOI", name="UBND xã Mới", kind="xa_phuong"
    )
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.selectbox(key="qttp_start_code").select("XA_MOI")
    at.text_input(key="qttp_start_username").input("xamoi.quantri")
    at.text_input(key="qttp_start_full_name").input("Lê Văn Tư")
    at.text_input(key="qttp_start_password").input(PASSWORD)
    at.button(key="qttp_start_go").click().run()
    assert not at.exception, at.exception
    assert any("Đã tạo cơ sở dữ liệu của cơ quan XA_MOI" in s.value for s in at.success)
    assert settings.body_db_path("XA_MOI").exists()
    made = account("xamoi.quantri")
    assert made.role == "quan_tri" and not made.is_city
    signed = signin.sign_in("xamoi.quantri", PASSWORD, "127.0.0.1", None)
    assert signed is not None
    catalogue = table_with(at, "Có cơ sở dữ liệu")
    assert catalogue[catalogue["Mã"] == "XA_MOI"].iloc[0]["Có cơ sở dữ liệu"] == "Có"


def test_a_start_that_cannot_be_made_leaves_nothing_behind(city_rw: Path) -> None:
    reg = registry.path()
    bodies.save_body(account(ADMIN), reg, code="XA_MOI", name="UBND xã Mới", kind="xa_phuong")
    short = quan_tri_tp.start_body(
        account(ADMIN), reg, code="XA_MOI", username="xamoi.quantri", full_name="", password="ngan"
    )
    taken = quan_tri_tp.start_body(
        account(ADMIN), reg, code="XA_MOI", username="x001.quantri", full_name="", password=PASSWORD
    )
    again = quan_tri_tp.start_body(
        account(ADMIN), reg, code="X001", username="x001.moi", full_name="", password=PASSWORD
    )
    body_role = quan_tri_tp.start_body(
        account("x001.quantri"), reg, code="XA_MOI", username="a.b", full_name="", password=PASSWORD
    )
    assert not short[0] and "ít nhất" in short[1][0]
    assert not taken[0] and "đã được dùng" in taken[1][0]
    assert not again[0] and "đã có cơ sở dữ liệu" in again[1][0]
    assert not body_role[0]
    assert not settings.body_db_path("XA_MOI").exists()
    ok = quan_tri_tp.start_body(
        account(ADMIN),
        reg,
        code="XA_MOI",
        username="xamoi.quantri",
        full_name="",
        password=PASSWORD,
    )
    assert ok[0], ok  # the refused attempts reserved no name


# --- Tài khoản thành phố ----------------------------------------------------------------------

CITY_ACCOUNTS = {"sonoivu", "sonoivu.lanhdao", ADMIN}


def _signs_in(username: str, password: str = "demo-2026", client: str = "127.0.0.1") -> bool:
    try:
        signin.sign_in(username, password, client, None)
    except auth.AccountError:
        return False
    return True


def _active(username: str) -> bool:
    return bool(auth.account(username, registry.path())["active"])


def test_the_city_accounts_are_listed_with_role_state_and_last_sign_in(city: Path) -> None:
    at = open_page(account(ADMIN), "quan_tri_tp")
    assert not at.exception, at.exception
    listed = table_with(at, "Đăng nhập lần cuối")
    assert set(listed["Tên đăng nhập"]) == CITY_ACCOUNTS  # the registry's, no body's account
    assert "Đơn vị" not in listed.columns
    roles = dict(zip(listed["Tên đăng nhập"], listed["Vai trò"], strict=True))
    assert roles == {
        "sonoivu": "Sở Nội vụ",
        "sonoivu.lanhdao": "Lãnh đạo Sở Nội vụ",
        ADMIN: "Quản trị thành phố",
    }
    assert listed["Hoạt động"].all()
    assert len(at.selectbox(key="qttp_acc_target").options) == len(CITY_ACCOUNTS)


def test_the_last_sign_in_is_the_registry_s(city_rw: Path) -> None:
    assert _signs_in("sonoivu")
    at = open_page(account(ADMIN), "quan_tri_tp")
    listed = table_with(at, "Đăng nhập lần cuối").set_index("Tên đăng nhập")
    assert listed.loc["sonoivu", "Đăng nhập lần cuối"] == pd.Timestamp(CITY_NOW)
    assert pd.isna(listed.loc["sonoivu.lanhdao", "Đăng nhập lần cuối"])


@pytest.mark.parametrize("username", ["sonoivu", "sonoivu.lanhdao", "x001.quantri", "quantri"])
def test_every_account_action_is_refused_in_the_domain_to_other_roles(
    city_rw: Path, username: str
) -> None:
    """Not only hidden: each handler, called as another role, is refused and changes nothing
    (a body's administrator manages its own body's accounts, never the city's)."""
    reg, by = registry.path(), account(username)
    target = "sonoivu" if username == "sonoivu.lanhdao" else "sonoivu.lanhdao"  # not their own
    devices.issue(target, client="10.1.1.1", user_agent="Firefox/1", path=reg)
    with pytest.raises(auth.PermissionDenied):
        city_accounts.accounts_frame(by, reg)
    attempts = [
        city_accounts.set_active(by, reg, target, False),
        city_accounts.unlock(by, reg, target),
        city_accounts.reset_password(by, reg, target, "mat-khau-moi-2026"),
        city_accounts.revoke_browsers(by, reg, target),
        city_accounts.update_account(by, reg, target, full_name="Đổi tên", role="quan_tri_tp"),
        city_accounts.create_account(
            by, reg, username="snv.la", full_name="", role="quan_tri_tp", password=PASSWORD
        ),
    ]
    for ok, said in attempts:
        assert not ok and ("không có quyền" in said[0] or "chỉ quản lý" in said[0]), said
    after = auth.account(target, reg)
    assert after["active"] and after["role"] != "quan_tri_tp" and after["full_name"] != "Đổi tên"
    assert len(devices.browsers(target, reg)) == 1
    assert _signs_in(target) and auth.account("snv.la", reg) is None


def test_disabling_and_enabling_a_city_account_on_the_page(city_rw: Path) -> None:
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.selectbox(key="qttp_acc_target").select("sonoivu").run()
    assert at.button(key="qttp_acc_toggle").label == "Vô hiệu hóa"
    at.button(key="qttp_acc_toggle").click().run()
    assert not at.exception, at.exception
    assert any("Đã vô hiệu hóa tài khoản 'sonoivu'" in s.value for s in at.success)
    assert not _active("sonoivu") and not _signs_in("sonoivu")
    listed = table_with(at, "Hoạt động").set_index("Tên đăng nhập")
    assert not listed.loc["sonoivu", "Hoạt động"]
    assert at.button(key="qttp_acc_toggle").label == "Kích hoạt"
    at.button(key="qttp_acc_toggle").click().run()
    assert any("Đã kích hoạt tài khoản 'sonoivu'" in s.value for s in at.success)
    assert _active("sonoivu") and _signs_in("sonoivu")


def test_a_password_reset_on_the_page_follows_the_password_rule(city_rw: Path) -> None:
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.selectbox(key="qttp_acc_target").select("sonoivu.lanhdao").run()
    at.text_input(key="qttp_acc_reset_pw").input("ngan")
    at.button(key="qttp_acc_reset").click().run()
    assert not at.exception, at.exception
    assert any("Chưa đặt lại được mật khẩu" in e.value for e in at.error)
    assert any("ít nhất 8 ký tự" in p for p in table_with(at, "Lỗi")["Lỗi"])
    assert _signs_in("sonoivu.lanhdao")
    at.text_input(key="qttp_acc_reset_pw").input("mat-khau-moi-2026")
    at.button(key="qttp_acc_reset").click().run()
    assert any("Đã đặt lại mật khẩu cho 'sonoivu.lanhdao'" in s.value for s in at.success)
    assert not _signs_in("sonoivu.lanhdao")
    assert _signs_in("sonoivu.lanhdao", "mat-khau-moi-2026")


def test_login_locks_and_trusted_browsers_are_cleared_on_the_page(city_rw: Path) -> None:
    reg = registry.path()
    devices.issue("sonoivu", client="10.1.1.1", user_agent="Chrome/1 Windows", path=reg)
    for _ in range(settings.MAX_FAILED_LOGINS):
        assert not _signs_in("sonoivu", "sai-mat-khau", client="10.9.9.9")
    assert not _signs_in("sonoivu", client="10.9.9.9")  # locked from that address
    at = open_page(account(ADMIN), "quan_tri_tp")
    pressure = table_with(at, "Từ đâu")
    assert "sonoivu" in set(pressure["Tài khoản"])
    at.selectbox(key="qttp_acc_target").select("sonoivu").run()
    assert table_with(at, "Trình duyệt")["Trình duyệt"].tolist() == ["Chrome trên Windows"]
    at.button(key="qttp_acc_unlock").click().run()
    assert not at.exception, at.exception
    assert any("Đã mở khóa đăng nhập cho 'sonoivu'" in s.value for s in at.success)
    assert _signs_in("sonoivu", client="10.9.9.9")
    at.button(key="qttp_acc_revoke").click().run()
    assert any("Đã thu hồi 1 máy của 'sonoivu'" in s.value for s in at.success)
    assert devices.browsers("sonoivu", reg).empty


def test_a_name_and_role_changed_on_the_page(city_rw: Path) -> None:
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.selectbox(key="qttp_acc_target").select("sonoivu").run()
    at.text_input(key="qttp_acc_edit_name_sonoivu").input("Phạm Văn Cường")
    at.selectbox(key="qttp_acc_edit_role_sonoivu").select("lanh_dao_snv")
    at.button(key="qttp_acc_edit_save").click().run()
    assert not at.exception, at.exception
    assert any("Đã cập nhật tài khoản 'sonoivu'" in s.value for s in at.success)
    found = auth.account("sonoivu", registry.path())
    assert found["full_name"] == "Phạm Văn Cường" and found["role"] == "lanh_dao_snv"
    listed = table_with(at, "Vai trò").set_index("Tên đăng nhập")
    assert listed.loc["sonoivu", "Vai trò"] == "Lãnh đạo Sở Nội vụ"


def test_the_last_active_city_administrator_cannot_be_disabled(city_rw: Path) -> None:
    reg = registry.path()
    at = open_page(account(ADMIN), "quan_tri_tp")
    at.selectbox(key="qttp_acc_target").select(ADMIN).run()
    at.button(key="qttp_acc_toggle").click().run()  # themself
    assert not at.exception, at.exception
    assert any("Không thể tự vô hiệu hóa" in p for p in table_with(at, "Lỗi")["Lỗi"])
    # Nor by the command line, nor by giving the last one another role.
    for ok, said in (
        city_accounts.set_active(CITY_SYSTEM, reg, ADMIN, False),
        city_accounts.update_account(CITY_SYSTEM, reg, ADMIN, full_name="", role="so_noi_vu"),
    ):
        assert not ok and "quản trị thành phố cuối cùng đang hoạt động" in said[0], said
    assert _active(ADMIN) and auth.account(ADMIN, reg)["role"] == "quan_tri_tp"
    # With a second administrator, either may disable the other; then the one left may not be.
    made = city_accounts.create_account(
        account(ADMIN), reg, username="tp.hai", full_name="", role="quan_tri_tp", password=PASSWORD
    )
    assert made[0], made
    assert city_accounts.set_active(account("tp.hai"), reg, ADMIN, False)[0]
    assert not _active(ADMIN)
    ok, said = city_accounts.set_active(CITY_SYSTEM, reg, "tp.hai", False)
    assert not ok and "'tp.hai'" in said[0] and "cuối cùng" in said[0]
    assert city_accounts.set_active(CITY_SYSTEM, reg, ADMIN, True)[0]
    assert city_accounts.set_active(CITY_SYSTEM, reg, "tp.hai", False)[0]  # ADMIN is back


def test_two_administrators_disabling_each_other_at_once_leave_one(city_rw: Path) -> None:
    """The rule is checked inside the write's transaction (writers take turns): of two city
    administrators disabling each other at the same moment, exactly one succeeds."""
    reg = registry.path()
    made = city_accounts.create_account(
        account(ADMIN), reg, username="tp.hai", full_name="", role="quan_tri_tp", password=PASSWORD
    )
    assert made[0], made
    first, second = account(ADMIN), account("tp.hai")
    start = threading.Barrier(2)
    outcomes: dict[str, tuple[bool, list[str]]] = {}

    def disable(by, target: str) -> None:
        start.wait()
        outcomes[target] = city_accounts.set_active(by, reg, target, False)

    threads = [
        threading.Thread(target=disable, args=(first, "tp.hai")),
        threading.Thread(target=disable, args=(second, ADMIN)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(ok for ok, _ in outcomes.values()) == [False, True], outcomes
    (refused,) = [said[0] for ok, said in outcomes.values() if not ok]
    assert "quản trị thành phố cuối cùng đang hoạt động" in refused
    assert [_active(ADMIN), _active("tp.hai")].count(True) == 1
