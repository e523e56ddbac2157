"""`python -m tracker …`: the command line for admins and automation (PRODUCT.md §9).

The parser lives here; each command's work is a function in the module that owns the concern,
so the UI and the command line call the same code.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from tracker.accounts import auth
from tracker.catalogue import catalogues
from tracker.store import db

# command -> "module:function"; each takes the parsed arguments and returns the exit code.
DELEGATES = {
    "template": "tracker.ingest.template:cli_template",
    "import": "tracker.ingest.bulk:cli_import",
    "export": "tracker.exports.export:cli_export",
    "demo": "tracker.tools.demo:cli_demo",
    "bench": "tracker.tools.bench:cli_bench",
    "backup": "tracker.store.backup:cli_backup",
    "restore": "tracker.store.backup:cli_restore",
}
EXPORT_KINDS = ("summary", "detail", "scores", "indicators", "models", "report")
DB_HELP = "tệp cơ sở dữ liệu DuckDB (mặc định: $TRACKER_DB hoặc data/tracker.duckdb)"


def _delegate(name: str) -> Callable[[argparse.Namespace], int]:
    module, function = DELEGATES[name].split(":")
    return getattr(importlib.import_module(module), function)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tracker", description="Theo dõi Kế hoạch dân vận chính quyền 2026."
    )
    parser.add_argument("--db", help=DB_HELP)
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="tạo cơ sở dữ liệu và nạp danh mục")
    init.add_argument(
        "--reload-catalogues", action="store_true", help="nạp lại danh mục từ data/*.csv"
    )

    template = sub.add_parser("template", help="tạo biểu mẫu báo cáo cho một đơn vị và tuần")
    template.add_argument("--unit", required=True)
    template.add_argument("--week", required=True)
    template.add_argument("--out", required=True)

    imp = sub.add_parser("import", help="nhập các tệp báo cáo (.xlsx); in JSON Lines")
    imp.add_argument("files", nargs="+")
    imp.add_argument("--dry-run", action="store_true")
    imp.add_argument("--as-unit")
    imp.add_argument("--marked-out")

    export = sub.add_parser("export", help="xuất dữ liệu")
    export.add_argument("kind", choices=EXPORT_KINDS)
    export.add_argument("--week")
    export.add_argument("--from", dest="date_from")
    export.add_argument("--to", dest="date_to")
    export.add_argument("--out", required=True)

    demo = sub.add_parser("demo", help="tạo dữ liệu mẫu (chế độ mẫu)")
    demo.add_argument("--scale", choices=("office", "city"), default="office")
    demo.add_argument("--seed", type=int, default=2026)

    bench = sub.add_parser("bench", help="đo hiệu năng")
    bench.add_argument("--quick", action="store_true")
    bench.add_argument("--json")

    users = sub.add_parser("users", help="quản lý tài khoản")
    usub = users.add_subparsers(dest="users_command", required=True)
    add = usub.add_parser("add")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=sorted(auth.ROLES))
    add.add_argument("--unit")
    add.add_argument("--name")
    add.add_argument("--password", help="nếu bỏ trống sẽ được hỏi (không hiện trên màn hình)")
    usub.add_parser("list")
    disable = usub.add_parser("disable")
    disable.add_argument("--username", required=True)
    enable = usub.add_parser("enable")
    enable.add_argument("--username", required=True)
    reset = usub.add_parser("reset-password")
    reset.add_argument("--username", required=True)
    reset.add_argument("--password")
    unlock = usub.add_parser("unlock", help="gỡ mọi khóa đăng nhập tạm thời của một tài khoản")
    unlock.add_argument("--username", required=True)

    backup = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu và tệp đã nộp")
    backup.add_argument("--out", required=True)
    restore = sub.add_parser("restore", help="khôi phục từ thư mục sao lưu")
    restore.add_argument("dir")
    # `--db PATH` after the command too (§9: `import FILE… [--db PATH]`), on every (sub)command.
    # SUPPRESS: a command given no --db keeps the value given before it; one after the command wins.
    for commands in (sub, usub):
        for command in commands.choices.values():
            command.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
    return parser


def _password(given: str | None) -> str:
    if given:
        return given
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu: ")
    if first != getpass.getpass("Nhập lại mật khẩu: "):
        raise auth.AccountError("Hai lần nhập mật khẩu không khớp.")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    db.connection()
    if args.reload_catalogues:
        catalogues.load_all()
    print(
        f"Cơ sở dữ liệu sẵn sàng: {os.environ.get('TRACKER_DB')} "
        f"(migration {db.migrations_applied()[-1]})."
    )
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    match args.users_command:
        case "add":
            user = auth.create_user(
                args.username,
                args.role,
                _password(args.password),
                unit_code=args.unit,
                full_name=args.name,
            )
            print(f"Đã tạo tài khoản '{user.username}' ({user.role_label}).")
        case "list":
            for u in auth.list_users():
                state = "hoạt động" if u["active"] else "vô hiệu hóa"
                print(f"{u['username']}\t{u['role']}\t{u['unit_code'] or ''}\t{state}")
        case "disable" | "enable":
            auth.set_active(args.username, args.users_command == "enable", by=auth.SYSTEM)
            print(f"Đã cập nhật tài khoản '{args.username}'.")
        case "reset-password":
            auth.set_password(args.username, _password(args.password), by=auth.SYSTEM)
            print(f"Đã đặt lại mật khẩu cho '{args.username}'.")
        case "unlock":
            cleared = auth.unlock(args.username, by=auth.SYSTEM)
            print(
                f"Đã mở khóa đăng nhập cho '{args.username}' "
                f"(xóa {cleared} bộ đếm đăng nhập sai theo máy)."
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Whether the user chose a database (demo writes to data/demo.duckdb otherwise).
    args.db_explicit = bool(args.db or os.environ.get("TRACKER_DB"))
    if args.db:
        os.environ["TRACKER_DB"] = str(Path(args.db).resolve())
    os.environ.setdefault("TRACKER_DB", str(db.settings.db_path()))
    handlers = {"init": cmd_init, "users": cmd_users}
    handler = handlers.get(args.command) or _delegate(args.command)
    try:
        return handler(args)
    except db.DatabaseBusyError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except (auth.AccountError, auth.PermissionDenied, catalogues.CatalogueError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close_all()
