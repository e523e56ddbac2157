"""Display tables and captions: domain frames turned into what the pages show.

The metrics modules return data (codes, floats, timestamps); this module alone renames columns to
their Vietnamese labels. Numbers and timestamps stay numbers and timestamps, so every column
sorts right; tracker.ui.display shows them in Vietnamese (mark() records each number column's
format, show() draws the table). Units show as lists show them: a sample unit marked "(mẫu)"
(unit_names(), unit_codes()); exports keep the catalogue's plain name. What a table reads of the
database (which units are samples, a plan's setting) it reads at the `path` it is given: the
page's scope.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tracker.catalogue import periods, plan, plans, year_start
from tracker.catalogue.plan import ROLE_LABELS, TASK_KIND_LABELS
from tracker.metrics import cache, difficulties, models_register, reporting
from tracker.text import fmt_deadline, fmt_number, is_missing
from tracker.ui.display import INTEGER, PERCENT, VALUE, mark

NOT_REPORTED = "Chưa báo cáo"
PLANNED = "Tiến độ theo kế hoạch"  # the expected progress of PRODUCT.md §6


def _time(values: pd.Series) -> pd.Series:
    """Timestamps as datetime64 (NaT where missing), whatever the source column's dtype."""
    return pd.to_datetime(values, errors="coerce")


def _number(values: pd.Series) -> pd.Series:
    """Numbers as float64 (NaN where missing)."""
    return pd.to_numeric(values, errors="coerce").astype("float64")


def _week_label(period: object) -> str:
    return periods.short_label(period) if isinstance(period, str) and period else ""


def _source_week(period: object) -> str:
    """The week a standing value comes from, or 'Chưa báo cáo' where there is none."""
    return _week_label(period) or NOT_REPORTED


# --- captions -------------------------------------------------------------------------------


def coverage(reported: int, assigned: int) -> str:
    """'3/4 đơn vị đã báo cáo'."""
    return f"{reported}/{assigned} đơn vị đã báo cáo"


def reporting_weeks_text(year: int, path: Path) -> str:
    """'Tuần báo cáo: từ Tuần 1/2027 (04/01 - 10/01/2027) đến Tuần 52/2027; hạn nộp đầu tiên
    16:30 thứ Sáu 08/01/2027.' (the plan's first reporting week, shown where the plan is)."""
    start = year_start.start(year, path)
    return (
        f"Tuần báo cáo: từ {periods.label(start.first_week)} đến "
        f"{periods.short_label(plans.last_week(year))}; hạn nộp đầu tiên "
        f"{fmt_deadline(start.deadline)}."
    )


def status_rule(week: str, path: Path) -> str:
    """How a task's status is drawn, with the tolerance of `week`'s plan (its setting
    'tolerance'): said wherever statuses are drawn, so 83,8% green against a 93,2% plan line
    reads as intended."""
    year = plans.of_week(week)
    try:
        points = fmt_number(float(plans.setting(year, "tolerance", path)), 1).removesuffix(",0")
    except (KeyError, ValueError):
        points = "?"
    return (
        f"Trạng thái: “Chậm tiến độ” khi tỷ lệ hoàn thành thấp hơn {PLANNED.lower()} quá "
        f"{points} điểm phần trăm (ngưỡng của Kế hoạch năm {year}), nếu không là “Đúng tiến độ”; "
        "“Quá hạn” khi đã qua hạn mà chưa hoàn thành; nhiệm vụ khi có yêu cầu “Đang thực hiện”."
    )


def basis(week: str, reported: int, assigned: int) -> str:
    """What a chart is based on: '3/4 đơn vị đã báo cáo, số liệu đến hết tuần 10/2026'."""
    return f"{coverage(reported, assigned)}, số liệu đến hết {periods.short_label(week).lower()}"


def reporting_basis(week: str, rates: dict) -> str:
    """What a reporting-rate line is based on (reporting.rates of `week`): basis() and the
    weeks left blank."""
    basis_text = basis(week, rates["reported"], rates["expected"])
    return f"{basis_text}; tuần không yêu cầu báo cáo để trống"


def task_basis(week: str, reported: int, tasks: int) -> str:
    """'7/11 nhiệm vụ có báo cáo, số liệu đến hết tuần 10/2026'."""
    return f"{reported}/{tasks} nhiệm vụ có báo cáo, số liệu đến hết {periods.short_label(week).lower()}"


def unit_names(names: pd.Series, codes: pd.Series, path: Path) -> pd.Series:
    """A column of unit names as lists show them: a sample unit's name ends in "(mẫu)"."""
    return plan.label_units(names, codes, path)


def samples(path: Path) -> set[str]:
    """Codes of the units of the sample list (active or not)."""
    units = plan.units(path, active_only=False)
    return set(units.loc[units["sample"], "code"])


def _marked(code: str, samples: set[str]) -> str:
    return f"{code} {plan.SAMPLE_MARK}" if code in samples else code


def unit_codes(codes: pd.Series, path: Path) -> pd.Series:
    """A column of unit codes as lists show them: a sample unit's code is followed by "(mẫu)"
    (where a table names units by code alone)."""
    marked = samples(path)
    return pd.Series([_marked(c, marked) for c in codes], index=codes.index, dtype=object)


def _code_and_name(df: pd.DataFrame, path: Path) -> pd.Series:
    """A frame's unit_code and unit_name as one column, 'TH - Phòng Tổng hợp (mẫu)'."""
    return df["unit_code"] + " - " + unit_names(df["unit_name"], df["unit_code"], path)


def lead_label(lead_unit: object, sample_units: set[str]) -> str:
    """The lead unit's code ("(mẫu)" after a sample unit's, of `sample_units`: samples()), or
    the plan's wording for tasks every unit leads."""
    if is_missing(lead_unit) or not lead_unit:
        return plan.ALL_UNITS_LABEL
    return _marked(str(lead_unit), sample_units)


# --- progress -------------------------------------------------------------------------------


def task_table(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """A task_completion frame with Vietnamese headers, for display.show."""
    marked = samples(path)
    table = pd.DataFrame(
        {
            "Mã": df["code"],
            "Nhiệm vụ": df["short_title"],
            "Chủ trì": df["lead_unit"].map(lambda u: lead_label(u, marked)),
            "Loại": df["kind"].map(TASK_KIND_LABELS),
            "Hoàn thành": _number(df["completion"]),
            PLANNED: _number(df["expected"]),
            "Báo cáo": [
                coverage(n, m)
                for n, m in zip(df["reported_units"], df["assigned_units"], strict=True)
            ],
            "Trạng thái": df["status"],
            "Cập nhật lần cuối": _time(df["last_update"]),
        }
    )
    return mark(table, **{"Hoàn thành": PERCENT, PLANNED: PERCENT})


def unit_assignment_table(df: pd.DataFrame) -> pd.DataFrame:
    """plan.unit_assignments() with Vietnamese headers: a unit's tasks and its role, no figure."""
    return pd.DataFrame(
        {
            "Mã": df["code"],
            "Nhiệm vụ": df["short_title"],
            "Loại": df["kind"].map(TASK_KIND_LABELS),
            "Vai trò": df["role"].map(ROLE_LABELS),
        }
    )


def unit_task_table(df: pd.DataFrame) -> pd.DataFrame:
    """progress.unit_tasks() with Vietnamese headers, for display.show."""
    table = pd.DataFrame(
        {
            "Mã": df["task_code"],
            "Nhiệm vụ": df["short_title"],
            "Vai trò": df["role"].map(ROLE_LABELS),
            "Tỷ lệ của đơn vị": _number(df["percent"]),
            "Trạng thái đơn vị ghi": df["sheet_status"].fillna(""),
            "Từ báo cáo": df["period"].map(_source_week),
            "Hoàn thành của nhiệm vụ": _number(df["completion"]),
            PLANNED: _number(df["expected"]),
            "Trạng thái nhiệm vụ": df["status"],
        }
    )
    percents = ("Tỷ lệ của đơn vị", "Hoàn thành của nhiệm vụ", PLANNED)
    return mark(table, **dict.fromkeys(percents, PERCENT))


def current_units_table(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """unit_task_progress rows of one task: each assigned unit's standing value and source."""
    table = pd.DataFrame(
        {
            "Đơn vị": _code_and_name(df, path),
            "Vai trò": df["role"].map(ROLE_LABELS),
            "Tỷ lệ": _number(df["percent"]),
            "Trạng thái đơn vị ghi": df["sheet_status"].fillna(""),
            "Từ báo cáo": df["period"].map(_source_week),
            "Nộp lúc": _time(df["uploaded_at"]),
        }
    )
    return mark(table, **{"Tỷ lệ": PERCENT})


def history_table(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """progress.task_history() with Vietnamese headers, texts included, for display.show."""
    table = pd.DataFrame(
        {
            "Tuần": df["period"].map(periods.short_label),
            "Đơn vị": _code_and_name(df, path),
            "Vai trò": df["role"].map(ROLE_LABELS),
            "Trạng thái": df["sheet_status"],
            "Tỷ lệ": _number(df["percent"]),
            "Kết quả thực hiện trong kỳ": df["result_text"].fillna(""),
            "Văn bản, minh chứng": df["evidence"].fillna(""),
            "Khó khăn, vướng mắc": df["difficulty"].fillna(""),
            "Đề xuất, kiến nghị": df["proposal"].fillna(""),
            "Người lập": df["reporter"].fillna(""),
            "Nộp lúc": _time(df["uploaded_at"]),
        }
    )
    return mark(table, **{"Tỷ lệ": PERCENT})


def indicator_table(df: pd.DataFrame) -> pd.DataFrame:
    """progress.unit_indicators() with Vietnamese headers ('1.234' whole, '12,5' otherwise)."""
    table = pd.DataFrame(
        {
            "Mã chỉ số": df["code"],
            "Tên chỉ số": df["name"],
            "Đơn vị tính": df["measure"].fillna(""),
            "Cách tính": df["kind"].map({"flow": "Cộng dồn", "stock": "Giá trị mới nhất"}),
            "Giá trị": _number(df["value"]),
            "Đến tuần": df["last_period"].map(_week_label),
        }
    )
    return mark(table, **{"Giá trị": VALUE})


def models_table(df: pd.DataFrame) -> pd.DataFrame:
    """unit_latest_models rows with the workbook's Vietnamese headers."""
    return pd.DataFrame(
        {
            "Tên mô hình": df["name"],
            "Lĩnh vực": df["field"],
            "Nội dung, cách thức thực hiện": df["content"].fillna(""),
            "Thời gian thực hiện": df["timeframe"].fillna(""),
            "Sản phẩm, kết quả": df["outcome"].fillna(""),
            "Trạng thái": df["status"].fillna(""),
        }
    )


def score_summary(total: dict) -> pd.DataFrame:
    """scoring.unit_total() as two columns (what, value) with Vietnamese formats."""

    def points(value: object) -> str:
        return "" if is_missing(value) else fmt_number(float(value))

    rank = total.get("rank")
    rows = [
        ("Điểm tự chấm", points(total.get("self_total"))),
        ("Điểm thẩm định", points(total.get("reviewed_total")) or "Chưa thẩm định"),
        ("Điểm cuối cùng", points(total.get("final_total"))),
        ("Xếp loại", total.get("grade") or ""),
        ("Hạng", str(rank) if rank is not None else "Không xếp hạng"),
        ("Tổng điểm áp dụng", points(total.get("applicable_points"))),
        ("Bộ tiêu chí", str(total.get("set_label") or "")),
    ]
    return pd.DataFrame(rows, columns=["Nội dung", "Giá trị"])


# --- reporting discipline -------------------------------------------------------------------


def status_table(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """reporting.week_status()/follow_up() with Vietnamese headers and formats, for display."""
    return pd.DataFrame(
        {
            "Mã đơn vị": df["unit_code"],
            "Đơn vị": unit_names(df["unit_name"], df["unit_code"], path),
            "Tình trạng": df["state"],
            "Nộp lần đầu lúc": _time(df["first_upload"]),
            "Người lập": df["reporter"].fillna(""),
            "Điện thoại": df["phone"].fillna(""),
        }
    )


def unit_reporting_history(unit: str, week: str, path: Path) -> pd.DataFrame:
    """One unit's reporting state for every week from the first reporting week to `week`.

    reporting.unit_history (the rules of on time / late / missing, defined once in
    queries/rules.sql), newest week first, in one query (it was one query of every unit per
    week: 49 of them a view in December). Built once per data version, unit and week.
    """
    return cache.derived(
        "tables.unit_reporting_history",
        lambda: _unit_reporting_history(unit, week, path),
        path,
        unit,
        week,
    )


def _unit_reporting_history(unit: str, week: str, path: Path) -> pd.DataFrame:
    first = plans.first_week(plans.of_week(week), path)
    history = reporting.unit_history(unit, first, week, path)
    rows = [
        {
            "Tuần": periods.label(r.period),
            "Tình trạng": r.state,
            "Nộp lần đầu lúc": r.first_upload,
            "Nộp lần cuối lúc": r.last_upload,
            "Số lần nộp": int(r.versions),
        }
        for r in history.itertuples(index=False)
    ]
    columns = ["Tuần", "Tình trạng", "Nộp lần đầu lúc", "Nộp lần cuối lúc", "Số lần nộp"]
    table = pd.DataFrame(rows, columns=columns)
    for name in ("Nộp lần đầu lúc", "Nộp lần cuối lúc"):
        table[name] = _time(table[name])
    table["Số lần nộp"] = table["Số lần nộp"].astype("int64")
    return mark(table, **{"Số lần nộp": INTEGER})


# --- difficulties ---------------------------------------------------------------------------


def difficulty_table(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The difficulty register with Vietnamese headers and formats, for display.

    The state comes before the long texts: after them it was off screen, and a reader saw
    forty rows under "1 vướng mắc chưa xử lý" without seeing that most are no longer raised.
    """
    return pd.DataFrame(
        {
            "Ngày nêu": _time(df["raised_at"]),
            "Đơn vị": unit_codes(df["unit_code"], path),
            "Nhiệm vụ": df["task_code"].fillna("—"),
            "Tình trạng": df["state"],
            "Khó khăn, vướng mắc": df["content"],
            "Đề xuất, kiến nghị": df["proposal"].fillna(""),
            "Xử lý": df["handled_note"].fillna(""),
            "Nguồn": df["source"].map(difficulties.SOURCES),
        }
    )


# --- "Dân vận khéo" models ------------------------------------------------------------------


def _model_status(df: pd.DataFrame) -> pd.Series:
    return df["status"].fillna("").replace("", models_register.NO_STATUS)


def register_table(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The models register with Vietnamese headers, ordered by unit then status."""
    df = df.sort_values(["unit_code", "status_order", "row_no"], kind="stable")
    return pd.DataFrame(
        {
            "Đơn vị": unit_names(df["unit_name"].fillna(df["unit_code"]), df["unit_code"], path),
            "Tên mô hình": df["name"],
            "Lĩnh vực": df["field"],
            "Trạng thái": _model_status(df),
            "Nội dung, cách thức thực hiện": df["content"].fillna(""),
            "Thời gian thực hiện": df["timeframe"].fillna(""),
            "Sản phẩm, kết quả": df["outcome"].fillna(""),
            "Đăng ký từ tuần": df["first_period"].map(_week_label),
            "Cập nhật theo tuần": df["period"].map(_week_label),
        }
    ).reset_index(drop=True)


def model_history_table(df: pd.DataFrame) -> pd.DataFrame:
    """A model's history with Vietnamese headers; says where the status changed, and from what."""
    status = _model_status(df)
    before = status.shift()
    return pd.DataFrame(
        {
            "Tuần báo cáo": df["period"].map(periods.short_label),
            "Nộp lúc": _time(df["uploaded_at"]),
            "Trạng thái": status,
            "Thay đổi trạng thái": [
                "Lần đầu báo cáo" if pd.isna(b) else (f"{b} → {s}" if b != s else "")
                for b, s in zip(before, status, strict=True)
            ],
            "Sản phẩm, kết quả": df["outcome"].fillna(""),
            "Bản đang hiệu lực": df["is_current"].map({True: "Có", False: "Đã thay thế"}),
        }
    ).reset_index(drop=True)
