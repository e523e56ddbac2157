"""`python -m tracker …`: the command line for admins and automation (PRODUCT.md §9).

The parser and one handler per command live here; each handler parses nothing itself but calls
the domain function the pages call too (template.build, bulk.import_files, export.build,
backup.backup/restore, demo.build_office/build_city, bench.run), so the UI and the command line
run the same code. Handlers take the parsed arguments and return the exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.accounts import auth, backups
from tracker.accounts.auth import User
from tracker.catalogue import (
    calendar,
    catalogues,
    periods,
    plan,
    plan_files,
    plan_loading,
    plans,
)
from tracker.exports import export
from tracker.ingest import bulk, template
from tracker.store import backup, db
from tracker.text import fmt_datetime
from tracker.tools import bench, bench_peak, cli_city, cli_users, demo, terminal

Handler = Callable[[argparse.Namespace], int]
EXPORT_KINDS = (
    "summary",
    "detail",
    "scores",
    "indicators",
    "models",
    "report",
    "baocao",
    "baocao-tp",
)
DB_HELP = "tệp cơ sở dữ liệu DuckDB (mặc định: $TRACKER_DB hoặc data/tracker.duckdb)"


def build_parser() -> argparse.ArgumentParser:
    parser = terminal.Parser(
        prog="python -m tracker",
        description="Theo dõi Kế hoạch công tác dân vận chính quyền (một Kế hoạch mỗi năm).",
    )
    parser.add_argument("--db", help=DB_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

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
    export.add_argument("kind", choices=EXPORT_KINDS, metavar="LOẠI", help=", ".join(EXPORT_KINDS))
    export.add_argument("--week")
    export.add_argument("--from", dest="date_from")
    export.add_argument("--to", dest="date_to")
    export.add_argument(
        "--period",
        choices=tuple(periods.DECREE_PERIODS),
        help="kỳ báo cáo theo Nghị định 09/2019 (report, baocao, baocao-tp), cùng --year",
    )
    export.add_argument("--year", help="năm của kỳ báo cáo (năm của Kế hoạch)")
    export.add_argument("--number", help="số của Báo cáo (baocao); bỏ trống để văn thư ghi")
    export.add_argument("--request", help="mã yêu cầu của Sở Nội vụ mà Báo cáo trả lời (baocao)")
    export.add_argument("--out", required=True)
    export.add_argument(
        "--annex",
        help="tệp .xlsx Phụ lục II-V của Báo cáo (baocao; mặc định: cạnh --out, đuôi _phu-luc.xlsx)",
    )

    demo = sub.add_parser("demo", help="tạo dữ liệu mẫu (chế độ mẫu)")
    demo.add_argument("--scale", choices=("office", "city"), default="office")
    demo.add_argument("--seed", type=int, default=2026)
    cli_city.add_demo_options(demo)

    bench = sub.add_parser("bench", help="đo hiệu năng")
    bench.add_argument("--quick", action="store_true")
    bench.add_argument("--json")
    bench_peak.add_options(bench)  # --peak and its options (issue 34)

    usub = cli_users.add_parser(sub)  # users add|list|disable|enable|unlock|reset-password

    backup = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu và tệp đã nộp")
    backup.add_argument("--out", required=True)
    restore = sub.add_parser("restore", help="khôi phục từ thư mục sao lưu")
    restore.add_argument("dir")
    cal = sub.add_parser("calendar", help="in lịch báo cáo một năm: hạn nộp, tuần được miễn")
    cal.add_argument("--year", type=int, help="năm ISO (mặc định: năm của Kế hoạch đang áp dụng)")
    psub = _plan_parser(sub)
    bsub = cli_city.add_body_parser(sub)
    # `--db PATH` after the command too (§9: `import FILE… [--db PATH]`), on every (sub)command.
    # SUPPRESS: a command given no --db keeps the value given before it; one after the command wins.
    for commands in (sub, usub, psub, bsub):
        for command in commands.choices.values():
            command.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
    return parser


def _plan_parser(sub: Any) -> Any:
    plan_cmd = sub.add_parser(
        "plan",
        help="Kế hoạch từng năm: nạp, chép sang năm sau, ghi số và ngày, xuất ra tệp, liệt kê",
    )
    psub = plan_cmd.add_subparsers(dest="plan_command", required=True, metavar="LỆNH")
    load = psub.add_parser("load", help="nạp danh mục nhiệm vụ của Kế hoạch một năm (.csv/.xlsx)")
    load.add_argument("--year", type=int, required=True)
    load.add_argument("--tasks", required=True, help="tệp nhiệm vụ, các cột như data/tasks.csv")
    load.add_argument("--groups", help="tệp tiêu đề mục, các cột như data/task_groups.csv")
    load.add_argument("--number", help="số Kế hoạch, ví dụ 05/KH-VPUB")
    load.add_argument("--date", help="ngày ban hành, dạng YYYY-MM-DD hoặc dd/mm/yyyy")
    load.add_argument("--first-week", help=first_week_help())
    copy = psub.add_parser("copy", help="chép Kế hoạch một năm thành bản nháp của năm sau")
    copy.add_argument("--from", dest="source", type=int, required=True)
    copy.add_argument("--to", dest="target", type=int, required=True)
    copy.add_argument("--first-week", help=first_week_help())
    details = psub.add_parser(
        "set", help="ghi số, ngày ban hành hoặc tuần báo cáo đầu tiên của Kế hoạch (từng mục)"
    )
    details.add_argument("--year", type=int, required=True)
    details.add_argument("--number", help="số Kế hoạch, ví dụ 05/KH-VPUB")
    details.add_argument("--date", help="ngày ban hành, dạng YYYY-MM-DD hoặc dd/mm/yyyy")
    details.add_argument("--first-week", help=first_week_help())
    out = psub.add_parser(
        "export", help="ghi Kế hoạch một năm ra tệp .xlsx (hoặc .csv) mà plan load đọc lại"
    )
    out.add_argument("--year", type=int, required=True)
    out.add_argument("--out", required=True)
    psub.add_parser("list", help="liệt kê các Kế hoạch")
    return psub


def first_week_help() -> str:
    """The --first-week help, its example in the clock's year (no year written in the text)."""
    year = periods.example_year()
    return (
        f"tuần báo cáo đầu tiên, ví dụ {year}-W03 hoặc 'Tuần 3/{year}' (mặc định: tuần trọn vẹn "
        "đầu tiên sau ngày ban hành; chưa có ngày thì tuần trọn vẹn đầu tiên của năm)"
    )


def cmd_plan(args: argparse.Namespace) -> int:
    """`python -m tracker plan load|copy|list` (plan_loading: the same functions as Quản trị)."""
    catalogues.open_database()
    if args.plan_command == "list":
        print("\n".join(plan_files.list_lines()))
        return 0
    if args.plan_command == "export":
        return _plan_export(args.year, Path(args.out))
    try:
        if args.plan_command == "copy":
            loaded = plan_loading.copy(
                auth.SYSTEM, args.source, args.target, first_week=args.first_week
            )
        elif args.plan_command == "set":
            loaded = plan_loading.set_details(
                auth.SYSTEM,
                args.year,
                number=args.number,
                issued_on=args.date,
                first_week=args.first_week,
            )
        else:
            with terminal.working(f"Đang kiểm tra và nạp Kế hoạch năm {args.year}"):
                loaded = plan_loading.load(auth.SYSTEM, args.year, _plan_files(args))
    except plan_loading.PlanFileError as exc:
        print("Không nạp được Kế hoạch:", file=sys.stderr)
        print("\n".join(f"- {p}" for p in exc.problems), file=sys.stderr)
        return 1
    print("\n".join(loaded.lines()))
    return 0


def _plan_files(args: argparse.Namespace) -> plan_loading.PlanFiles:
    return plan_loading.PlanFiles(
        tasks=_read_bytes(args.tasks),
        tasks_name=Path(args.tasks).name,
        groups=_read_bytes(args.groups) if args.groups else None,
        groups_name=Path(args.groups).name if args.groups else "task_groups.csv",
        number=args.number,
        issued_on=args.date,
        first_week=args.first_week,
    )


def _plan_export(year: int, out: Path) -> int:
    """`plan export --year Y --out FILE`: the file `plan load` reads back."""
    try:
        data = plan_files.export(year, out.name)
    except plan_files.PlanExportError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(
        f"Đã ghi Kế hoạch năm {year} vào {out}. Sửa số, ngày ban hành, tuần báo cáo đầu tiên "
        f"(trang tính “Kế hoạch”) hoặc nhiệm vụ, rồi nạp lại: python -m tracker plan load "
        f"--year {year} --tasks {out}"
    )
    return 0


def _read_bytes(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise plan_loading.PlanFileError(
            [f"{name}: không đọc được tệp ({exc.strerror})."]
        ) from None


def cmd_init(args: argparse.Namespace) -> int:
    catalogues.open_database()
    if args.reload_catalogues:
        catalogues.load_all()
    print(
        f"Cơ sở dữ liệu sẵn sàng: {os.environ.get('TRACKER_DB')} "
        f"(migration {db.migrations_applied()[-1]})."
    )
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    """`python -m tracker template --unit HCTC --week 2026-W10 --out f.xlsx`."""
    try:
        data = template.build(args.unit, args.week)
    except template.TemplateError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    # build() accepted the week, so it parses (also the forms units write, e.g. 'Tuần 10/2026').
    week = periods.parse_period(args.week) or args.week
    print(f"Đã tạo biểu mẫu {periods.short_label(week)} cho {args.unit.upper()}: {out}")
    return 0


def import_user(as_unit: str | None) -> User:
    """Without --as-unit the command line acts as an admin; with it, as that unit's officer."""
    if not as_unit:
        return auth.SYSTEM
    if as_unit not in plan.unit_names():
        raise SystemExit(f"Lỗi: không có đơn vị '{as_unit}'.")
    return User(f"dong_lenh:{as_unit}", "don_vi", as_unit, f"Dòng lệnh ({as_unit})")


def cmd_import(args: argparse.Namespace) -> int:
    """JSON Lines on stdout; exit 0 when all accepted/duplicate, 1 when any is rejected."""
    try:
        user = import_user(args.as_unit)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    files = [Path(f) for f in args.files]
    progress = terminal.bar() if len(files) > 1 else None  # on a terminal only
    marked = Path(args.marked_out) if args.marked_out else None
    results = bulk.import_files(
        files, user, dry_run=args.dry_run, marked_out=marked, progress=progress
    )
    for result in results:
        print(json.dumps(result.as_json(dry_run=args.dry_run), ensure_ascii=False), flush=True)
    return 1 if any(r.status == "rejected" for r in results) else 0


def _write(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Đã ghi {out} ({len(data)} byte).")


def cmd_baocao(args: argparse.Namespace) -> int:
    """`export baocao … --out FILE.docx [--annex FILE.xlsx]`: the Báo cáo and its annex workbook
    (Phụ lục II-V), the same bytes as the page's two buttons."""
    try:
        docx, xlsx = export.baocao_files(
            **{k: getattr(args, k, None) for k in ("period", "year", "date_from", "date_to")},
            number=getattr(args, "number", None),
            request=getattr(args, "request", None),
        )
    except (export.ExportError, ValueError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    _write(out, docx)
    if xlsx:
        annex = getattr(args, "annex", None)
        _write(Path(annex) if annex else out.with_name(f"{out.stem}_phu-luc.xlsx"), xlsx)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """`python -m tracker export KIND --week W [--from D --to D | --period P --year Y] --out FILE`."""
    if args.kind == "baocao":
        return cmd_baocao(args)
    if args.kind == "baocao-tp":
        return cli_city.cmd_baocao_tp(args, _write)
    try:
        year = getattr(args, "year", None)
        if args.kind == "models" and not args.week and not year:
            year = plans.current()  # the register of the plan in force: this command's year
        data = export.build(
            args.kind,
            week=args.week,
            date_from=getattr(args, "date_from", None),
            date_to=getattr(args, "date_to", None),
            period=getattr(args, "period", None),
            year=year,
            number=getattr(args, "number", None),
            request=getattr(args, "request", None),
        )
    except (export.ExportError, ValueError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    _write(Path(args.out), data)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """`python -m tracker demo --scale office|city [--seed N]`.

    Without --db or TRACKER_DB, the sample data go to data/demo.duckdb, never the real database.
    """
    if not getattr(args, "db_explicit", True):
        os.environ["TRACKER_DB"] = str(demo.default_db())
    path = settings.db_path()
    if getattr(args, "bodies", None) is not None:
        return cli_city.demo_bodies(args, path)
    if demo.already_sample(path):
        # Re-running the README's quick start must not stop the app from starting.
        print(f"{path} đã có dữ liệu mẫu; giữ nguyên. Xóa tệp này để tạo lại.", file=sys.stderr)
        return 0
    print(f"Đang tạo dữ liệu mẫu ({args.scale}) trong {path} …", file=sys.stderr)
    try:
        if args.scale == "city":
            with terminal.working("Đang tạo các tuần báo cáo mẫu"):
                summary = demo.build_city(
                    path, args.seed, units=demo.CITY_UNITS, years=demo.CITY_YEARS
                )
        else:  # about a minute: a bar per week on a terminal, nothing in a pipe
            summary = demo.build_office(path, args.seed, progress=terminal.bar())
    except demo.DemoError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    print(summary.text())
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if args.peak:
        return _bench_peak(args, started)
    cases = bench.run(args.quick)
    print(bench.table(cases))
    elapsed = time.perf_counter() - started
    print(
        f"\nMáy: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"{'--quick, ' if args.quick else ''}tổng thời gian {elapsed:.0f} s"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [{**asdict(c), "ratio": c.ratio} for c in cases], ensure_ascii=False, indent=2
            ),
            encoding="utf-8",
        )
    return 0 if all(c.ok for c in cases) else 1


def _bench_peak(args: argparse.Namespace, started: float) -> int:
    """The Friday-afternoon peak: its table, then the uploads that failed (if any)."""
    peak = bench_peak.run(
        args.uploads,
        args.minutes,
        args.leaders,
        units=args.units,
        think=args.think,
        server_cpus=args.server_cpus,
        driver=args.driver,
    )
    code = print_peak(peak, started)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [{**asdict(c), "ratio": c.ratio} for c in peak.cases], ensure_ascii=False, indent=2
            ),
            encoding="utf-8",
        )
    return code


def print_peak(peak: bench_peak.Peak, started: float) -> int:
    """The peak's table in the benchmark's form, its failed uploads, the machine; exit 1 when
    a target is missed."""
    print(bench.table(peak.cases))
    for error in peak.errors[:20]:
        print(f"  lỗi: {error}")
    elapsed = time.perf_counter() - started
    print(
        f"\nMáy: {platform.processor() or platform.machine()}, {os.cpu_count()} lõi, Python "
        f"{platform.python_version()}, --peak, tổng thời gian {elapsed:.0f} s"
    )
    return 0 if all(c.ok for c in peak.cases) else 1


def cmd_calendar(args: argparse.Namespace) -> int:
    """`python -m tracker calendar [--year 2026]`: one line per ISO week (Monday–Sunday, deadline
    after moving off days off, exempt or not, why)."""
    catalogues.open_database()
    year = args.year or plans.in_force() or plans.today_year()
    if not 2000 <= year <= 2100:
        print(f"Lỗi: năm {year} nằm ngoài khoảng 2000–2100.", file=sys.stderr)
        return 2
    table = calendar.year_calendar(year)
    print("\n".join(calendar.calendar_lines(table)))
    if not table["known"].all():
        print(calendar.UNKNOWN_NOTE, file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """`python -m tracker backup --out DIR` (server stopped; otherwise exit 3 with a message)."""
    try:
        with terminal.working("Đang sao lưu cơ sở dữ liệu và các tệp đã nộp"):
            info = backups.backup(Path(args.out), auth.SYSTEM)
    except backup.BackupError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    print(
        f"Đã sao lưu vào {info.path}: cơ sở dữ liệu và {info.files} tệp đã nộp "
        f"({info.size_label}), mã kiểm tra SHA-256 và chữ ký HMAC trong {backup.MANIFEST}. "
        f"Giữ kỹ tệp khóa {settings.backup_key_path()}: thiếu nó thì không khôi phục được."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """`python -m tracker restore DIR` (server stopped; the current state is backed up first)."""
    try:
        with terminal.working("Đang kiểm tra chữ ký và khôi phục bản sao lưu"):
            info = backups.restore(Path(args.dir), auth.SYSTEM)
    except backup.BackupError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    print(
        f"Đã khôi phục từ bản sao lưu lúc {fmt_datetime(info.created_at)} "
        f"({info.files} tệp đã nộp). Bản sao của dữ liệu trước khi khôi phục nằm trong "
        f"{backup.backups_dir()}."
    )
    return 0


HANDLERS: dict[str, Handler] = {
    "init": cmd_init,
    "template": cmd_template,
    "import": cmd_import,
    "export": cmd_export,
    "demo": cmd_demo,
    "bench": cmd_bench,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "calendar": cmd_calendar,
    "plan": cmd_plan,
    **cli_users.HANDLERS,  # users
    **cli_city.HANDLERS,  # body, city-setting, city-item, city-criteria
}


def main(argv: list[str] | None = None) -> int:
    """Run one command; whatever happens, a Vietnamese message and an exit code, never a
    traceback: 2 bad arguments, 3 the database held by the server or another writer, 141 the
    reader of the output went away (`calendar | head`), 130 Ctrl+C, 1 anything else."""
    try:
        code = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not in Python's flush at exit
        return code
    except BrokenPipeError:
        return terminal.closed_pipe()
    except KeyboardInterrupt:
        print(terminal.INTERRUPTED, file=sys.stderr)
        return terminal.INTERRUPTED_EXIT
    except Exception as exc:  # the one place a command may end: in Vietnamese, exit 1
        busy = db.busy_error(exc)
        if busy is not None:
            print(str(busy), file=sys.stderr)
            return 3
        return terminal.unexpected(exc)
    finally:
        db.close_all()


def _run(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    # Whether the user chose a database (demo writes to data/demo.duckdb otherwise).
    args.db_explicit = bool(args.db or os.environ.get("TRACKER_DB"))
    if args.db:
        os.environ["TRACKER_DB"] = str(Path(args.db).resolve())
    os.environ.setdefault("TRACKER_DB", str(db.settings.db_path()))
    try:
        return HANDLERS[args.command](args)
    except (auth.AccountError, auth.PermissionDenied, catalogues.CatalogueError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
