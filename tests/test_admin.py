"""Admin actions: catalogue edits, lock exceptions, audit browsing and export, bulk import."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from tracker import settings
from tracker.accounts import admin, auth
from tracker.catalogue import catalogues, editing, plans
from tracker.ingest import locks, submissions
from tracker.store import audit, db

NOW = datetime(2026, 3, 20, 10, 0)


def _audit(action: str) -> list[tuple]:
    return db.rows(
        "select username, target, before_value, after_value from audit_log "
        "where action = $a order by id",
        {"a": action},
    )


# --- catalogues -------------------------------------------------------------------------------


def test_catalogue_frame_matches_the_file_columns(tmp_db: Path) -> None:
    units = editing.catalogue_frame("units", year=2026)
    assert list(units.columns) == ["code", "name", "active", "sample", "note"]
    assert units["code"].tolist()[:2] == ["HCTC", "TH"]
    assert units["active"].tolist()[0] is True
    tasks = editing.catalogue_frame("tasks", year=2026)
    row = tasks[tasks["code"] == "II.4"].iloc[0]
    assert (row["lead_unit"], row["start_date"], row["weight"]) == ("BTCD", "2026-01-01", "1")


def test_unchanged_catalogue_saves_nothing(users: dict) -> None:
    for name in editing.EDITABLE:
        assert (
            editing.save_catalogue(
                name, editing.catalogue_frame(name, year=2026), users["quan_tri"], year=2026
            )
            == 0
        )
    assert _audit("catalogue_edit") == []


def test_edit_a_unit_records_before_and_after(users: dict) -> None:
    units = editing.catalogue_frame("units", year=2026)
    units.loc[units["code"] == "TH", "name"] = "Phòng Tổng hợp - Thư ký"
    units.loc[units["code"] == "KT", "active"] = False
    new = pd.DataFrame(
        [{"code": "PC", "name": "Phòng Pháp chế", "active": True, "sample": True, "note": ""}]
    )
    units = pd.concat([units, new], ignore_index=True)
    assert editing.save_catalogue("units", units, users["quan_tri"], year=2026) == 3
    got = dict(db.rows("select code, name from unit"))
    assert got["TH"] == "Phòng Tổng hợp - Thư ký"
    assert got["PC"] == "Phòng Pháp chế"
    assert db.scalar("select active from unit where code = 'KT'") is False
    assert db.scalar("select sort_order from unit where code = 'PC'") == 11
    (row,) = _audit("catalogue_edit")
    assert row[:2] == ("admin", "units")
    assert json.loads(row[2]) == {
        "TH": {"name": "Phòng Tổng hợp"},
        "KT": {"active": "true"},
        "PC": None,
    }
    after = json.loads(row[3])
    assert after["TH"] == {"name": "Phòng Tổng hợp - Thư ký"}
    assert after["KT"] == {"active": "false"}
    assert after["PC"]["name"] == "Phòng Pháp chế"


def test_every_mistake_is_listed_and_nothing_is_saved(users: dict) -> None:
    tasks = editing.catalogue_frame("tasks", year=2026)
    tasks.loc[0, "lead_unit"] = "KHONGCO"
    tasks.loc[1, "code"] = tasks.loc[2, "code"]
    tasks.loc[3, "kind"] = "hang_ngay"
    tasks.loc[4, "due_date"] = "31/12/2026"
    with pytest.raises(catalogues.CatalogueError) as err:
        editing.save_catalogue("tasks", tasks, users["quan_tri"], year=2026)
    problems = err.value.problems
    assert "Dòng 1: cột 'lead_unit': đơn vị chủ trì 'KHONGCO' không có trong units.csv." in problems
    assert "Dòng 3: cột 'code': mã 'II.1.c' bị trùng." in problems
    assert any(p.startswith("Dòng 4: cột 'kind'") for p in problems)
    assert any(p.startswith("Dòng 5: cột 'due_date'") for p in problems)
    assert db.scalar("select lead_unit from task where code = 'II.1.a'") is None
    assert _audit("catalogue_edit") == []


def test_units_in_use_cannot_be_removed(users: dict) -> None:
    auth.create_user("qt_kt", "don_vi", "mat-khau-2026", unit_code="KT", by=users["quan_tri"])
    units = editing.catalogue_frame("units", year=2026)
    keep = units[~units["code"].isin(["BTCD", "KT", "TTCBTH"])]
    with pytest.raises(catalogues.CatalogueError) as err:
        editing.save_catalogue("units", keep, users["quan_tri"], year=2026)
    text = "\n".join(err.value.problems)
    assert "Không xóa được 'BTCD' vì là đơn vị chủ trì của nhiệm vụ" in text
    assert "Không xóa được 'KT' vì có tài khoản" in text
    assert "TTCBTH" not in text
    assert "bỏ chọn cột “Đang hoạt động”" in text
    # An unused unit can go.
    assert (
        editing.save_catalogue(
            "units", units[units["code"] != "TTCBTH"], users["quan_tri"], year=2026
        )
        == 1
    )
    assert db.scalar("select count(*) from unit where code = 'TTCBTH'") == 0


def test_tasks_with_indicators_cannot_be_removed_but_can_be_reordered(users: dict) -> None:
    tasks = editing.catalogue_frame("tasks", year=2026)
    with pytest.raises(catalogues.CatalogueError, match="có chỉ số gắn với nó"):
        editing.save_catalogue(
            "tasks", tasks[tasks["code"] != "II.4"], users["quan_tri"], year=2026
        )
    reordered = pd.concat([tasks.iloc[[1]], tasks.drop(index=1)], ignore_index=True)
    assert editing.save_catalogue("tasks", reordered, users["quan_tri"], year=2026) == 1
    assert db.rows("select code from task order by sort_order limit 2") == [
        ("II.1.b",),
        ("II.1.a",),
    ]
    (row,) = _audit("catalogue_edit")
    assert json.loads(row[3])["(thứ tự)"][:2] == ["II.1.b", "II.1.a"]


def test_indicator_edit_checks_the_task(users: dict) -> None:
    indicators = editing.catalogue_frame("indicators", year=2026)
    indicators.loc[0, "task_code"] = "II.9"
    indicators.loc[1, "kind"] = "tong"
    with pytest.raises(catalogues.CatalogueError) as err:
        editing.save_catalogue("indicators", indicators, users["quan_tri"], year=2026)
    assert len(err.value.problems) == 2
    indicators = editing.catalogue_frame("indicators", year=2026)
    indicators.loc[0, "name"] = "Lượt tiếp công dân (cả tiếp định kỳ)"
    assert editing.save_catalogue("indicators", indicators, users["quan_tri"], year=2026) == 1


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("first_week", "2026-10", r"cần dạng \d{4}-W10"),
        ("exempt_weeks", "2026-W08;tết", r"cần dạng \d{4}-W10"),
        ("deadline_weekday", "8", "số nguyên từ 1 đến 7"),
        ("deadline_time", "16h30", "HH:MM"),
        ("lock_days", "-1", "số nguyên từ 0 đến 366"),
        ("tolerance", "mười", "phải là số"),
        ("grade_bands", "Tốt 90", "grade_bands phải có dạng"),
    ],
)
def test_settings_values_are_validated(users: dict, key: str, value: str, message: str) -> None:
    table = editing.catalogue_frame("settings", year=2026)
    table.loc[table["key"] == key, "value"] = value
    with pytest.raises(catalogues.CatalogueError, match=message):
        editing.save_catalogue("settings", table, users["quan_tri"], year=2026)


def test_settings_edit_and_required_keys(users: dict) -> None:
    table = editing.catalogue_frame("settings", year=2026)
    with pytest.raises(
        catalogues.CatalogueError, match="Không được xóa tham số bắt buộc 'lock_days'"
    ):
        editing.save_catalogue(
            "settings", table[table["key"] != "lock_days"], users["quan_tri"], year=2026
        )
    table.loc[table["key"] == "lock_days", "value"] = "7"
    table.loc[table["key"] == "exempt_weeks", "value"] = "2026-W08;2026-W09"
    assert editing.save_catalogue("settings", table, users["quan_tri"], year=2026) == 2
    assert plans.setting(2026, "lock_days") == "7"
    (row,) = _audit("catalogue_edit")
    assert json.loads(row[2])["lock_days"] == {"value": "14"}
    assert json.loads(row[3])["exempt_weeks"] == {"value": "2026-W08;2026-W09"}


def test_export_catalogue_is_the_csv_file(users: dict) -> None:
    data = editing.export_catalogue("units", users["lanh_dao"], year=2026)
    assert data.startswith("\ufeffcode,name,active,sample,note".encode())
    assert "Ban Tiếp công dân thành phố" in data.decode("utf-8")


# --- lock exceptions --------------------------------------------------------------------------


def test_grant_list_and_revoke_exception(users: dict) -> None:
    admin_user = users["quan_tri"]
    new_id = locks.grant_exception(
        "BTCD", "2026-W08", "Cán bộ nghỉ ốm", datetime(2026, 3, 27, 17, 0), admin_user, now=NOW
    )
    assert locks.has_exception("BTCD", "2026-W08", NOW)
    listed = locks.lock_exceptions(admin_user, now=NOW)
    assert listed[["id", "unit_code", "period", "reason", "granted_by"]].values.tolist() == [
        [new_id, "BTCD", "2026-W08", "Cán bộ nghỉ ốm", "admin"]
    ]
    assert bool(listed["in_force"].iloc[0]) is True
    (row,) = _audit("lock_exception")
    assert row[:2] == ("admin", "BTCD|2026-W08")
    assert json.loads(row[3])["reason"] == "Cán bộ nghỉ ốm"

    locks.revoke_exception(new_id, admin_user, now=datetime(2026, 3, 21, 8, 0))
    assert not locks.has_exception("BTCD", "2026-W08", datetime(2026, 3, 21, 9, 0))
    (row,) = _audit("lock_exception_revoke")
    assert json.loads(row[2])["expires_at"] == "2026-03-27 17:00:00"
    assert json.loads(row[3])["expires_at"] == "2026-03-21 08:00:00"
    with pytest.raises(admin.AdminError, match="đã hết hạn"):
        locks.revoke_exception(new_id, admin_user, now=datetime(2026, 3, 22, 8, 0))


def test_grant_exception_lists_every_mistake(users: dict) -> None:
    with pytest.raises(admin.AdminError) as err:
        locks.grant_exception(
            "XX", "2026-W99", "  ", datetime(2026, 3, 1), users["quan_tri"], now=NOW
        )
    text = str(err.value)
    assert "Không có đơn vị 'XX'." in text
    assert "không có tuần 99" in text
    assert "Cần ghi lý do" in text
    assert "Thời hạn ngoại lệ phải ở sau" in text
    assert db.scalar("select count(*) from lock_exception") == 0


# --- audit ------------------------------------------------------------------------------------


@pytest.mark.now("2026-03-16T10:00:00")  # the accounts and the entries below are all today's
def test_audit_browse_filter_and_csv(users: dict) -> None:
    today = settings.now().date()  # read before writing: the entries are from today on
    auth.authenticate("hctc", "mat-khau-2026")
    with pytest.raises(auth.AccountError):
        auth.authenticate("btcd", "sai")
    audit.record("catalogue_edit", username="admin", role="quan_tri", target='=HYPERLINK("x")')
    everything = admin.audit_entries(users["quan_tri"], date_from=today, date_to=today)
    assert len(everything) == 4 + 3  # four accounts created, one login, one failure, one edit
    logins = admin.audit_entries(users["quan_tri"], date_from=today, date_to=today, action="login")
    assert logins["username"].tolist() == ["hctc"]
    assert logins["action_label"].tolist() == ["Đăng nhập"]
    btcd = admin.audit_entries(users["quan_tri"], date_from=today, date_to=today, username="btcd")
    assert btcd["action"].tolist() == ["login_failed"]
    yesterday = admin.audit_entries(
        users["quan_tri"], date_from=date(2026, 1, 1), date_to=date(2026, 1, 2)
    )
    assert yesterday.empty
    assert "login_failed" in admin.audit_actions(users["quan_tri"])

    data = admin.audit_csv(everything, users["quan_tri"]).decode("utf-8")
    assert data.startswith(
        "\ufeffThời điểm,Người thực hiện,Vai trò,Thao tác,Đối tượng,Chi tiết,Trước,Sau"
    )
    assert "Sửa danh mục" in data
    assert "'=HYPERLINK" in data  # formula injection neutralised
    assert f"{today:%d/%m/%Y}" in data
    with pytest.raises(admin.AdminError):
        admin.audit_entries(users["quan_tri"], date_from=today, date_to=date(2020, 1, 1))


def test_users_table_has_no_password_hashes(users: dict) -> None:
    auth.authenticate("hctc", "mat-khau-2026")
    table = admin.users_table(users["quan_tri"])
    assert "password_hash" not in table.columns
    assert table["username"].tolist() == ["admin", "lanhdao", "btcd", "hctc"]
    row = table[table["username"] == "hctc"].iloc[0]
    assert row["unit_name"] == "Phòng Hành chính - Tổ chức"
    assert pd.notna(row["last_login"])
    assert pd.isna(table[table["username"] == "btcd"].iloc[0]["last_login"])


# --- bulk import ------------------------------------------------------------------------------


def test_bulk_submit_keeps_each_outcome_and_reports_progress(users: dict) -> None:
    seen = []
    results = submissions.submit_many(
        [
            submissions.Upload(b"khong phai xlsx", "a.xlsx"),
            submissions.Upload(b"\xd0\xcf\x11\xe0", "b.xls"),
        ],
        users["quan_tri"],
        action="bulk_import",
        progress=lambda i, n, name: seen.append((i, n, name)),
    )
    assert [r.status for r in results] == ["rejected", "rejected"]
    assert seen == [(1, 2, "a.xlsx"), (2, 2, "b.xls")]
    assert db.scalar("select count(*) from submission where uploaded_by = 'admin'") == 2


# --- roles ------------------------------------------------------------------------------------


def _actions(users: dict, role: str) -> dict:
    user = users[role]
    today = date(2026, 3, 20)
    return {
        "save_catalogue": lambda: editing.save_catalogue(
            "units", editing.catalogue_frame("units", year=2026), user, year=2026
        ),
        "grant_exception": lambda: locks.grant_exception(
            "HCTC", "2026-W08", "lý do", datetime(2099, 1, 1), user
        ),
        "revoke_exception": lambda: locks.revoke_exception(1, user),
        "lock_exceptions": lambda: locks.lock_exceptions(user),
        "users_table": lambda: admin.users_table(user),
        "audit_entries": lambda: admin.audit_entries(user, date_from=today, date_to=today),
        "audit_actions": lambda: admin.audit_actions(user),
        "audit_csv": lambda: admin.audit_csv(pd.DataFrame(), user),
        "bulk_import": lambda: submissions.submit_many([], user, action="bulk_import"),
    }


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao"])
def test_non_admins_are_refused_every_admin_action(users: dict, role: str) -> None:
    for name, action in _actions(users, role).items():
        with pytest.raises(auth.PermissionDenied):
            action()
        assert db.scalar("select count(*) from lock_exception") == 0, name


def test_admin_may_do_every_admin_action(users: dict) -> None:
    for name, action in _actions(users, "quan_tri").items():
        if name == "revoke_exception":
            continue  # needs the exception granted just before; covered above
        action()
    assert db.scalar("select count(*) from lock_exception") == 1
