"""The 'Tiến độ' sheet: the header block (unit, period, reporter) and one row per task."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tracker.catalogue import periods
from tracker.ingest import contract
from tracker.ingest.parsed import ProgressRow
from tracker.ingest.reader.base import SheetReader
from tracker.ingest.reader.cells import (
    HEADER_SCAN_ROWS,
    Sheet,
    Table,
    address,
    as_percent,
    as_text,
    blank,
    cell_value,
    choose,
    data_rows,
    find_table,
    header_key,
)
from tracker.text import fmt_number, nfc

# How far right a header-block value may sit when the label cell is merged across columns.
HEADER_VALUE_COLUMNS = 4

# Header block label -> the key used in ParsedWorkbook.header.cells.
HEADER_FIELDS = {
    contract.LABEL_UNIT: "unit",
    contract.LABEL_UNIT_CODE: "unit_code",
    contract.LABEL_PERIOD: "period",
    contract.LABEL_REPORTER: "reporter",
    contract.LABEL_PHONE: "phone",
    contract.LABEL_DATE: "report_date",
}

FIX_PERCENT = "Ghi một số từ 0 đến 100, ví dụ 45 hoặc 45,5 hoặc 45%."
FIX_STATUS = "Chọn một trong: " + ", ".join(contract.STATUSES) + "."


class ProgressReader(SheetReader):
    """Reads 'Tiến độ': the header block first (the other sheets check against its unit),
    then each task row, then which assigned tasks the sheet left out."""

    def read_progress(self, sheet: Sheet) -> None:
        table, missing = find_table(sheet, contract.PROGRESS_COLUMNS, contract.PROGRESS_REQUIRED)
        last_header_row = table.header_row - 1 if table else HEADER_SCAN_ROWS
        self.reading.header_cells = self.read_header(sheet, last_header_row)
        self.result.progress = []
        if not self.choose_plan(sheet):
            return
        if not self.table_ok(sheet, table, missing, contract.PROGRESS_COLUMNS) or table is None:
            return
        seen: dict[str, int] = {}
        for row_no, cells in data_rows(sheet, table):
            row = self.progress_row(sheet, table, row_no, cells, seen)
            if row is not None:
                self.result.progress.append(row)
        self.check_missing_tasks(seen)

    def choose_plan(self, sheet: Sheet) -> bool:
        """Read the rest under the plan of the week's year (the latest plan when the week is
        unreadable, so the task codes are still checked); False when that year has no plan."""
        period = self.result.header.period
        year = periods.parse_week_id(period)[0] if period else max(self.ctx.plans, default=None)
        self.reading.ctx = self.ctx.for_year(year)
        if period is None or self.ctx.has_plan:
            return True
        cell = self.reading.header_cells.get(contract.LABEL_PERIOD, (None, ""))[1]
        self.add(
            sheet.name,
            cell,
            "plan_missing",
            f"Kế hoạch năm {year} chưa được nạp vào hệ thống nên chưa nhận báo cáo "
            f"{periods.short_label(period)}.",
            f"Liên hệ {self.ctx.admin} (tài khoản Quản trị) để nạp Kế hoạch năm {year}, "
            "rồi tải biểu mẫu của tuần này tại trang Nộp báo cáo.",
        )
        return False

    def read_header(self, sheet: Sheet, last_row: int) -> dict[str, tuple[Any, str]]:
        """Header block: label in column A (by text), value in the next non-empty cell."""
        labels = {header_key(label): label for label in contract.HEADER_LABELS}
        found: dict[str, tuple[Any, str]] = {}
        for row_no in range(1, min(last_row, len(sheet.rows)) + 1):
            first = sheet.value(row_no, 0)
            if not isinstance(first, str):
                continue
            label, inline = _split_label(first, labels)
            if label is None or label in found:
                continue
            found[label] = _header_value(sheet, row_no, inline)
        self.result.header.cells = {
            HEADER_FIELDS[label]: cell for label, (_, cell) in found.items()
        }
        self.apply_header(sheet, found)
        return found

    def apply_header(self, sheet: Sheet, found: dict[str, tuple[Any, str]]) -> None:
        header = self.result.header
        header.reporter = as_text(found.get(contract.LABEL_REPORTER, (None, ""))[0])
        header.phone = as_text(found.get(contract.LABEL_PHONE, (None, ""))[0])
        header.report_date = as_text(found.get(contract.LABEL_DATE, (None, ""))[0])
        header.unit_code = self.header_unit(sheet, found)
        header.period = self.header_period(sheet, found)

    def header_unit(self, sheet: Sheet, found: dict[str, tuple[Any, str]]) -> str | None:
        given = [
            (label, found[label])
            for label in (contract.LABEL_UNIT_CODE, contract.LABEL_UNIT)
            if label in found and not blank(found[label][0])
        ]
        if not given:
            cell = next(
                (
                    found[lb][1]
                    for lb in (contract.LABEL_UNIT_CODE, contract.LABEL_UNIT)
                    if lb in found
                ),
                "",
            )
            self.add(
                sheet.name,
                cell,
                "unit_missing",
                "Chưa ghi đơn vị báo cáo (ô 'Đơn vị:' hoặc 'Mã đơn vị:' ở đầu trang tính).",
                "Ghi mã đơn vị (ví dụ HCTC) vào ô bên phải nhãn 'Mã đơn vị:' và tên đơn vị "
                "vào ô bên phải nhãn 'Đơn vị:'.",
            )
            return None
        resolved: list[tuple[str, str, str]] = []  # (label, cell, unit code)
        for label, (value, cell) in given:
            code = self.ctx.unit(value)
            if code is None:
                self.add(
                    sheet.name,
                    cell,
                    "unit_unknown",
                    f"Không nhận ra đơn vị '{as_text(value)}' (ô '{label}:').",
                    f"Ghi đúng mã hoặc tên đơn vị như trong danh mục, ví dụ {self.unit_example()}.",
                )
            else:
                resolved.append((label, cell, code))
        if len({code for _, _, code in resolved}) > 1:
            (_, _, first), (_, cell, second) = resolved[0], resolved[1]
            self.add(
                sheet.name,
                cell,
                "unit_mismatch",
                f"Ô 'Mã đơn vị:' và ô 'Đơn vị:' chỉ hai đơn vị khác nhau "
                f"({first} - {self.ctx.units[first]} và {second} - {self.ctx.units[second]}).",
                "Sửa để hai ô cùng chỉ một đơn vị (đơn vị lập báo cáo).",
            )
            return None
        if len(resolved) != len(given):
            return None
        return resolved[0][2]

    def unit_example(self) -> str:
        code, name = next(iter(self.ctx.units.items()), ("HCTC", "Phòng Hành chính - Tổ chức"))
        return f"'{code}' hoặc '{name}'"

    def header_period(self, sheet: Sheet, found: dict[str, tuple[Any, str]]) -> str | None:
        value, cell = found.get(contract.LABEL_PERIOD, (None, ""))
        y = periods.example_year()
        monday = periods.week_start(f"{y}-W10")
        example = (
            f"'Tuần 10/{y}', '{y}-W10', một ngày trong tuần ({monday + timedelta(days=4):%d/%m/%Y}) "
            f"hoặc '{monday:%d/%m/%Y} - {monday + timedelta(days=6):%d/%m/%Y}'"
        )
        if blank(value):
            self.add(
                sheet.name,
                cell,
                "period_missing",
                "Chưa ghi kỳ báo cáo (ô bên phải nhãn 'Kỳ báo cáo:').",
                f"Ghi kỳ báo cáo theo một trong các dạng {example}.",
            )
            return None
        period = periods.parse_period(value)
        if period is None:
            self.add(
                sheet.name,
                cell,
                "period_invalid",
                f"Không hiểu kỳ báo cáo '{as_text(value)}'.",
                f"Ghi theo một trong các dạng {example}; khoảng ngày phải đúng từ thứ Hai "
                "đến Chủ nhật của một tuần.",
            )
        return period

    def progress_row(
        self,
        sheet: Sheet,
        table: Table,
        row_no: int,
        cells: dict[str, Any],
        seen: dict[str, int],
    ) -> ProgressRow | None:
        cols = table.columns
        at = {name: address(row_no, col) for name, col in cols.items()}
        raw_code = cell_value(cells, "task_code")
        if (
            blank(raw_code)
            and blank(cell_value(cells, "status"))
            and blank(cell_value(cells, "percent"))
        ):
            self.note_stray_row(sheet, row_no, cells)
            return None
        code = self.progress_code(sheet, row_no, at["task_code"], raw_code, seen)
        status = self.progress_status(sheet, at["status"], cell_value(cells, "status"))
        percent = self.progress_percent(sheet, at["percent"], cells.get("percent"), status)
        if status is None or percent is None:
            return None
        self.check_consistency(sheet, at, status, percent, cells)
        if code is None:
            return None
        return ProgressRow(
            row_no=row_no,
            task_code=code,
            status=status,
            percent=percent,
            role=as_text(cell_value(cells, "role")),
            result_text=as_text(cell_value(cells, "result_text")),
            evidence=as_text(cell_value(cells, "evidence")),
            difficulty=as_text(cell_value(cells, "difficulty")),
            proposal=as_text(cell_value(cells, "proposal")),
        )

    def note_stray_row(self, sheet: Sheet, row_no: int, cells: dict[str, Any]) -> None:
        texts = ("result_text", "evidence", "difficulty", "proposal")
        if any(not blank(cell_value(cells, name)) for name in texts):
            self.add(
                sheet.name,
                address(row_no, 0),
                "row_without_task",
                f"Dòng {row_no} có nội dung nhưng không có Mã nhiệm vụ, Trạng thái và Tỷ lệ: "
                "dòng này không được ghi nhận.",
                "Nếu là nội dung của một nhiệm vụ, chuyển vào đúng dòng của nhiệm vụ đó "
                "(không tách một nhiệm vụ thành nhiều dòng).",
                warning=True,
            )

    def progress_code(
        self, sheet: Sheet, row_no: int, cell: str, raw: Any, seen: dict[str, int]
    ) -> str | None:
        if blank(raw):
            self.add(
                sheet.name,
                cell,
                "task_code_missing",
                f"Dòng {row_no} chưa ghi mã nhiệm vụ.",
                "Ghi mã nhiệm vụ theo Kế hoạch (ví dụ II.4), hoặc xóa dòng nếu thừa.",
            )
            return None
        code = self.ctx.task(raw)
        if code is None:
            self.add(
                sheet.name,
                cell,
                "task_unknown",
                f"Mã nhiệm vụ '{as_text(raw)}' không có trong Kế hoạch.",
                "Dùng một mã trong danh sách: " + ", ".join(self.ctx.task_codes) + ".",
            )
            return None
        if code in seen:
            self.add(
                sheet.name,
                cell,
                "task_duplicate",
                f"Nhiệm vụ {code} được ghi hai lần (dòng {seen[code]} và dòng {row_no}).",
                "Mỗi nhiệm vụ chỉ ghi một dòng: gộp nội dung vào một dòng và xóa dòng còn lại.",
            )
            return None
        seen[code] = row_no
        unit = self.result.header.unit_code
        if unit is not None and code not in self.ctx.unit_tasks.get(unit, {}):
            self.add(
                sheet.name,
                cell,
                "task_not_assigned",
                f"Nhiệm vụ {code} không được giao cho đơn vị {unit} trong Kế hoạch.",
                "Xóa dòng này; chỉ báo cáo các nhiệm vụ đơn vị chủ trì, phối hợp hoặc thực hiện.",
            )
            return None
        return code

    def progress_status(self, sheet: Sheet, cell: str, raw: Any) -> str | None:
        if blank(raw):
            self.add(sheet.name, cell, "status_missing", "Chưa chọn trạng thái.", FIX_STATUS)
            return None
        status = choose(raw, contract.STATUSES)
        if status is None:
            self.add(
                sheet.name,
                cell,
                "status_invalid",
                f"Trạng thái '{as_text(raw)}' không hợp lệ.",
                FIX_STATUS,
            )
        return status

    def progress_percent(
        self, sheet: Sheet, cell_ref: str, cell: Any, status: str | None
    ) -> float | None:
        raw = None if cell is None else cell.value
        if blank(raw):
            if status == contract.STATUS_NOT_STARTED:
                return 0.0
            self.add(
                sheet.name,
                cell_ref,
                "percent_missing",
                "Chưa ghi tỷ lệ hoàn thành (chỉ được để trống khi trạng thái là "
                f"'{contract.STATUS_NOT_STARTED}').",
                FIX_PERCENT,
            )
            return None
        value = as_percent(cell)
        if value is None:
            self.add(
                sheet.name,
                cell_ref,
                "percent_invalid",
                f"Không đọc được tỷ lệ hoàn thành '{as_text(raw)}'.",
                FIX_PERCENT,
            )
            return None
        if not 0 <= value <= 100:
            self.add(
                sheet.name,
                cell_ref,
                "percent_out_of_range",
                f"Tỷ lệ hoàn thành {fmt_number(value)}% nằm ngoài khoảng 0-100.",
                FIX_PERCENT + " Ô định dạng % thì gõ 45 sẽ hiện 45%.",
            )
            return None
        return value

    def check_consistency(
        self,
        sheet: Sheet,
        at: dict[str, str],
        status: str,
        percent: float,
        cells: dict[str, Any],
    ) -> None:
        shown = fmt_number(percent).removesuffix(",0") + "%"
        conflict = None
        if status == contract.STATUS_DONE and percent < 100:
            conflict = f"Trạng thái '{status}' nhưng tỷ lệ chỉ {shown}."
        elif status == contract.STATUS_NOT_STARTED and percent > 0:
            conflict = f"Trạng thái '{status}' nhưng tỷ lệ đã {shown}."
        elif percent == 100 and status != contract.STATUS_DONE:
            conflict = f"Tỷ lệ 100% nhưng trạng thái là '{status}'."
        if conflict:
            self.add(
                sheet.name,
                at["percent"],
                "status_percent_conflict",
                conflict,
                f"'{contract.STATUS_DONE}' đi với 100%, '{contract.STATUS_NOT_STARTED}' đi với 0%; "
                "sửa trạng thái hoặc tỷ lệ cho khớp.",
            )
        if status == contract.STATUS_DONE and blank(cell_value(cells, "evidence")):
            self.add(
                sheet.name,
                at.get("evidence", at["status"]),
                "evidence_missing",
                "Nhiệm vụ đã hoàn thành nhưng chưa ghi văn bản, minh chứng.",
                "Ghi số, ngày văn bản hoặc minh chứng kết quả vào cột 'Văn bản, minh chứng'.",
                warning=True,
            )

    def check_missing_tasks(self, seen: dict[str, int]) -> None:
        unit = self.result.header.unit_code
        if unit is None:
            return
        assigned = self.ctx.unit_tasks.get(unit, {})
        for code in self.ctx.task_codes:
            if code in assigned and code not in seen:
                role = contract.ROLE_LABELS.get(assigned[code], assigned[code])
                self.add(
                    contract.SHEET_PROGRESS,
                    "",
                    "task_missing",
                    f"Thiếu nhiệm vụ {code} được giao cho đơn vị ({role}); tiến độ nhiệm vụ này "
                    "giữ như lần báo cáo trước.",
                    f"Thêm một dòng cho nhiệm vụ {code} với trạng thái và tỷ lệ hiện tại.",
                    warning=True,
                )


def _split_label(text: str, labels: dict[str, str]) -> tuple[str | None, str]:
    """('Mã đơn vị', '') for 'Mã đơn vị:'; ('Mã đơn vị', 'HCTC') for 'Mã đơn vị: HCTC'."""
    label = labels.get(header_key(text))
    if label is not None:
        return label, ""
    head, sep, tail = nfc(text).partition(":")
    if sep and (label := labels.get(header_key(head))):
        return label, tail.strip()
    return None, ""


def _header_value(sheet: Sheet, row_no: int, inline: str) -> tuple[Any, str]:
    """(value, cell) next to a label: the first non-empty cell of B..E, else 'B<row>'."""
    for col in range(1, 1 + HEADER_VALUE_COLUMNS):
        value = sheet.value(row_no, col)
        if not blank(value):
            return value, address(row_no, col)
    return (inline or None), (address(row_no, 0) if inline else address(row_no, 1))
