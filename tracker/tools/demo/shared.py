"""What both scales of sample data share: the sample accounts, sample mode, the refusal to mix
into a database that holds real data, the weeks to report, and the run's summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tracker import settings
from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import calendar, periods, plans
from tracker.ingest import template
from tracker.store import audit, db

DEMO_PASSWORD = "demo-2026"
ADMIN, LEADER = "quantri", "lanhdao"
CITY_UNITS, CITY_YEARS = 250, 3


class DemoError(RuntimeError):
    """Sample data cannot be created here; the message is Vietnamese."""


@dataclass
class Summary:
    scale: str
    db_path: Path
    units: int
    weeks: int
    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
    missing: int = 0
    late: int = 0
    seconds: float = 0.0
    files_dir: Path | None = None

    def text(self) -> str:
        lines = [
            f"Đã tạo dữ liệu mẫu ({self.scale}) trong {self.db_path}:",
            f"  {self.units} đơn vị × {self.weeks} tuần báo cáo; {self.accepted} bản nộp được "
            f"chấp nhận, {self.rejected} bị từ chối, {self.late} lượt nộp trễ hạn, "
            f"{self.missing} tuần không nộp.",
        ]
        if self.files_dir:
            lines.append(f"  Tệp báo cáo mẫu: {self.files_dir}")
        accounts = f"{ADMIN} (Quản trị), {LEADER} (Lãnh đạo)"
        if self.scale == "office":
            accounts += ", và mỗi đơn vị một tài khoản theo mã đơn vị viết thường (ví dụ hctc)"
        lines += [
            f"  Tài khoản mẫu (mật khẩu '{DEMO_PASSWORD}'): {accounts}.",
            f"  Thời gian: {self.seconds:.1f} giây.",
        ]
        return "\n".join(lines)


# --- set-up -----------------------------------------------------------------------


def ensure_empty(path: Path) -> None:
    """Refuse a database that already holds accounts or submissions (demo never mixes in)."""
    subs, users, _ = db.query_rows("database_contents", path=path)[0]
    if subs or users:
        raise DemoError(
            f"Cơ sở dữ liệu {path} đã có dữ liệu ({subs} bản nộp, {users} tài khoản); dữ liệu mẫu "
            "chỉ được tạo trên cơ sở dữ liệu trống. Dùng --db với một tệp mới, hoặc xóa tệp "
            "dữ liệu mẫu cũ rồi chạy lại."
        )


def enable_sample_mode(path: Path) -> None:
    with db.transaction(path) as tx:
        tx.insert(
            "setting",
            "values ('sample_mode', '1', $d)",
            {"d": "Chế độ dữ liệu mẫu: có tài khoản mẫu, không dùng cho dữ liệu thật"},
            replace=True,
        )
        audit.record(
            "sample_mode",
            username=auth.SYSTEM.username,
            role=auth.SYSTEM.role,
            after={"sample_mode": "1"},
            tx=tx,
        )


def create_accounts(path: Path, unit_codes: list[str]) -> dict[str, User]:
    """Sample accounts: quantri, lanhdao, and one per unit named after its code in lower case."""
    users = {
        ADMIN: auth.create_user(
            ADMIN, "quan_tri", DEMO_PASSWORD, full_name="Quản trị (mẫu)", sample=True, path=path
        ),
        LEADER: auth.create_user(
            LEADER,
            "lanh_dao",
            DEMO_PASSWORD,
            full_name="Lãnh đạo Văn phòng (mẫu)",
            sample=True,
            path=path,
        ),
    }
    for code in unit_codes:
        users[code] = auth.create_user(
            code.lower(),
            "don_vi",
            DEMO_PASSWORD,
            unit_code=code,
            full_name=f"Cán bộ {code} (mẫu)",
            sample=True,
            path=path,
        )
    return users


def current_week(path: Path) -> str:
    """This week, kept within the plan in force (as the dashboards' default week)."""
    year = plans.current(path)
    today = periods.week_id(settings.now().date())
    return max(plans.first_week(year, path), min(today, plans.last_week(year)))


def reporting_weeks(path: Path, last: str) -> list[str]:
    """Weeks of `last`'s plan that expect a report: its first reporting week to `last`, exempt
    weeks left out."""
    year = plans.of_week(last)
    exempt = calendar.exempt_weeks(path, year=year)
    return [w for w in periods.weeks_between(plans.first_week(year, path), last) if w not in exempt]


def deadline(period: str, path: Path) -> datetime:
    return template.deadline(period, path)


# --- the command line's choices -------------------------------------------------------------


def default_db() -> Path:
    """Where `python -m tracker demo` writes without --db or TRACKER_DB: never the real database."""
    return settings.DATA_DIR / "demo.duckdb"


def already_sample(path: Path) -> bool:
    """Whether `path` already holds sample data (a re-run of the quick start keeps it)."""
    if not path.exists():
        return False
    db.connection(path)
    subs, _, sample_mode = db.query_rows("database_contents", path=path)[0]
    return bool(sample_mode) and bool(subs)
