"""Admin actions behind the Quản trị page: catalogue edits, lock exceptions, the audit log.

Each function checks the user's role itself (auth.require), validates through the same rules
as the catalogue files (tracker.catalogues.parse_*), and records an audit row with the values
before and after in the same transaction as the change.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import settings
from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import catalogues, periods
from tracker.exports.csvsafe import frame_csv
from tracker.ingest import submissions
from tracker.store import audit, db
from tracker.text import fmt_datetime, nfc

EDITABLE = {"units": "unit", "tasks": "task", "indicators": "indicator", "settings": "setting"}
CATALOGUE_LABELS = {
    "units": "Đơn vị",
    "tasks": "Nhiệm vụ",
    "indicators": "Chỉ số",
    "settings": "Tham số",
    "criteria": "Bộ tiêu chí (đang dùng)",
}
BOOLEAN_COLUMNS = {"active", "sample", "assignment_inferred"}
# Vietnamese headers for the catalogue editor; the CSV keeps the English column names.
COLUMN_LABELS = {
    "code": "Mã",
    "name": "Tên",
    "active": "Đang hoạt động",
    "sample": "Đơn vị mẫu",
    "note": "Ghi chú",
    "group_code": "Mã nhóm",
    "group_name": "Tên nhóm",
    "short_title": "Tên ngắn",
    "full_text": "Nội dung đầy đủ",
    "directing": "Chỉ đạo",
    "lead_unit": "Đơn vị chủ trì",
    "coordinating": "Đơn vị phối hợp",
    "start_date": "Bắt đầu",
    "due_date": "Hạn hoàn thành",
    "weight": "Trọng số",
    "kind": "Loại",
    "assignment_inferred": "Phân công suy ra",
    "measure": "Đơn vị tính",
    "task_code": "Mã nhiệm vụ",
    "title": "Nội dung tiêu chí",
    "max_points": "Điểm tối đa",
    "evidence_hint": "Gợi ý minh chứng",
    "responsible_unit": "Đơn vị phụ trách",
    "key": "Tham số",
    "value": "Giá trị",
    "description": "Mô tả",
}

ACTION_LABELS = {
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "login_refused_locked": "Đăng nhập bị từ chối (tạm khóa)",
    "login_refused_disabled": "Đăng nhập bị từ chối (vô hiệu hóa)",
    "user_create": "Tạo tài khoản",
    "user_update": "Sửa tài khoản",
    "user_disable": "Vô hiệu hóa tài khoản",
    "user_enable": "Kích hoạt tài khoản",
    "user_unlock": "Mở khóa đăng nhập",
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
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class AdminError(ValueError):
    """An admin action that cannot be done as asked; the message is Vietnamese."""


# --- catalogues -------------------------------------------------------------------------------


def _columns(name: str) -> tuple[str, ...]:
    return catalogues.FILES[name][1]


def _norm(value: Any) -> str:
    """One cell as the text the CSV files hold, so edits and the database compare equal."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(value)


def catalogue_frame(name: str, path: Path | None = None) -> pd.DataFrame:
    """A catalogue in its file's columns and order: text cells, true/false as booleans."""
    table = EDITABLE[name]
    order = "sort_order" if name != "settings" else "key"
    df = db.frame(f"select * from {table} order by {order}", path=path)
    out = pd.DataFrame({c: [_norm(v) for v in df[c]] for c in _columns(name)}, dtype=object)
    for column in BOOLEAN_COLUMNS.intersection(out.columns):
        out[column] = out[column].eq("true").astype(bool)
    return out


def _rows(name: str, df: pd.DataFrame) -> list[tuple[int, dict[str, str]]]:
    """Edited rows as (row number, {column: text}), blank rows dropped."""
    columns = _columns(name)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise catalogues.CatalogueError([f"Thiếu cột {', '.join(missing)}."])
    out = []
    for i, record in enumerate(df[list(columns)].to_dict("records"), start=1):
        clean = {c: _norm(record[c]) for c in columns}
        if any(v and v != "false" for v in clean.values()):
            out.append((i, clean))
    return out


def _parse(name: str, rows: list, problems: list[str], path: Path | None) -> list[dict[str, Any]]:
    if name == "units":
        return catalogues.parse_units(rows, problems)
    if name == "tasks":
        units = {r[0] for r in db.rows("select code from unit", path=path)}
        return catalogues.parse_tasks(rows, units, problems)
    if name == "indicators":
        tasks = {r[0] for r in db.rows("select code from task", path=path)}
        return catalogues.parse_indicators(rows, tasks, problems)
    parsed = catalogues.parse_settings(rows, problems)
    problems += _setting_problems(parsed)
    return parsed


def _week_problem(key: str, value: str) -> str | None:
    try:
        periods.parse_week_id(value)
    except ValueError as exc:
        return f"Tham số {key}: {exc}"
    return None


def _number_problem(key: str, value: str, low: float, high: float, whole: bool) -> str | None:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return f"Tham số {key} phải là số, đang là '{value}'."
    if not low <= number <= high or (whole and not number.is_integer()):
        kind = "số nguyên" if whole else "số"
        return f"Tham số {key} phải là {kind} từ {low:g} đến {high:g}, đang là '{value}'."
    return None


def _bands_problem(value: str) -> str | None:
    try:
        bands = [
            (label.strip(), float(low)) for label, low in (p.split(":") for p in value.split(";"))
        ]
    except ValueError:
        bands = []
    if not bands or any(not label or not 0 <= low <= 100 for label, low in bands):
        return f"Tham số grade_bands phải có dạng 'Tốt:90;Khá:70;Trung bình:50;Yếu:0', đang là '{value}'."
    return None


def _setting_problems(parsed: list[dict[str, Any]]) -> list[str]:
    """Values of the known settings must be usable by the metrics; required keys must stay."""
    values = {row["key"]: row["value"] for row in parsed}
    problems = [
        f"Không được xóa tham số bắt buộc '{key}'."
        for key in _required_settings()
        if key not in values
    ]
    checks: dict[str, Callable[[str, str], str | None]] = {
        "year": lambda k, v: _number_problem(k, v, 2000, 2100, True),
        "first_week": _week_problem,
        "exempt_weeks": lambda k, v: next(
            (
                p
                for w in filter(None, (x.strip() for x in v.split(";")))
                if (p := _week_problem(k, w))
            ),
            None,
        ),
        "deadline_weekday": lambda k, v: _number_problem(k, v, 1, 7, True),
        "deadline_time": lambda k, v: (
            None
            if _HHMM.match(v)
            else f"Tham số {k} phải là giờ dạng HH:MM (ví dụ 16:30), đang là '{v}'."
        ),
        "lock_days": lambda k, v: _number_problem(k, v, 0, 366, True),
        "tolerance": lambda k, v: _number_problem(k, v, 0, 100, False),
        "grade_bands": lambda k, v: _bands_problem(v),
        "rank_min_points": lambda k, v: _number_problem(k, v, 0, 1000, False),
    }
    for key, check in checks.items():
        if key in values and (problem := check(key, values[key])):
            problems.append(problem)
    return problems


def _required_settings() -> list[str]:
    text = (settings.DATA_DIR / catalogues.FILES["settings"][0]).read_text(encoding="utf-8")
    return [row["key"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]


# Where a removed code may still be used: (catalogue, SQL listing the codes in use, why).
_IN_USE = {
    "units": [
        (
            "select lead_unit from task where lead_unit is not null",
            "là đơn vị chủ trì của nhiệm vụ",
        ),
        (
            "select unnest(string_split(coordinating, ';')) from task where coordinating <> '*'",
            "là đơn vị phối hợp của nhiệm vụ",
        ),
        ("select unit_code from app_user where unit_code is not null", "có tài khoản"),
        ("select unit_code from submission where unit_code is not null", "đã có báo cáo"),
        (
            "select responsible_unit from criterion "
            "where set_id = (select id from criteria_set where active)",
            "phụ trách tiêu chí chấm điểm",
        ),
    ],
    "tasks": [
        ("select task_code from indicator where task_code is not null", "có chỉ số gắn với nó"),
        ("select task_code from progress_row", "đã có báo cáo tiến độ"),
        ("select task_code from difficulty where task_code is not null", "có vướng mắc"),
    ],
    "indicators": [("select indicator_code from indicator_value", "đã có số liệu báo cáo")],
    "settings": [],
}
_HINT = {
    "units": " Hãy bỏ chọn 'active' (ngừng hoạt động) thay vì xóa.",
    "tasks": " Giữ lại nhiệm vụ này.",
    "indicators": " Giữ lại chỉ số này.",
    "settings": "",
}


def _removal_problems(name: str, removed: set[str], path: Path | None) -> list[str]:
    problems = []
    for sql, why in _IN_USE[name]:
        used = {r[0] for r in db.rows(sql, path=path)} & removed
        problems += [f"Không xóa được '{code}' vì {why}.{_HINT[name]}" for code in sorted(used)]
    return problems


def _keyed(name: str, records: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    key = "key" if name == "settings" else "code"
    return {r[key]: {c: _norm(r.get(c)) for c in _columns(name)} for r in records}


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only what changed: rows removed, added, or with different cells (changed cells only)."""
    old, new = {}, {}
    for code in before.keys() | after.keys():
        a, b = before.get(code), after.get(code)
        if a is None or b is None:
            old[code], new[code] = a, b
            continue
        cells = [c for c in a if a[c] != b[c]]
        if cells:
            old[code] = {c: a[c] for c in cells}
            new[code] = {c: b[c] for c in cells}
    return old, new


def save_catalogue(name: str, edited: pd.DataFrame, user: User, path: Path | None = None) -> int:
    """Validate an edited catalogue and store it; returns how many entries changed (0 = nothing).

    Raises catalogues.CatalogueError listing every problem (by row of the edited table).
    """
    auth.require(user, "edit_catalogue")
    if name not in EDITABLE:
        raise AdminError(f"Danh mục '{name}' không sửa được ở đây.")
    problems: list[str] = []
    parsed = _parse(name, _rows(name, edited), problems, path)
    file = catalogues.FILES[name][0]
    problems = [p.replace(f"{file}, dòng ", "Dòng ", 1) for p in problems]
    before = _keyed(name, catalogue_frame(name, path).to_dict("records"))
    after = _keyed(name, parsed)
    problems += _removal_problems(name, set(before) - set(after), path)
    if problems:
        raise catalogues.CatalogueError(problems)
    old, new = _diff(before, after)
    kept_before = [c for c in before if c in after]
    kept_after = [c for c in after if c in before]
    if name != "settings" and kept_before != kept_after:  # rows moved: the plan's order changed
        old["(thứ tự)"], new["(thứ tự)"] = kept_before, kept_after
    if not old and not new:
        return 0
    with db.transaction(path) as tx:
        tx.execute(f"delete from {EDITABLE[name]}")
        tx.insert_frame(EDITABLE[name], pd.DataFrame(parsed))
        audit.record(
            "catalogue_edit",
            username=user.username,
            role=user.role,
            target=name,
            before=old,
            after=new,
            tx=tx,
        )
    return len((old.keys() | new.keys()) - {"(thứ tự)"}) or 1


def export_catalogue(name: str, user: User, path: Path | None = None) -> bytes:
    """A catalogue as CSV in its file's format (the same file data/ holds)."""
    auth.require(user, "export")
    return catalogues.export_csv(name, path)


# --- lock exceptions --------------------------------------------------------------------------


def grant_exception(
    unit_code: str,
    period: str,
    reason: str,
    expires_at: datetime,
    user: User,
    *,
    now: datetime | None = None,
    path: Path | None = None,
) -> int:
    """Let a unit upload to a locked week until `expires_at`; audited. Returns the exception id."""
    auth.require(user, "grant_exception")
    now = now or settings.now()
    problems = []
    if not db.scalar("select count(*) from unit where code = $c", {"c": unit_code}, path):
        problems.append(f"Không có đơn vị '{unit_code}'.")
    if problem := _week_problem("Tuần", period or ""):
        problems.append(problem.replace("Tham số Tuần: ", "Tuần: "))
    if not nfc(reason):
        problems.append("Cần ghi lý do cho phép nộp sau khi khóa.")
    if expires_at <= now:
        problems.append("Thời hạn ngoại lệ phải ở sau thời điểm hiện tại.")
    if problems:
        raise AdminError(" ".join(problems))
    with db.transaction(path) as tx:
        new_id = tx.scalar(
            "insert into lock_exception (unit_code, period, reason, expires_at, granted_by, "
            "granted_at) values ($u, $p, $r, $e, $b, $t) returning id",
            {
                "u": unit_code,
                "p": period,
                "r": nfc(reason),
                "e": expires_at,
                "b": user.username,
                "t": now,
            },
        )
        audit.record(
            "lock_exception",
            username=user.username,
            role=user.role,
            target=f"{unit_code}|{period}",
            after={"id": new_id, "reason": nfc(reason), "expires_at": expires_at},
            tx=tx,
        )
    return new_id


def revoke_exception(
    exception_id: int, user: User, *, now: datetime | None = None, path: Path | None = None
) -> None:
    """End an exception now (it stays listed, expired); audited with before/after."""
    auth.require(user, "grant_exception")
    now = now or settings.now()
    with db.transaction(path) as tx:
        found = tx.rows(
            "select unit_code, period, expires_at from lock_exception where id = $i",
            {"i": exception_id},
        )
        if not found:
            raise AdminError(f"Không có ngoại lệ số {exception_id}.")
        unit_code, period, expires = found[0]
        if expires <= now:
            raise AdminError(f"Ngoại lệ số {exception_id} đã hết hạn.")
        tx.execute(
            "update lock_exception set expires_at = $n where id = $i", {"n": now, "i": exception_id}
        )
        audit.record(
            "lock_exception_revoke",
            username=user.username,
            role=user.role,
            target=f"{unit_code}|{period}",
            before={"id": exception_id, "expires_at": expires},
            after={"id": exception_id, "expires_at": now},
            tx=tx,
        )


def lock_exceptions(
    user: User, *, now: datetime | None = None, path: Path | None = None
) -> pd.DataFrame:
    """Every exception granted, newest first, with whether it is still in force."""
    auth.require(user, "grant_exception")
    df = db.query("lock_exceptions", path=path)
    df["in_force"] = df["expires_at"] > (now or settings.now())
    return df


# --- accounts and audit -----------------------------------------------------------------------


def users_table(user: User, path: Path | None = None) -> pd.DataFrame:
    auth.require(user, "manage_users")
    return db.query("users", path=path)


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
    return [r[0] for r in db.rows("select distinct action from audit_log order by 1", path=path)]


def audit_csv(entries: pd.DataFrame, user: User) -> bytes:
    """Audit rows as CSV for Excel (UTF-8 with BOM, Vietnamese headers, dd/mm/yyyy HH:MM:SS)."""
    auth.require(user, "view_audit")
    out = entries.reindex(columns=list(AUDIT_COLUMNS)).copy()
    out["logged_at"] = pd.to_datetime(out["logged_at"]).dt.strftime("%d/%m/%Y %H:%M:%S")
    out = out.astype(object).where(out.notna(), "")
    return frame_csv(out.rename(columns=AUDIT_COLUMNS), lineterminator="\n")  # the guarded writer


# --- submissions ------------------------------------------------------------------------------


def bulk_submit(
    items: list[tuple[str, bytes]],
    user: User,
    progress: Callable[[int, int, str], None] | None = None,
    path: Path | None = None,
) -> list[submissions.Result]:
    """Submit several workbooks (the admin's bulk import); each is checked and stored on its own."""
    auth.require(user, "bulk_import")
    results = []
    for i, (name, data) in enumerate(items, start=1):
        results.append(submissions.submit(data, name, user, path=path))
        if progress:
            progress(i, len(items), name)
    return results


# --- tables as the Quản trị page shows them (Vietnamese headers and formats) -------------------

SUBMISSION_STATUS = {"accepted": "Đã nhận", "rejected": "Bị từ chối", "duplicate": "Trùng tệp"}
SHEET_LABELS = {
    "progress": "Tiến độ",
    "indicators": "Chỉ số",
    "scores": "Tự chấm điểm",
    "models": "Dân vận khéo",
}


def _when(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if pd.isna(v) else fmt_datetime(v))


def users_view(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Tên đăng nhập": df["username"],
            "Họ và tên": df["full_name"].fillna(""),
            "Vai trò": df["role"].map(auth.ROLES),
            "Đơn vị": df["unit_code"].fillna(""),
            "Hoạt động": df["active"],
            "Tài khoản mẫu": df["sample"],
            "Đăng nhập sai": df["failed_logins"],
            "Tạm khóa đến": _when(df["locked_until"]),
            "Đăng nhập lần cuối": _when(df["last_login"]),
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
            "Đang dùng cho sheet": current,
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
