"""The hidden '_meta' sheet: template version, and the unit and week the template was made for."""

from __future__ import annotations

import re

from tracker.catalogue import periods
from tracker.ingest import contract
from tracker.ingest.reader.base import SheetReader
from tracker.ingest.reader.cells import Sheet, address, as_text
from tracker.text import key

_CELL_ROW = re.compile(r"^[A-Z]+")  # 'H15' -> '15'


class MetaReader(SheetReader):
    """Reads '_meta': warns of an old template and of a template made for another unit or week."""

    def read_meta(self, sheet: Sheet, progress: Sheet | None) -> None:
        meta: dict[str, str] = {}
        meta_cells: dict[str, str] = {}
        for row_no in range(1, min(len(sheet.rows), 50) + 1):
            name = key(sheet.value(row_no, 0))
            if name in contract.META_KEYS and name not in meta:
                meta[name] = as_text(sheet.value(row_no, 1))
                meta_cells[name] = address(row_no, 1)
        self.result.meta = meta
        version = meta.get("template_version", "")
        if version and version not in contract.ACCEPTED_TEMPLATE_VERSIONS:
            self.add(
                contract.SHEET_META,
                meta_cells["template_version"],
                "template_outdated",
                f"Biểu mẫu phiên bản {version} đã cũ (phiên bản hiện hành "
                f"{contract.TEMPLATE_VERSION}); danh mục nhiệm vụ, tiêu chí có thể đã thay đổi.",
                "Tải biểu mẫu mới tại trang Nộp báo cáo, chép số liệu sang rồi tải lên lại.",
            )
        if progress is not None:
            self.check_meta_agrees(progress, meta)
            self.drop_prefilled_warnings(meta)

    def drop_prefilled_warnings(self, meta: dict[str, str]) -> None:
        """A task the template itself pre-filled as finished (in an earlier week, its evidence
        given then) and still finished is not asked again for evidence, every week: the
        'evidence_missing' warning is for a task finished in this sheet. Only for the template
        of this unit and week (a re-dated copy is warned as before)."""
        header = self.result.header
        done = {code for code in meta.get("done_before", "").split(";") if code}
        same = self.ctx.unit(meta.get("unit_code", "")) == header.unit_code and (
            periods.parse_period(meta.get("period", "")) == header.period
        )
        if not done or not same or not self.result.progress:
            return
        rows = {str(r.row_no) for r in self.result.progress if r.task_code in done}
        self.result.problems = [
            p
            for p in self.result.problems
            if not (p.code == "evidence_missing" and _CELL_ROW.sub("", p.cell) in rows)
        ]

    def check_meta_agrees(self, progress: Sheet, meta: dict[str, str]) -> None:
        header = self.result.header
        cells = self.reading.header_cells
        meta_unit, meta_period = meta.get("unit_code", ""), meta.get("period", "")
        if meta_unit and header.unit_code and self.ctx.unit(meta_unit) != header.unit_code:
            cell = cells.get(contract.LABEL_UNIT_CODE, cells.get(contract.LABEL_UNIT, (None, "")))
            self.add(
                progress.name,
                cell[1],
                "meta_unit_mismatch",
                f"Biểu mẫu này được tạo cho đơn vị {meta_unit} nhưng phần đầu trang tính ghi đơn vị "
                f"{header.unit_code}.",
                f"Tải biểu mẫu của đơn vị {header.unit_code} tại trang Nộp báo cáo, "
                "hoặc sửa lại ô đơn vị cho đúng.",
            )
        self.check_plan_year(progress, meta.get("plan_year", ""))
        meta_week = periods.parse_period(meta_period) if meta_period else None
        if meta_period and header.period and meta_week != header.period:
            cell = cells.get(contract.LABEL_PERIOD, (None, ""))
            self.add(
                progress.name,
                cell[1],
                "meta_period_mismatch",
                f"Biểu mẫu này được tạo cho kỳ {_week_label(meta_period)} nhưng ô 'Kỳ báo cáo' "
                f"ghi {_week_label(header.period)}.",
                "Mỗi tuần dùng biểu mẫu của tuần đó: tải biểu mẫu đúng tuần tại trang Nộp báo "
                "cáo, hoặc sửa lại ô 'Kỳ báo cáo:'.",
            )

    def check_plan_year(self, progress: Sheet, meta_year: str) -> None:
        """A template made from one year's plan, re-dated to a week of another year, lists the
        wrong tasks: refused, naming both years and where to get the right template."""
        period = self.result.header.period
        if not meta_year.isdigit() or not period or int(meta_year) == int(period[:4]):
            return
        cell = self.reading.header_cells.get(contract.LABEL_PERIOD, (None, ""))
        self.add(
            progress.name,
            cell[1],
            "plan_year_mismatch",
            f"Biểu mẫu này lập theo Kế hoạch năm {meta_year} nhưng kỳ báo cáo "
            f"{_week_label(period)} thuộc Kế hoạch năm {period[:4]} (danh mục nhiệm vụ khác).",
            f"Tải biểu mẫu của {_week_label(period)} tại trang Nộp báo cáo (biểu mẫu theo Kế hoạch "
            f"năm {period[:4]}), chép số liệu sang rồi tải lên lại.",
        )


def _week_label(period: str) -> str:
    try:
        return periods.short_label(period)
    except ValueError:
        return period
