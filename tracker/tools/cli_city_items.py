"""The city plan's items and the city's criteria set on the command line (issue 34), what
Quản trị thành phố's tabs "Mục của Kế hoạch thành phố" and "Bộ tiêu chí của thành phố" offer:
`city-item list|load|export` and `city-criteria list|load`. cli_city.py registers them; each
handler calls the domain function the page calls (tracker/city/items.py, shared_criteria.py) as
the command line's city administrator (CITY_SYSTEM), which checks the role and audits, and says
its refusals with the page's words. A command that writes refuses while the server holds the
database (exit 3, cli.main); a file that cannot be read or loaded ends with exit 1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.catalogue import catalogues
from tracker.city import bodies, items, overview, shared_criteria
from tracker.city import registry as city_registry
from tracker.roles import CITY_SYSTEM
from tracker.text import fmt_number

DB_HELP = "tệp cơ sở dữ liệu DuckDB của cơ quan gốc"
YEAR_HELP = (
    "năm của Kế hoạch thành phố (mặc định: năm mới nhất có danh sách mục, không sau năm nay, "
    "như trang Quản trị thành phố)"
)


def add_parsers(sub: Any) -> None:
    """`city-item list|load|export` and `city-criteria list|load` (each subcommand takes --db;
    the commands themselves get it in cli.build_parser)."""
    item = sub.add_parser(
        "city-item", help="các mục của Kế hoạch thành phố theo năm: liệt kê, nạp từ CSV, xuất CSV"
    )
    isub = item.add_subparsers(dest="item_command", required=True, metavar="LỆNH")
    listed = isub.add_parser("list", help="mỗi mục một dòng: mã, nội dung, ghi chú")
    listed.add_argument("--year", type=int, help=YEAR_HELP)
    load = isub.add_parser(
        "load",
        help="nạp các mục từ tệp CSV (cột year, code, title, note; thay danh sách của các năm "
        "trong tệp)",
    )
    load.add_argument("file")
    out = isub.add_parser("export", help="ghi các mục của một năm ra tệp CSV")
    out.add_argument("--year", type=int, help=YEAR_HELP)
    out.add_argument("--out", required=True)
    criteria = sub.add_parser(
        "city-criteria", help="bộ tiêu chí của thành phố theo năm: liệt kê, nạp từ tệp .xlsx"
    )
    csub = criteria.add_subparsers(dest="criteria_command", required=True, metavar="LỆNH")
    shown = csub.add_parser("list", help="tên bộ tiêu chí, rồi mỗi tiêu chí một dòng")
    shown.add_argument("--year", type=int, help=YEAR_HELP)
    book = csub.add_parser(
        "load", help="nạp bộ tiêu chí của một năm từ tệp .xlsx, chép vào mọi cơ quan đang theo dõi"
    )
    book.add_argument("file")
    book.add_argument("--year", type=int, required=True, help="năm của bộ tiêu chí")
    book.add_argument("--label", default=shared_criteria.DEFAULT_LABEL, help="tên bộ tiêu chí")
    book.add_argument("--provisional", action="store_true", help="vẫn là bộ tạm thời")
    for commands in (isub, csub):
        for command in commands.choices.values():
            command.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)


def _registry() -> Path:
    catalogues.open_database()
    return city_registry.open_registry()


def _year(given: int | None, reg: Path) -> int | None:
    """The year asked for, else the one Quản trị thành phố opens on; None when the city has no
    list of items for it (said on stderr)."""
    known = overview.years(reg)
    if not known:
        _error("chưa có danh sách mục của Kế hoạch thành phố cho năm nào.")
        return None
    year = overview.default_year(known, settings.now().year) if given is None else given
    if year not in known:
        have = ", ".join(str(y) for y in known)
        _error(f"năm {year} chưa có danh sách mục của Kế hoạch thành phố (có: {have}).")
        return None
    return year


def _error(text: str) -> None:
    print(f"Lỗi: {text}", file=sys.stderr)


def _read(name: str) -> bytes | None:
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        _error(f"không đọc được {name} ({exc.strerror}).")
        return None


def _problems(title: str, problems: list[str]) -> int:
    print(title, file=sys.stderr)
    print("\n".join(f"- {p}" for p in problems), file=sys.stderr)
    return 1


def cmd_city_item(args: argparse.Namespace) -> int:
    """`python -m tracker city-item list|load|export`: the items of the city's plan."""
    reg = _registry()
    if args.item_command == "load":
        data = _read(args.file)
        if data is None:
            return 1
        name = Path(args.file).name
        try:
            years = items.load_csv(CITY_SYSTEM, data, reg, name)
        except bodies.BodyError as exc:
            return _problems("Tệp các mục có lỗi, chưa nạp gì:", exc.problems)
        loaded = ", ".join(str(y) for y in years) or "—"
        print(f"Đã nạp các mục của Kế hoạch thành phố năm {loaded} từ {name}.")
        return 0
    year = _year(args.year, reg)
    if year is None:
        return 1
    if args.item_command == "export":
        out = Path(args.out)
        data = items.export_csv(year, reg)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(f"Đã ghi {out} ({len(data)} byte).")
        return 0
    listed = items.items(year, reg)
    if any(i.provisional for i in listed):
        print(
            f"Danh sách mục năm {year} đang là danh sách tạm thời (mẫu kèm theo).", file=sys.stderr
        )
    for item in listed:
        print(f"{item.code}\t{item.title}\t{item.note or ''}")
    return 0


def cmd_city_criteria(args: argparse.Namespace) -> int:
    """`python -m tracker city-criteria list|load`: the city's criteria set of a year."""
    reg = _registry()
    year = _year(args.year, reg)
    if year is None:
        return 1
    if args.criteria_command == "load":
        data = _read(args.file)
        if data is None:
            return 1
        name = Path(args.file).name
        try:
            codes = shared_criteria.load_xlsx(
                CITY_SYSTEM, year, data, name, args.label, reg, provisional=args.provisional
            )
        except shared_criteria.SharedCriteriaError as exc:
            return _problems("Bộ tiêu chí có lỗi, chưa nạp gì:", exc.problems)
        print(
            f"Đã nạp bộ tiêu chí năm {year} của thành phố từ {name} và chép vào "
            f"{fmt_number(len(codes), 0)} cơ quan: {', '.join(codes)}."
        )
        return 0
    found = shared_criteria.city_set(year, reg)
    if found is None:
        print(f"Năm {year} chưa có bộ tiêu chí của thành phố.")
        return 0
    head, rows = found
    state = " (tạm thời)" if head["provisional"] else ""
    print(f"Bộ tiêu chí năm {year}{state}: {head['label']}")
    for row in rows:
        print(
            f"{row['code']}\t{row['group_name']}\t{row['title']}\t{fmt_number(row['max_points'])}"
        )
    return 0


HANDLERS = {"city-item": cmd_city_item, "city-criteria": cmd_city_criteria}
