"""City scale: ≈250 generated units × 3 years of weeks, for the benchmarks. The weeks are
generated as parsed workbooks and enter the one way in at its store stage
(submissions.store): the same submission rows, current sheets and audit rows as an upload."""

from __future__ import annotations

import multiprocessing
import random
import time as clock
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from tracker.accounts import auth
from tracker.catalogue import calendar, periods, plan, plans
from tracker.ingest import contract, kept, storing, submissions, template
from tracker.ingest.parsed import (
    Header,
    IndicatorRow,
    ModelRow,
    ParsedWorkbook,
    ProgressRow,
    ScoreRow,
)
from tracker.ingest.result import Result
from tracker.roles import User
from tracker.store import audit, db
from tracker.text import fmt_date, fmt_datetime
from tracker.tools.demo.office import upload_time
from tracker.tools.demo.plainbook import keep_workbooks
from tracker.tools.demo.plans import ensure_plans
from tracker.tools.demo.shared import (
    ADMIN,
    CITY_UNITS,
    CITY_YEARS,
    Summary,
    create_accounts,
    enable_sample_mode,
    ensure_empty,
    reporting_weeks,
)
from tracker.tools.demo.simulation import (
    Track,
    UnitSim,
    indicator_values,
    progress_rows,
    score_values,
)
from tracker.tools.demo.words import CITY_DOMAINS, CITY_KINDS, MODELS, PEOPLE

CITY_CHUNK_WEEKS = 4


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


@dataclass(frozen=True)
class YearPlan:
    """What a city unit reports on in one plan year."""

    assigned: dict[str, list[str]]  # unit -> task codes
    kinds: dict[str, str]  # task code -> kind
    criteria: pd.DataFrame
    deadlines: dict[str, datetime]  # week -> its deadline (the year's calendar, one query)


def year_plan(path: Path, year: int) -> YearPlan:
    tasks = plan.tasks(path, year=year)
    assigned = plan.assignments(path, year=year).groupby("unit_code")["task_code"].apply(list)
    return YearPlan(
        assigned.to_dict(),
        dict(zip(tasks["code"], tasks["kind"], strict=True)),
        db.query("criteria_active", path=path, year=year),
        {
            row.week: pd.Timestamp(row.deadline).to_pydatetime()
            for row in calendar.year_calendar(year, path).itertuples()
        },
    )


def build_city(
    path: Path, seed: int = 2026, units: int = CITY_UNITS, years: int = CITY_YEARS
) -> Summary:
    """≈`units` active units × `years` years of weekly data, each year under its own plan
    (carried-over, new and dropped tasks: demo/plans.py), from the first reporting week."""
    started = clock.perf_counter()
    path = Path(path).resolve()
    db.connection(path)
    ensure_empty(path)
    rng = random.Random(seed)
    enable_sample_mode(path)
    users = create_accounts(path, [])
    add_city_units(path, units)
    units_frame = plan.units(path)
    codes = units_frame["code"].tolist()
    names = dict(zip(units_frame["code"], units_frame["name"], strict=True))
    first_year = min(plans.years(path))
    ensure_plans(path, first_year + years - 1)
    by_year = {y: year_plan(path, y) for y in range(first_year, first_year + years)}
    weeks = [w for y in by_year for w in reporting_weeks(path, plans.last_week(y))]
    summary = Summary("city", path, len(codes), len(weeks))
    indicator_codes = db.query("indicator_catalogue", path=path)["code"].tolist()
    first = by_year[first_year]
    sims = {c: city_unit(c, first.assigned.get(c, []), first.kinds, rng) for c in codes}
    # A second process writes and keeps each chunk's workbooks while this one generates the
    # next chunk and stores the previous one (the files before the rows that name them).
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as writer:
        pending: tuple[list[tuple[ParsedWorkbook, datetime]], Future[list[str]]] | None = None
        for chunk in _chunks(weeks, CITY_CHUNK_WEEKS):
            items = list(week_items(path, chunk, weeks, sims, by_year, indicator_codes, summary))
            books = [(p, names[p.header.unit_code], fmt_datetime(at)) for p, at in items]
            files = writer.submit(keep_workbooks, books, path)
            if pending is not None:
                store_chunk(pending[0], pending[1].result(), users[ADMIN], path, summary)
            pending = (items, files)
        if pending is not None:
            store_chunk(pending[0], pending[1].result(), users[ADMIN], path, summary)
    summary.seconds = clock.perf_counter() - started
    return summary


def store_chunk(
    items: list[tuple[ParsedWorkbook, datetime]],
    digests: list[str],
    user: User,
    path: Path,
    summary: Summary,
) -> None:
    """Store a chunk of generated weeks once their workbooks are kept (under `digests`), as
    uploads are."""
    kept.make_durable()
    staged = [
        _staged(parsed, at, digest) for (parsed, at), digest in zip(items, digests, strict=True)
    ]
    submissions.store(staged, user, path=path)
    summary.accepted += len(staged)


def _staged(parsed: ParsedWorkbook, at: datetime, digest: str) -> storing.Staged:
    """A generated week as the checks leave a valid upload (its workbook kept under `digest`)."""
    header = parsed.header
    name = f"BaoCao_{header.unit_code}_{header.period}.xlsx"
    result = Result(name, "checked", header.unit_code, header.period, rows=parsed.row_counts())
    result.parsed = parsed
    return storing.Staged(result, digest, at)


def _chunks(weeks: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(weeks), size):
        yield weeks[i : i + size]


def city_unit(code: str, tasks: list[str], kinds: dict[str, str], rng: random.Random) -> UnitSim:
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


def week_items(
    path: Path,
    chunk: list[str],
    weeks: list[str],
    sims: dict[str, UnitSim],
    by_year: dict[int, YearPlan],
    indicator_codes: list[str],
    summary: Summary,
) -> Iterator[tuple[ParsedWorkbook, datetime]]:
    for week in chunk:
        index = weeks.index(week)
        year_plan = by_year[plans.of_week(week)]
        due = year_plan.deadlines[week]
        monday = periods.week_start(week)
        new_year = index > 0 and weeks[index - 1][:4] != week[:4]
        for sim in sims.values():
            rng = sim.rng
            if new_year:  # the next year's plan: its own tasks, each from zero again
                sim.tasks = [
                    Track(t, year_plan.kinds[t], 0.0, rng.uniform(1.2, 3.4))
                    for t in year_plan.assigned.get(sim.code, [])
                ]
            if rng.random() < sim.miss_rate:
                summary.missing += 1
                continue
            late = rng.random() < sim.late_rate
            summary.late += late
            at = upload_time(rng, week, due, late)
            yield (
                _city_workbook(sim, week, index, monday, at, year_plan.criteria, indicator_codes),
                at,
            )


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
