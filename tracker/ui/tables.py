"""Display tables and captions: domain frames turned into what the pages show.

The metrics modules return data (codes, floats, timestamps); this module alone renames columns to
their Vietnamese labels and formats numbers, dates and weeks as text for st.dataframe.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tracker.catalogue import catalogues, periods, plan
from tracker.ingest.contract import ROLE_LABELS, TASK_KIND_LABELS
from tracker.metrics import difficulties, models_register, reporting
from tracker.text import fmt_datetime, fmt_number, fmt_pct, is_missing

NOT_REPORTED = "Chưa báo cáo"


def _fmt_time(value: object) -> str:
    if is_missing(value) or pd.isna(value):
        return ""
    return fmt_datetime(pd.Timestamp(value).to_pydatetime())


def _week_label(period: object) -> str:
    return periods.short_label(period) if isinstance(period, str) and period else ""


def _unit_percent(percents: pd.Series) -> list[str]:
    """A unit's own rate, or 'Chưa báo cáo' where it has not reported the task."""
    return [fmt_pct(p) if pd.notna(p) else NOT_REPORTED for p in percents]


# --- captions -------------------------------------------------------------------------------


def coverage(reported: int, assigned: int) -> str:
    """'3/4 đơn vị đã báo cáo'."""
    return f"{reported}/{assigned} đơn vị đã báo cáo"


def basis(week: str, reported: int, assigned: int) -> str:
    """What a chart is based on: '3/4 đơn vị đã báo cáo, số liệu đến hết tuần 10/2026'."""
    return f"{coverage(reported, assigned)}, số liệu đến hết {periods.short_label(week).lower()}"


def task_basis(week: str, reported: int, tasks: int) -> str:
    """'7/11 nhiệm vụ có báo cáo, số liệu đến hết tuần 10/2026'."""
    return f"{reported}/{tasks} nhiệm vụ có báo cáo, số liệu đến hết {periods.short_label(week).lower()}"


def lead_label(lead_unit: object) -> str:
    """The lead unit's code, or the plan's wording for tasks every unit leads."""
    return str(lead_unit) if not is_missing(lead_unit) and lead_unit else plan.ALL_UNITS_LABEL


# --- progress -------------------------------------------------------------------------------


def task_table(df: pd.DataFrame) -> pd.DataFrame:
    """A task_completion frame with Vietnamese headers and formats, for st.dataframe."""
    return pd.DataFrame(
        {
            "Mã": df["code"],
            "Nhiệm vụ": df["short_title"],
            "Chủ trì": df["lead_unit"].map(lead_label),
            "Loại": df["kind"].map(TASK_KIND_LABELS),
            "Hoàn thành": df["completion"].map(fmt_pct),
            "Kỳ vọng": df["expected"].map(fmt_pct),
            "Báo cáo": [
                coverage(n, m)
                for n, m in zip(df["reported_units"], df["assigned_units"], strict=True)
            ],
            "Trạng thái": df["status"],
            "Cập nhật lần cuối": df["last_update"].map(_fmt_time),
        }
    )


def unit_task_table(df: pd.DataFrame) -> pd.DataFrame:
    """progress.unit_tasks() with Vietnamese headers, for st.dataframe."""
    return pd.DataFrame(
        {
            "Mã": df["task_code"],
            "Nhiệm vụ": df["short_title"],
            "Vai trò": df["role"].map(ROLE_LABELS),
            "Tỷ lệ của đơn vị": _unit_percent(df["percent"]),
            "Trạng thái đơn vị ghi": df["sheet_status"].fillna(""),
            "Từ báo cáo": df["period"].map(_week_label),
            "Hoàn thành của nhiệm vụ": df["completion"].map(fmt_pct),
            "Kỳ vọng": df["expected"].map(fmt_pct),
            "Trạng thái nhiệm vụ": df["status"],
        }
    )


def current_units_table(df: pd.DataFrame) -> pd.DataFrame:
    """unit_task_progress rows of one task: each assigned unit's standing value and source."""
    return pd.DataFrame(
        {
            "Đơn vị": df["unit_code"] + " - " + df["unit_name"],
            "Vai trò": df["role"].map(ROLE_LABELS),
            "Tỷ lệ": _unit_percent(df["percent"]),
            "Trạng thái đơn vị ghi": df["sheet_status"].fillna(""),
            "Từ báo cáo": df["period"].map(_week_label),
            "Nộp lúc": df["uploaded_at"].map(_fmt_time),
        }
    )


def history_table(df: pd.DataFrame) -> pd.DataFrame:
    """progress.task_history() with Vietnamese headers, texts included, for st.dataframe."""
    return pd.DataFrame(
        {
            "Tuần": df["period"].map(periods.short_label),
            "Đơn vị": df["unit_code"] + " - " + df["unit_name"],
            "Vai trò": df["role"].map(ROLE_LABELS),
            "Trạng thái": df["sheet_status"],
            "Tỷ lệ": df["percent"].map(fmt_pct),
            "Kết quả thực hiện trong kỳ": df["result_text"].fillna(""),
            "Văn bản, minh chứng": df["evidence"].fillna(""),
            "Khó khăn, vướng mắc": df["difficulty"].fillna(""),
            "Đề xuất, kiến nghị": df["proposal"].fillna(""),
            "Người lập": df["reporter"].fillna(""),
            "Nộp lúc": df["uploaded_at"].map(_fmt_time),
        }
    )


def _fmt_value(value: object) -> str:
    """Indicator values: '1.234' for whole numbers, '12,5' otherwise, '' when not reported."""
    if is_missing(value):
        return ""
    number = float(value)
    return fmt_number(number, 0 if number.is_integer() else 1)


def indicator_table(df: pd.DataFrame) -> pd.DataFrame:
    """progress.unit_indicators() with Vietnamese headers and number formats."""
    return pd.DataFrame(
        {
            "Mã chỉ số": df["code"],
            "Tên chỉ số": df["name"],
            "Đơn vị tính": df["measure"].fillna(""),
            "Cách tính": df["kind"].map({"flow": "Cộng dồn", "stock": "Giá trị mới nhất"}),
            "Giá trị": df["value"].map(_fmt_value),
            "Đến tuần": df["last_period"].map(_week_label),
        }
    )


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


def status_table(df: pd.DataFrame) -> pd.DataFrame:
    """reporting.week_status()/follow_up() with Vietnamese headers and formats, for display."""
    return pd.DataFrame(
        {
            "Mã đơn vị": df["unit_code"],
            "Đơn vị": df["unit_name"],
            "Tình trạng": df["state"],
            "Nộp lần đầu lúc": [
                fmt_datetime(t.to_pydatetime()) if pd.notna(t) else "" for t in df["first_upload"]
            ],
            "Người lập": df["reporter"].fillna(""),
            "Điện thoại": df["phone"].fillna(""),
        }
    )


def unit_reporting_history(unit: str, week: str, path: Path | None = None) -> pd.DataFrame:
    """One unit's reporting state for every week from the first reporting week to `week`.

    Uses reporting.week_status (the single definition of on time / late / missing), one cached
    query per week, newest week first.
    """
    first = catalogues.setting("first_week", path)
    rows = []
    for w in reversed(periods.weeks_between(first, week) if first <= week else []):
        status = reporting.week_status(w, path)
        match = status[status["unit_code"] == unit]
        if match.empty:
            continue
        r = match.iloc[0]
        rows.append(
            {
                "Tuần": periods.label(w),
                "Tình trạng": r["state"],
                "Nộp lần đầu lúc": _fmt_time(r["first_upload"]),
                "Nộp lần cuối lúc": _fmt_time(r["last_upload"]),
                "Số lần nộp": int(r["versions"]),
            }
        )
    columns = ["Tuần", "Tình trạng", "Nộp lần đầu lúc", "Nộp lần cuối lúc", "Số lần nộp"]
    return pd.DataFrame(rows, columns=columns)


# --- difficulties ---------------------------------------------------------------------------


def difficulty_table(df: pd.DataFrame) -> pd.DataFrame:
    """The difficulty register with Vietnamese headers and formats, for display.

    The state comes before the long texts: after them it was off screen, and a reader saw
    forty rows under "1 vướng mắc chưa xử lý" without seeing that most are no longer raised.
    """
    return pd.DataFrame(
        {
            "Ngày nêu": [f"{t:%d/%m/%Y %H:%M}" if pd.notna(t) else "" for t in df["raised_at"]],
            "Đơn vị": df["unit_code"],
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


def register_table(df: pd.DataFrame) -> pd.DataFrame:
    """The models register with Vietnamese headers, ordered by unit then status."""
    df = df.sort_values(["unit_code", "status_order", "row_no"], kind="stable")
    return pd.DataFrame(
        {
            "Đơn vị": df["unit_name"].fillna(df["unit_code"]),
            "Tên mô hình": df["name"],
            "Lĩnh vực": df["field"],
            "Trạng thái": _model_status(df),
            "Nội dung, cách thức thực hiện": df["content"].fillna(""),
            "Thời gian thực hiện": df["timeframe"].fillna(""),
            "Sản phẩm, kết quả": df["outcome"].fillna(""),
            "Đăng ký từ tuần": df["first_period"],
            "Cập nhật theo tuần": df["period"],
        }
    ).reset_index(drop=True)


def model_history_table(df: pd.DataFrame) -> pd.DataFrame:
    """A model's history with Vietnamese headers; says where the status changed, and from what."""
    status = _model_status(df)
    before = status.shift()
    return pd.DataFrame(
        {
            "Tuần báo cáo": df["period"].map(periods.short_label),
            "Nộp lúc": df["uploaded_at"].map(fmt_datetime),
            "Trạng thái": status,
            "Thay đổi trạng thái": [
                "Lần đầu báo cáo" if pd.isna(b) else (f"{b} → {s}" if b != s else "")
                for b, s in zip(before, status, strict=True)
            ],
            "Sản phẩm, kết quả": df["outcome"].fillna(""),
            "Bản đang hiệu lực": df["is_current"].map({True: "Có", False: "Đã thay thế"}),
        }
    ).reset_index(drop=True)
