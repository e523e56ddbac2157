"""`python -m tracker users add|list|disable|enable|unlock|reset-password` (PRODUCT.md §9), beside
tracker/tools/cli.py, which registers it.

Since issue 34 an account lives in a body's database or, for a city role, in the city registry,
and its username is unique city-wide (tracker/accounts/directory.py). So `add` makes a city
role's account in the registry, and disable, enable, unlock and reset-password find the account
by its username alone (directory.store_of) and act in its store through the account functions
the pages call (tracker/accounts/auth.py), as the command line's administrator of that store:
SYSTEM in a body's file, CITY_SYSTEM in the registry, where auth refuses disabling the last
active city administrator (last_admin). `list` shows the home body's accounts as before, or a
body's (`--body CODE`) or the city's (`--city`). A write while the server holds the file ends
with exit 3 (cli.main)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from tracker import roles, settings
from tracker.accounts import auth, directory
from tracker.catalogue import catalogues
from tracker.city import bodies
from tracker.city import registry as city_registry
from tracker.roles import CITY_SYSTEM, SYSTEM

# `users add --role`: a body's roles (the account in TRACKER_DB, the home body), or the city's
# (the account in the city registry, made on first use: the city administrator's first account).
ACCOUNT_ROLES = sorted(auth.ROLES) + sorted(roles.CITY_ROLES)


def add_parser(sub: Any) -> Any:
    """`users` and its subcommands; returns them so cli.build_parser gives each --db."""
    users = sub.add_parser("users", help="quản lý tài khoản")
    usub = users.add_subparsers(dest="users_command", required=True, metavar="LỆNH")
    add = usub.add_parser("add")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=ACCOUNT_ROLES)
    add.add_argument("--unit")
    add.add_argument("--name")
    add.add_argument("--password", help="nếu bỏ trống sẽ được hỏi (không hiện trên màn hình)")
    listed = usub.add_parser(
        "list", help="mỗi tài khoản một dòng: tên đăng nhập, vai trò, đơn vị, trạng thái"
    )
    where = listed.add_mutually_exclusive_group()
    where.add_argument(
        "--body",
        metavar="MÃ",
        help="tài khoản của một cơ quan khác (mã như `body list` in; mặc định: cơ quan gốc)",
    )
    where.add_argument(
        "--city",
        action="store_true",
        help="tài khoản thành phố (Sở Nội vụ, quản trị thành phố) trong sổ đăng ký thành phố",
    )
    found = "tìm tài khoản ở bất kỳ cơ quan nào hoặc trong tài khoản thành phố"
    disable = usub.add_parser("disable", help=f"vô hiệu hóa tài khoản ({found})")
    disable.add_argument("--username", required=True)
    enable = usub.add_parser("enable", help=f"kích hoạt lại tài khoản ({found})")
    enable.add_argument("--username", required=True)
    reset = usub.add_parser("reset-password", help=f"đặt lại mật khẩu ({found})")
    reset.add_argument("--username", required=True)
    reset.add_argument("--password")
    unlock = usub.add_parser(
        "unlock", help=f"gỡ mọi khóa đăng nhập tạm thời của một tài khoản ({found})"
    )
    unlock.add_argument("--username", required=True)
    return usub


def account_store(role: str) -> dict[str, Any]:
    """Where `users add` makes an account of `role`: the registry for a city role (as the
    command line acting for the city), else the home body's database (the defaults)."""
    if role not in roles.CITY_ROLES:
        return {}
    catalogues.open_database()
    return {"path": city_registry.open_registry(), "by": CITY_SYSTEM}


def _password(given: str | None) -> str:
    if given:
        return given
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu: ")
    if first != getpass.getpass("Nhập lại mật khẩu: "):
        raise auth.AccountError("Hai lần nhập mật khẩu không khớp.")
    return first


def _store(username: str) -> directory.Store:
    """The store holding `username`, checked before anything is asked (the password): an
    unknown name is refused naming it (AccountError: cli._run says it, exit 1)."""
    store = directory.store_of(username)
    if auth.account(username, store.path) is None:
        city = directory.registry() is not None
        where = " ở cơ quan nào của thành phố hay trong tài khoản thành phố" if city else ""
        raise auth.AccountError(f"Không có tài khoản '{username}'{where}.")
    return store


def _where(store: directory.Store) -> str:
    """Nothing for the home body's account (the messages as before issue 34), else its store."""
    if store.is_city:
        return " (tài khoản thành phố)"
    return "" if store.body == settings.HOME_BODY else f" (cơ quan {store.body})"


def _change(args: argparse.Namespace) -> None:
    """disable, enable, unlock, reset-password of the account wherever it lives, as that store's
    administrator: the registry's checks (manage_city_accounts, the last city administrator)
    are those auth applies there."""
    name = args.username
    store = _store(name)
    by, path, where = (CITY_SYSTEM if store.is_city else SYSTEM), store.path, _where(store)
    match args.users_command:
        case "disable" | "enable":
            auth.set_active(name, args.users_command == "enable", by=by, path=path)
            print(f"Đã cập nhật tài khoản '{name}'{where}.")
        case "reset-password":
            auth.set_password(name, _password(args.password), by=by, path=path)
            print(f"Đã đặt lại mật khẩu cho '{name}'{where}.")
        case "unlock":
            cleared = auth.unlock(name, by=by, path=path)
            print(
                f"Đã mở khóa đăng nhập cho '{name}'{where} "
                f"(xóa {cleared} bộ đếm đăng nhập sai theo máy)."
            )


def _listed_path(args: argparse.Namespace) -> Path | None:
    """The file `list` reads: the home body's (None), the registry (--city), or the file of the
    body the registry's catalogue names (--body, as `body list` shows it)."""
    if not args.city and not args.body:
        return None
    catalogues.open_database()
    reg = city_registry.open_registry()
    if args.city:
        return reg
    body = bodies.find(args.body.strip().upper(), reg)
    if body is None:
        raise auth.AccountError(
            f"Không có cơ quan '{args.body}' trong danh mục cơ quan của thành phố "
            "(xem: python -m tracker body list)."
        )
    return body.path


def _list(args: argparse.Namespace) -> int:
    path = _listed_path(args)
    if path is not None and not path.exists():  # a body of the catalogue not set up yet
        print(
            f"Cơ quan {args.body.strip().upper()} chưa có cơ sở dữ liệu: chưa có tài khoản nào.",
            file=sys.stderr,
        )
        return 0
    for u in auth.list_users(path):
        state = "hoạt động" if u["active"] else "vô hiệu hóa"
        # A frame turns a missing unit into NaN once some account has one: print it blank.
        unit = u["unit_code"] if isinstance(u["unit_code"], str) else ""
        print(f"{u['username']}\t{u['role']}\t{unit}\t{state}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    """`python -m tracker users …`; refusals are AccountError or PermissionDenied (cli._run)."""
    if args.users_command == "list":
        return _list(args)
    if args.users_command != "add":
        _change(args)
        return 0
    user = auth.create_user(
        args.username,
        args.role,
        _password(args.password),
        unit_code=args.unit,
        full_name=args.name,
        **account_store(args.role),
    )
    print(f"Đã tạo tài khoản '{user.username}' ({user.role_label}).")
    return 0


HANDLERS = {"users": cmd_users}
