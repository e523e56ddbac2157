"""The 'Tự chấm điểm' sheet: one self-assessed score per criterion, within its bounds."""

from __future__ import annotations

from typing import Any

from tracker.ingest import contract
from tracker.ingest.parsed import ScoreRow
from tracker.ingest.reader.base import SheetReader
from tracker.ingest.reader.cells import (
    Number,
    Sheet,
    Table,
    address,
    as_number,
    as_text,
    blank,
    cell_value,
    data_rows,
    find_table,
)
from tracker.text import fmt_number, key


class ScoreReader(SheetReader):
    """Reads 'Tự chấm điểm': each criterion's score within its maximum (penalties <= 0)."""

    def read_scores(self, sheet: Sheet) -> list[ScoreRow]:
        table, missing = find_table(sheet, contract.SCORE_COLUMNS, contract.SCORE_REQUIRED)
        if table is not None and "score" not in table.columns and not missing:
            missing = ["score"]
        if not self.table_ok(sheet, table, missing, contract.SCORE_COLUMNS) or table is None:
            return []
        out: list[ScoreRow] = []
        seen: dict[str, int] = {}
        for row_no, cells in data_rows(sheet, table):
            row = self.score_row(sheet, table, row_no, cells, seen)
            if row is not None:
                out.append(row)
        return out

    def score_row(
        self,
        sheet: Sheet,
        table: Table,
        row_no: int,
        cells: dict[str, Any],
        seen: dict[str, int],
    ) -> ScoreRow | None:
        at = {name: address(row_no, col) for name, col in table.columns.items()}
        raw_code = cell_value(cells, "criterion_code")
        raw_score, raw_na = cell_value(cells, "score"), cell_value(cells, "not_applicable")
        if self.ctx.criterion(raw_code) is None and all(
            blank(v) for v in (raw_score, raw_na, cell_value(cells, "max_points"))
        ):
            return None  # a group heading such as "A. Lãnh đạo, chỉ đạo"
        code = self.row_code(sheet, row_no, at["criterion_code"], raw_code, seen, "criterion")
        not_applicable = self.score_not_applicable(sheet, at.get("not_applicable", ""), raw_na)
        score = self.score_value(sheet, at["score"], raw_score)
        if code is None or not_applicable is None or not score.ok:
            return None
        evidence = as_text(cell_value(cells, "evidence"))
        explanation = as_text(cell_value(cells, "explanation"))
        row = ScoreRow(row_no, code, not_applicable, score.value, evidence, explanation)
        return row if self.check_score(sheet, at, row) else None

    def score_not_applicable(self, sheet: Sheet, cell: str, raw: Any) -> bool | None:
        if blank(raw):
            return False
        if key(raw) == contract.NOT_APPLICABLE_MARK:
            return True
        self.add(
            sheet.name,
            cell,
            "not_applicable_invalid",
            f"Cột 'Không áp dụng' chỉ nhận 'x' hoặc để trống, không nhận '{as_text(raw)}'.",
            "Ghi x nếu tiêu chí không áp dụng với đơn vị; ngược lại để trống.",
        )
        return None

    def score_value(self, sheet: Sheet, cell: str, raw: Any) -> Number:
        if blank(raw):
            return Number(None)
        value = as_number(raw)
        if value is None:
            self.add(
                sheet.name,
                cell,
                "score_invalid",
                f"Điểm tự chấm '{as_text(raw)}' không phải là số.",
                "Ghi số điểm (ví dụ 3 hoặc 2,5); để trống nếu chưa chấm.",
            )
            return Number(None, ok=False)
        return Number(value)

    def check_score(self, sheet: Sheet, at: dict[str, str], row: ScoreRow) -> bool:
        """Bounds and evidence of one criterion's score; penalties are stored as <= 0."""
        maximum, kind, _ = self.ctx.criteria[row.criterion_code]
        code, cell = row.criterion_code, at["score"]
        limit = fmt_number(maximum).removesuffix(",0")
        if row.score is None:
            return True
        if row.not_applicable:
            self.add(
                sheet.name,
                cell,
                "score_not_applicable",
                f"Tiêu chí {code} đánh dấu 'Không áp dụng' nhưng vẫn có điểm tự chấm.",
                "Xóa điểm, hoặc bỏ dấu x nếu tiêu chí có áp dụng với đơn vị.",
            )
            return False
        if kind == "penalty":
            return self.check_penalty(sheet, cell, row, row.score, maximum, limit)
        if not 0 <= row.score <= maximum:
            self.add(
                sheet.name,
                cell,
                "score_out_of_range",
                f"Điểm tự chấm {fmt_number(row.score)} của tiêu chí {code} nằm ngoài khoảng "
                f"0 đến {limit}.",
                f"Ghi điểm từ 0 đến {limit} (điểm tối đa theo bộ tiêu chí đang áp dụng).",
            )
            return False
        if row.score > 0 and not (row.evidence or row.explanation):
            self.add(
                sheet.name,
                at.get("evidence", cell),
                "score_without_evidence",
                f"Tiêu chí {code} có điểm nhưng chưa ghi tài liệu kiểm chứng hoặc giải trình; "
                "khi thẩm định, điểm này có thể không được công nhận.",
                "Ghi tài liệu kiểm chứng (số, ngày văn bản) hoặc giải trình.",
                warning=True,
            )
        return True

    def check_penalty(
        self, sheet: Sheet, cell: str, row: ScoreRow, score: float, maximum: float, limit: str
    ) -> bool:
        """A penalty is stored as <= 0: a positive number is read as that many points off."""
        if score > 0:
            self.add(
                sheet.name,
                cell,
                "penalty_positive",
                f"Tiêu chí trừ điểm {row.criterion_code}: số {fmt_number(score)} được hiểu là "
                f"trừ {fmt_number(score)} điểm (ghi nhận -{fmt_number(score)}).",
                "Ở dòng trừ điểm nên ghi số âm (ví dụ -2) cho rõ.",
                warning=True,
            )
            score = row.score = -score
        if not -maximum <= score <= 0:
            self.add(
                sheet.name,
                cell,
                "score_out_of_range",
                f"Tiêu chí {row.criterion_code} trừ tối đa {limit} điểm, không thể trừ "
                f"{fmt_number(-score)}.",
                f"Ghi số từ -{limit} đến 0.",
            )
            return False
        return True
