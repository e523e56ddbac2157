"""The annex workbook (.xlsx, PRODUCT.md §8): the Báo cáo's Phụ lục II-V unit by unit, and the
same workbook for any dates as the "Báo cáo tổng hợp".

One sheet per table, each a plain sortable table (one header row with a filter, frozen under it,
no merged cell inside), print-ready on A4 landscape with the header repeated: Bảng 1 (tasks, the
figures of the Báo cáo's Bảng 1 and of every count the body gives per task), Phụ lục II (each
unit's result and documents per task), Phụ lục III (every difficulty raised, with what became of
it), Phụ lục IV (the Dân vận khéo register), Phụ lục V (self-scores), Bảng 2 (indicators). Every
figure is the Báo cáo's own (baocao_figures.Figures, as of its data week). Text is always text,
never a formula; numbers stay numbers; equal inputs give equal bytes.
"""

from __future__ import annotations

import io
import numbers
import re
import zipfile
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker import settings
from tracker.catalogue import periods
from tracker.catalogue.plan import ALL_UNITS_LABEL, ROLE_LABELS, TASK_KIND_LABELS
from tracker.csvsafe import xlsx_text
from tracker.exports import baocao_annex
from tracker.exports import baocao_results as said
from tracker.exports.baocao_figures import Figures, Period, accounting, gather
from tracker.exports.tables import KIND_LABELS, NOT_REPORTED, cell_text
from tracker.metrics import difficulties, models_register, scoring
from tracker.text import is_missing, nfc

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE = "BÁO CÁO TỔNG HỢP"
HEADER_ROW = 5  # rows 1-3: title, attached to, basis; the table's header row, then its rows


def put(ws: Worksheet, row: int, col: int, value: Any) -> str | None:
    """Write one cell: numbers stay numbers, dates dates, text is always a string (never a
    formula); returns the number format the value needs (None: text or nothing written)."""
    return put_cell(ws.cell(row=row, column=col), value)


def put_cell(cell: Any, value: Any) -> str | None:
    """`put` into a cell already at hand."""
    if is_missing(value) or value == "":
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        integral = isinstance(value, numbers.Integral)
        cell.value = int(value) if integral else float(value)
        return "0" if integral else "0.0"
    if isinstance(value, date):
        cell.value = value
        return "dd/mm/yyyy"
    xlsx_text(cell, value)  # never a formula; formula-looking text quote-prefixed
    return None


class CellStyles:
    """The style of each kind of table cell (wrapped, top-aligned, its number format), made
    once per sheet and copied: openpyxl hashes a style object at every assignment, which took
    most of the workbook's time at city scale (40,000 cells)."""

    def __init__(self) -> None:
        self._made: dict[str | None, Any] = {}

    def apply(self, cell: Any, number_format: str | None) -> None:
        made = self._made.get(number_format)
        if made is not None:
            cell._style = copy(made)
            return
        cell.alignment = WRAP
        if number_format:
            cell.number_format = number_format
        self._made[number_format] = copy(cell._style)


def signature_line(day: date) -> str:
    """'Cần Thơ, ngày 08 tháng 03 năm 2026'."""
    return f"Cần Thơ, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


@dataclass(frozen=True)
class Sheet:
    """One table of the workbook: its sheet name, title, columns (name, width) and rows."""

    name: str
    title: str
    columns: Sequence[tuple[str, float]]
    rows: Callable[[Figures], list[list[Any]]]
    caption: Callable[[Figures], str]
    empty: str


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _write(wb: Workbook, sheet: Sheet, f: Figures, attached: str) -> Worksheet:
    return table_sheet(
        wb,
        sheet.name,
        (sheet.title, f"({attached})", sheet.caption(f)),
        sheet.columns,
        sheet.rows(f),
        sheet.empty,
    )


def table_sheet(
    wb: Workbook,
    name: str,
    heading: tuple[str, str, str],
    columns: Sequence[tuple[str, float]],
    rows: list[list[Any]],
    empty: str,
) -> Worksheet:
    """One plain sortable table as a sheet: `heading` (title in bold, what it is attached to in
    italics, a caption) in rows 1-3, the header row with a filter, frozen under it, then `rows`
    (numbers stay numbers, text never a formula; `empty` when there are none), A4 landscape."""
    ws = wb.create_sheet(name)
    width = len(columns)
    for row, text in enumerate(heading, start=1):
        put(ws, row, 1, text)
        ws.cell(row=row, column=1).font = Font(bold=row == 1, italic=row == 2)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=False)
    for col, (title, size) in enumerate(columns, start=1):
        put(ws, HEADER_ROW, col, title)
        cell = ws.cell(row=HEADER_ROW, column=col)
        cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, CENTER
        ws.column_dimensions[get_column_letter(col)].width = size
    styles = CellStyles()
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            number_format = put_cell(cell, value)
            quoted = cell.quotePrefix  # a formula-looking text keeps its quote prefix
            styles.apply(cell, number_format)
            if quoted:
                cell.quotePrefix = True
    last = HEADER_ROW + max(len(rows), 1)
    if not rows:
        put(ws, HEADER_ROW + 1, 1, empty)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(width)}{last}"
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    _print_setup(ws)
    return ws


def _as_of(f: Figures) -> str:
    return f"Số liệu đến hết {periods.label(f.week)}"


# --- the sheets ----------------------------------------------------------------------------------


def _task_rows(f: Figures) -> list[list[Any]]:
    rows = []
    for i, t in enumerate(f.tasks.itertuples(index=False), start=1):
        n = accounting(f.difficulties[f.difficulties["task_code"] == t.code])
        rows.append(
            [
                i,
                t.code,
                t.short_title,
                ALL_UNITS_LABEL if is_missing(t.lead_name) else t.lead_name,
                TASK_KIND_LABELS.get(t.kind, t.kind),
                int(t.assigned_units),
                int(t.reported_units),
                float(t.completion),
                None if t.kind == "theo_yeu_cau" or is_missing(t.expected) else float(t.expected),
                t.status,
                int((f.results["task_code"] == t.code).sum()),
                len(f.documents.get(t.code, {})),
                n["raised"],
                n[difficulties.HANDLED],
                n[difficulties.DROPPED],
                n[difficulties.OPEN],
            ]
        )
    return rows


def _result_rows(f: Figures) -> list[list[Any]]:
    """Per task and unit with a figure or a text in the period: its completion at the data week,
    its results and the documents it cited in the period (full texts)."""
    texts = {(r.task_code, r.unit_code): r.results for r in f.results.itertuples(index=False)}
    cited: dict[tuple[str, str], list[str]] = {}
    for task, docs in f.documents.items():
        for doc, units in docs.items():
            for unit in units:
                cited.setdefault((task, unit), []).append(doc)
    rows = []
    for r in f.unit_progress.itertuples(index=False):
        pair = (r.task_code, r.unit_code)
        if is_missing(r.percent) and pair not in texts and pair not in cited:
            continue
        rows.append(
            [
                r.task_code,
                said.short_name(r.short_title),
                r.unit_code,
                r.unit_name,
                ROLE_LABELS.get(r.role, r.role),
                cell_text(r.period),
                NOT_REPORTED if is_missing(r.percent) else r.sheet_status,
                None if is_missing(r.percent) else float(r.percent),
                said.once_each(texts.get(pair, "")),
                "; ".join(cited.get(pair, [])),
            ]
        )
    return rows


def _difficulty_rows(f: Figures) -> list[list[Any]]:
    return [
        [
            cell_text(r.task_code),
            "" if is_missing(r.task_title) else said.short_name(r.task_title),
            r.unit_code,
            r.unit_name,
            nfc(r.content),
            cell_text(r.proposal),
            difficulties.SOURCES.get(r.source, r.source),
            r.raised_at.to_pydatetime().date(),
            cell_text(r.last_period),
            r.state,
            None if is_missing(r.handled_at) else r.handled_at.to_pydatetime().date(),
            cell_text(r.handled_note),
        ]
        for r in f.difficulties.itertuples(index=False)
    ]


def _model_rows(f: Figures) -> list[list[Any]]:
    frame = models_register.frame_of(f.models)
    return [list(r) for r in frame.itertuples(index=False)]


def _score_rows(f: Figures) -> list[list[Any]]:
    frame = scoring.frame_of(f.scores)
    return [
        [v if isinstance(v, numbers.Real) and not is_missing(v) else cell_text(v) for v in r]
        for r in frame.itertuples(index=False)
    ]


def _indicator_rows(f: Figures) -> list[list[Any]]:
    return [
        [
            r.code,
            r.name,
            r.measure,
            KIND_LABELS[r.kind],
            r.task_code,
            None if is_missing(r.total) else float(r.total),
            int(r.units),
        ]
        for r in f.indicators.itertuples(index=False)
    ]


def _states_caption(f: Figures) -> str:
    account = baocao_annex.difficulty_account(f.difficulties)
    return (
        f"{_as_of(f)}, từ đầu năm {f.year}, khó khăn, vướng mắc {account} (không còn nêu: báo "
        "cáo gần nhất của đơn vị về nhiệm vụ đó để trống hoặc nêu nội dung khác)"
    )


def _scores_caption(f: Figures) -> str:
    name = f"bộ tiêu chí {f.criteria_label}" if f.criteria_label else "bộ tiêu chí đang áp dụng"
    return f"{_as_of(f)}: bảng tự chấm điểm gần nhất của mỗi đơn vị; {name}"


SHEETS = (
    Sheet(
        "Bảng 1 - Nhiệm vụ",
        "BẢNG 1. TIẾN ĐỘ CÁC NHIỆM VỤ",
        [
            ("STT", 5),
            ("Mã nhiệm vụ", 10),
            ("Nhiệm vụ", 45),
            ("Đơn vị chủ trì", 24),
            ("Loại", 14),
            ("Số đơn vị được giao", 10),
            ("Số đơn vị đã báo cáo", 10),
            ("Tỷ lệ hoàn thành (%)", 11),
            ("Tiến độ theo kế hoạch (%)", 11),
            ("Trạng thái", 15),
            ("Số đơn vị nêu kết quả", 10),
            ("Số văn bản, minh chứng", 10),
            ("Khó khăn, vướng mắc đã nêu", 10),
            ("Đã xử lý", 9),
            ("Không còn nêu", 9),
            ("Chưa xử lý", 9),
        ],
        _task_rows,
        lambda f: f"{_as_of(f)}; tỷ lệ hoàn thành do đơn vị tự đánh giá",
        "Kế hoạch chưa có nhiệm vụ.",
    ),
    Sheet(
        "Phụ lục II - Kết quả",
        "PHỤ LỤC II. KẾT QUẢ CỦA TỪNG ĐƠN VỊ THEO NHIỆM VỤ",
        [
            ("Mã nhiệm vụ", 10),
            ("Nhiệm vụ", 36),
            ("Mã đơn vị", 10),
            ("Đơn vị", 28),
            ("Vai trò", 11),
            ("Tuần báo cáo gần nhất", 11),
            ("Trạng thái", 15),
            ("Tỷ lệ hoàn thành (%)", 11),
            ("Kết quả thực hiện trong kỳ", 60),
            ("Văn bản, minh chứng trong kỳ", 45),
        ],
        _result_rows,
        lambda f: f"{_as_of(f)}; kết quả và văn bản {f.p.dates}",
        "Chưa có đơn vị báo cáo.",
    ),
    Sheet(
        "Phụ lục III - Vướng mắc",
        "PHỤ LỤC III. KHÓ KHĂN, VƯỚNG MẮC VÀ VIỆC XỬ LÝ",
        [
            ("Mã nhiệm vụ", 10),
            ("Nhiệm vụ", 30),
            ("Mã đơn vị", 10),
            ("Đơn vị", 26),
            ("Khó khăn, vướng mắc", 50),
            ("Đề xuất, kiến nghị", 40),
            ("Nguồn", 16),
            ("Ngày nêu", 12),
            ("Tuần nêu gần nhất", 11),
            ("Tình trạng", 14),
            ("Ngày xử lý", 12),
            ("Nội dung xử lý", 30),
        ],
        _difficulty_rows,
        _states_caption,
        "Các đơn vị chưa nêu khó khăn, vướng mắc.",
    ),
    Sheet(
        "Phụ lục IV - Dân vận khéo",
        'PHỤ LỤC IV. MÔ HÌNH, ĐIỂN HÌNH "DÂN VẬN KHÉO"',
        [
            (c, w)
            for c, w in zip(models_register.MODELS_CSV_COLUMNS, models_register.WIDTHS, strict=True)
        ],
        _model_rows,
        lambda f: f"{_as_of(f)}: danh sách mô hình gần nhất của mỗi đơn vị",
        "Chưa có đơn vị đăng ký mô hình.",
    ),
    Sheet(
        "Phụ lục V - Tự chấm điểm",
        "PHỤ LỤC V. KẾT QUẢ TỰ CHẤM ĐIỂM",
        [(c, max(10, min(40, len(c) + 4))) for c in scoring.SCORES_CSV_COLUMNS],
        _score_rows,
        _scores_caption,
        "Chưa có đơn vị nào tự chấm điểm.",
    ),
    Sheet(
        "Bảng 2 - Chỉ số",
        "BẢNG 2. CHỈ SỐ",
        [
            ("Mã chỉ số", 16),
            ("Tên chỉ số", 50),
            ("Đơn vị tính", 12),
            ("Cách tính", 18),
            ("Nhiệm vụ", 10),
            ("Giá trị", 12),
            ("Số đơn vị", 10),
        ],
        _indicator_rows,
        lambda f: (
            f"Chỉ số {f.p.dates} (cộng dồn: tổng các tuần có ngày thứ Năm trong khoảng; giá trị "
            "mới nhất: số liệu gần nhất của mỗi đơn vị)"
        ),
        "Chưa có số liệu chỉ số.",
    ),
)


def _signature(ws: Worksheet, day: date, compiler: str) -> None:
    """The place and date of the workbook, below Bảng 1 (the Báo cáo tổng hợp is sent as is)."""
    row = ws.max_row + 2
    put(ws, row, 3, signature_line(day))
    ws.cell(row=row, column=3).font = Font(italic=True)
    put(ws, row + 1, 3, compiler)
    ws.cell(row=row + 1, column=3).font = Font(bold=True)


_MODIFIED = re.compile(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def stable_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite the .xlsx (or .docx) zip with one timestamp for every part, so equal inputs give equal bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps "modified" with the clock at save time.
                part = _MODIFIED.sub(
                    rf"\g<1>{when:%Y-%m-%dT%H:%M:%S}Z\g<2>", part.decode()
                ).encode()
            clone = zipfile.ZipInfo(info.filename, date_time=stamp)
            clone.compress_type = zipfile.ZIP_DEFLATED
            clone.external_attr = info.external_attr
            dst.writestr(clone, part)
    return out.getvalue()


def annex_workbook(f: Figures, now: datetime, attached: str) -> bytes:
    """Every sheet of SHEETS for the figures `f`; `attached` says what the workbook goes with
    (the Báo cáo's number and date, or the dates of a Báo cáo tổng hợp)."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = f.issuer.full
    wb.properties.title = TITLE
    wb.properties.created = wb.properties.modified = now
    sheets = [_write(wb, sheet, f, attached) for sheet in SHEETS]
    _signature(sheets[0], now.date(), f.issuer.compiler)
    buffer = io.BytesIO()
    wb.save(buffer)
    return stable_zip(buffer.getvalue(), now)


def report_xlsx(
    date_from: str | date,
    date_to: str | date,
    *,
    now: datetime | None = None,
    path: Path | None = None,
) -> bytes:
    """Báo cáo tổng hợp for the dates date_from..date_to (the caller stops them at the latest
    week whose deadline has passed), print-ready on A4 landscape."""
    start, end = periods.date_range(None, date_from, date_to)
    now = now or settings.now()
    title = f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    f = gather(Period(start, end, title), path)
    return annex_workbook(f, now, f"{f.issuer.heading}: Báo cáo tổng hợp {title}")
