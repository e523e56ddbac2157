"""What every sheet reader shares: the workbook being read, problem reporting, table and code checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from tracker.ingest.parsed import ParsedWorkbook
from tracker.ingest.reader.cells import Sheet, Table, address, as_text, blank
from tracker.ingest.reader.context import Context
from tracker.problems import Problem


@dataclass
class Reading:
    """One workbook being read: its context, its result (problems included) and the header
    block's cells, which the _meta check compares against."""

    ctx: Context
    result: ParsedWorkbook = field(default_factory=ParsedWorkbook)
    header_cells: dict[str, tuple[Any, str]] = field(default_factory=dict)  # label -> (value, cell)


class SheetReader:
    """Base of the per-sheet readers: they all write into the same Reading."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.result = reading.result

    @property
    def ctx(self) -> Context:
        """The catalogues, under the plan of the workbook's week once the header is read."""
        return self.reading.ctx

    def add(
        self, sheet: str, cell: str, code: str, message: str, fix: str = "", warning: bool = False
    ) -> None:
        severity = "warning" if warning else "error"
        self.result.problems.append(Problem(sheet, cell, code, message, fix, severity))

    def table_ok(
        self,
        sheet: Sheet,
        table: Table | None,
        missing: list[str],
        spec: dict[str, str],
    ) -> bool:
        names = ", ".join(f"'{spec[name]}'" for name in missing)
        if table is not None:
            self.result.columns[sheet.name] = {
                name: get_column_letter(col + 1) for name, col in table.columns.items()
            }
        if table is None:
            self.add(
                sheet.name,
                "",
                "table_not_found",
                f"Trang tính '{sheet.name}' không có dòng tiêu đề bảng (cần các cột {names}).",
                "Giữ nguyên dòng tiêu đề cột như biểu mẫu (có thể đổi thứ tự cột).",
            )
            return False
        for name in missing:
            self.add(
                sheet.name,
                address(table.header_row, 0),
                "column_missing",
                f"Bảng ở trang tính '{sheet.name}' thiếu cột bắt buộc '{spec[name]}' "
                f"(dòng tiêu đề là dòng {table.header_row}).",
                f"Thêm cột '{spec[name]}' vào dòng tiêu đề, ghi đúng tên cột như biểu mẫu.",
            )
        return not missing

    def row_code(
        self,
        sheet: Sheet,
        row_no: int,
        cell: str,
        raw: Any,
        seen: dict[str, int],
        kind: str,
    ) -> str | None:
        """A catalogue code (indicator or criterion): required, known, not repeated."""
        noun, lookup, catalogue = {
            "indicator": ("chỉ số", self.ctx.indicator, self.ctx.indicators),
            "criterion": ("tiêu chí", self.ctx.criterion, self.ctx.criteria),
        }[kind]
        if blank(raw):
            self.add(
                sheet.name,
                cell,
                f"{kind}_code_missing",
                f"Dòng {row_no} chưa ghi mã {noun}.",
                f"Ghi mã {noun} như biểu mẫu, hoặc xóa dòng nếu thừa.",
            )
            return None
        code = lookup(raw)
        if code is None:
            self.add(
                sheet.name,
                cell,
                f"{kind}_unknown",
                f"Mã {noun} '{as_text(raw)}' không có trong danh mục.",
                f"Dùng một mã trong danh mục: {', '.join(catalogue)}.",
            )
            return None
        if code in seen:
            self.add(
                sheet.name,
                cell,
                f"{kind}_duplicate",
                f"Mã {noun} {code} được ghi hai lần (dòng {seen[code]} và dòng {row_no}).",
                "Mỗi mã chỉ ghi một dòng: xóa dòng thừa.",
            )
            return None
        seen[code] = row_no
        return code
