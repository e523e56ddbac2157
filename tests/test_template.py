"""The generated workbook: structure, pre-filling, validations, protection, CLI, round trip."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import PASSWORD
from tests.libreoffice import convert, needs_libreoffice
from tracker.accounts import auth
from tracker.catalogue import plan, plan_loading
from tracker.ingest import contract, reader, submissions, template
from tracker.roles import SYSTEM
from tracker.store import db
from tracker.tools import cli

NOW = datetime(2026, 3, 4, 9, 30)
BTCD_TASKS = [
    ("II.1.a", "Thực hiện"),
    ("II.1.b", "Thực hiện"),
    ("II.1.c", "Thực hiện"),
    ("II.2", "Phối hợp"),
    ("II.3", "Thực hiện"),
    ("II.4", "Chủ trì"),
    ("II.5", "Thực hiện"),
    ("II.6", "Phối hợp"),
    ("III.1", "Thực hiện"),
    ("III.2.a", "Phối hợp"),
]
FIRST = template.PROGRESS_FIRST_ROW
COL = {field: i for i, field in enumerate(contract.PROGRESS_COLUMNS, start=1)}


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _insert_submission(
    sub_id: int,
    unit: str,
    period: str,
    at: datetime,
    *,
    progress: list[tuple] = (),
    scores: list[tuple] | None = None,
    models: list[tuple] | None = None,
    reporter: str = "",
    phone: str = "",
    status: str = "accepted",
) -> None:
    """An accepted submission written with SQL; it becomes current for the sheets it has."""
    sheets = {
        "progress": bool(progress),
        "scores": scores is not None,
        "models": models is not None,
    }
    with db.transaction() as tx:
        set_id = tx.scalar("select id from criteria_set where active")
        tx.execute(
            "insert into submission (id, sha256, filename, unit_code, period, status, uploaded_at,"
            " reporter, phone, has_progress, has_scores, has_models, criteria_set_id) values "
            "($id, $h, 'f.xlsx', $u, $p, $s, $t, $r, $ph, $hp, $hs, $hm, $cs)",
            {
                "id": sub_id,
                "h": f"sha-{sub_id}",
                "u": unit,
                "p": period,
                "s": status,
                "t": at,
                "r": reporter,
                "ph": phone,
                "hp": sheets["progress"],
                "hs": sheets["scores"],
                "hm": sheets["models"],
                "cs": set_id,
            },
        )
        for n, (task, st, pct, text) in enumerate(progress):
            tx.execute(
                "insert into progress_row (submission_id, task_code, row_no, status, percent, "
                "result_text, evidence, difficulty) values ($s, $t, $n, $st, $p, $x, $x, $x)",
                {"s": sub_id, "t": task, "n": n, "st": st, "p": pct, "x": text},
            )
        for n, (code, na, score, evidence) in enumerate(scores or []):
            tx.execute(
                "insert into score_row values ($s, $c, $n, $na, $sc, $e, null)",
                {"s": sub_id, "c": code, "n": n, "na": na, "sc": score, "e": evidence},
            )
        for n, (name, field, status_) in enumerate(models or []):
            tx.execute(
                "insert into model_row (submission_id, row_no, name, field, status) "
                "values ($s, $n, $m, $f, $st)",
                {"s": sub_id, "n": n, "m": name, "f": field, "st": status_},
            )
        if status == "accepted":
            for sheet, present in sheets.items():
                if present:
                    tx.execute(
                        "insert or replace into current_sheet values ($u, $p, $sh, $s)",
                        {"u": unit, "p": period, "sh": sheet, "s": sub_id},
                    )


# --- structure -----------------------------------------------------------------------------


def test_sheets_in_order_and_hidden_meta(tmp_db: Path) -> None:
    wb = _open(template.build("hctc", "2026-W10", now=NOW))
    assert wb.sheetnames == [
        contract.SHEET_PROGRESS,
        contract.SHEET_INDICATORS,
        contract.SHEET_SCORES,
        contract.SHEET_MODELS,
        contract.SHEET_GUIDE,
        contract.SHEET_META,
    ]
    assert [ws.sheet_state for ws in wb] == ["visible"] * 5 + ["hidden"]
    meta = {r[0]: r[1] for r in wb[contract.SHEET_META].iter_rows(values_only=True)}
    assert meta == {
        "template_version": contract.TEMPLATE_VERSION,
        "unit_code": "HCTC",
        "period": "2026-W10",
        "generated_at": "2026-03-04T09:30:00",
        "plan_year": "2026",  # the plan the task list comes from (a re-dated copy is refused)
        "done_before": None,  # nothing finished before W10 in a fresh database
    }
    assert wb.active.title == contract.SHEET_PROGRESS


def test_progress_header_block_and_table_header(tmp_db: Path) -> None:
    ws = _open(template.build("TTPVHCC", "2026-W10", now=NOW))[contract.SHEET_PROGRESS]
    assert ws.cell(row=1, column=1).value == (
        "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CÔNG TÁC DÂN VẬN CHÍNH QUYỀN VÀ THỰC HIỆN DÂN CHỦ "
        "Ở CƠ SỞ NĂM 2026"
    )
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
    block = {
        ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value
        for r in range(template.HEADER_BLOCK_FIRST_ROW, template.PROGRESS_HEADER_ROW)
        if ws.cell(row=r, column=1).value
    }
    assert block == {
        "Đơn vị:": "Trung tâm Phục vụ hành chính công thành phố",
        "Mã đơn vị:": "TTPVHCC",
        "Kỳ báo cáo:": "Tuần 10/2026",
        "Người lập:": None,
        "Điện thoại:": None,
        "Ngày lập:": None,
    }
    header = [c.value for c in ws[template.PROGRESS_HEADER_ROW]]
    assert header == list(contract.PROGRESS_COLUMNS.values())
    assert "16:30 thứ Sáu 06/03/2026" in ws.cell(row=2, column=5).value
    assert ws.freeze_panes == f"C{FIRST}"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.column_dimensions["C"].width >= 40
    assert ws.cell(row=FIRST, column=COL["task_title"]).alignment.wrap_text


def test_only_assigned_tasks_in_plan_order_with_roles(tmp_db: Path) -> None:
    ws = _open(template.build("BTCD", "2026-W10"))[contract.SHEET_PROGRESS]
    rows = [
        (r[COL["stt"] - 1], r[COL["task_code"] - 1], r[COL["role"] - 1])
        for r in ws.iter_rows(min_row=FIRST, values_only=True)
    ]
    assert rows == [(i, code, role) for i, (code, role) in enumerate(BTCD_TASKS, start=1)]
    # Nothing below the last task: validations and protection create no phantom rows (G7).
    assert ws.max_row == FIRST + len(BTCD_TASKS) - 1
    hctc = _open(template.build("HCTC", "2026-W10"))[contract.SHEET_PROGRESS]
    assert hctc.cell(row=hctc.max_row, column=COL["task_code"]).value == "III.2.b"
    assert hctc.cell(row=hctc.max_row, column=COL["role"]).value == "Chủ trì"


def test_fresh_unit_starts_not_started_at_zero(tmp_db: Path) -> None:
    ws = _open(template.build("KT", "2026-W10"))[contract.SHEET_PROGRESS]
    for r in ws.iter_rows(min_row=FIRST, values_only=True):
        assert (r[COL["status"] - 1], r[COL["percent"] - 1]) == (contract.STATUS_NOT_STARTED, 0)
        assert r[COL["result_text"] - 1] is None


def test_carry_forward_from_latest_earlier_week_without_texts(tmp_db: Path) -> None:
    _insert_submission(
        1,
        "HCTC",
        "2026-W07",
        datetime(2026, 2, 13, 9),
        progress=[("II.2", "Đang thực hiện", 20, "cũ"), ("II.6", "Đang thực hiện", 10, "cũ")],
    )
    _insert_submission(
        2,
        "HCTC",
        "2026-W09",
        datetime(2026, 2, 27, 9),
        progress=[("II.2", "Đang thực hiện", 45.5, "Dự thảo quy chế")],
        reporter="Nguyễn Thị Thu Hà",
        phone="0901234567",
    )
    # The week itself and later weeks must not be carried into W10's template.
    _insert_submission(
        3, "HCTC", "2026-W10", datetime(2026, 3, 5, 9), progress=[("II.2", "Hoàn thành", 100, "x")]
    )
    _insert_submission(
        4, "HCTC", "2026-W11", datetime(2026, 3, 12, 9), progress=[("II.6", "Tạm dừng", 30, "x")]
    )
    # A rejected upload never counts.
    _insert_submission(
        5,
        "HCTC",
        "2026-W09",
        datetime(2026, 2, 28, 9),
        progress=[("II.3", "Đang thực hiện", 80, "x")],
        status="rejected",
    )
    ws = _open(template.build("HCTC", "2026-W10"))[contract.SHEET_PROGRESS]
    got = {
        r[COL["task_code"] - 1]: (
            r[COL["status"] - 1],
            r[COL["percent"] - 1],
            r[COL["result_text"] - 1],
        )
        for r in ws.iter_rows(min_row=FIRST, values_only=True)
    }
    assert got["II.2"] == ("Đang thực hiện", 45.5, None)  # W09 beats W07; text not carried
    assert got["II.6"] == ("Đang thực hiện", 10, None)  # latest earlier week having the task
    assert got["II.3"] == ("Chưa triển khai", 0, None)
    # Reporter and phone come from the unit's last accepted submission (W11 has none: blank).
    assert ws["B5"].value is None
    _insert_submission(
        6,
        "HCTC",
        "2026-W12",
        datetime(2026, 3, 19, 9),
        progress=[("II.6", "Đang thực hiện", 35, "")],
        reporter="Trần Văn Minh",
        phone="0292123456",
    )
    ws = _open(template.build("HCTC", "2026-W13"))[contract.SHEET_PROGRESS]
    assert (ws["B5"].value, ws["B6"].value) == ("Trần Văn Minh", "0292123456")
    assert ws["B6"].number_format == "@"


def test_validations_on_the_right_cells(tmp_db: Path) -> None:
    wb = _open(template.build("BTCD", "2026-W10"))
    last = FIRST + len(BTCD_TASKS) - 1

    def rules(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, object]:
        return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}

    progress = rules(wb[contract.SHEET_PROGRESS])
    status = progress[f"E{FIRST}:E{last}"]
    assert status.type == "list"
    assert status.formula1 == '"' + ",".join(contract.STATUSES) + '"'
    percent = progress[f"F{FIRST}:F{last}"]
    assert (percent.type, percent.operator) == ("decimal", "between")
    assert (float(percent.formula1), float(percent.formula2)) == (0, 100)
    assert percent.showErrorMessage
    indicators = rules(wb[contract.SHEET_INDICATORS])
    value = next(iter(indicators.values()))
    assert (value.type, value.operator, float(value.formula1)) == (
        "decimal",
        "greaterThanOrEqual",
        0,
    )
    n_indicators = db.scalar("select count(*) from indicator")
    first_ind = template.INDICATOR_HEADER_ROW + 1
    assert str(value.sqref) == f"D{first_ind}:D{first_ind + n_indicators - 1}"
    models = rules(wb[contract.SHEET_MODELS])
    formulas = {dv.formula1 for dv in models.values()}
    assert '"' + ",".join(plan.model_fields()) + '"' in formulas
    assert '"' + ",".join(contract.MODEL_STATUSES) + '"' in formulas
    scores = wb[contract.SHEET_SCORES]
    na = next(dv for dv in scores.data_validations.dataValidation if dv.type == "list")
    assert na.formula1 == '"x"'
    penalty_row = next(
        r for r in range(1, scores.max_row + 1) if scores.cell(row=r, column=1).value == "P1"
    )
    penalty = next(
        dv for dv in scores.data_validations.dataValidation if f"E{penalty_row}" in dv.sqref
    )
    assert (float(penalty.formula1), float(penalty.formula2)) == (-5, 5)


def test_key_columns_locked_sheet_protected_without_password(tmp_db: Path) -> None:
    ws = _open(template.build("HCTC", "2026-W10"))[contract.SHEET_PROGRESS]
    assert ws.protection.sheet
    assert not ws.protection.password
    for field in ("stt", "task_code", "task_title", "role"):
        assert ws.cell(row=FIRST, column=COL[field]).protection.locked, field
    for field in ("status", "percent", "result_text", "evidence", "difficulty", "proposal"):
        assert not ws.cell(row=FIRST, column=COL[field]).protection.locked, field
    assert ws["B3"].protection.locked  # Mã đơn vị
    assert not ws["B5"].protection.locked  # Người lập


def test_indicator_and_score_sheets(tmp_db: Path) -> None:
    wb = _open(template.build("HCTC", "2026-W10"))
    ind = wb[contract.SHEET_INDICATORS]
    assert [c.value for c in ind[template.INDICATOR_HEADER_ROW]] == list(
        contract.INDICATOR_COLUMNS.values()
    )
    codes = [
        r[0] for r in ind.iter_rows(min_row=template.INDICATOR_HEADER_ROW + 1, values_only=True)
    ]
    assert codes == [r[0] for r in db.rows("select code from indicator order by sort_order")]
    assert all(
        r[3] is None
        for r in ind.iter_rows(min_row=template.INDICATOR_HEADER_ROW + 1, values_only=True)
    )
    sc = wb[contract.SHEET_SCORES]
    assert [c.value for c in sc[template.SCORE_HEADER_ROW]] == list(contract.SCORE_COLUMNS.values())
    assert "TẠM THỜI" in sc["A2"].value
    rows = list(sc.iter_rows(min_row=template.SCORE_HEADER_ROW + 1, values_only=True))
    assert rows[0][0] == "A. Lãnh đạo, chỉ đạo, quán triệt, triển khai"
    assert rows[0][2:] == (None,) * 5  # a heading row: no maximum, score or mark
    assert rows[1][:3] == ("A1", rows[1][1], 4)
    criteria = [r[0] for r in rows if r[2] is not None]
    expected = [r[0] for r in db.rows("select code from criterion order by sort_order")]
    assert criteria == expected
    assert len(rows) == len(expected) + db.scalar(
        "select count(distinct group_code) from criterion"
    )


def test_previous_scores_and_models_are_prefilled(tmp_db: Path) -> None:
    _insert_submission(
        1,
        "HCTC",
        "2026-W09",
        datetime(2026, 2, 27, 9),
        scores=[("A1", False, 3.5, "Kế hoạch số 12/KH-HCTC"), ("D2", True, None, "")],
        models=[("Công sở xanh - sạch - văn minh", "Văn hóa - xã hội", "Đang thực hiện")],
    )
    wb = _open(template.build("HCTC", "2026-W10"))
    sc = wb[contract.SHEET_SCORES]
    by_code = {
        r[0]: r for r in sc.iter_rows(min_row=template.SCORE_HEADER_ROW + 1, values_only=True)
    }
    assert by_code["A1"][3:6] == (None, 3.5, "Kế hoạch số 12/KH-HCTC")
    assert by_code["D2"][3:5] == ("x", None)
    assert by_code["A2"][3:5] == (None, None)
    md = wb[contract.SHEET_MODELS]
    first = template.MODEL_HEADER_ROW + 1
    assert [c.value for c in md[first]] == [
        "Công sở xanh - sạch - văn minh",
        "Văn hóa - xã hội",
        None,
        None,
        None,
        "Đang thực hiện",
    ]
    assert md.max_row == first
    # Scores belong to a year: next year's template (once its plan is loaded) starts blank.
    plan_loading.copy(SYSTEM, 2026, 2027)
    nxt = _open(template.build("HCTC", "2027-W02"))[contract.SHEET_SCORES]
    assert all(
        r[4] is None for r in nxt.iter_rows(min_row=template.SCORE_HEADER_ROW + 1, values_only=True)
    )


def test_guide_explains_deadline_statuses_and_reupload(tmp_db: Path) -> None:
    ws = _open(template.build("HCTC", "2026-W10"))[contract.SHEET_GUIDE]
    text = "\n".join(str(r[0]) for r in ws.iter_rows(values_only=True))
    assert "16:30 thứ Sáu 06/03/2026" in text
    for status in contract.STATUSES:
        assert status in text
    assert "tự đánh giá" in text
    assert "Nộp lại" in text
    assert ".xlsx" in text


def test_unknown_unit_and_bad_week_are_refused(tmp_db: Path) -> None:
    with pytest.raises(template.TemplateError, match="Không có đơn vị mã 'XYZ'"):
        template.build("XYZ", "2026-W10")
    with pytest.raises(template.TemplateError, match="Tuần '2026-W60' không hợp lệ"):
        template.build("HCTC", "2026-W60")
    # The forms units write are accepted too.
    meta = _open(template.build("HCTC", "Tuần 9/2026"))[contract.SHEET_META]
    assert meta["B3"].value == "2026-W09"


# --- command line ----------------------------------------------------------------------------


def test_cli_template_writes_the_file(tmp_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "f.xlsx"
    assert cli.main(["template", "--unit", "HCTC", "--week", "2026-W10", "--out", str(out)]) == 0
    assert _open(out.read_bytes())[contract.SHEET_META]["B2"].value == "HCTC"
    assert "Tuần 10/2026" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("unit", "week", "message"),
    [("KHONGCO", "2026-W10", "Không có đơn vị mã 'KHONGCO'"), ("HCTC", "tuan10", "không hợp lệ")],
)
def test_cli_template_usage_errors_exit_2(
    tmp_db: Path, tmp_path: Path, capsys, unit: str, week: str, message: str
) -> None:
    out = tmp_path / "f.xlsx"
    assert cli.main(["template", "--unit", unit, "--week", week, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


# --- round trip through the reader and ingest ---------------------------------------------


def _fill(data: bytes, percent_ii2: float) -> bytes:
    """Fill a template like an officer does, with openpyxl."""
    wb = _open(data)
    ws = wb[contract.SHEET_PROGRESS]
    ws["B5"], ws["B6"], ws["B7"] = "Nguyễn Thị Thu Hà", "0901234567", "05/03/2026"
    for r in range(FIRST, ws.max_row + 1):
        if ws.cell(row=r, column=COL["task_code"]).value == "II.2":
            ws.cell(row=r, column=COL["status"]).value = "Đang thực hiện"
            ws.cell(row=r, column=COL["percent"]).value = percent_ii2
            ws.cell(row=r, column=COL["result_text"]).value = "Dự thảo Quy chế dân chủ"
            ws.cell(row=r, column=COL["difficulty"]).value = "Chưa có hướng dẫn"
    ind = wb[contract.SHEET_INDICATORS]
    ind.cell(row=template.INDICATOR_HEADER_ROW + 1, column=4).value = 12
    sc = wb[contract.SHEET_SCORES]
    for r in range(template.SCORE_HEADER_ROW + 1, sc.max_row + 1):
        if sc.cell(row=r, column=1).value == "A1":
            sc.cell(row=r, column=5).value = 4
            sc.cell(row=r, column=6).value = "Kế hoạch số 12/KH-HCTC ngày 15/01/2026"
    md = wb[contract.SHEET_MODELS]
    first = template.MODEL_HEADER_ROW + 1
    for col, value in enumerate(("Công sở văn minh", "Văn hóa - xã hội", "", "", "", "Đăng ký"), 1):
        md.cell(row=first, column=col).value = value or None
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_filled_template_round_trips_through_reader_and_ingest(tmp_db: Path) -> None:
    user = auth.create_user("hctc", "don_vi", PASSWORD, unit_code="HCTC")
    data = _fill(template.build("HCTC", "2026-W10"), 45.5)
    parsed = reader.read(data, reader.Context.load(), "hctc.xlsx")
    assert parsed.errors == []
    assert (parsed.header.unit_code, parsed.header.period) == ("HCTC", "2026-W10")
    assert (parsed.header.reporter, parsed.header.phone) == ("Nguyễn Thị Thu Hà", "0901234567")
    by_task = {r.task_code: r for r in parsed.progress}
    assert len(by_task) == 11
    assert (by_task["II.2"].status, by_task["II.2"].percent) == ("Đang thực hiện", 45.5)
    assert by_task["II.2"].difficulty == "Chưa có hướng dẫn"
    assert [(r.indicator_code, r.value) for r in parsed.indicators] == [("TCD_LUOT", 12.0)]
    a1 = next(r for r in parsed.scores if r.criterion_code == "A1")
    assert a1.score == 4
    assert [(m.name, m.field, m.status) for m in parsed.models] == [
        ("Công sở văn minh", "Văn hóa - xã hội", "Đăng ký")
    ]
    result = submissions.submit(data, "hctc.xlsx", user, now=datetime(2026, 3, 5, 10))
    assert (result.status, result.errors) == ("accepted", [])
    # Next week's template carries the accepted status and percent, and the contact.
    ws = _open(template.build("HCTC", "2026-W11"))[contract.SHEET_PROGRESS]
    row = next(
        r
        for r in ws.iter_rows(min_row=FIRST, values_only=True)
        if r[COL["task_code"] - 1] == "II.2"
    )
    assert row[COL["status"] - 1 : COL["result_text"]] == ("Đang thực hiện", 45.5, None)
    assert ws["B5"].value == "Nguyễn Thị Thu Hà"
    # "Không có thay đổi": the untouched template for the next week is accepted as it is.
    again = submissions.submit(
        template.build("HCTC", "2026-W11"), "w11.xlsx", user, now=datetime(2026, 3, 12, 10)
    )
    assert (again.status, again.errors) == ("accepted", [])
    kept = db.rows(
        "select percent from progress_row where submission_id = $s and task_code = 'II.2'",
        {"s": again.submission_id},
    )
    assert kept == [(45.5,)]


@pytest.mark.slow
@needs_libreoffice
def test_template_saved_by_libreoffice_is_accepted(tmp_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in" / "bieu-mau.xlsx"
    src.parent.mkdir()
    src.write_bytes(_fill(template.build("HCTC", "2026-W10"), 30))
    data = convert(src, "xlsx:Calc MS Excel 2007 XML", tmp_path / "out").read_bytes()
    assert data != src.read_bytes()
    parsed = reader.read(data, reader.Context.load(), "bieu-mau.xlsx")
    assert parsed.errors == []
    ii2 = next(r for r in parsed.progress if r.task_code == "II.2")
    assert (ii2.status, ii2.percent) == ("Đang thực hiện", 30)
    assert parsed.meta["unit_code"] == "HCTC"
