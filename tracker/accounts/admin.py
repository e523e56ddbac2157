"""Admin actions on accounts and the audit log behind the Quản trị page.

Each function checks the user's role itself (auth.require). Catalogue edits live in
tracker/catalogue/editing.py, lock exceptions in tracker/ingest/locks.py, the bulk import in
tracker/ingest/submissions.py (submit_many) and the page's display tables in
tracker/ui/admin_tables.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from tracker import settings
from tracker.accounts import auth, directory
from tracker.csvsafe import frame_csv
from tracker.roles import AdminError as AdminError  # re-exported: the admin API raises it
from tracker.roles import User
from tracker.store import db

ACTION_LABELS = {
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "login_refused_locked": "Đăng nhập bị từ chối (tạm khóa)",
    "login_lock": "Tạm khóa đăng nhập",
    "login_refused_disabled": "Đăng nhập bị từ chối (vô hiệu hóa)",
    "user_create": "Tạo tài khoản",
    "user_update": "Sửa tài khoản",
    "user_disable": "Vô hiệu hóa tài khoản",
    "user_enable": "Kích hoạt tài khoản",
    "user_unlock": "Mở khóa đăng nhập",
    "device_revoke": "Thu hồi máy đã đăng nhập",
    "password_reset": "Đặt lại mật khẩu",
    "password_change": "Đổi mật khẩu",
    "catalogue_edit": "Sửa danh mục",
    "lock_exception": "Cho phép nộp tuần đã khóa",
    "lock_exception_revoke": "Thu hồi ngoại lệ khóa tuần",
    "submission_restore": "Khôi phục bản nộp",
    "backup": "Sao lưu",
    "backup_restore": "Khôi phục từ bản sao lưu",
    "upload": "Nộp báo cáo",
    "difficulty_raise": "Nêu vướng mắc",
    "difficulty_handle": "Đánh dấu vướng mắc đã xử lý",
    "score_review": "Nhập điểm thẩm định",
    "score_review_clear": "Xóa điểm thẩm định",
    "vp_adjustment": "Điều chỉnh đánh giá chung",
    "vp_adjustment_clear": "Bỏ điều chỉnh đánh giá chung",
    "criteria_replace": "Nạp bộ tiêu chí",
    "criteria_edit": "Sửa bộ tiêu chí",
    "plan_load": "Nạp Kế hoạch năm",
    "plan_copy": "Chép Kế hoạch sang năm sau",
    "model_recognition": "Ghi phân loại, công nhận mô hình Dân vận khéo",
    "sample_mode": "Bật chế độ dữ liệu mẫu",
    "demo_city_units": "Thêm đơn vị mẫu (quy mô thành phố)",
}
AUDIT_COLUMNS = {
    "logged_at": "Thời điểm",
    "username": "Người thực hiện",
    "role": "Vai trò",
    "action_label": "Thao tác",
    "target": "Đối tượng",
    "detail": "Chi tiết",
    "before_value": "Trước",
    "after_value": "Sau",
}


def users_table(user: User, path: Path | None = None) -> pd.DataFrame:
    """The accounts of the store at `path`, for whoever manages them there (a body's
    administrator in their own body, the city administrator in the registry)."""
    directory.roles_for(path, user)
    return db.query("users", path=path)


def login_pressure(user: User, path: Path | None = None) -> pd.DataFrame:
    """Accounts being guessed at: each failed-login counter still counting or locked, with
    what it counts (auth.counter_label)."""
    directory.roles_for(path, user)
    now = settings.now()
    since = now - timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    df = db.query("login_pressure", path=path, since=since, now=now)
    df["counter"] = df["client"].map(auth.counter_label)
    df["locked"] = df["locked_until"].notna() & (df["locked_until"] > now)
    return df


def audit_entries(
    user: User,
    *,
    date_from: date,
    date_to: date,
    username: str | None = None,
    action: str | None = None,
    path: Path | None = None,
) -> pd.DataFrame:
    """The audit log filtered by day range (inclusive), account and action, newest first."""
    auth.require(user, "view_audit")
    if date_to < date_from:
        raise AdminError("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
    df = db.query(
        "audit_log",
        path=path,
        date_from=date_from.isoformat(),
        date_to=date_to.isoformat(),
        username=username or None,
        action=action or None,
    )
    df["action_label"] = df["action"].map(lambda a: ACTION_LABELS.get(a, a))
    return df


def audit_actions(user: User, path: Path | None = None) -> list[str]:
    auth.require(user, "view_audit")
    return [r[0] for r in db.query_rows("audit_actions", path=path)]


def audit_csv(entries: pd.DataFrame, user: User) -> bytes:
    """Audit rows as CSV for Excel (UTF-8 with BOM, Vietnamese headers, dd/mm/yyyy HH:MM:SS)."""
    auth.require(user, "view_audit")
    out = entries.reindex(columns=list(AUDIT_COLUMNS)).copy()
    out["logged_at"] = pd.to_datetime(out["logged_at"]).dt.strftime("%d/%m/%Y %H:%M:%S")
    out = out.astype(object).where(out.notna(), "")
    return frame_csv(out.rename(columns=AUDIT_COLUMNS), lineterminator="\n")  # the guarded writer
