"""The 'Chỉ số' sheet: one value per indicator code; blank means not reported this week."""

from __future__ import annotations

from typing import Any

from tracker.ingest import contract
from tracker.ingest.parsed import IndicatorRow
from tracker.ingest.reader.base import SheetReader
from tracker.ingest.reader.cells import (
    Sheet,
    address,
    as_number,
    as_text,
    blank,
    cell_value,
    data_rows,
    find_table,
)
from tracker.text import fmt_number


class IndicatorReader(SheetReader):
    """Reads 'Chỉ số': a known, unrepeated code and a non-negative number per row."""

    def read_indicators(self, sheet: Sheet) -> list[IndicatorRow]:
        table, missing = find_table(sheet, contract.INDICATOR_COLUMNS, contract.INDICATOR_REQUIRED)
        if not self.table_ok(sheet, table, missing, contract.INDICATOR_COLUMNS) or table is None:
            return []
        out: list[IndicatorRow] = []
        seen: dict[str, int] = {}
        for row_no, cells in data_rows(sheet, table):
            code_at = address(row_no, table.columns["indicator_code"])
            code = self.row_code(
                sheet, row_no, code_at, cell_value(cells, "indicator_code"), seen, "indicator"
            )
            value = self.indicator_value(sheet, address(row_no, table.columns["value"]), cells)
            if code is not None and value is not None:
                note = as_text(cell_value(cells, "note"))
                out.append(IndicatorRow(row_no, code, value, note))
        return out

    def indicator_value(self, sheet: Sheet, cell: str, cells: dict[str, Any]) -> float | None:
        raw = cell_value(cells, "value")
        if blank(raw):
            return None  # not reported this week: nothing stored, no error
        value = as_number(raw)
        if value is None:
            self.add(
                sheet.name,
                cell,
                "indicator_value_invalid",
                f"Giá trị chỉ số '{as_text(raw)}' không phải là số.",
                "Ghi một số (ví dụ 12); để trống nếu kỳ này không có số liệu.",
            )
        elif value < 0:
            self.add(
                sheet.name,
                cell,
                "indicator_value_negative",
                f"Giá trị chỉ số {fmt_number(value, 2)} là số âm.",
                "Ghi số lớn hơn hoặc bằng 0.",
            )
            return None
        return value
