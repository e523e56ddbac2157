"""The city's commands (issue 34), beside tracker/tools/cli.py: `body list|load|export` (the body
catalogue in the city registry), `city-setting list|set`, `city-item` and `city-criteria`
(cli_city_items.py) and `demo --bodies N` (sample bodies beside the office sample).
cli.py registers them; like every handler, these parse nothing themselves but call the domain
functions the pages call too (tracker/city)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tracker import roles
from tracker.catalogue import catalogues
from tracker.city import baocao_tp_files, city_settings
from tracker.city import bodies as city_bodies
from tracker.city import overview as city_overview
from tracker.city import registry as city_registry
from tracker.roles import CITY_SYSTEM
from tracker.tools import cli_city_items, demo, terminal
from tracker.tools.demo import DEFAULT_BODIES


def add_demo_options(demo_parser: Any) -> None:
    """`demo --bodies [N]`."""
    demo_parser.add_argument(
        "--bodies",
        type=int,
        nargs="?",
        const=DEFAULT_BODIES,
        metavar="N",
        help=f"thêm N cơ quan mẫu vào dữ liệu mẫu văn phòng (mặc định {DEFAULT_BODIES}: "
        "khoảng 30 sở, ban, ngành và 103 xã, phường, mỗi cơ quan một cơ sở dữ liệu)",
    )


def _write(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Đã ghi {out} ({len(data)} byte).")


def add_body_parser(sub: Any) -> Any:
    body = sub.add_parser(
        "body", help="danh mục cơ quan của thành phố (mỗi cơ quan một cơ sở dữ liệu)"
    )
    bsub = body.add_subparsers(dest="body_command", required=True, metavar="LỆNH")
    bsub.add_parser("list", help="mỗi cơ quan một dòng: mã, tên, loại, số đơn vị, các Kế hoạch")
    load = bsub.add_parser(
        "load", help="nạp danh mục cơ quan từ tệp CSV (các cột như data/bodies.csv)"
    )
    load.add_argument("file")
    out = bsub.add_parser("export", help="ghi danh mục cơ quan ra tệp CSV")
    out.add_argument("--out", required=True)
    _add_setting_parser(sub)
    cli_city_items.add_parsers(sub)  # city-item, city-criteria
    return bsub


def _add_setting_parser(sub: Any) -> None:
    """`city-setting list|set KEY VALUE`: Sở Nội vụ's Báo cáo to UBND thành phố (city_settings)."""
    setting = sub.add_parser(
        "city-setting",
        help="tham số Báo cáo của Sở Nội vụ gửi UBND thành phố: ký hiệu số, người ký, nơi nhận",
    )
    ssub = setting.add_subparsers(dest="setting_command", required=True, metavar="LỆNH")
    ssub.add_parser("list", help="mỗi tham số một dòng: tên, giá trị, ý nghĩa")
    change = ssub.add_parser("set", help="đổi giá trị một tham số (Quản trị thành phố)")
    change.add_argument("key", choices=list(city_settings.DEFAULTS))
    change.add_argument("value", help='giá trị mới (để trống: "")')
    for command in ssub.choices.values():  # `city-setting` itself gets it in cli.build_parser
        command.add_argument(
            "--db", default=argparse.SUPPRESS, help="tệp cơ sở dữ liệu DuckDB của cơ quan gốc"
        )


def cmd_city_setting(args: argparse.Namespace) -> int:
    """`python -m tracker city-setting list|set`: as the city administrator of the command line."""
    catalogues.open_database()
    reg = city_registry.open_registry()
    if args.setting_command == "set":
        try:
            city_settings.set_value(CITY_SYSTEM, args.key, args.value, reg)
        except city_settings.CitySettingError as exc:
            print(f"Lỗi: {exc}", file=sys.stderr)
            return 1
        print(f"Đã đổi tham số {args.key}.")
    for key, value, about in city_settings.rows(reg):
        print(f"{key} = {value!r}  ({about})")
    return 0


def cmd_body(args: argparse.Namespace) -> int:
    """`python -m tracker body list|load|export`: the city's body catalogue (tracker/city)."""
    catalogues.open_database()
    reg = city_registry.open_registry()
    if args.body_command == "list":
        print("\n".join(city_overview.list_lines(reg)))
        return 0
    if args.body_command == "export":
        _write(Path(args.out), city_bodies.export_csv(reg))
        return 0
    try:
        codes = city_bodies.load_csv(
            CITY_SYSTEM, Path(args.file).read_bytes(), reg, Path(args.file).name
        )
    except OSError as exc:
        print(f"Lỗi: không đọc được {args.file} ({exc.strerror}).", file=sys.stderr)
        return 1
    except city_bodies.BodyError as exc:
        print("Không nạp được danh mục cơ quan:", file=sys.stderr)
        print("\n".join(f"- {p}" for p in exc.problems), file=sys.stderr)
        return 1
    print(f"Đã nạp {len(codes)} cơ quan: {', '.join(codes)}.")
    return 0


def demo_bodies(args: argparse.Namespace, path: Path) -> int:
    """`demo --bodies N`: the office sample (made first when missing), then N sample bodies."""
    if args.bodies < 1:
        print("Lỗi: tham số --bodies: cần ít nhất 1 cơ quan.", file=sys.stderr)
        return 2
    try:
        if not demo.already_sample(path):
            print(f"Đang tạo dữ liệu mẫu (office) trong {path} …", file=sys.stderr)
            print(demo.build_office(path, args.seed, progress=terminal.bar()).text())
        print(f"Đang thêm {args.bodies} cơ quan mẫu …", file=sys.stderr)
        summary = demo.build_bodies(path, args.bodies, args.seed, progress=terminal.bar())
    except demo.DemoError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    print(summary.text())
    return 0


# The command line compiling Sở Nội vụ's Báo cáo to UBND thành phố acts as Sở Nội vụ's officer.
CITY_OFFICER = roles.User("he_thong", "so_noi_vu", None, "Hệ thống (dòng lệnh)")


def cmd_baocao_tp(args: argparse.Namespace, write: Any) -> int:
    """`export baocao-tp --year Y --period P --out FILE.docx [--annex FILE.xlsx]`: Sở Nội vụ's
    Báo cáo to UBND thành phố compiled from the bodies' submitted Báo cáo, and its annex."""
    if not args.period or not args.year:
        print("Lỗi: export baocao-tp cần --period và --year.", file=sys.stderr)
        return 2
    if not city_registry.exists():
        print(
            "Lỗi: chưa có sổ đăng ký thành phố (TRACKER_CITY_DB); chưa có cơ quan nào gửi Báo cáo.",
            file=sys.stderr,
        )
        return 2
    catalogues.open_database()
    try:
        docx, xlsx = baocao_tp_files.files(
            CITY_OFFICER, args.year, args.period, city_registry.open_registry()
        )
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    write(out, docx)
    annex = getattr(args, "annex", None)
    write(Path(annex) if annex else out.with_name(f"{out.stem}_phu-luc.xlsx"), xlsx)
    return 0


HANDLERS = {"body": cmd_body, "city-setting": cmd_city_setting, **cli_city_items.HANDLERS}
