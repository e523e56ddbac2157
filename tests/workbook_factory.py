"""Build realistic test workbooks the way units fill them, and re-save them through LibreOffice.

`Book()` is a valid hand-made weekly workbook of unit HCTC for week 2026-W10 covering its
eleven assigned tasks; each field can be changed to build a variant or a bad file. The layout
(by default): a merged title in row 1, the header block in rows 3-8 (label in A, value in B),
the progress table header in row 10 and data from row 11 in the contract's column order, so
the percent of the first task is F11. `cell()` computes addresses for moved or reordered layouts.
"""

from __future__ import annotations

import functools
import io
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from tests.libreoffice import SOFFICE as SOFFICE  # re-exported: tests import it here
from tests.libreoffice import convert
from tracker.ingest import contract, reader
from tracker.store import db

# HCTC's tasks in plan order with the role label the template writes.
HCTC_TASKS = (
    ("II.1.a", "Thực hiện"),
    ("II.1.b", "Thực hiện"),
    ("II.1.c", "Thực hiện"),
    ("II.2", "Chủ trì"),
    ("II.3", "Thực hiện"),
    ("II.4", "Phối hợp"),
    ("II.5", "Thực hiện"),
    ("II.6", "Chủ trì"),
    ("III.1", "Thực hiện"),
    ("III.2.a", "Chủ trì"),
    ("III.2.b", "Chủ trì"),
)

# (status, percent, result, evidence, difficulty, proposal) as an officer would write them.
_PROGRESS = {
    "II.1.a": ("Đang thực hiện", 20, "Quán triệt Chỉ thị 46-CT/TW trong giao ban tuần", "", "", ""),
    "II.1.b": ("Đang thực hiện", 25, "Phổ biến Luật Thực hiện dân chủ ở cơ sở", "", "", ""),
    "II.1.c": (
        "Hoàn thành",
        100,
        "Đã đăng ký mô hình Dân vận khéo",
        "Văn bản số 12/VP-HCTC ngày 02/03/2026",
        "",
        "",
    ),
    "II.2": (
        "Hoàn thành",
        100,
        "Ban hành Quyết định thành lập Tổ dân vận",
        "Quyết định số 15/QĐ-VP ngày 20/02/2026",
        "",
        "",
    ),
    "II.3": ("Đang thực hiện", 15, "Triển khai chương trình công tác", "", "", ""),
    "II.4": ("Đang thực hiện", 20, "Phối hợp tiếp công dân định kỳ", "", "", ""),
    "II.5": ("Chưa triển khai", None, "", "", "", ""),
    "II.6": (
        "Đang thực hiện",
        30,
        "Theo dõi, đôn đốc các phòng",
        "",
        "Một số đơn vị nộp báo cáo chậm",
        "Đề nghị Lãnh đạo Văn phòng nhắc nhở",
    ),
    "III.1": ("Đang thực hiện", 10, "Xây dựng kế hoạch kiểm tra", "", "", ""),
    "III.2.a": ("Chưa triển khai", 0, "", "", "", ""),
    "III.2.b": ("Tạm dừng", 5, "Chờ yêu cầu của Sở Nội vụ", "", "", ""),
}

PROGRESS_ORDER = tuple(contract.PROGRESS_COLUMNS)
INDICATOR_ORDER = tuple(contract.INDICATOR_COLUMNS)
SCORE_ORDER = tuple(contract.SCORE_COLUMNS)
MODEL_ORDER = tuple(contract.MODEL_COLUMNS)


def progress_rows() -> list[dict[str, Any]]:
    """The eleven rows of the valid base, as {field: value}."""
    rows = []
    for i, (code, role) in enumerate(HCTC_TASKS, start=1):
        status, percent, result, evidence, difficulty, proposal = _PROGRESS[code]
        rows.append(
            {
                "stt": i,
                "task_code": code,
                "task_title": f"Nhiệm vụ {code}",
                "role": role,
                "status": status,
                "percent": percent,
                "result_text": result,
                "evidence": evidence,
                "difficulty": difficulty,
                "proposal": proposal,
            }
        )
    return rows


def indicator_rows() -> list[dict[str, Any]]:
    values = {"TCD_LUOT": 12, "DOI_THOAI": 1, "DON_TIEP_NHAN": 5, "VAN_BAN": 2, "MO_HINH": 1}
    names = (
        "TCD_LUOT",
        "DOI_THOAI",
        "DON_TIEP_NHAN",
        "DON_GIAI_QUYET",
        "QUAN_TRIET",
        "TAP_HUAN",
        "VAN_BAN",
        "MO_HINH",
    )
    return [{"indicator_code": code, "value": values.get(code)} for code in names]


# Criterion code -> (score, evidence): blanks are "not scored yet"; D2 is not applicable.
_SCORES = {
    "A1": (4, "Kế hoạch số 20/KH-VP ngày 15/01/2026"),
    "A2": (3, "Biên bản hội nghị quán triệt ngày 10/02/2026"),
    "A3": (2.5, "Báo cáo tháng 2"),
    "B1": (3, "Sổ tiếp công dân"),
    "C1": (6, "Quy chế phối hợp với Công đoàn"),
    "E1": (4, "Quyết định ban hành Quy chế dân chủ"),
    "F1": (5, "Văn bản đăng ký mô hình"),
    "P1": (0, ""),
}
_GROUPS = {"A1": "A. Lãnh đạo, chỉ đạo", "B1": "B. Tiếp công dân", "P1": "Điểm trừ"}
CRITERIA_CODES = [
    "A1",
    "A2",
    "A3",
    "B1",
    "B2",
    "B3",
    "C1",
    "C2",
    "C3",
    "D1",
    "D2",
    "D3",
    "E1",
    "E2",
    "E3",
    "E4",
    "E5",
    "F1",
    "F2",
    "F3",
    "F4",
    "T1",
    "P1",
    "P2",
]
MAXIMA = dict(
    zip(
        CRITERIA_CODES,
        (4, 3, 3, 4, 4, 2, 7, 7, 6, 8, 6, 6, 4, 5, 4, 4, 3, 5, 8, 4, 3, 5, 5, 5),
        strict=True,
    )
)


def score_rows(groups: bool = True) -> list[dict[str, Any]]:
    """24 criteria (D2 marked x) with group heading rows before A, B and the penalties."""
    rows: list[dict[str, Any]] = []
    for code in CRITERIA_CODES:
        if groups and code in _GROUPS:
            rows.append({"criterion_code": _GROUPS[code]})
        score, evidence = _SCORES.get(code, (None, ""))
        rows.append(
            {
                "criterion_code": code,
                "title": f"Tiêu chí {code}",
                "max_points": MAXIMA[code],
                "not_applicable": "x" if code == "D2" else None,
                "score": score,
                "evidence": evidence,
            }
        )
    return rows


def model_rows() -> list[dict[str, Any]]:
    return [
        {
            "name": "Tiếp nhận, trả kết quả đúng hẹn, không để người dân đi lại nhiều lần",
            "field": "Xây dựng hệ thống chính trị",
            "content": "Niêm yết công khai, nhắc hẹn qua Zalo",
            "timeframe": "Năm 2026",
            "outcome": "",
            "status": "Đăng ký",
        },
        {
            "name": "Chi đoàn Văn phòng đồng hành cùng người dân",
            "field": "Văn hóa - xã hội",
            "status": "Đang thực hiện",
        },
    ]


def default_meta() -> dict[str, Any]:
    return {
        "template_version": contract.TEMPLATE_VERSION,
        "unit_code": "HCTC",
        "period": "2026-W10",
        "generated_at": "2026-03-02 08:00",
    }


@dataclass
class Book:
    """A workbook as a unit would fill it; every field may be changed for a variant."""

    unit_name: Any = "Phòng Hành chính - Tổ chức"
    unit_code: Any = "HCTC"
    period: Any = "Tuần 10/2026"
    reporter: Any = "Nguyễn Thị Lan"
    phone: Any = "0292 3821 456"
    report_date: Any = "06/03/2026"
    title_rows: int = 2  # rows above the header block (a merged title, then a blank row)
    table_gap: int = 1  # blank rows between the header block and the table header
    header_labels: dict[str, str] | None = None  # label overrides, e.g. {"Đơn vị": "ĐƠN VỊ :"}
    columns: tuple[str, ...] = PROGRESS_ORDER
    header_texts: dict[str, str] = field(default_factory=dict)  # column header overrides
    progress: list[dict[str, Any]] = field(default_factory=progress_rows)
    blank_rows_after: tuple[int, ...] = ()  # insert a blank row after these data indexes
    percent_format: str | None = None  # number_format of every percent cell
    # (a row's own "_percent_format" key formats just that row's percent cell)
    indicators: list[dict[str, Any]] | None = field(default_factory=indicator_rows)
    scores: list[dict[str, Any]] | None = field(default_factory=score_rows)
    models: list[dict[str, Any]] | None = field(default_factory=model_rows)
    meta: dict[str, Any] | None = field(default_factory=default_meta)
    sheet_titles: dict[str, str] = field(default_factory=dict)  # contract name -> title used
    guide: bool = True
    nfd: bool = False  # write every text in NFD, as some keyboards/OSes do
    extra_sheets: tuple[str, ...] = ()

    # -- layout ---------------------------------------------------------------------------

    @property
    def header_first_row(self) -> int:
        return self.title_rows + 1

    @property
    def table_header_row(self) -> int:
        return self.header_first_row + len(contract.HEADER_LABELS) + self.table_gap

    def data_row(self, index: int) -> int:
        """Worksheet row of progress row `index` (0-based), after inserted blank rows."""
        blanks = sum(1 for after in self.blank_rows_after if after < index)
        return self.table_header_row + 1 + index + blanks

    def cell(self, task_code: str, field_name: str) -> str:
        """Address of a progress cell, e.g. cell('II.1.a', 'percent') == 'F11'."""
        index = next(i for i, r in enumerate(self.progress) if r.get("task_code") == task_code)
        return f"{get_column_letter(self.columns.index(field_name) + 1)}{self.data_row(index)}"

    def header_cell(self, label: str) -> str:
        return f"B{self.header_first_row + contract.HEADER_LABELS.index(label)}"

    # -- writing --------------------------------------------------------------------------

    def workbook(self) -> Workbook:
        wb = Workbook()
        self._progress_sheet(wb.active)
        if self.indicators is not None:
            self._table_sheet(
                wb, contract.SHEET_INDICATORS, contract.INDICATOR_COLUMNS, self.indicators
            )
        if self.scores is not None:
            self._table_sheet(wb, contract.SHEET_SCORES, contract.SCORE_COLUMNS, self.scores)
        if self.models is not None:
            self._table_sheet(wb, contract.SHEET_MODELS, contract.MODEL_COLUMNS, self.models)
        if self.guide:
            ws = wb.create_sheet(self._title(contract.SHEET_GUIDE))
            ws["A1"] = self._t(
                "Hướng dẫn: ghi Trạng thái và Tỷ lệ hoàn thành (%) cho mỗi nhiệm vụ."
            )
        for title in self.extra_sheets:
            wb.create_sheet(self._t(title))["A1"] = "Ghi chú riêng của đơn vị"
        if self.meta is not None:
            ws = wb.create_sheet(self._title(contract.SHEET_META))
            for row, (k, v) in enumerate(self.meta.items(), start=1):
                ws.cell(row=row, column=1, value=k)
                ws.cell(row=row, column=2, value=v)
            ws.sheet_state = "hidden"
        return wb

    def to_bytes(self) -> bytes:
        return save(self.workbook())

    def _t(self, value: Any) -> Any:
        if isinstance(value, str) and self.nfd:
            return unicodedata.normalize("NFD", value)
        return value

    def _title(self, name: str) -> str:
        return self._t(self.sheet_titles.get(name, name))

    def _progress_sheet(self, ws: Any) -> None:
        ws.title = self._title(contract.SHEET_PROGRESS)
        ws["A1"] = self._t("BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH DÂN VẬN CHÍNH QUYỀN NĂM 2026")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(self.columns))
        values = {
            contract.LABEL_UNIT: self.unit_name,
            contract.LABEL_UNIT_CODE: self.unit_code,
            contract.LABEL_PERIOD: self.period,
            contract.LABEL_REPORTER: self.reporter,
            contract.LABEL_PHONE: self.phone,
            contract.LABEL_DATE: self.report_date,
        }
        labels = self.header_labels or {}
        for offset, label in enumerate(contract.HEADER_LABELS):
            row = self.header_first_row + offset
            ws.cell(row=row, column=1, value=self._t(labels.get(label, f"{label}:")))
            ws.cell(row=row, column=2, value=self._t(values[label]))
        header_row = self.table_header_row
        for col, name in enumerate(self.columns, start=1):
            text = self.header_texts.get(name, contract.PROGRESS_COLUMNS.get(name, name))
            ws.cell(row=header_row, column=col, value=self._t(text))
        for index, row in enumerate(self.progress):
            row_no = self.data_row(index)
            for col, name in enumerate(self.columns, start=1):
                cell = ws.cell(row=row_no, column=col, value=self._t(row.get(name)))
                number_format = row.get("_percent_format", self.percent_format)
                if name == "percent" and number_format:
                    cell.number_format = number_format

    def _table_sheet(
        self, wb: Workbook, name: str, spec: dict[str, str], rows: list[dict[str, Any]]
    ) -> None:
        ws = wb.create_sheet(self._title(name))
        ws["A1"] = self._t(name.upper())
        order = list(spec)
        for col, field_name in enumerate(order, start=1):
            ws.cell(row=3, column=col, value=self._t(spec[field_name]))
        for row_no, row in enumerate(rows, start=4):
            for col, field_name in enumerate(order, start=1):
                ws.cell(row=row_no, column=col, value=self._t(row.get(field_name)))


def table_cell(name: str, index: int, field_name: str) -> str:
    """Address in the 'Chỉ số'/'Tự chấm điểm'/'Dân vận khéo' sheets: header row 3, data from 4."""
    spec = {
        contract.SHEET_INDICATORS: INDICATOR_ORDER,
        contract.SHEET_SCORES: SCORE_ORDER,
        contract.SHEET_MODELS: MODEL_ORDER,
    }[name]
    return f"{get_column_letter(spec.index(field_name) + 1)}{4 + index}"


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def clean_cell_text(value: str) -> str:
    """Text openpyxl can write (XML forbids most control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def resave_with_libreoffice(data: bytes, workdir: Path | None = None) -> bytes:
    """Open and save the workbook with LibreOffice Calc (real cached formula values, its styles)."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        src = Path(tmp) / "in" / "book.xlsx"
        src.parent.mkdir()
        src.write_bytes(data)
        return convert(src, "xlsx:Calc MS Excel 2007 XML", Path(tmp) / "out").read_bytes()


@functools.cache
def context() -> reader.Context:
    """The reading context of the shipped catalogues, from a private throwaway database.

    Loaded once per test session; the connection is left to the next db.close_all().
    """
    path = Path(tempfile.mkdtemp(prefix="reader_ctx_")) / "context.duckdb"
    db.connection(path)
    return reader.Context.load(path)
