"""Realistic sample data (sample mode): `python -m tracker demo --scale office|city [--seed N]`.

office: the catalogue's units report every week from the first reporting week to the current
week with real workbooks (template.workbook filled like an officer would), each imported through
submissions.submit as the unit's sample account: progress rising unevenly, some weeks late or
missing, corrections, a few rejected files fixed and re-sent, difficulties, indicators,
"Dân vận khéo" models and self-scores.
city: ≈250 generated units × 3 years of weeks, parsed rows stored with submissions.store_batch
(no files), for benchmarks.

Everything is deterministic for a seed. Sample accounts (password DEMO_PASSWORD, flagged
sample) exist only here; demo refuses a database that already has accounts or submissions.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time as clock
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from tracker import settings
from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import catalogues, periods, plan
from tracker.ingest import contract, submissions, template
from tracker.ingest.parsed import (
    Header,
    IndicatorRow,
    ModelRow,
    ParsedWorkbook,
    ProgressRow,
    ScoreRow,
)
from tracker.store import audit, db
from tracker.text import fmt_date

DEMO_PASSWORD = "demo-2026"
ADMIN, LEADER = "quantri", "lanhdao"
CITY_CHUNK_WEEKS = 4
CITY_UNITS, CITY_YEARS = 250, 3
NOT_STARTED, IN_PROGRESS, DONE, PAUSED = contract.STATUSES

# --- words the sample officers write -----------------------------------------------------

PEOPLE = (
    "Nguyễn Thị Thu Hà",
    "Trần Văn Minh",
    "Lê Hoàng Nam",
    "Phạm Thị Ngọc Ánh",
    "Võ Minh Tâm",
    "Huỳnh Thị Kim Loan",
    "Đặng Quốc Bảo",
    "Bùi Thanh Tùng",
    "Ngô Thị Mỹ Linh",
    "Dương Văn Phúc",
    "Lý Thị Bích Trâm",
    "Châu Minh Khang",
)
DOC_KINDS = (("Kế hoạch", "KH"), ("Báo cáo", "BC"), ("Thông báo", "TB"), ("Công văn", "CV"))
RESULTS = {
    "II.1.a": (
        "Quán triệt Chỉ thị 46-CT/TW về lãnh đạo cuộc bầu cử tại cuộc họp giao ban của đơn vị",
        "Phân công công chức tham gia tổ giúp việc bầu cử; tuyên truyền bầu cử trên trang thông tin",
        "Triển khai nhiệm vụ bảo đảm chính quyền địa phương 02 cấp vận hành thông suốt",
    ),
    "II.1.b": (
        "Tổ chức quán triệt Luật Thực hiện dân chủ ở cơ sở và Nghị định 59/2023/NĐ-CP cho công chức",
        "Phổ biến Quyết định 2579/QĐ-UBND về tiêu chí đánh giá công tác dân vận tại cuộc họp cơ quan",
        "Đăng tải văn bản về công tác dân vận, dân chủ ở cơ sở trên trang thông tin nội bộ",
    ),
    "II.1.c": (
        'Xây dựng dự thảo kế hoạch thực hiện mô hình "Dân vận khéo" năm 2026',
        "Rà soát, lựa chọn nội dung đăng ký mô hình gắn với nhiệm vụ chuyên môn",
        "Theo dõi, cập nhật kết quả thực hiện mô hình đã đăng ký",
    ),
    "II.2": (
        "Ban hành quyết định kiện toàn Tổ thực hiện công tác dân vận chính quyền",
        "Dự thảo Quy chế thực hiện dân chủ tại cơ quan, lấy ý kiến công chức, viên chức",
        "Phân công lãnh đạo phụ trách và công chức tham mưu công tác dân vận chính quyền",
    ),
    "II.3": (
        "Quán triệt Nghị quyết Đại hội XIV của Đảng đến toàn thể công chức, người lao động",
        "Triển khai chương trình công tác tháng của Văn phòng theo đúng tiến độ",
        "Tham mưu nội dung phục vụ kỳ họp, hội nghị của UBND thành phố",
    ),
    "II.4": (
        "Tổ chức tiếp công dân định kỳ và đột xuất theo lịch",
        "Phối hợp đối thoại với người dân về kiến nghị liên quan đến thủ tục hành chính",
        "Tiếp nhận, phân loại và chuyển đơn thư đúng thẩm quyền, đúng thời hạn",
    ),
    "II.5": (
        "Tổ chức sinh hoạt chuyên đề về đạo đức công vụ, văn hóa công sở",
        "Cử công chức tham gia lớp bồi dưỡng kỹ năng dân vận",
        "Kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính trong giờ làm việc",
    ),
    "II.6": (
        "Rà soát, đơn giản hóa thủ tục hành chính thuộc phạm vi quản lý",
        "Cập nhật kết quả cải cách hành chính quý vào phần mềm theo dõi",
        "Triển khai số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    ),
    "III.1": (
        "Tổng hợp kết quả thực hiện Kế hoạch trong tuần gửi Phòng Hành chính - Tổ chức",
        "Rà soát vướng mắc phát sinh, báo cáo Lãnh đạo Văn phòng",
        "Cập nhật báo cáo định kỳ theo biểu mẫu",
    ),
    "III.2.a": (
        'Tổng hợp danh sách mô hình "Dân vận khéo" đăng ký của các phòng, ban, đơn vị',
        "Tham mưu văn bản gửi Sở Nội vụ theo yêu cầu",
        "Hướng dẫn các đơn vị hoàn thiện hồ sơ đề nghị công nhận mô hình",
    ),
    "III.2.b": (
        "Theo dõi, đôn đốc các đơn vị báo cáo đúng hạn",
        "Tổng hợp báo cáo kết quả công tác dân vận chính quyền gửi Sở Nội vụ",
        "Kiểm tra việc thực hiện Kế hoạch tại một số phòng, ban",
    ),
}
ROUTINE = "Tiếp tục triển khai theo kế hoạch"
DIFFICULTIES = (
    (
        "Chưa có hướng dẫn cụ thể về cách chấm một số tiêu chí mới",
        "Đề nghị Phòng Hành chính - Tổ chức hướng dẫn thống nhất cách chấm điểm",
    ),
    (
        "Nhân sự kiêm nhiệm nhiều việc, khó bố trí thời gian tổ chức hội nghị",
        "Đề nghị lồng ghép nội dung vào cuộc họp giao ban định kỳ",
    ),
    (
        "Kinh phí tổ chức tập huấn chưa được bố trí",
        "Đề nghị bổ sung kinh phí trong dự toán quý III",
    ),
    (
        "Phần mềm quản lý văn bản thường xuyên bị lỗi khi số hóa hồ sơ",
        "Đề nghị Trung tâm Công báo - Tin học hỗ trợ kỹ thuật",
    ),
    (
        "Một số đơn thư vượt thẩm quyền, kéo dài",
        "Đề nghị Lãnh đạo Văn phòng chủ trì họp liên ngành",
    ),
    ("Thời gian chuẩn bị cho công tác bầu cử trùng lịch công tác chuyên môn", ""),
)
MODELS = (
    ("Tiếp dân lưu động tại khu dân cư", "Xây dựng hệ thống chính trị"),
    ("Một cửa thân thiện - nụ cười công sở", "Văn hóa - xã hội"),
    ("Số hóa hồ sơ, trả kết quả tận nhà", "Kinh tế"),
    ("Cán bộ Văn phòng đồng hành cùng hộ nghèo", "Văn hóa - xã hội"),
    ("Tổ hòa giải gắn với tiếp công dân", "Quốc phòng - an ninh"),
    ("Công sở xanh - sạch - văn minh", "Văn hóa - xã hội"),
    ("Zalo kết nối người dân với cơ quan", "Xây dựng hệ thống chính trị"),
    ("Hỗ trợ doanh nghiệp thủ tục trực tuyến", "Kinh tế"),
)
CITY_KINDS = ("Phòng", "Ban", "Trung tâm")
CITY_DOMAINS = ("Nghiệp vụ", "Quản lý", "Dịch vụ", "Hành chính", "Tổng hợp", "Kiểm tra")


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


# --- shared set-up -----------------------------------------------------------------------


def ensure_empty(path: Path) -> None:
    """Refuse a database that already holds accounts or submissions (demo never mixes in)."""
    subs = db.scalar("select count(*) from submission", path=path)
    users = db.scalar("select count(*) from app_user", path=path)
    if subs or users:
        raise DemoError(
            f"Cơ sở dữ liệu {path} đã có dữ liệu ({subs} bản nộp, {users} tài khoản); dữ liệu mẫu "
            "chỉ được tạo trên cơ sở dữ liệu trống. Dùng --db với một tệp mới, hoặc xóa tệp "
            "dữ liệu mẫu cũ rồi chạy lại."
        )


def enable_sample_mode(path: Path) -> None:
    with db.transaction(path) as tx:
        tx.execute(
            "insert or replace into setting values ('sample_mode', '1', $d)",
            {"d": "Chế độ dữ liệu mẫu: có tài khoản mẫu, không dùng cho dữ liệu thật"},
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
    """This week, kept within the plan year (as the dashboards' default week)."""
    year = int(catalogues.setting("year", path))
    first = catalogues.setting("first_week", path)
    today = periods.week_id(settings.now().date())
    last = periods.week_id(date(year, 12, 28))
    return max(first, min(today, last))


def reporting_weeks(path: Path, last: str) -> list[str]:
    """Weeks that expect a report: first reporting week to `last`, exempt weeks left out."""
    first = catalogues.setting("first_week", path)
    exempt = {w.strip() for w in catalogues.setting("exempt_weeks", path).split(";") if w.strip()}
    return [w for w in periods.weeks_between(first, last) if w not in exempt]


def _deadline(period: str, path: Path) -> datetime:
    return template.deadline(period, path)


# --- simulated progress ------------------------------------------------------------------


@dataclass
class Track:
    """One unit's progress on one task as the weeks go by."""

    task: str
    kind: str
    percent: float
    speed: float
    paused_for: int = 0
    stalled_for: int = 0
    done_evidence: str = ""

    @property
    def status(self) -> str:
        if self.paused_for > 0 and 0 < self.percent < 100:
            return PAUSED
        if self.percent >= 100:
            return DONE
        return IN_PROGRESS if self.percent > 0 else NOT_STARTED

    def step(self, rng: random.Random, week_index: int) -> float:
        """Advance one week; returns the gain (0 when stalled, paused or on hold)."""
        self.paused_for = max(0, self.paused_for - 1)
        self.stalled_for = max(0, self.stalled_for - 1)
        if self.percent >= 100 or self.paused_for or self.stalled_for:
            return 0.0
        if self.kind == "theo_yeu_cau" and self.percent == 0 and rng.random() > 0.08:
            return 0.0  # nothing to do until the request comes
        if rng.random() < 0.06:
            self.stalled_for = rng.randint(2, 5)
            return 0.0
        if week_index > 3 and 10 < self.percent < 90 and rng.random() < 0.012:
            self.paused_for = rng.randint(2, 4)
            return 0.0
        gain = max(0.0, rng.gauss(self.speed, self.speed * 0.6))
        # Officers mostly write whole numbers, sometimes a half (45,5).
        gain = round(gain * 2) / 2 if rng.random() < 0.25 else float(round(gain))
        self.percent = min(100.0, self.percent + gain)
        return gain


@dataclass
class UnitSim:
    """One sample unit: its habits, people, tasks and models."""

    code: str
    rng: random.Random
    tasks: list[Track]
    miss_rate: float
    late_rate: float
    quality: float
    reporter: str
    phone: str
    models: list[dict[str, str]] = field(default_factory=list)
    model_weeks: dict[int, int] = field(default_factory=dict)  # week index -> models to add
    difficulty_weeks: set[int] = field(default_factory=set)
    late_count: int = 0
    has_scored: bool = False
    forced: dict[int, str] = field(default_factory=dict)  # week index -> 'missing' | 'late'


def _new_unit(code: str, assigned: pd.DataFrame, rng: random.Random, n_weeks: int) -> UnitSim:
    profile = rng.choice(((0.02, 0.05), (0.04, 0.12), (0.08, 0.25)))
    tasks = [
        Track(
            task=t.code,
            kind=t.kind,
            percent=0.0 if t.kind == "theo_yeu_cau" else float(rng.choice((0, 0, 5, 10, 15))),
            speed=rng.uniform(1.2, 3.4),
        )
        for t in assigned.itertuples()
    ]
    unit = UnitSim(
        code=code,
        rng=rng,
        tasks=tasks,
        miss_rate=profile[0],
        late_rate=profile[1],
        quality=rng.uniform(0.7, 0.97),
        reporter=rng.choice(PEOPLE),
        phone=f"0{rng.choice((29, 90, 91, 93, 94))}{rng.randint(1000000, 9999999)}",
    )
    if rng.random() < 0.7 and n_weeks > 2:
        for _ in range(rng.randint(1, 2)):
            week = rng.randint(1, min(n_weeks - 1, 8))
            unit.model_weeks[week] = unit.model_weeks.get(week, 0) + 1
    return unit


def _doc(rng: random.Random, unit: str, day: date, kinds: tuple = DOC_KINDS) -> str:
    kind, abbr = rng.choice(kinds)
    return f"{kind} số {rng.randint(5, 180)}/{abbr}-{unit} ngày {fmt_date(day)}"


@dataclass
class WeekRow:
    task: str
    status: str
    percent: float
    result: str = ""
    evidence: str = ""
    difficulty: str = ""
    proposal: str = ""


def progress_rows(unit: UnitSim, week_index: int, monday: date) -> list[WeekRow]:
    """Advance every task one week and write what the officer would write."""
    rng = unit.rng
    out = []
    # A planted difficulty goes to one task chosen at random that week.
    raised = rng.randrange(len(unit.tasks)) if week_index in unit.difficulty_weeks else -1
    for i, track in enumerate(unit.tasks):
        gain = track.step(rng, week_index)
        row = WeekRow(track.task, track.status, track.percent)
        if gain > 0:
            row.result = rng.choice(RESULTS.get(track.task, (ROUTINE,)))
            if rng.random() < 0.35:
                row.evidence = _doc(rng, unit.code, monday + timedelta(days=rng.randint(0, 3)))
        elif track.status == IN_PROGRESS and rng.random() < 0.3:
            row.result = ROUTINE
        if track.status == DONE:
            if not track.done_evidence:
                track.done_evidence = _doc(
                    rng, unit.code, monday + timedelta(days=rng.randint(0, 3)), DOC_KINDS[:2]
                )
            row.evidence = track.done_evidence
            row.result = row.result or "Đã hoàn thành nhiệm vụ"
        if track.status == PAUSED:
            row.result = "Tạm dừng chờ ý kiến chỉ đạo của Lãnh đạo Văn phòng"
        if i == raised or (track.stalled_for and rng.random() < 0.05):
            row.difficulty, row.proposal = rng.choice(DIFFICULTIES)
        out.append(row)
    return out


def indicator_values(unit: UnitSim) -> dict[str, float]:
    """This week's indicator values (flows) and the current number of models (stock)."""
    rng = unit.rng
    big = unit.code == "BTCD"
    service = unit.code == "TTPVHCC"
    received = (
        rng.randint(6, 22) if big else rng.randint(1, 8) if service else rng.choice((0, 0, 1))
    )
    return {
        "TCD_LUOT": rng.randint(12, 40) if big else rng.randint(0, 4) if service else 0,
        "DOI_THOAI": rng.choice((0, 1, 1, 2)) if big else rng.choice((0,) * 9 + (1,)),
        "DON_TIEP_NHAN": received,
        "DON_GIAI_QUYET": max(0, received - rng.randint(0, 3)),
        "QUAN_TRIET": 1 if rng.random() < 0.1 else 0,
        "TAP_HUAN": rng.randint(5, 40) if rng.random() < 0.08 else 0,
        "VAN_BAN": rng.choice((0, 0, 0, 1, 1, 2)),
        "MO_HINH": len(unit.models),
    }


def update_models(unit: UnitSim, week_index: int, monday: date) -> None:
    """Register new models and move existing ones along Đăng ký → … → Nhân rộng."""
    rng = unit.rng
    for _ in range(unit.model_weeks.get(week_index, 0)):
        name, domain = rng.choice(
            [m for m in MODELS if m[0] not in {x["name"] for x in unit.models}]
        )
        unit.models.append(
            {
                "name": name,
                "field": domain,
                "content": f"Đơn vị {unit.code} tổ chức thực hiện, phân công công chức phụ trách, "
                "đánh giá hằng tháng",
                "timeframe": f"Từ tháng {monday.month}/{monday.year}",
                "outcome": "",
                "status": contract.MODEL_STATUSES[0],
            }
        )
    for model in unit.models:
        stage = contract.MODEL_STATUSES.index(model["status"])
        if stage == 0 and rng.random() < 0.3:
            model["status"] = contract.MODEL_STATUSES[1]
        elif stage == 1 and week_index > 20 and rng.random() < 0.04:
            model["status"] = contract.MODEL_STATUSES[2]
        elif stage == 2 and rng.random() < 0.02:
            model["status"] = contract.MODEL_STATUSES[3]
        if stage >= 1 and rng.random() < 0.2:
            model["outcome"] = (
                f"Đến {fmt_date(monday)}: {rng.randint(20, 400)} lượt người dân được hỗ trợ"
            )


def score_values(unit: UnitSim, criteria: pd.DataFrame, monday: date) -> dict[str, dict]:
    """A self-score sheet: per criterion, not applicable / score / evidence / explanation."""
    rng = unit.rng
    out = {}
    for c in criteria.itertuples():
        entry: dict = {"not_applicable": False, "score": None, "evidence": "", "explanation": ""}
        if c.code == "D2" and unit.code not in ("TTPVHCC", "KSTT"):
            entry["not_applicable"] = True
        elif c.kind == "ordinary":
            score = round(min(1.0, rng.gauss(unit.quality, 0.08)) * c.max_points * 2) / 2
            entry["score"] = max(0.0, score)
            if rng.random() < 0.85:
                entry["evidence"] = _doc(
                    rng, unit.code, monday - timedelta(days=rng.randint(5, 60))
                )
            else:
                entry["explanation"] = "Hồ sơ lưu tại đơn vị, sẽ bổ sung khi thẩm định"
        elif c.kind == "bonus" and rng.random() < 0.2:
            entry["score"] = float(rng.randint(1, 3))
            entry["evidence"] = f"Quyết định khen thưởng số {rng.randint(100, 999)}/QĐ-UBND"
        elif c.code == "P1" and unit.late_count:
            entry["score"] = -float(min(unit.late_count, c.max_points))
            entry["explanation"] = f"Trễ hạn báo cáo {unit.late_count} lần"
        if (
            entry["score"] is not None
            and entry["score"] > 0
            and entry["evidence"] == "" == entry["explanation"]
        ):
            entry["explanation"] = "Đã thực hiện"
        out[c.code] = entry
    return out


# --- office scale: real workbooks through submissions.submit ------------------------------------


@dataclass
class Upload:
    unit: str
    week: str
    at: datetime
    user: User
    filename: str
    kind: str = "normal"  # normal | correction | bad (rejected, then fixed)


def upload_time(rng: random.Random, period: str, due: datetime, late: bool) -> datetime:
    """On time: Wednesday..Friday before the deadline; late: from just after it to 5 days on."""
    if late:
        return due + timedelta(minutes=rng.randint(20, 5 * 24 * 60))
    monday = datetime.combine(periods.week_start(period), time(8, 0))
    start = monday + timedelta(days=2)
    span = int((due - start).total_seconds() // 60)
    at = start + timedelta(minutes=rng.randint(0, max(span - 1, 1)))
    if not 7 <= at.hour < 18:  # office hours
        at = at.replace(hour=rng.randint(8, 11))
    return min(at, due - timedelta(minutes=5))


def fill_workbook(
    wb: Workbook,
    unit: UnitSim,
    rows: list[WeekRow],
    indicators: dict[str, float],
    scores: dict[str, dict] | None,
    at: datetime,
) -> None:
    """Write the week into the template, cell by cell, as an officer would."""
    ws = wb[contract.SHEET_PROGRESS]
    header = {
        contract.LABEL_REPORTER: unit.reporter,
        contract.LABEL_PHONE: unit.phone,
        contract.LABEL_DATE: fmt_date(at),
    }
    for r in range(template.HEADER_BLOCK_FIRST_ROW, template.PROGRESS_HEADER_ROW):
        label = str(ws.cell(row=r, column=1).value or "").rstrip(":")
        if label in header:
            ws.cell(row=r, column=2).value = header[label]
    cols = {f: i for i, f in enumerate(contract.PROGRESS_COLUMNS, start=1)}
    by_code = {row.task: row for row in rows}
    for r in range(template.PROGRESS_FIRST_ROW, ws.max_row + 1):
        row = by_code.get(ws.cell(row=r, column=cols["task_code"]).value)
        if row is None:
            continue
        percent = int(row.percent) if float(row.percent).is_integer() else row.percent
        for name, value in (
            ("status", row.status),
            ("percent", percent),
            ("result_text", row.result),
            ("evidence", row.evidence),
            ("difficulty", row.difficulty),
            ("proposal", row.proposal),
        ):
            ws.cell(row=r, column=cols[name]).value = value or (0 if name == "percent" else None)
    _fill_indicators(wb[contract.SHEET_INDICATORS], indicators)
    if scores is not None:
        _fill_scores(wb[contract.SHEET_SCORES], scores)
    elif not unit.has_scored:
        del wb[contract.SHEET_SCORES]  # nothing scored yet: leave the optional sheet out
    _fill_models(wb[contract.SHEET_MODELS], unit.models)


def _fill_indicators(ws, values: dict[str, float]) -> None:
    fields = list(contract.INDICATOR_COLUMNS)
    for r in range(template.INDICATOR_HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(row=r, column=1).value
        if code in values:
            ws.cell(row=r, column=fields.index("value") + 1).value = values[code]


def _fill_scores(ws, scores: dict[str, dict]) -> None:
    fields = list(contract.SCORE_COLUMNS)
    for r in range(template.SCORE_HEADER_ROW + 1, ws.max_row + 1):
        entry = scores.get(ws.cell(row=r, column=1).value)
        if entry is None:
            continue
        na = contract.NOT_APPLICABLE_MARK if entry["not_applicable"] else None
        for name, value in (
            ("not_applicable", na),
            ("score", entry["score"]),
            ("evidence", entry["evidence"] or None),
            ("explanation", entry["explanation"] or None),
        ):
            ws.cell(row=r, column=fields.index(name) + 1).value = value


def _fill_models(ws, models: list[dict[str, str]]) -> None:
    fields = list(contract.MODEL_COLUMNS)
    first = template.MODEL_HEADER_ROW + 1
    for i, model in enumerate(models):
        for col, name in enumerate(fields, start=1):
            ws.cell(row=first + i, column=col).value = model[name] or None


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_office(
    path: Path,
    seed: int = 2026,
    *,
    until: str | None = None,
    files_dir: Path | None = None,
) -> Summary:
    """Sample data for the catalogue's active units, first reporting week to `until` (default now)."""
    started = clock.perf_counter()
    path = Path(path).resolve()
    db.connection(path)
    ensure_empty(path)
    rng = random.Random(seed)
    units = plan.units(path)["code"].tolist()
    last = until or current_week(path)
    weeks = reporting_weeks(path, last)
    files_dir = files_dir or path.parent / "demo"
    enable_sample_mode(path)
    users = create_accounts(path, units)
    tasks = plan.tasks(path)[["code", "kind"]]
    assigned = plan.assignments(path)
    sims = {
        u: _new_unit(
            u,
            tasks[tasks["code"].isin(assigned.loc[assigned["unit_code"] == u, "task_code"])],
            random.Random(rng.random()),
            len(weeks),
        )
        for u in units
    }
    _plant_events(rng, sims, len(weeks))
    criteria = db.query("criteria_active", path=path)
    scoring = _scoring_weeks(rng, units, len(weeks))
    summary = Summary("office", path, len(units), len(weeks), files_dir=files_dir)
    for index, week in enumerate(weeks):
        _office_week(path, week, index, sims, users, criteria, scoring, files_dir, summary)
    summary.seconds = clock.perf_counter() - started
    return summary


def _plant_events(rng: random.Random, sims: dict[str, UnitSim], n_weeks: int) -> None:
    """Difficulties now and then, plus one sure missing and one sure late week (for the grid)."""
    for sim in sims.values():
        sim.difficulty_weeks = {w for w in range(n_weeks) if rng.random() < 0.06}
    weak = sorted(sims)[-1]
    sims[weak].forced = {1: "missing", 2: "late"}


def _scoring_weeks(rng: random.Random, units: list[str], n_weeks: int) -> dict[str, set[int]]:
    """Self-scoring rounds: a first round early on, mid-year and near the end (each unit mostly)."""
    rounds = sorted({min(4, n_weeks - 1), min(19, n_weeks - 1), max(n_weeks - 3, 0)})
    return {u: {w for w in rounds if rng.random() < 0.8} or {rounds[0]} for u in units}


def _office_week(
    path: Path,
    week: str,
    index: int,
    sims: dict[str, UnitSim],
    users: dict[str, User],
    criteria: pd.DataFrame,
    scoring: dict[str, set[int]],
    files_dir: Path,
    summary: Summary,
) -> None:
    due = _deadline(week, path)
    monday = periods.week_start(week)
    now = settings.now()
    plans = []
    for code, sim in sims.items():
        rng = sim.rng
        forced = sim.forced.get(index)
        if forced == "missing" or (forced is None and rng.random() < sim.miss_rate):
            summary.missing += 1
            continue
        late = forced == "late" or (forced is None and rng.random() < sim.late_rate)
        at = upload_time(rng, week, due, late)
        if at > now:
            summary.missing += 1
            continue
        plans.append((at, code, late))
    for at, code, late in sorted(plans):
        sim = sims[code]
        summary.late += late
        update_models(sim, index, monday)
        rows = progress_rows(sim, index, monday)
        scores = score_values(sim, criteria, monday) if index in scoring[code] else None
        indicators = indicator_values(sim)
        _send(path, week, sim, rows, indicators, scores, at, users, files_dir, summary)
        if late:
            sim.late_count += 1


def _send(
    path: Path,
    week: str,
    sim: UnitSim,
    rows: list[WeekRow],
    indicators: dict[str, float],
    scores: dict[str, dict] | None,
    at: datetime,
    users: dict[str, User],
    files_dir: Path,
    summary: Summary,
) -> None:
    """One unit's week: maybe a rejected first try, the upload, maybe a later correction."""
    rng = sim.rng
    user = users[ADMIN] if rng.random() < 0.04 else users[sim.code]  # sent by Zalo, HCTC uploads
    attempts: list[tuple[str, datetime, list[WeekRow]]] = []
    if rng.random() < 0.03:
        attempts.append(("loi", at, _with_mistake(rows)))
        at += timedelta(minutes=rng.randint(10, 90))
    attempts.append(("", at, rows))
    if rng.random() < 0.06:
        attempts.append(("sua", at + timedelta(hours=rng.randint(1, 30)), _corrected(sim, rows)))
    for suffix, when, week_rows in attempts:
        if when > settings.now():
            break
        wb = template.workbook(sim.code, week, path=path, now=when)
        fill_workbook(wb, sim, week_rows, indicators, scores, when)
        data = _save(wb)
        name = f"{week}{'-' + suffix if suffix else ''}.xlsx"
        target = files_dir / sim.code / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        filename = f"BaoCao_{sim.code}_{name}"
        result = submissions.submit(data, filename, user, now=when, path=path)
        summary.accepted += result.status == "accepted"
        summary.rejected += result.status == "rejected"
        summary.duplicate += result.status == "duplicate"
        if result.status == "accepted" and scores is not None:
            sim.has_scored = True
        if suffix != "loi" and result.status == "rejected":
            raise DemoError(
                f"Bản mẫu {filename} bị từ chối: "
                + "; ".join(f"{p.cell} {p.message}" for p in result.errors)
            )


def _with_mistake(rows: list[WeekRow]) -> list[WeekRow]:
    """A first try with a typical slip: 'Hoàn thành' written before reaching 100%."""
    out = [WeekRow(**vars(r)) for r in rows]
    target = next((r for r in out if r.status == IN_PROGRESS), out[0])
    target.status, target.percent = DONE, min(target.percent, 95.0)
    return out


def _corrected(sim: UnitSim, rows: list[WeekRow]) -> list[WeekRow]:
    """A correction later the same week: one more thing done, text completed."""
    out = [WeekRow(**vars(r)) for r in rows]
    target = next((r for r in out if r.status == IN_PROGRESS and r.percent <= 90), None)
    if target is not None:
        target.percent += sim.rng.choice((2, 5))
        target.result = (target.result + "; bổ sung kết quả cuối tuần").lstrip("; ")
        track = next(t for t in sim.tasks if t.task == target.task)
        track.percent = target.percent  # next week goes on from the corrected figure
    return out


# --- city scale: parsed rows through submissions.store_batch ------------------------------------


def add_city_units(path: Path, count: int) -> list[str]:
    """Generated units P001… (active, sample) so the catalogue reaches about `count` units."""
    existing = plan.units(path, active_only=False)
    start = int(existing["sort_order"].max() or 0) + 1 if not existing.empty else 1
    new = max(0, count - len(plan.units(path)))
    rows = [
        {
            "code": f"P{i:03d}",
            "name": f"{CITY_KINDS[i % 3]} {CITY_DOMAINS[i % len(CITY_DOMAINS)]} số {i}",
            "active": True,
            "sample": True,
            "note": "Đơn vị giả lập (dữ liệu mẫu quy mô thành phố)",
            "sort_order": start + i,
        }
        for i in range(1, new + 1)
    ]
    with db.transaction(path) as tx:
        tx.insert_frame("unit", pd.DataFrame(rows))
        audit.record(
            "demo_city_units",
            username=auth.SYSTEM.username,
            role=auth.SYSTEM.role,
            detail={"added": len(rows)},
            tx=tx,
        )
    return [r["code"] for r in rows]


def build_city(
    path: Path, seed: int = 2026, units: int = CITY_UNITS, years: int = CITY_YEARS
) -> Summary:
    """≈`units` active units × `years` years of weekly data from the first reporting week."""
    started = clock.perf_counter()
    path = Path(path).resolve()
    db.connection(path)
    ensure_empty(path)
    rng = random.Random(seed)
    enable_sample_mode(path)
    users = create_accounts(path, [])
    add_city_units(path, units)
    codes = plan.units(path)["code"].tolist()
    year = int(catalogues.setting("year", path))
    weeks = reporting_weeks(path, periods.week_id(date(year + years - 1, 12, 28)))
    summary = Summary("city", path, len(codes), len(weeks))
    assigned = plan.assignments(path).groupby("unit_code")["task_code"].apply(list).to_dict()
    kinds = dict(zip(plan.tasks(path)["code"], plan.tasks(path)["kind"], strict=True))
    criteria = db.query("criteria_active", path=path)
    indicator_codes = db.query("indicator_catalogue", path=path)["code"].tolist()
    sims = {c: _city_unit(c, assigned.get(c, []), kinds, rng) for c in codes}
    for chunk in _chunks(weeks, CITY_CHUNK_WEEKS):
        items = list(_city_items(path, chunk, weeks, sims, criteria, indicator_codes, summary))
        submissions.store_batch(items, users[ADMIN], path=path)
        summary.accepted += len(items)
    summary.seconds = clock.perf_counter() - started
    return summary


def _chunks(weeks: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(weeks), size):
        yield weeks[i : i + size]


def _city_unit(code: str, tasks: list[str], kinds: dict[str, str], rng: random.Random) -> UnitSim:
    sim = UnitSim(
        code=code,
        rng=random.Random(rng.random()),
        tasks=[Track(t, kinds[t], 0.0, rng.uniform(1.2, 3.4)) for t in tasks],
        miss_rate=rng.choice((0.02, 0.05, 0.1)),
        late_rate=rng.choice((0.05, 0.1, 0.2)),
        quality=rng.uniform(0.6, 0.97),
        reporter=rng.choice(PEOPLE),
        phone=f"09{rng.randint(10000000, 99999999)}",
    )
    if rng.random() < 0.5:
        sim.models = [
            {
                "name": m,
                "field": f,
                "content": "",
                "timeframe": "",
                "outcome": "",
                "status": contract.MODEL_STATUSES[1],
            }
            for m, f in rng.sample(MODELS, 2)
        ]
    return sim


def _city_items(
    path: Path,
    chunk: list[str],
    weeks: list[str],
    sims: dict[str, UnitSim],
    criteria: pd.DataFrame,
    indicator_codes: list[str],
    summary: Summary,
) -> Iterator[tuple[ParsedWorkbook, datetime]]:
    for week in chunk:
        index = weeks.index(week)
        due = _deadline(week, path)
        monday = periods.week_start(week)
        new_year = index > 0 and weeks[index - 1][:4] != week[:4]
        for sim in sims.values():
            rng = sim.rng
            if new_year:  # the next year's plan starts from zero again
                for track in sim.tasks:
                    track.percent, track.done_evidence = 0.0, ""
            if rng.random() < sim.miss_rate:
                summary.missing += 1
                continue
            late = rng.random() < sim.late_rate
            summary.late += late
            at = upload_time(rng, week, due, late)
            yield _city_workbook(sim, week, index, monday, at, criteria, indicator_codes), at


def _city_workbook(
    sim: UnitSim,
    week: str,
    index: int,
    monday: date,
    at: datetime,
    criteria: pd.DataFrame,
    indicator_codes: list[str],
) -> ParsedWorkbook:
    rng = sim.rng
    rows = progress_rows(sim, index, monday)
    values = indicator_values(sim)
    scoring = week[5:] in ("W26", "W50")
    return ParsedWorkbook(
        header=Header(sim.code, week, sim.reporter, sim.phone, fmt_date(at)),
        progress=[
            ProgressRow(
                i, r.task, r.status, r.percent, "", r.result, r.evidence, r.difficulty, r.proposal
            )
            for i, r in enumerate(rows, start=template.PROGRESS_FIRST_ROW)
        ],
        indicators=[
            IndicatorRow(i, code, float(values.get(code, 0)))
            for i, code in enumerate(indicator_codes, start=template.INDICATOR_HEADER_ROW + 1)
        ],
        scores=[
            ScoreRow(i, code, e["not_applicable"], e["score"], e["evidence"], e["explanation"])
            for i, (code, e) in enumerate(
                score_values(sim, criteria, monday).items(), start=template.SCORE_HEADER_ROW + 1
            )
        ]
        if scoring
        else None,
        models=[
            ModelRow(i, m["name"], m["field"], status=m["status"])
            for i, m in enumerate(sim.models, start=template.MODEL_HEADER_ROW + 1)
        ]
        if sim.models and rng.random() < 0.1
        else None,
    )


# --- command line ------------------------------------------------------------------------


def default_db() -> Path:
    return settings.DATA_DIR / "demo.duckdb"


def _already_sample(path: Path) -> bool:
    if not path.exists():
        return False
    db.connection(path)
    return bool(
        db.scalar(
            "select count(*) from setting where key = 'sample_mode' and value = '1'", path=path
        )
    ) and bool(db.scalar("select count(*) from submission", path=path))


def cli_demo(args: argparse.Namespace) -> int:
    """`python -m tracker demo --scale office|city [--seed N]`.

    Without --db or TRACKER_DB, the sample data go to data/demo.duckdb, never the real database.
    """
    if not getattr(args, "db_explicit", True):
        os.environ["TRACKER_DB"] = str(default_db())
    path = settings.db_path()
    if _already_sample(path):
        # Re-running the README's quick start must not stop the app from starting.
        print(f"{path} đã có dữ liệu mẫu; giữ nguyên. Xóa tệp này để tạo lại.", file=sys.stderr)
        return 0
    print(f"Đang tạo dữ liệu mẫu ({args.scale}) trong {path} …", file=sys.stderr)
    try:
        if args.scale == "city":
            summary = build_city(path, args.seed, units=CITY_UNITS, years=CITY_YEARS)
        else:
            summary = build_office(path, args.seed)
    except DemoError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    print(summary.text())
    return 0
