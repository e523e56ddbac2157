"""Benchmark of the upload path: one weekly workbook checked and stored against pandas reading
it, and a bulk import of many workbooks (PRODUCT.md §10)."""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from tracker.accounts import auth
from tracker.catalogue import periods, plans
from tracker.ingest import bulk, contract, submissions, template
from tracker.store import db
from tracker.tools import terminal
from tracker.tools.bench_core import Case, _environment, _timed, median_time


def filled_workbook(unit: str, week: str, path: Path, variant: int = 0) -> bytes:
    """The generated template filled in as an officer would (statuses, percents, texts)."""
    wb = load_workbook(io.BytesIO(template.build(unit, week, path=path)))
    ws = wb[contract.SHEET_PROGRESS]
    cols = {f: i for i, f in enumerate(contract.PROGRESS_COLUMNS, start=1)}
    for r in range(template.PROGRESS_FIRST_ROW, ws.max_row + 1):
        if not ws.cell(row=r, column=cols["task_code"]).value:
            continue
        ws.cell(row=r, column=cols["status"]).value = contract.STATUS_IN_PROGRESS
        ws.cell(row=r, column=cols["percent"]).value = 20 + (r + variant) % 50
        ws.cell(row=r, column=cols["result_text"]).value = "Tổ chức quán triệt, triển khai trong kỳ"
    for r in range(1, template.PROGRESS_HEADER_ROW):
        if str(ws.cell(row=r, column=1).value or "").startswith(contract.LABEL_REPORTER):
            ws.cell(row=r, column=2).value = f"Cán bộ {variant}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_with_pandas(data: bytes) -> None:
    pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl")


def read_with_calamine(data: bytes) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def bench_workbook(tmp: Path, repeat: int) -> list[Case]:
    path = tmp / "workbook.duckdb"
    db.connection(path)
    first = plans.first_week(plans.current(path), path)
    files = [filled_workbook("HCTC", periods.shift(first, i + 2), path, i) for i in range(repeat)]
    check_only = statistics.median(
        [
            _timed(lambda d=d: submissions.check(d, "bench.xlsx", auth.SYSTEM, path=path))
            for d in files
        ]
    )
    times = []
    for data in files:
        start = time.perf_counter()
        result = submissions.submit(data, "bench.xlsx", auth.SYSTEM, path=path)
        times.append(time.perf_counter() - start)
        assert result.status == "accepted", result.errors
    ours = statistics.median(times)
    sample = files[0]
    openpyxl_read = median_time(lambda: read_with_pandas(sample), repeat)
    floor = median_time(lambda: read_with_calamine(sample), repeat)
    db.close_all()
    return [
        Case(
            "Kiểm tra + lưu 1 biểu mẫu tuần",
            ours,
            "s",
            "< 1 s và ≤ pandas.read_excel(openpyxl)",
            ours < 1.0 and ours <= openpyxl_read,
            "pandas.read_excel(openpyxl), mọi sheet",
            openpyxl_read,
        ),
        Case(
            "  trong đó: kiểm tra (đọc + xác thực), chưa lưu",
            check_only,
            "s",
            "≤ pandas.read_excel(openpyxl)",
            check_only <= openpyxl_read,
            "pandas.read_excel(openpyxl), mọi sheet",
            openpyxl_read,
        ),
        Case("Sàn: python-calamine đọc thô", floor, "s", "tham chiếu", True),
    ]


# --- bulk import ---------------------------------------------------------------------------


def bench_bulk(tmp: Path, count: int) -> list[Case]:
    path = tmp / "bulk.duckdb"
    db.connection(path)
    units = [u for u in db.query("units", path=path)["code"]]
    first = plans.first_week(plans.current(path), path)
    folder = tmp / "bulk"
    folder.mkdir()
    files = []
    for i in range(count):
        unit, week = units[i % len(units)], periods.shift(first, 2 + i // len(units))
        file = folder / f"{unit}_{week}.xlsx"
        file.write_bytes(filled_workbook(unit, week, path, i))
        files.append(file)
    with _environment(TRACKER_DB=str(path), TRACKER_FILES=None):  # bulk uses the default db
        start = time.perf_counter()
        results = bulk.import_files(files, auth.SYSTEM, progress=terminal.bar())
        seconds = time.perf_counter() - start
    accepted = sum(r.status == "accepted" for r in results)
    db.close_all()
    limit = 15.0 * count / 250
    return [
        Case(
            f"Nhập hàng loạt {count} biểu mẫu ({accepted} nhận)",
            seconds,
            "s",
            f"< {limit:g} s",
            seconds < limit and accepted == count,
        )
    ]
