"""The 'Dân vận khéo' sheet: the unit's models (name, field, status)."""

from __future__ import annotations

from typing import Any

from tracker.ingest import contract
from tracker.ingest.parsed import ModelRow
from tracker.ingest.reader.base import SheetReader
from tracker.ingest.reader.cells import (
    Sheet,
    Table,
    address,
    as_text,
    blank,
    cell_value,
    choose,
    data_rows,
    find_table,
)


class ModelReader(SheetReader):
    """Reads 'Dân vận khéo': a named model, its field from the field catalogue (the active ones,
    in the reading context) and its status from the contract's list."""

    def read_models(self, sheet: Sheet) -> list[ModelRow]:
        table, missing = find_table(sheet, contract.MODEL_COLUMNS, contract.MODEL_REQUIRED)
        if not self.table_ok(sheet, table, missing, contract.MODEL_COLUMNS) or table is None:
            return []
        out = []
        for row_no, cells in data_rows(sheet, table):
            row = self.model_row(sheet, table, row_no, cells)
            if row is not None:
                out.append(row)
        return out

    def model_row(
        self, sheet: Sheet, table: Table, row_no: int, cells: dict[str, Any]
    ) -> ModelRow | None:
        at = {name: address(row_no, col) for name, col in table.columns.items()}
        name = as_text(cell_value(cells, "name"))
        if not name:
            self.add(
                sheet.name,
                at["name"],
                "model_name_missing",
                f"Dòng {row_no} chưa ghi tên mô hình.",
                "Ghi tên mô hình, điển hình 'Dân vận khéo', hoặc xóa dòng nếu thừa.",
            )
        field_value = self.model_choice(
            sheet, at["field"], cell_value(cells, "field"), self.ctx.model_fields, "lĩnh vực", True
        )
        status = self.model_choice(
            sheet,
            at.get("status", ""),
            cell_value(cells, "status"),
            contract.MODEL_STATUSES,
            "trạng thái",
            False,
        )
        if not name or field_value is None or status is None:
            return None
        return ModelRow(
            row_no=row_no,
            name=name,
            field=field_value,
            content=as_text(cell_value(cells, "content")),
            timeframe=as_text(cell_value(cells, "timeframe")),
            outcome=as_text(cell_value(cells, "outcome")),
            status=status,
        )

    def model_choice(
        self,
        sheet: Sheet,
        cell: str,
        raw: Any,
        allowed: tuple[str, ...],
        noun: str,
        required: bool,
    ) -> str | None:
        fix = f"Chọn một trong: {', '.join(allowed)}."
        if blank(raw):
            if not required:
                return ""
            self.add(sheet.name, cell, "model_field_missing", f"Chưa chọn {noun} của mô hình.", fix)
            return None
        chosen = choose(raw, allowed)
        if chosen is None:
            code = "model_field_invalid" if required else "model_status_invalid"
            self.add(
                sheet.name, cell, code, f"{noun.capitalize()} '{as_text(raw)}' không hợp lệ.", fix
            )
        return chosen
