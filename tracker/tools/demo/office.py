"""Office scale: the catalogue's units report every week with real workbooks (template.workbook
filled like an officer would), each imported through submissions.submit as the unit's sample
account: some weeks late or missing, corrections, a few rejected files fixed and re-sent."""

from __future__ import annotations

import io
import random
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from tracker import settings
from tracker.accounts.auth import User
from tracker.catalogue import periods, plan, plans
from tracker.ingest import contract, submissions, template
from tracker.store import db
from tracker.text import fmt_date
from tracker.tools.demo.plans import ensure_plans
from tracker.tools.demo.shared import (
    ADMIN,
    DemoError,
    Summary,
    create_accounts,
    deadline,
    enable_sample_mode,
    ensure_empty,
    reporting_weeks,
)
from tracker.tools.demo.simulation import (
    DONE,
    IN_PROGRESS,
    UnitSim,
    WeekRow,
    indicator_values,
    new_unit,
    progress_rows,
    score_values,
    update_models,
)


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
    progress: Callable[[int, int, str], None] | None = None,
) -> Summary:
    """Sample data for the catalogue's active units, from the first plan's first reporting week
    to `until` (default: this week). A year after the first gets a sample plan of its own
    (demo/plans.py) and its units start the year afresh. `progress(done, of, week)` is called
    after each week (the command line's bar on a terminal)."""
    started = clock.perf_counter()
    path = Path(path).resolve()
    db.connection(path)
    ensure_empty(path)
    rng = random.Random(seed)
    first_year = min(plans.years(path))
    last = until or max(periods.week_id(settings.now().date()), plans.first_week(first_year, path))
    ensure_plans(path, max(first_year, plans.of_week(last)))
    units = plan.units(path)["code"].tolist()
    files_dir = files_dir or path.parent / "demo"
    enable_sample_mode(path)
    users = create_accounts(path, units)
    summary = Summary("office", path, len(units), 0, files_dir=files_dir)
    years = {
        year: reporting_weeks(path, min(last, plans.last_week(year)))
        for year in range(first_year, plans.of_week(last) + 1)
    }
    total, done = sum(len(w) for w in years.values()), 0

    def step(week: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, periods.short_label(week))

    for year, weeks in years.items():
        year_rng = rng if year == first_year else random.Random(f"{seed}-{year}")
        summary.weeks += len(weeks)
        _office_year(path, year, weeks, year_rng, units, users, files_dir, summary, step)
    summary.seconds = clock.perf_counter() - started
    return summary


def _office_year(
    path: Path,
    year: int,
    weeks: list[str],
    rng: random.Random,
    units: list[str],
    users: dict[str, User],
    files_dir: Path,
    summary: Summary,
    step: Callable[[str], None],
) -> None:
    """One plan year of weekly reports (the first year's draws are the sample's historic ones)."""
    tasks = plan.tasks(path, year=year)[["code", "kind"]]
    assigned = plan.assignments(path, year=year)
    sims = {
        u: new_unit(
            u,
            tasks[tasks["code"].isin(assigned.loc[assigned["unit_code"] == u, "task_code"])],
            random.Random(rng.random()),
            len(weeks),
        )
        for u in units
    }
    _plant_events(rng, sims, len(weeks))
    criteria = db.query("criteria_active", path=path, year=year)
    scoring = _scoring_weeks(rng, units, len(weeks))
    for index, week in enumerate(weeks):
        _office_week(path, week, index, sims, users, criteria, scoring, files_dir, summary)
        step(week)


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
    due = deadline(week, path)
    monday = periods.week_start(week)
    now = settings.now()
    sends = []
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
        sends.append((at, code, late))
    for at, code, late in sorted(sends):
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
