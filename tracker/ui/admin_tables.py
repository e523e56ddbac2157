"""Tables as the Quản trị page shows them: Vietnamese headers; times stay timestamps (shown as
dd/mm/yyyy HH:MM by tracker.ui.display.show), so they sort in time order."""

from __future__ import annotations

import pandas as pd

from tracker.accounts import auth
from tracker.accounts.admin import AUDIT_COLUMNS
from tracker.catalogue import periods
from tracker.roles import ROLE_LABELS

SUBMISSION_STATUS = {"accepted": "Đã nhận", "rejected": "Bị từ chối", "duplicate": "Trùng tệp"}
SHEET_LABELS = {
    "progress": "Tiến độ",
    "indicators": "Chỉ số",
    "scores": "Tự chấm điểm",
    "models": "Dân vận khéo",
}


def _when(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def users_view(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Tên đăng nhập": df["username"],
            "Họ và tên": df["full_name"].fillna(""),
            "Vai trò": df["role"].map(ROLE_LABELS),  # a body's roles, or the city's
            "Đơn vị": df["unit_code"].fillna(""),
            "Hoạt động": df["active"],
            "Tài khoản mẫu": df["sample"],
            "Đăng nhập sai": df["failed_logins"],
            "Tạm khóa đến": _when(df["locked_until"]),
            "Đăng nhập lần cuối": _when(df["last_login"]),
        }
    )


def login_pressure_view(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Tài khoản": df["username"],
            "Từ đâu": df["counter"],
            "Trạng thái": df["locked"].map({True: "Tạm khóa", False: "Đang đếm"}),
            "Lần sai đang đếm": df["failures"],
            "Tạm khóa đến": _when(df["locked_until"]),
            "Lần thử bị từ chối khi khóa": df["refusals"],
            "Lần sai gần nhất": _when(df["last_failed_at"]),
        }
    )


def exceptions_view(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Số": df["id"],
            "Đơn vị": df["unit_code"],
            "Tuần": df["period"].map(periods.short_label),
            "Lý do": df["reason"],
            "Hiệu lực đến": _when(df["expires_at"]),
            "Còn hiệu lực": df["in_force"],
            "Người cho phép": df["granted_by"],
            "Lúc": _when(df["granted_at"]),
        }
    )


def history_view(df: pd.DataFrame) -> pd.DataFrame:
    current = (
        df["current_sheets"]
        .fillna("")
        .map(
            lambda s: ", ".join(
                SHEET_LABELS.get(x.strip(), x.strip()) for x in s.split(",") if x.strip()
            )
        )
    )
    return pd.DataFrame(
        {
            "Số": df["id"],
            "Đơn vị": df["unit_code"].fillna(""),
            "Tuần": df["period"].map(
                lambda p: periods.short_label(p) if isinstance(p, str) else ""
            ),
            "Trạng thái": df["status"].map(lambda s: SUBMISSION_STATUS.get(s, s)),
            "Tệp": df["filename"],
            "Nộp lúc": _when(df["uploaded_at"]),
            "Người nộp": df["uploaded_by"].fillna(""),
            "Nộp thay": df["on_behalf"],
            "Đang dùng cho trang tính": current,
        }
    )


def audit_view(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reindex(columns=list(AUDIT_COLUMNS)).copy()
    out["logged_at"] = _when(out["logged_at"])
    out["role"] = out["role"].map(lambda r: auth.ROLES.get(r, "") if isinstance(r, str) else "")
    # Empty cells, not "None": st.dataframe prints a missing value as None.
    texts = ["target", "detail", "before_value", "after_value"]
    out[texts] = out[texts].astype(object).where(out[texts].notna(), "")
    return out.rename(columns=AUDIT_COLUMNS)


def calendar_view(df: pd.DataFrame) -> pd.DataFrame:
    """The year's reporting calendar (calendar.year_calendar) with Vietnamese headers; the days
    and times stay date/datetime typed (the page formats them dd/mm/yyyy HH:MM)."""
    return pd.DataFrame(
        {
            "Tuần": df["week"].map(periods.short_label),
            "Thứ Hai": pd.to_datetime(df["week_start"]).dt.date,
            "Chủ nhật": pd.to_datetime(df["week_end"]).dt.date,
            "Hạn nộp": pd.to_datetime(df["deadline"]),
            "Khóa tuần từ": pd.to_datetime(df["lock_time"]),
            "Miễn báo cáo": df["exempt"].astype(bool),
            "Lý do": df["reason"],
        }
    )
