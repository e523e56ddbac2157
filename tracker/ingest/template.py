"""The standard workbook (biểu mẫu) generated per unit and ISO week, pre-filled (PRODUCT.md §4).

Every sheet name, label and header comes from tracker/ingest/contract.py, so the reader accepts what this
module writes. Only cells that carry a value or a style are created (stack-notes G7): validations
cover empty ranges without creating cells, so readers see no phantom rows.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tracker import settings, wording
from tracker.catalogue import calendar, periods, plan, plans
from tracker.csvsafe import xlsx_text
from tracker.ingest import contract
from tracker.ingest import template_style as style
from tracker.store import db
from tracker.text import fmt_deadline, nfc

# Layout of 'Tiến độ' (the reader finds everything by text; the demo and tests use these).
TITLE_ROW = 1
HEADER_BLOCK_FIRST_ROW = 2  # labels in A, values in B, rows 2..7
PROGRESS_HEADER_ROW = 9
PROGRESS_FIRST_ROW = 10
# Other sheets: title, note(s), then the table header.
INDICATOR_HEADER_ROW = 3
SCORE_HEADER_ROW = 4
MODEL_HEADER_ROW = 3
MODEL_MIN_EMPTY_ROWS = 10  # rows below the pre-filled models that carry the drop-downs
MODEL_MAX_ROWS = 50

PROGRESS_WIDTHS = (13, 11, 45, 11, 17, 12, 45, 35, 30, 30)
INDICATOR_WIDTHS = (16, 50, 12, 12, 40)
SCORE_WIDTHS = (11, 60, 11, 12, 12, 40, 40)
MODEL_WIDTHS = (35, 24, 45, 18, 40, 18)


class TemplateError(ValueError):
    """The template cannot be made (unknown unit, bad week); the message is Vietnamese."""


# --- public API --------------------------------------------------------------------------


def build(
    unit_code: str, period: str, *, path: Path | None = None, now: datetime | None = None
) -> bytes:
    """The pre-filled .xlsx for one unit and ISO week, as bytes."""
    out = io.BytesIO()
    workbook(unit_code, period, path=path, now=now).save(out)
    return out.getvalue()


def workbook(
    unit_code: str, period: str, *, path: Path | None = None, now: datetime | None = None
) -> Workbook:
    """The same template as an openpyxl Workbook (the demo fills it before saving once)."""
    unit_code = nfc(unit_code).upper()
    period = _valid_period(period)
    names = plan.unit_names(path)
    if unit_code not in names:
        raise TemplateError(
            f"Không có đơn vị mã '{unit_code}' trong danh mục. "
            "Xem danh sách mã đơn vị trên trang Kế hoạch hoặc Quản trị."
        )
    year = plans.of_week(period)
    if not plans.exists(year, path):
        raise TemplateError(plans.missing_message(year, path))
    now = now or settings.now()
    wb = Workbook()
    done_before = _progress_sheet(wb.active, unit_code, names[unit_code], period, path)
    _indicator_sheet(wb.create_sheet(contract.SHEET_INDICATORS), path)
    _score_sheet(wb.create_sheet(contract.SHEET_SCORES), unit_code, period, path)
    _model_sheet(wb.create_sheet(contract.SHEET_MODELS), unit_code, period, path)
    _guide_sheet(wb.create_sheet(contract.SHEET_GUIDE), period, path)
    _meta_sheet(wb.create_sheet(contract.SHEET_META), unit_code, period, now, done_before)
    wb.active = 0
    return wb


# --- lookups -----------------------------------------------------------------------------


def _valid_period(period: str) -> str:
    """'2026-W10' (also accepts the forms units write, e.g. 'Tuần 10/2026' or a date)."""
    found = periods.parse_period(period)
    if found is None:
        raise TemplateError(
            f"Tuần '{period}' không hợp lệ: ghi theo dạng {periods.example_week()} "
            f"(hoặc Tuần 10/{periods.example_year()})."
        )
    return found


def _previous_progress(unit_code: str, period: str, path: Path | None) -> dict[str, tuple]:
    df = db.query("unit_progress_before_week", path=path, unit=unit_code, week=period)
    return {r.task_code: (r.status, float(r.percent)) for r in df.itertuples()}


def _last_contact(unit_code: str, path: Path | None) -> tuple[str, str]:
    df = db.query("unit_last_contact", path=path, unit=unit_code)
    if df.empty:
        return "", ""
    return nfc(df["reporter"].iloc[0]), nfc(df["phone"].iloc[0])


# --- sheets ------------------------------------------------------------------------------


def progress_title(year: int) -> str:
    """The progress sheet's title: the plan's full name and year."""
    return (
        "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CÔNG TÁC DÂN VẬN CHÍNH QUYỀN VÀ THỰC HIỆN DÂN CHỦ "
        f"Ở CƠ SỞ NĂM {year}"
    )


def _progress_sheet(
    ws: Worksheet, unit_code: str, unit_name: str, period: str, path: Path | None
) -> list[str]:
    """The progress sheet; returns the tasks it pre-filled as finished (for _meta)."""
    ws.title = contract.SHEET_PROGRESS
    cols = list(contract.PROGRESS_COLUMNS)
    style.widths(ws, PROGRESS_WIDTHS)
    year = plans.of_week(period)
    style.title(ws, TITLE_ROW, progress_title(year), len(cols))
    reporter, phone = _last_contact(unit_code, path)
    _header_block(ws, unit_code, unit_name, period, reporter, phone)
    _deadline_box(ws, deadline_text(period, path))
    style.table_header(ws, PROGRESS_HEADER_ROW, list(contract.PROGRESS_COLUMNS.values()))
    tasks = plan.unit_assignments(unit_code, path, year=year)
    previous = _previous_progress(unit_code, period, path)
    editable = {"status", "percent", "result_text", "evidence", "difficulty", "proposal"}
    for i, task in enumerate(tasks.itertuples(), start=0):
        row = PROGRESS_FIRST_ROW + i
        status, percent = previous.get(task.code, (contract.STATUS_NOT_STARTED, 0))
        values = {
            "stt": i + 1,
            "task_code": task.code,
            "task_title": task.short_title,
            "role": contract.ROLE_LABELS.get(task.role, task.role),
            "status": status,
            "percent": _number(percent),
        }
        for col, field in enumerate(cols, start=1):
            style.data_cell(ws, row, col, values.get(field), editable=field in editable)
    last = PROGRESS_FIRST_ROW + max(len(tasks), 1) - 1
    status_col = get_column_letter(cols.index("status") + 1)
    percent_col = get_column_letter(cols.index("percent") + 1)
    dv_status = style.list_validation(contract.STATUSES, "Trạng thái")
    dv_status.add(f"{status_col}{PROGRESS_FIRST_ROW}:{status_col}{last}")
    dv_percent = style.decimal_validation(
        0, 100, "Tỷ lệ hoàn thành là số từ 0 đến 100 (ví dụ 45 hoặc 45,5)."
    )
    dv_percent.add(f"{percent_col}{PROGRESS_FIRST_ROW}:{percent_col}{last}")
    ws.add_data_validation(dv_status)
    ws.add_data_validation(dv_percent)
    ws.freeze_panes = f"C{PROGRESS_FIRST_ROW}"
    style.protect(ws)
    style.landscape(ws, PROGRESS_HEADER_ROW)
    assigned = set(tasks["code"])
    return [
        code
        for code, (status, _) in previous.items()
        if status == contract.STATUS_DONE and code in assigned
    ]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _header_block(
    ws: Worksheet, unit_code: str, unit_name: str, period: str, reporter: str, phone: str
) -> None:
    values = {
        contract.LABEL_UNIT: (unit_name, False),
        contract.LABEL_UNIT_CODE: (unit_code, False),
        contract.LABEL_PERIOD: (periods.short_label(period), False),
        contract.LABEL_REPORTER: (reporter or None, True),
        contract.LABEL_PHONE: (phone or None, True),
        contract.LABEL_DATE: (None, True),
    }
    for offset, label in enumerate(contract.HEADER_LABELS):
        row = HEADER_BLOCK_FIRST_ROW + offset
        ws.cell(row=row, column=1, value=f"{label}:").font = Font(bold=True)
        value, editable = values[label]
        cell = ws.cell(row=row, column=2)
        if value is not None:
            xlsx_text(cell, value)  # the unit's reporter/phone from last week: never a formula
        cell.number_format = "@"  # phone numbers keep their leading 0
        cell.border = style.BORDER
        if editable:
            cell.protection = style.UNLOCKED
        else:
            cell.font = Font(bold=True)


def _deadline_box(ws: Worksheet, due: str) -> None:
    text = (
        f"Hạn nộp: {due}. Cập nhật cột Trạng thái và Tỷ lệ hoàn thành (%) "
        "— do đơn vị tự đánh giá, từ 0 đến 100 — rồi ghi kết quả trong kỳ, văn bản minh chứng, "
        "khó khăn, đề xuất. Không sửa các cột có nền xám. Xem trang tính 'Hướng dẫn'."
    )
    first, last = HEADER_BLOCK_FIRST_ROW, HEADER_BLOCK_FIRST_ROW + len(contract.HEADER_LABELS) - 1
    cell = ws.cell(row=first, column=5, value=text)
    cell.alignment = style.WRAP_TOP
    cell.font = Font(italic=True, color="1F4E79")
    ws.merge_cells(start_row=first, start_column=5, end_row=last, end_column=8)


def deadline(period: str, path: Path | None = None) -> datetime:
    """The week's deadline (default Friday 16:30 of the week reported), from the calendar rules."""
    return calendar.deadline(period, path)


def deadline_text(period: str, path: Path | None = None) -> str:
    """'16:30 thứ Sáu 06/03/2026'."""
    return fmt_deadline(deadline(period, path))


def _indicator_sheet(ws: Worksheet, path: Path | None) -> None:
    headers = list(contract.INDICATOR_COLUMNS.values())
    indicators = db.query("indicator_catalogue", path=path)
    stock = [n for n, k in zip(indicators["name"], indicators["kind"], strict=True) if k == "stock"]
    style.widths(ws, INDICATOR_WIDTHS)
    style.title(ws, 1, "CHỈ SỐ KẾT QUẢ THỰC HIỆN TRONG KỲ BÁO CÁO", len(headers))
    note = "Ghi số phát sinh trong tuần báo cáo (để trống hoặc 0 nếu không phát sinh)."
    if stock:
        note += " Riêng " + "; ".join(f"'{n}'" for n in stock) + ": ghi số hiện có đến cuối tuần."
    style.note(ws, 2, note, len(headers))
    style.table_header(ws, INDICATOR_HEADER_ROW, headers)
    fields = list(contract.INDICATOR_COLUMNS)
    for i, ind in enumerate(indicators.itertuples()):
        row = INDICATOR_HEADER_ROW + 1 + i
        values = {"indicator_code": ind.code, "name": ind.name, "measure": nfc(ind.measure)}
        for col, field in enumerate(fields, start=1):
            style.data_cell(ws, row, col, values.get(field), editable=field in ("value", "note"))
    last = INDICATOR_HEADER_ROW + max(len(indicators), 1)
    value_col = get_column_letter(fields.index("value") + 1)
    dv = style.decimal_validation(0, None, "Giá trị là số không âm (ví dụ 12).")
    dv.add(f"{value_col}{INDICATOR_HEADER_ROW + 1}:{value_col}{last}")
    ws.add_data_validation(dv)
    ws.freeze_panes = f"A{INDICATOR_HEADER_ROW + 1}"
    style.protect(ws)
    style.landscape(ws, INDICATOR_HEADER_ROW)


def _score_sheet(ws: Worksheet, unit_code: str, period: str, path: Path | None) -> None:
    headers = list(contract.SCORE_COLUMNS.values())
    fields = list(contract.SCORE_COLUMNS)
    year = plans.of_week(period)
    criteria = db.query("criteria_active", path=path, year=year)
    style.widths(ws, SCORE_WIDTHS)
    style.title(
        ws,
        1,
        f"TỰ CHẤM ĐIỂM CÔNG TÁC DÂN VẬN CHÍNH QUYỀN VÀ THỰC HIỆN DÂN CHỦ Ở CƠ SỞ NĂM {year}",
        len(headers),
    )
    style.note(ws, 2, _criteria_note(criteria, path), len(headers))
    style.note(
        ws,
        3,
        "Điểm tự chấm không vượt Điểm tối đa; điểm lớn hơn 0 cần ghi Tài liệu kiểm chứng hoặc "
        "Giải trình. Đánh dấu x ở cột Không áp dụng nếu tiêu chí không áp dụng cho đơn vị (để "
        "trống điểm). Dòng điểm trừ ghi số âm (ví dụ -1). Tiêu chí để trống được tính 0 điểm.",
        len(headers),
    )
    style.table_header(ws, SCORE_HEADER_ROW, headers)
    previous = _previous_scores(unit_code, period, path)
    row = SCORE_HEADER_ROW + 1
    validations: dict[tuple[float, float], DataValidation] = {}
    na_cells: list[str] = []
    group = None
    for c in criteria.itertuples():
        if c.group_code != group:
            group = c.group_code
            _group_row(ws, row, c.group_name, len(headers))
            row += 1
        _criterion_row(ws, row, c, previous.get(c.code), fields)
        low = -float(c.max_points) if c.kind == "penalty" else 0.0
        bounds = (low, float(c.max_points))
        cell = f"{get_column_letter(fields.index('score') + 1)}{row}"
        validations.setdefault(bounds, _score_validation(*bounds)).add(cell)
        na_cells.append(f"{get_column_letter(fields.index('not_applicable') + 1)}{row}")
        row += 1
    for dv in validations.values():
        ws.add_data_validation(dv)
    if na_cells:
        dv_na = style.list_validation((contract.NOT_APPLICABLE_MARK,), "Không áp dụng")
        for cell in na_cells:
            dv_na.add(cell)
        ws.add_data_validation(dv_na)
    ws.freeze_panes = f"C{SCORE_HEADER_ROW + 1}"
    style.protect(ws)
    style.landscape(ws, SCORE_HEADER_ROW)


def _evidence_examples(path: Path | None, year: int) -> str:
    """Two document numbers as the body writes them (the Office's examples as always)."""
    code = settings.body_of_file(path or settings.db_path()) or settings.HOME_BODY
    second = "VPUB-HCTC" if code == settings.HOME_BODY else code
    return (
        f"'Kế hoạch số 12/KH-{code} ngày 15/01/{year}', 'Công văn số 45/{second} ngày 20/01/{year}'"
    )


def _criteria_note(criteria: pd.DataFrame, path: Path | None) -> str:
    if criteria.empty:
        return "Chưa có bộ tiêu chí đang áp dụng."
    label = nfc(criteria["set_label"].iloc[0])
    if bool(criteria["provisional"].iloc[0]):
        return (
            f"{label}. Đây là bộ tiêu chí TẠM THỜI, chưa phải Phụ lục II chính thức của Quyết định "
            "2579/QĐ-UBND ngày 21/11/2025; điểm sẽ được đối chiếu lại khi "
            f"{wording.of_file(path).criteria_loader} nạp bộ tiêu chí chính thức."
        )
    return f"{label} (Phụ lục II, Quyết định 2579/QĐ-UBND ngày 21/11/2025)."


def _score_validation(low: float, high: float) -> DataValidation:
    text = f"Điểm từ {_fmt(low)} đến {_fmt(high)}."
    return style.decimal_validation(low, high, text)


def _fmt(value: float) -> str:
    return str(_number(value)).replace(".", ",")


def _group_row(ws: Worksheet, row: int, name: str, last_col: int) -> None:
    """A group heading ("A. Lãnh đạo, …"): text in column A only, so readers skip it."""
    for col in range(1, last_col + 1):
        cell = ws.cell(row=row, column=col, value=name if col == 1 else None)
        style.styled(cell, "group", _group_style)


def _group_style(cell: Cell) -> None:
    cell.font = Font(bold=True)
    cell.fill = style.GROUP_FILL
    cell.alignment = Alignment(vertical="center")


def _criterion_row(ws: Worksheet, row: int, c: Any, prev: dict | None, fields: list[str]) -> None:
    prev = prev or {}
    values = {
        "criterion_code": c.code,
        "title": c.title,
        "max_points": _number(c.max_points),
        "not_applicable": contract.NOT_APPLICABLE_MARK if prev.get("not_applicable") else None,
        "score": prev.get("score"),
        "evidence": prev.get("evidence") or None,
        "explanation": prev.get("explanation") or None,
    }
    editable = {"not_applicable", "score", "evidence", "explanation"}
    for col, field in enumerate(fields, start=1):
        style.data_cell(ws, row, col, values[field], editable=field in editable)
    hint = nfc(c.evidence_hint)
    if hint:
        comment = Comment(f"Gợi ý tài liệu kiểm chứng: {hint}", "Biểu mẫu")
        comment.width, comment.height = 300, 80
        ws.cell(row=row, column=fields.index("title") + 1).comment = comment


def _previous_scores(unit_code: str, period: str, path: Path | None) -> dict[str, dict]:
    """The unit's standing self-scores this year, so re-uploading a template keeps them."""
    df = db.query("unit_latest_scores", path=path, unit=unit_code, week=period)
    out = {}
    for r in df.itertuples():
        score = None if pd.isna(r.score) else _number(r.score)
        out[r.criterion_code] = {
            "not_applicable": bool(r.not_applicable),
            "score": score,
            "evidence": nfc(r.evidence),
            "explanation": nfc(r.explanation),
        }
    return out


def _model_sheet(ws: Worksheet, unit_code: str, period: str, path: Path | None) -> None:
    headers = list(contract.MODEL_COLUMNS.values())
    fields = list(contract.MODEL_COLUMNS)
    model_fields = plan.model_fields(path)  # the Office's field catalogue, active ones
    year = periods.parse_week_id(period)[0]
    style.widths(ws, MODEL_WIDTHS)
    style.title(ws, 1, f'MÔ HÌNH, ĐIỂN HÌNH "DÂN VẬN KHÉO" NĂM {year}', len(headers))
    style.note(
        ws,
        2,
        "Mỗi dòng một mô hình. Lĩnh vực: "
        + "; ".join(model_fields)
        + ". Trạng thái: "
        + "; ".join(contract.MODEL_STATUSES)
        + ". Giữ lại các mô hình đã đăng ký và cập nhật trạng thái, kết quả.",
        len(headers),
    )
    style.table_header(ws, MODEL_HEADER_ROW, headers)
    models = db.query("unit_latest_models", path=path, unit=unit_code, week=period)
    for i, m in enumerate(models.itertuples()):
        row = MODEL_HEADER_ROW + 1 + i
        for col, field in enumerate(fields, start=1):
            style.data_cell(ws, row, col, nfc(getattr(m, field)) or None, editable=True)
    first = MODEL_HEADER_ROW + 1
    last = min(first + len(models) + MODEL_MIN_EMPTY_ROWS - 1, first + MODEL_MAX_ROWS - 1)
    last = max(last, first + len(models) - 1)
    for field, values, title in (
        ("field", model_fields, "Lĩnh vực"),
        ("status", contract.MODEL_STATUSES, "Trạng thái"),
    ):
        col = get_column_letter(fields.index(field) + 1)
        dv = style.list_validation(values, title)
        dv.add(f"{col}{first}:{col}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = f"A{first}"
    style.landscape(ws, MODEL_HEADER_ROW)


def _guide_sheet(ws: Worksheet, period: str, path: Path | None) -> None:
    ws.column_dimensions["A"].width = 120
    for row, (text, bold) in enumerate(guide_lines(period, path), start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=12 if row == 1 else 11)


def guide_lines(period: str, path: Path | None = None) -> list[tuple[str, bool]]:
    """The 'Hướng dẫn' sheet: (text, is_heading) per line."""
    year = plans.of_week(period)
    lock_days = plans.setting(year, "lock_days", path)
    s = contract
    statuses = ", ".join(f"'{x}'" for x in s.STATUSES)
    return [
        ("HƯỚNG DẪN ĐIỀN BIỂU MẪU BÁO CÁO TIẾN ĐỘ HẰNG TUẦN", True),
        (
            f"Biểu mẫu phiên bản {s.TEMPLATE_VERSION}, lập riêng cho đơn vị và {periods.label(period)}. "
            "Mỗi tuần tải biểu mẫu mới trên trang 'Nộp báo cáo' (biểu mẫu mang sẵn trạng thái và tỷ lệ "
            "của tuần trước, chỉ cần cập nhật phần thay đổi).",
            False,
        ),
        ("1. Hạn nộp", True),
        (
            f"Hạn nộp: {deadline_text(period, path)} (hằng tuần vào ngày này của tuần báo cáo). Nộp sau hạn vẫn "
            f"được nhận nhưng ghi là trễ hạn; sau {lock_days} ngày kể từ hạn nộp, tuần báo cáo bị khóa, "
            f"cần liên hệ {wording.of_file(path).admin} để được mở khóa.",
            False,
        ),
        (f"2. Trang tính '{s.SHEET_PROGRESS}' (bắt buộc)", True),
        (
            f"Phần đầu: kiểm tra '{s.LABEL_UNIT}', '{s.LABEL_UNIT_CODE}', '{s.LABEL_PERIOD}'; ghi "
            f"'{s.LABEL_REPORTER}', '{s.LABEL_PHONE}' (số điện thoại liên hệ khi cần đôn đốc) và "
            f"'{s.LABEL_DATE}' (dd/mm/yyyy).",
            False,
        ),
        (
            "Mỗi dòng là một nhiệm vụ của Kế hoạch được giao cho đơn vị. Không sửa các cột có nền xám "
            f"('{s.PROGRESS_COLUMNS['stt']}', '{s.PROGRESS_COLUMNS['task_code']}', "
            f"'{s.PROGRESS_COLUMNS['task_title']}', '{s.PROGRESS_COLUMNS['role']}'); không thêm, xóa "
            "dòng nhiệm vụ.",
            False,
        ),
        (f"'{s.PROGRESS_COLUMNS['status']}': chọn một trong {statuses}.", False),
        (
            f"'{s.PROGRESS_COLUMNS['percent']}': số từ 0 đến 100, do đơn vị tự đánh giá (ví dụ 45 "
            f"hoặc 45,5). '{s.STATUS_DONE}' phải là 100 và 100 phải là '{s.STATUS_DONE}'; "
            f"'{s.STATUS_NOT_STARTED}' là 0. Tỷ lệ thấp hơn tuần trước sẽ được cảnh báo: ghi lý do "
            f"vào cột '{s.PROGRESS_COLUMNS['difficulty']}'.",
            False,
        ),
        (
            f"'{s.PROGRESS_COLUMNS['result_text']}': việc đã làm trong tuần. "
            f"'{s.PROGRESS_COLUMNS['evidence']}': số, ngày văn bản (ví dụ {_evidence_examples(path, year)}); "
            f"nhiệm vụ '{s.STATUS_DONE}' cần có minh chứng. "
            f"'{s.PROGRESS_COLUMNS['difficulty']}' và '{s.PROGRESS_COLUMNS['proposal']}': ghi rõ để "
            f"Lãnh đạo {wording.of_file(path).body} xem xét, xử lý; để trống nếu không có.",
            False,
        ),
        (f"3. Trang tính '{s.SHEET_INDICATORS}' (không bắt buộc)", True),
        (
            f"Ghi '{s.INDICATOR_COLUMNS['value']}' là số không âm: số phát sinh trong tuần (lượt tiếp "
            "công dân, cuộc đối thoại, đơn thư, lượt tập huấn, văn bản ban hành); riêng số mô hình "
            "'Dân vận khéo' đang thực hiện ghi số hiện có. Không sửa mã chỉ số.",
            False,
        ),
        (f"4. Trang tính '{s.SHEET_SCORES}' (không bắt buộc)", True),
        (
            "Tự chấm điểm theo bộ tiêu chí đánh giá công tác dân vận và thực hiện dân chủ ở cơ sở "
            "(Quyết định 2579/QĐ-UBND). Điểm tự chấm không vượt Điểm tối đa (Điểm tối đa trong "
            f"danh mục của {wording.of_file(path).body} là căn cứ); điểm lớn hơn 0 cần có Tài liệu "
            "kiểm chứng hoặc "
            f"Giải trình; đánh dấu '{s.NOT_APPLICABLE_MARK}' ở cột Không áp dụng (và để trống điểm) "
            "nếu tiêu chí không áp dụng cho đơn vị; dòng điểm trừ ghi số âm. Biểu mẫu mang sẵn điểm "
            "đã nộp trong năm; nộp lại không có trang tính này thì điểm đã nộp được giữ nguyên.",
            False,
        ),
        (_criteria_note(db.query("criteria_active", path=path, year=year), path), False),
        (f"5. Trang tính '{s.SHEET_MODELS}' (không bắt buộc)", True),
        (
            "Mỗi dòng một mô hình, điển hình 'Dân vận khéo': tên, lĩnh vực ("
            + "; ".join(plan.model_fields(path))
            + "), nội dung, cách thức, thời gian, sản phẩm, kết quả và trạng thái ("
            + "; ".join(s.MODEL_STATUSES)
            + "). Biểu mẫu mang sẵn các mô hình đã báo cáo.",
            False,
        ),
        ("6. Nộp và nộp lại", True),
        (
            "Lưu tệp dạng .xlsx (Excel, LibreOffice Calc hoặc WPS đều được; không lưu dạng .xls, "
            ".xlsm hay đặt mật khẩu). Trên trang 'Nộp báo cáo': chọn tệp, bấm kiểm tra, xem lỗi và "
            "cảnh báo, rồi xác nhận nộp. Nếu bị từ chối, tải tệp đã đánh dấu các ô lỗi, sửa rồi nộp "
            "lại. Nộp lại trong cùng tuần sẽ thay thế bản trước (bản trước vẫn được lưu); tuần được "
            "tính đúng hạn theo lần nộp được chấp nhận đầu tiên. Không đổi tên trang tính, tên cột; không "
            f"xóa trang tính ẩn '{s.SHEET_META}'.",
            False,
        ),
    ]


def _meta_sheet(
    ws: Worksheet, unit_code: str, period: str, now: datetime, done_before: list[str]
) -> None:
    values = {
        "template_version": contract.TEMPLATE_VERSION,
        "unit_code": unit_code,
        "period": period,
        "generated_at": now.replace(microsecond=0).isoformat(),
        "plan_year": str(plans.of_week(period)),
        "done_before": ";".join(done_before),
    }
    for row, key in enumerate(contract.META_KEYS, start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=values[key])
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
