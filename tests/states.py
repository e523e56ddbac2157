"""Database states for the property tests (tests/test_states.py): a `State` says what an office's
data looks like at one instant, `build` makes it through the product's own paths (workbooks
filled as an officer fills the template and sent through submissions.submit, difficulties
raised and handled, requests registered and answered), and `states()` is the Hypothesis
strategy that generates them.

The dimensions are the ones that hid crashes before: nobody reported yet, one unit, every
difficulty open or every one handled, every criterion "không áp dụng", a week with only a
rejected upload, requests none / answered / overdue, a plan of one task, units without an
account, and the clock anywhere in the plan's life.
"""

from __future__ import annotations

import io
import random
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import calendar, catalogues, periods, plan_loading, plans
from tracker.ingest import contract, submissions, template
from tracker.metrics import difficulties, requests_register
from tracker.roles import SYSTEM, User
from tracker.store import db

UNITS = ("HCTC", "BTCD", "TTPVHCC", "KT", "TH")  # units of data/units.csv that may report
FIRST_WEEK = "2026-W07"  # data/settings.csv
ON_REQUEST_TASK = "III.2.a"

Mode = Literal["none", "open", "handled", "mixed"]


@dataclass(frozen=True)
class State:
    now: datetime
    reporters: tuple[str, ...]  # units that report (may be none)
    weeks: int  # how many of the latest weeks whose deadline passed each reporter sent
    difficulties: Mode  # none in the sheets; all open; all handled; some handled
    app_difficulty: bool  # one raised in the app as well
    scores: Literal["none", "scored", "all_not_applicable"]
    rejected_only_week: bool  # a week whose only upload was rejected
    requests: Literal["none", "answered", "overdue", "pending"]
    one_task: bool  # a plan of one task (II.1.a)
    accounts: bool  # the reporters have unit accounts (else HCTC uploads on their behalf)
    late: bool  # the reporters' last week came in after its deadline
    next_plan: bool = False  # the next year's plan is loaded (a copy of 2026's), when it is 2027
    seed: int = 0
    # The next plan's first reporting week: on 06/01/2027, W01 has begun and not closed, W02 has
    # not begun (issue 36: "new plan, no week closed").
    first_week: str = "2027-W02"

    def describe(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())


# The instants the clock is drawn from: before the first reporting week, around Tết and the
# first weeks, mid-year, the year's last weeks (2026-W53 runs into 2027) and after it.
INSTANTS = (
    datetime(2026, 1, 20, 9, 0),
    datetime(2026, 2, 24, 10, 0),
    datetime(2026, 3, 18, 10, 0),
    datetime(2026, 6, 15, 15, 0),
    datetime(2026, 9, 30, 8, 0),
    datetime(2026, 12, 21, 9, 30),
    datetime(2027, 1, 6, 9, 0),
    datetime(2027, 2, 15, 10, 0),
)


def states() -> st.SearchStrategy[State]:
    return st.builds(
        State,
        now=st.sampled_from(INSTANTS),
        reporters=st.lists(st.sampled_from(UNITS), unique=True, max_size=3).map(tuple),
        weeks=st.integers(1, 3),
        difficulties=st.sampled_from(("none", "open", "handled", "mixed")),
        app_difficulty=st.booleans(),
        scores=st.sampled_from(("none", "scored", "all_not_applicable")),
        rejected_only_week=st.booleans(),
        requests=st.sampled_from(("none", "answered", "overdue", "pending")),
        one_task=st.booleans(),
        accounts=st.booleans(),
        late=st.booleans(),
        next_plan=st.booleans(),
        seed=st.integers(0, 10_000),
        first_week=st.sampled_from(("2027-W01", "2027-W02", "2027-W03")),
    )


# --- the catalogue of a one-task plan -------------------------------------------------------------


def one_task_catalogues(folder: Path) -> Path:
    """data/'s catalogues with the plan cut to its first task (indicators of other tasks left
    out, as the catalogue requires); returns the folder."""
    shutil.copytree(
        settings.DATA_DIR, folder, ignore=shutil.ignore_patterns("*.duckdb*", "*_files")
    )
    tasks = pd.read_csv(folder / "tasks.csv", dtype=str, keep_default_na=False)
    keep = tasks.iloc[:1]
    keep.to_csv(folder / "tasks.csv", index=False)
    indicators = pd.read_csv(folder / "indicators.csv", dtype=str, keep_default_na=False)
    indicators[indicators["task_code"].isin(keep["code"])].to_csv(
        folder / "indicators.csv", index=False
    )
    return folder


# --- building a state -----------------------------------------------------------------------------


def closed_weeks(now: datetime, path: Path) -> list[str]:
    """Reporting weeks of every plan (from its first week, exempt ones left out) whose deadline
    has passed by `now`."""
    today = periods.week_id(now.date())
    weeks = []
    for year in plans.years(path):
        first, last = plans.first_week(year, path), min(today, plans.last_week(year))
        exempt = calendar.exempt_weeks(path, year=year)
        weeks += (
            [w for w in periods.weeks_between(first, last) if w not in exempt]
            if first <= last
            else []
        )
    return [w for w in weeks if calendar.deadline(w, path) < now]


def _header_and_columns(ws: Any, columns: dict[str, str]) -> tuple[int, dict[str, int]]:
    """The row of a table's header and each field's column, found by the header texts."""
    for row in ws.iter_rows():
        texts = [str(c.value or "").strip() for c in row]
        if columns[next(iter(columns))] in texts or list(columns.values())[1] in texts:
            found = {f: texts.index(h) + 1 for f, h in columns.items() if h in texts}
            return row[0].row, found
    raise AssertionError(f"no table with {list(columns.values())[:2]}")


def _fill_rows(ws: Any, columns: dict[str, str], key: str, values: dict[str, dict]) -> None:
    header, cols = _header_and_columns(ws, columns)
    for r in range(header + 1, ws.max_row + 1):
        code = ws.cell(row=r, column=cols[key]).value
        for field, value in values.get(str(code or "").strip(), {}).items():
            ws.cell(row=r, column=cols[field], value=value)


def _fill_header(ws: Any, at: datetime) -> None:
    values = {
        contract.LABEL_REPORTER: "Nguyễn Văn Phúc",
        contract.LABEL_PHONE: "0292 3820 456",
        contract.LABEL_DATE: at.strftime("%d/%m/%Y"),
    }
    for row in ws.iter_rows(max_col=2):
        label = str(row[0].value or "").strip().rstrip(":")
        if label in values:
            row[1].value = values[label]


def _progress_values(
    rng: random.Random, tasks: list[str], state: State, percent: dict[str, int], bad: bool
) -> dict[str, dict]:
    rows = {}
    for i, code in enumerate(tasks):
        value = min(100, percent.get(code, 0) + rng.choice((0, 5, 10, 20)))
        percent[code] = value
        status = (
            contract.STATUS_DONE
            if value == 100
            else contract.STATUS_NOT_STARTED
            if value == 0
            else contract.STATUS_IN_PROGRESS
        )
        row: dict[str, Any] = {"status": status, "percent": value}
        if value:
            row["result_text"] = f"Triển khai nhiệm vụ {code}, đạt {value}% kế hoạch"
            row["evidence"] = f"Kế hoạch số {10 + i}/KH-VP ngày 05/03/2026"
        if state.difficulties != "none" and i % 2 == 0:
            row["difficulty"] = f"Thiếu nhân sự theo dõi nhiệm vụ {code}"
            row["proposal"] = "Đề nghị bổ sung 01 công chức"
        rows[code] = row
    if bad and tasks:
        rows[tasks[0]] = {**rows[tasks[0]], "status": contract.STATUS_IN_PROGRESS, "percent": 140}
    return rows


def _score_values(state: State, path: Path, year: int) -> dict[str, dict]:
    active = db.query("criteria_active", path=path, year=year)
    if state.scores == "all_not_applicable":
        return {c: {"not_applicable": "x"} for c in active["code"]}
    values = {}
    for row in active.itertuples(index=False):
        if row.kind == "ordinary":
            values[row.code] = {"score": float(row.max_points) / 2, "evidence": "Biên bản họp"}
    return values


def workbook_bytes(
    unit: str, week: str, at: datetime, rows: dict[str, dict], scores: dict[str, dict] | None
) -> bytes:
    """The unit's template for the week, filled as an officer does in Excel."""
    wb: Workbook = load_workbook(io.BytesIO(template.build(unit, week, now=at)))
    _fill_header(wb[contract.SHEET_PROGRESS], at)
    _fill_rows(wb[contract.SHEET_PROGRESS], contract.PROGRESS_COLUMNS, "task_code", rows)
    if scores:
        _fill_rows(wb[contract.SHEET_SCORES], contract.SCORE_COLUMNS, "criterion_code", scores)
    else:
        del wb[contract.SHEET_SCORES]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload_time(week: str, late: bool, path: Path) -> datetime:
    due = calendar.deadline(week, path)
    return due + timedelta(hours=20) if late else due - timedelta(hours=5)


def build(state: State, path: Path) -> dict[str, Any]:
    """Fill the fresh database at `path` (clock at state.now) with the state's data; returns
    what was made: the weeks reported, the accounts, the rejected week."""
    rng = random.Random(state.seed)
    if state.next_plan and state.now.year > 2026:
        plan_loading.copy(SYSTEM, 2026, 2027, first_week=state.first_week, path=path)
    weeks = closed_weeks(state.now, path)
    users = {u: _unit_user(u, state, path) for u in state.reporters}
    reported = weeks[-state.weeks :] if weeks else []
    for unit in state.reporters:
        percent: dict[str, int] = {}
        for i, week in enumerate(reported):
            tasks = list(_unit_tasks(unit, path, plans.of_week(week)))
            last = i == len(reported) - 1
            at = _upload_time(week, state.late and last, path)
            wanted = last and state.scores != "none"
            scores = _score_values(state, path, plans.of_week(week)) if wanted else None
            rows = _progress_values(rng, tasks, state, percent, bad=False)
            data = workbook_bytes(unit, week, at, rows, scores)
            result = submissions.submit(data, f"{unit}-{week}.xlsx", users[unit], now=at, path=path)
            assert result.status == "accepted", (state.describe(), result.errors)
    rejected_week = None
    earlier = [w for w in weeks if w not in reported]
    if state.rejected_only_week and earlier:
        rejected_week = earlier[-1]
        unit = state.reporters[0] if state.reporters else "HCTC"
        tasks = list(_unit_tasks(unit, path, plans.of_week(rejected_week)))
        at = _upload_time(rejected_week, False, path)
        rows = _progress_values(rng, tasks, state, {}, bad=True)
        data = workbook_bytes(unit, rejected_week, at, rows, None)
        result = submissions.submit(data, "bao-cao-loi.xlsx", SYSTEM, now=at, path=path)
        assert result.status == "rejected", state.describe()
    if state.app_difficulty and state.reporters:
        difficulties.raise_difficulty(
            users[state.reporters[0]],
            state.reporters[0],
            None,
            "Phòng họp xuống cấp",
            path=path,
            year=plans.current(path),
        )
    _handle(state, rng, reported, path)
    _requests(state, path)
    return {"weeks": weeks, "reported": reported, "rejected_week": rejected_week}


def _unit_user(unit: str, state: State, path: Path) -> User:
    if not state.accounts:
        return SYSTEM  # HCTC uploads on the unit's behalf (no account for the unit)
    return auth.create_user(unit.lower(), "don_vi", "mat-khau-2026", unit_code=unit, path=path)


def _unit_tasks(unit: str, path: Path, year: int) -> list[str]:
    return list(db.query("unit_tasks", path=path, unit=unit, year=year)["code"])


def _handle(state: State, rng: random.Random, reported: list[str], path: Path) -> None:
    if state.difficulties not in ("handled", "mixed") or not reported:
        return
    leader = User("lanhdao", "lanh_dao", None, "Chánh Văn phòng")
    for item in difficulties.open_list(reported[-1], path).itertuples(index=False):
        if state.difficulties == "handled" or rng.random() < 0.5:
            difficulties.mark_handled(
                leader, item.source, item.ref, item.content, "Đã bố trí", path=path
            )


def _requests(state: State, path: Path) -> None:
    if state.requests == "none" or state.one_task:
        return
    today = state.now.date()
    due = today - timedelta(days=3) if state.requests == "overdue" else today + timedelta(days=10)
    doc_date = min(due, today) - timedelta(days=7)
    request_id = requests_register.register(  # under the plan in force
        SYSTEM,
        requests_register.Request(
            task_code=ON_REQUEST_TASK,
            doc_number="125/SNV-XDCQ",
            doc_date=doc_date,
            issuer="Sở Nội vụ",
            subject="báo cáo kết quả thực hiện dân chủ ở cơ sở",
            due_date=due,
        ),
        path=path,
        year=plans.current(path),
    )
    if state.requests == "answered":
        requests_register.answer(SYSTEM, request_id, "25", today, path=path)


def catalogue_year(path: Path) -> int:
    return int(catalogues.setting("year", path))


def as_of_weeks(state: State, made: dict[str, Any], path: Path) -> list[str]:
    """The weeks the metrics are read at: the first reporting week, the last closed one, the
    current week (within the plan in force), deduplicated in order."""
    current = periods.week_id(state.now.date())
    year = plans.current(path)
    shown = max(plans.first_week(year, path), min(current, plans.last_week(year)))
    return list(dict.fromkeys([FIRST_WEEK, *made["weeks"][-1:], shown]))


def at_ten(day: date) -> datetime:
    return datetime.combine(day, time(10, 0))
