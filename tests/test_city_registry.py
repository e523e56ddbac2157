"""The city registry (issue 34): made on first use with the home body registered, the body
catalogue and the city plan's items as data (checked, role-checked, exported back), the account
directory (usernames unique city-wide, each account signing in to its own store, a body's
administrator confined to its body), the city roles and the scope of every permission, and what
a new body's file is seeded with."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tracker import roles, settings
from tracker.accounts import auth, directory, signin
from tracker.catalogue import catalogues, criteria, plan, plan_loading, plans
from tracker.city import bodies, items, registry, seeding, shared_criteria
from tracker.roles import CITY_SYSTEM, SYSTEM
from tracker.store import db
from tracker.tools import cli

XA = {"code": "XA_THU", "name": "UBND xã Thử", "kind": "xa_phuong"}
UNITS = [{"code": "VPX", "name": "Văn phòng UBND xã"}, {"code": "KT", "name": "Phòng Kinh tế"}]


@pytest.fixture
def reg(users: dict) -> Path:
    """The registry of the test's database (made now), with one xã beside the Office."""
    path = registry.open_registry()
    bodies.save_body(CITY_SYSTEM, path, **XA)
    return path


def test_first_use_registers_the_home_body_and_changes_nothing_it_shows(users: dict) -> None:
    before = catalogues.export_csv("tasks", year=2026)
    path = registry.open_registry()
    assert path == settings.city_db_path() and db.is_city(path) and not db.is_city()
    listed = {b.code: b for b in bodies.all_bodies(path)}
    assert list(listed) == ["VPUB", "SNV"]
    assert listed["VPUB"].home and listed["VPUB"].path == settings.db_path()
    assert directory.store_of("hctc") == directory.home()  # the Office's accounts, recorded
    assert db.scalar("select count(*) from account_home where body = 'VPUB'", path=path) == 4
    # The tasks name their city item (data/tasks.csv); the rest of the plan is as it was.
    codes = dict(db.rows("select code, city_item from task where plan_year = 2026"))
    assert codes["II.4"] == "4" and codes["III.2.b"] == "8"
    assert catalogues.export_csv("tasks", year=2026) == before
    found = items.items(2026, path)
    assert len(found) == 8 and all(i.provisional for i in found)
    head, rows = shared_criteria.city_set(2026, path)
    assert head["provisional"] and len(rows) == len(db.query("criteria_active", year=2026))
    assert registry.open_registry() == path  # again: nothing made twice
    assert len(bodies.all_bodies(path)) == 2


def test_the_body_catalogue_is_checked_as_a_whole(reg: Path) -> None:
    bad = (
        "code,name,kind,active,sample,note\n"
        "VPUB,Văn phòng UBND thành phố,van_phong,true,false,\n"
        "sở x,Sở X,so_ban_nganh,true,false,\n"
        "SNV,,tinh,có lẽ,false,\n"
        "SNV,Sở Nội vụ,so_ban_nganh,true,false,\n"
    ).encode()
    with pytest.raises(bodies.BodyError) as caught:
        bodies.load_csv(CITY_SYSTEM, bad, reg, "co_quan.csv")
    problems = caught.value.problems
    assert problems[0].startswith("co_quan.csv, dòng 3: mã cơ quan 'sở x' không hợp lệ")
    assert any("dòng 4: thiếu tên cơ quan" in p for p in problems)
    assert any("dòng 4: cột 'kind' phải là một trong" in p for p in problems)
    assert any("dòng 4: cột 'active' phải là true/false" in p for p in problems)
    assert any("dòng 5: mã cơ quan 'SNV' bị trùng" in p for p in problems)
    without_home = "code,name,kind,active,sample,note\nSNV,Sở Nội vụ,so_ban_nganh,true,false,\n"
    without_home = without_home.encode()
    with pytest.raises(bodies.BodyError, match="thiếu cơ quan gốc VPUB"):
        bodies.load_csv(CITY_SYSTEM, without_home, reg)


def test_the_city_administrator_alone_edits_bodies_and_items(reg: Path, users: dict) -> None:
    for who in (users["quan_tri"], SYSTEM):
        with pytest.raises(roles.PermissionDenied):
            bodies.save_body(who, reg, code="SXD", name="Sở Xây dựng", kind="so_ban_nganh")
        with pytest.raises(roles.PermissionDenied):
            items.load_csv(who, b"year,code,title\n2027,1,x\n", reg)
    exported = bodies.export_csv(reg)
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0] == "code,name,kind,active,sample,note"
    assert "XA_THU,UBND xã Thử,xa_phuong,true,false," in text
    # Loading the export back without the xã: kept (its file holds its history), inactive.
    kept = "\n".join(line for line in text.splitlines() if not line.startswith("XA_THU")) + "\n"
    assert bodies.load_csv(CITY_SYSTEM, kept.encode(), reg) == ["VPUB", "SNV"]
    assert not bodies.find("XA_THU", reg).active
    with pytest.raises(bodies.BodyError, match="Không thể ngừng theo dõi cơ quan gốc"):
        bodies.save_body(CITY_SYSTEM, reg, code="VPUB", name="VP", kind="van_phong", active=False)


def test_the_city_items_are_loaded_per_year_and_no_longer_provisional(reg: Path) -> None:
    data = "year,code,title,note\n2027,1,Mục một năm 2027,\n2027,2,=Mục hai,\n".encode()
    assert items.load_csv(CITY_SYSTEM, data, reg, "kh52-2027.csv") == [2027]
    loaded = items.items(2027, reg)
    assert [(i.code, i.provisional) for i in loaded] == [("1", False), ("2", False)]
    assert items.export_csv(2027, reg).decode("utf-8-sig").splitlines()[2] == "2027,2,'=Mục hai,"
    assert len(items.items(2026, reg)) == 8  # another year's list stays
    with pytest.raises(bodies.BodyError, match="dòng 2: cột 'year' phải là năm"):
        items.load_csv(CITY_SYSTEM, b"year,code,title\nabc,1,x\n", reg)


def test_a_new_body_file_is_seeded_from_the_city(reg: Path) -> None:
    path = seeding.create_body_file("XA_THU", reg, units=UNITS)
    assert path == settings.bodies_dir() / "XA_THU.duckdb"
    assert plan.units(path)["code"].tolist() == ["VPX", "KT"]
    tasks = plan.tasks(path, year=2026)
    assert tasks["code"].tolist() == [f"M{i}" for i in range(1, 9)]
    assert dict(db.rows("select code, city_item from task", path=path))["M4"] == "4"
    assert plans.get(2026, path).body == "XA_THU"
    plan_loading.copy(SYSTEM, 2026, 2027, path=path)  # its next plan is its own too
    assert plans.get(2027, path).body == "XA_THU" and plans.get(2026).body == "VPUB"
    assert (
        dict(db.rows("select code, city_item from task where plan_year = 2027", path=path))["M4"]
        == "4"
    )  # a copy keeps each task's city item
    criteria = db.query("criteria_active", path, year=2026)
    assert set(criteria["responsible_unit"]) == {"VPX"}  # its focal unit, not the Office's HCTC
    assert catalogues.setting("report_number_prefix", path) == "BC-XA_THU"
    indicators = db.query("indicator_catalogue", path)
    assert set(indicators["task_code"].dropna()) <= set(tasks["code"])
    with pytest.raises(bodies.BodyError, match="đã có cơ sở dữ liệu"):
        seeding.create_body_file("XA_THU", reg)
    with pytest.raises(bodies.BodyError, match="dùng cơ sở dữ liệu TRACKER_DB"):
        seeding.create_body_file("VPUB", reg)
    bodies.save_body(CITY_SYSTEM, reg, code="XA_HAI", name="UBND xã Hai", kind="xa_phuong")
    with pytest.raises(bodies.BodyError, match="dành cho điểm đánh giá chung"):
        seeding.create_body_file("XA_HAI", reg, units=[{"code": "VP", "name": "Văn phòng"}])
    assert not (settings.bodies_dir() / "XA_HAI.duckdb").exists()


def test_usernames_are_unique_city_wide_and_sign_in_finds_their_store(
    reg: Path, users: dict
) -> None:
    body = seeding.create_body_file("XA_THU", reg, units=UNITS)
    auth.create_user("xa.quantri", "quan_tri", PASSWORD, path=body)
    with pytest.raises(auth.AccountError, match="đã được dùng ở cơ quan khác"):
        auth.create_user("hctc", "quan_tri", PASSWORD, path=body)  # an Office account's name
    with pytest.raises(auth.AccountError, match="đã được dùng ở cơ quan khác"):
        auth.create_user("xa.quantri", "quan_tri", PASSWORD)  # in the Office
    auth.create_user("sonoivu", "so_noi_vu", PASSWORD, path=reg, by=CITY_SYSTEM)
    with pytest.raises(auth.AccountError, match="Vai trò 'so_noi_vu' không hợp lệ"):
        auth.create_user("snv2", "so_noi_vu", PASSWORD, path=body)  # no city role in a body
    with pytest.raises(auth.AccountError, match="Vai trò 'quan_tri' không hợp lệ"):
        auth.create_user("tp2", "quan_tri", PASSWORD, path=reg, by=CITY_SYSTEM)
    for name, store, role in (
        ("hctc", directory.home(), "don_vi"),  # an account from before the registry: unchanged
        ("xa.quantri", directory.Store("XA_THU", body), "quan_tri"),
        ("sonoivu", directory.Store(None, reg), "so_noi_vu"),
    ):
        signed = signin.sign_in(name, PASSWORD)
        assert (signed.store, signed.user.role, signed.path) == (store, role, store.path)
    with pytest.raises(auth.AccountError, match="Tên đăng nhập hoặc mật khẩu không đúng"):
        signin.sign_in("khong.co", PASSWORD)


def test_a_body_administrator_manages_accounts_of_its_own_body_only(reg: Path, users: dict) -> None:
    body = seeding.create_body_file("XA_THU", reg, units=UNITS)
    xa_admin = auth.create_user("xa.quantri", "quan_tri", PASSWORD, path=body)
    auth.create_user("xa.donvi", "don_vi", PASSWORD, unit_code="KT", by=xa_admin, path=body)
    with pytest.raises(roles.PermissionDenied, match="chỉ quản lý tài khoản của cơ quan mình"):
        auth.create_user("x2", "lanh_dao", PASSWORD, by=xa_admin)  # in the Office
    with pytest.raises(roles.PermissionDenied, match="chỉ quản lý tài khoản của cơ quan mình"):
        auth.set_active("lanhdao", False, by=xa_admin)
    with pytest.raises(roles.PermissionDenied):  # a body role never manages city accounts
        auth.create_user("tp", "so_noi_vu", PASSWORD, by=users["quan_tri"], path=reg)


def test_the_cookie_names_its_store_and_nothing_else(reg: Path) -> None:
    body = seeding.create_body_file("XA_THU", reg, units=UNITS)
    xa = directory.Store("XA_THU", body)
    city = directory.Store(None, reg)
    assert signin.cookie_value(directory.home(), "abc") == "abc"  # as every cookie before
    assert signin.cookie_value(xa, "abc") == "XA_THU~abc"
    assert signin.cookie_value(city, "abc") == "city~abc"
    for value, found in (("abc", (directory.home(), "abc")), ("XA_THU~abc", (xa, "abc"))):
        assert signin.cookie_store(value) == found
    assert signin.cookie_store("city~abc") == (city, "abc")
    for forged in ("VPUB~abc", "../../x~abc", "NOBODY~abc", "xa_thu~abc"):
        assert signin.cookie_store(forged) is None


# --- roles: every permission says where it acts ------------------------------------------------


def scope_violations(
    permissions: dict[str, frozenset[str]], scopes: dict[str, str], reads: frozenset[str]
) -> list[str]:
    """Permissions without a scope, body roles holding a CITY permission, city roles holding a
    BODY permission other than reading."""
    bad = [f"{action}: no scope" for action in permissions if action not in scopes]
    for action, holders in permissions.items():
        for role in holders:
            city_role = role in roles.CITY_ROLES
            if scopes.get(action) == roles.CITY and not city_role:
                bad.append(f"{action}: body role {role}")
            if scopes.get(action) == roles.BODY and city_role and action not in reads:
                bad.append(f"{action}: city role {role}")
    return bad


def test_every_permission_acts_in_one_scope() -> None:
    assert (
        scope_violations(roles.PERMISSIONS, roles.PERMISSION_SCOPE, roles.CITY_READS_IN_BODIES)
        == []
    )
    assert roles.can(roles.User("s", "so_noi_vu"), "view")
    assert not roles.can(roles.User("s", "so_noi_vu"), "upload")
    assert not roles.can(roles.User("q", "quan_tri"), "view_city")


def test_the_scope_guard_sees_a_planted_violation() -> None:
    planted = dict(roles.PERMISSIONS) | {
        "upload": roles.PERMISSIONS["upload"] | {"so_noi_vu"},
        "edit_bodies": roles.PERMISSIONS["edit_bodies"] | {"quan_tri"},
        "unscoped": frozenset({"quan_tri"}),
    }
    assert sorted(
        scope_violations(planted, roles.PERMISSION_SCOPE, roles.CITY_READS_IN_BODIES)
    ) == ["edit_bodies: body role quan_tri", "unscoped: no scope", "upload: city role so_noi_vu"]


def test_the_city_criteria_set_is_copied_into_every_body(reg: Path, users: dict) -> None:
    body = seeding.create_body_file("XA_THU", reg, units=UNITS)
    active = criteria.active_set(year=2026)
    data = criteria.to_xlsx(active["id"])
    with pytest.raises(roles.PermissionDenied):
        shared_criteria.load_xlsx(users["quan_tri"], 2026, data, "bo.xlsx", "Phụ lục II", reg)
    with pytest.raises(shared_criteria.SharedCriteriaError, match="Cần đặt tên"):
        shared_criteria.load_xlsx(CITY_SYSTEM, 2026, data, "bo.xlsx", " ", reg)
    loaded = shared_criteria.load_xlsx(
        CITY_SYSTEM, 2026, data, "bo.xlsx", "Phụ lục II chính thức", reg
    )
    assert loaded == ["VPUB", "XA_THU"]
    for path in (settings.db_path(), body):
        now = criteria.active_set(path, year=2026)
        assert now["label"] == "Phụ lục II chính thức" and not now["provisional"]
    assert set(db.query("criteria_active", body, year=2026)["responsible_unit"]) == {"VPX"}
    assert shared_criteria.city_set(2026, reg)[0]["label"] == "Phụ lục II chính thức"


def test_the_first_city_administrator_comes_from_the_command_line(tmp_db: Path) -> None:
    argv = ["--db", str(tmp_db), "users", "add", "--username", "tp.admin", "--role"]
    assert cli.main([*argv, "quan_tri_tp", "--password", PASSWORD]) == 0
    assert cli.main([*argv, "quan_tri", "--password", PASSWORD]) == 1  # the name is taken
    signed = signin.sign_in("tp.admin", PASSWORD)
    assert signed.store.is_city and signed.user.role == "quan_tri_tp"
    assert bodies.save_body(signed.user, signed.path, **XA).code == "XA_THU"


def _task_file(rows: list[dict[str, str]], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_a_plan_file_carries_each_tasks_city_item(tmp_db: Path) -> None:
    exported = catalogues.export_csv("tasks", year=2026).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(exported))
    rows, columns = list(reader), list(reader.fieldnames or [])
    assert columns[-1] == "city_item" and rows[0]["city_item"] == "1"  # II.1.a: item 1
    for row in rows:
        row["city_item"] = "6" if row["code"] == "II.3" else row["city_item"]
    plan_loading.load(SYSTEM, 2026, plan_loading.PlanFiles(_task_file(rows, columns), "t.csv"))
    assert dict(db.rows("select code, city_item from task where plan_year = 2026"))["II.3"] == "6"
    # A task file written before issue 34 (no city_item column) loads, its tasks naming none.
    for row in rows:
        for day in ("start_date", "due_date"):
            row[day] = "2027" + row[day][4:]
    older = _task_file(rows, columns[:-1])
    plan_loading.load(SYSTEM, 2027, plan_loading.PlanFiles(older, "tasks-2027.csv"))
    assert {i for (i,) in db.rows("select city_item from task where plan_year = 2027")} == {None}
