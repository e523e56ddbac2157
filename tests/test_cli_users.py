"""`python -m tracker users …` across the city (tracker/tools/cli_users.py): disable, enable,
unlock and reset-password find the account by its username wherever it lives (the home body, a
body's file, the city registry) and act there with that store's checks (the last active city
administrator is kept); an unknown name is refused naming it; `list` shows the home body's
accounts as before, or a body's (--body) or the city's (--city); a write while another process
holds the file ends with exit 3. On the city sample (tests/city_fixture.py): reads on the shared
one, writes on a copy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.city_fixture import CITY_NOW
from tests.conftest import PASSWORD
from tests.test_cli_unix import HOLD, run_cli
from tracker import settings
from tracker.accounts import auth, directory, signin
from tracker.city import bodies, registry
from tracker.roles import CITY_SYSTEM
from tracker.store import db
from tracker.tools import cli

pytestmark = pytest.mark.now(CITY_NOW)

NEW_PASSWORD = "Mat-Khau-Moi-2026"
UNKNOWN = (
    "Lỗi: Không có tài khoản 'khong.co' ở cơ quan nào của thành phố hay trong tài khoản "
    "thành phố.\n"
)


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _lines(path: Path | None) -> list[str]:
    return [
        f"{u['username']}\t{u['role']}\t{u['unit_code'] if isinstance(u['unit_code'], str) else ''}\t"
        f"{'hoạt động' if u['active'] else 'vô hiệu hóa'}"
        for u in auth.list_users(path)
    ]


def _audited(path: Path, target: str) -> list[tuple[str, str, str]]:
    return db.rows(
        "select action, username, role from audit_log where target = $t order by id",
        {"t": target},
        path=path,
    )


def _changes(capsys: pytest.CaptureFixture, username: str, where: Path) -> str:
    """disable, enable, unlock, reset-password of `username` by name alone; checks each landed
    in the file `where` (and nowhere else); returns the messages printed."""
    printed = ""
    for command, active in (("disable", False), ("enable", True)):
        code, out, err = _run(capsys, "users", command, "--username", username)
        assert code == 0, err
        assert auth.account(username, where)["active"] is active
        printed += out
    code, out, err = _run(capsys, "users", "unlock", "--username", username)
    assert code == 0, err
    printed += out
    argv = ("users", "reset-password", "--username", username, "--password", NEW_PASSWORD)
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    assert signin.sign_in(username, NEW_PASSWORD).path.resolve() == where.resolve()
    return printed + out


def test_list_shows_the_home_body_by_default_a_body_or_the_city_on_request(
    city: Path, capsys
) -> None:
    reg = registry.path()
    code, out, err = _run(capsys, "users", "list")
    assert code == 0 and not err and out.splitlines() == _lines(None)  # the Office's, as before
    assert not any(line.startswith(("sonoivu", "x001.")) for line in out.splitlines())
    code, out, err = _run(capsys, "users", "list", "--city")
    assert code == 0, err
    assert out.splitlines() == _lines(reg)
    assert {line.split("\t")[0] for line in out.splitlines()} == {
        "sonoivu",
        "sonoivu.lanhdao",
        "thanhpho.quantri",
    }
    code, out, err = _run(capsys, "users", "list", "--body", "x001")  # as `body list` spells it
    assert code == 0, err
    assert out.splitlines() == _lines(settings.body_db_path("X001"))
    assert "x001.quantri\tquan_tri\t\thoạt động" in out.splitlines()  # no unit: blank
    assert "x001.donvi\tdon_vi\tVPX\thoạt động" in out.splitlines()


def test_list_refuses_a_body_not_in_the_catalogue(city: Path, capsys) -> None:
    code, out, err = _run(capsys, "users", "list", "--body", "KHONGCO")
    assert code == 1 and not out
    assert err == (
        "Lỗi: Không có cơ quan 'KHONGCO' trong danh mục cơ quan của thành phố "
        "(xem: python -m tracker body list).\n"
    )
    with pytest.raises(SystemExit) as ended:
        cli.main(["users", "list", "--city", "--body", "X001"])
    assert ended.value.code == 2
    assert "Lỗi: tham số --body: không dùng cùng với tham số --city." in capsys.readouterr().err


def test_list_of_a_body_not_set_up_yet_creates_no_file(city_rw: Path, capsys) -> None:
    """A body just added to the catalogue has no database yet: said, and none made."""
    added = bodies.save_body(
        CITY_SYSTEM, registry.path(), code="XA_THU", name="UBND xã Thử", kind="xa_phuong"
    )
    code, out, err = _run(capsys, "users", "list", "--body", "xa_thu")
    assert code == 0 and not out, err
    assert err == "Cơ quan XA_THU chưa có cơ sở dữ liệu: chưa có tài khoản nào.\n"
    assert not added.path.exists()  # listing never makes a body's database


def test_a_city_account_is_changed_in_the_registry_by_its_username(city_rw: Path, capsys) -> None:
    reg = registry.path()
    printed = _changes(capsys, "sonoivu", reg)
    assert printed.splitlines() == [
        "Đã cập nhật tài khoản 'sonoivu' (tài khoản thành phố).",
        "Đã cập nhật tài khoản 'sonoivu' (tài khoản thành phố).",
        "Đã mở khóa đăng nhập cho 'sonoivu' (tài khoản thành phố) "
        "(xóa 0 bộ đếm đăng nhập sai theo máy).",
        "Đã đặt lại mật khẩu cho 'sonoivu' (tài khoản thành phố).",
    ]
    # As the city's administrator of the command line, audited in the registry.
    assert _audited(reg, "sonoivu")[-4:] == [
        (action, "he_thong", "quan_tri_tp")
        for action in ("user_disable", "user_enable", "user_unlock", "password_reset")
    ]
    assert auth.account("sonoivu", city_rw) is None  # never looked for in the home body only


def test_another_body_s_account_is_changed_in_its_file(city_rw: Path, capsys) -> None:
    x001 = settings.body_db_path("X001")
    printed = _changes(capsys, "x001.quantri", x001)
    assert printed.splitlines()[0] == "Đã cập nhật tài khoản 'x001.quantri' (cơ quan X001)."
    assert printed.splitlines()[-1] == "Đã đặt lại mật khẩu cho 'x001.quantri' (cơ quan X001)."
    assert _audited(x001, "x001.quantri")[-1] == ("password_reset", "he_thong", "quan_tri")


def test_a_home_body_account_keeps_its_messages(city_rw: Path, capsys) -> None:
    name = next(u["username"] for u in auth.list_users() if u["role"] == "don_vi")
    code, out, err = _run(capsys, "users", "disable", "--username", name)
    assert (code, out, err) == (0, f"Đã cập nhật tài khoản '{name}'.\n", "")
    assert not auth.account(name)["active"]


def test_the_last_city_administrator_cannot_be_disabled(city_rw: Path, capsys) -> None:
    reg = registry.path()
    code, out, err = _run(capsys, "users", "disable", "--username", "thanhpho.quantri")
    assert code == 1 and not out
    assert err == (
        "Lỗi: Không thể vô hiệu hóa tài khoản 'thanhpho.quantri': đây là tài khoản quản trị "
        "thành phố cuối cùng đang hoạt động. Hãy tạo hoặc kích hoạt một tài khoản quản trị "
        "thành phố khác trước.\n"
    )
    assert auth.account("thanhpho.quantri", reg)["active"]
    argv = ("users", "add", "--username", "tp.hai", "--role", "quan_tri_tp")
    assert _run(capsys, *argv, "--password", PASSWORD)[0] == 0
    code, out, err = _run(capsys, "users", "disable", "--username", "thanhpho.quantri")
    assert code == 0, err  # another active city administrator now: allowed
    assert not auth.account("thanhpho.quantri", reg)["active"]


@pytest.mark.parametrize("command", ["disable", "enable", "unlock", "reset-password"])
def test_an_unknown_username_is_refused_naming_it(city: Path, capsys, command: str) -> None:
    code, out, err = _run(capsys, "users", command, "--username", "khong.co")
    assert (code, out, err) == (1, "", UNKNOWN)  # reset-password asked for no password first


def test_without_a_registry_the_home_body_is_the_only_store(users: dict, capsys) -> None:
    """An Office without the city: the refusal as before issue 34, and no registry made."""
    code, out, err = _run(capsys, "users", "disable", "--username", "khong.co")
    assert (code, out, err) == (1, "", "Lỗi: Không có tài khoản 'khong.co'.\n")
    code, out, err = _run(capsys, "users", "disable", "--username", "hctc")
    assert (code, out) == (0, "Đã cập nhật tài khoản 'hctc'.\n"), err
    assert directory.registry() is None


@pytest.mark.parametrize(("held", "username"), [("registry", "sonoivu"), ("X001", "x001.lanhdao")])
def test_writes_refuse_while_the_account_s_file_is_held(
    city_rw: Path, held: str, username: str
) -> None:
    """As every command that writes: exit 3 and the busy message naming the file the server
    (here a process holding it) has open; nothing changed."""
    path = registry.path() if held == "registry" else settings.body_db_path(held)
    db.close_all()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        for command in ("disable", "unlock"):
            ran = run_cli("users", command, "--username", username, db_path=city_rw)
            assert ran.returncode == 3, (command, ran.stderr)
            assert ran.stderr.startswith("Máy chủ đang chạy"), ran.stderr
            assert str(path) in ran.stderr
            assert "Traceback" not in ran.stderr + ran.stdout
    finally:
        holder.kill()
        holder.wait()
    assert auth.account(username, path)["active"]
