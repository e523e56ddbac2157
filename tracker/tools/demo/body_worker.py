"""One sample body, built in a worker process of `demo --bodies` (bodies.py): its file, sample mode,
accounts, a year of weeks (plain workbooks kept and stored as uploads are, demo/city.py), an
escalated difficulty for some, the Báo cáo snapshots some approved, and its rollup rows.

A worker never opens the city registry (one process holds a DuckDB file): it runs with
TRACKER_CITY_DB naming a file that does not exist (worker_init), so the account directory is
inert here, and hands back what the main process records there: the accounts' names, the
snapshots to approve and submit, the rollup rows with the data stamp they were read at.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import periods, plan, plans
from tracker.city import reports, rollup, seeding
from tracker.city.escalations import escalate
from tracker.metrics import difficulties, progress
from tracker.roles import User
from tracker.store import db
from tracker.text import fmt_datetime
from tracker.tools.demo.city import city_unit, store_chunk, week_items, year_plan
from tracker.tools.demo.plainbook import keep_workbooks
from tracker.tools.demo.shared import (
    DEMO_PASSWORD,
    Summary,
    current_week,
    enable_sample_mode,
    reporting_weeks,
)
from tracker.tools.demo.words import BODY_DIFFICULTIES

ROLE_KEYS = (("quantri", "quan_tri", "Quản trị"), ("lanhdao", "lanh_dao", "Lãnh đạo"))
ESCALATION_NOTE = "Đề nghị Sở Nội vụ hướng dẫn, tháo gỡ để đơn vị triển khai đúng tiến độ."


@dataclass(frozen=True)
class BodySpec:
    """What to build: the body, its units, whether it reports and escalates, the due dates."""

    code: str
    name: str
    kind: str
    units: list[dict[str, Any]]
    year: int
    reports: bool
    escalates: bool
    dues: dict[str, date]


@dataclass
class BodyResult:
    code: str
    accounts: dict[str, User]  # quantri, lanhdao, donvi
    units: int = 0
    weeks: int = 0
    accepted: int = 0
    late: int = 0
    missing: int = 0
    escalated: int = 0
    snapshots: list[dict[str, Any]] = field(default_factory=list)  # with approved/submitted at
    stamp: int = 0
    rollup: dict[str, Any] = field(default_factory=dict)


def worker_init(no_registry: str) -> None:
    """In each worker: no registry (see the module)."""
    os.environ["TRACKER_CITY_DB"] = no_registry


def build_one(spec: BodySpec, city: seeding.CitySide, template: Path, seed: int) -> BodyResult:
    """Build one body (see the module); runs in a worker process."""
    rng = random.Random(f"{seed}-{spec.code}")
    path = seeding.seed_body_file(
        spec.code,
        spec.year,
        city,
        units=spec.units,
        template=template,
        named=(spec.name, spec.kind),
    )
    enable_sample_mode(path)
    result = BodyResult(spec.code, _accounts(spec, path))
    _weeks(spec, path, rng, result)
    if spec.escalates:
        result.escalated = _escalate(path, result.accounts, rng)
    if spec.reports:
        result.snapshots = _snapshots(spec, path, rng)
    result.stamp = db.data_stamp(path)
    with db.snapshot(path):
        result.rollup = rollup.compute(path)
    db.close_all()  # this worker is done with the file: keep none open
    return result


def _accounts(spec: BodySpec, path: Path) -> dict[str, User]:
    prefix, first = spec.code.lower(), spec.units[0]["code"]
    keys = (*ROLE_KEYS, ("donvi", "don_vi", f"Cán bộ {first}"))
    return {
        key: auth.create_user(
            f"{prefix}.{key}",
            role,
            DEMO_PASSWORD,
            unit_code=first if role == "don_vi" else None,
            full_name=f"{label} {spec.name} (mẫu)",
            sample=True,
            path=path,
        )
        for key, role, label in keys
    }


def _weeks(spec: BodySpec, path: Path, rng: random.Random, result: BodyResult) -> None:
    """A year of weeks of the body's units, stored in one batch as uploads are."""
    counts = Summary("bodies", path, 0, 0)
    this_year = {spec.year: year_plan(path, spec.year)}
    weeks = reporting_weeks(path, current_week(path))
    codes = plan.units(path)["code"].tolist()
    first = this_year[spec.year]
    sims = {c: city_unit(c, first.assigned.get(c, []), first.kinds, rng) for c in codes}
    for sim in sims.values():
        sim.speaks_as_body()
    indicators = db.query("indicator_catalogue", path=path)["code"].tolist()
    items = list(week_items(path, weeks, weeks, sims, this_year, indicators, counts))
    names = {u["code"]: u["name"] for u in spec.units}
    books = [(p, names[p.header.unit_code], fmt_datetime(at)) for p, at in items]
    store_chunk(items, keep_workbooks(books, path), result.accounts["quantri"], path, counts)
    result.units, result.weeks = len(codes), len(weeks)
    result.accepted, result.late, result.missing = counts.accepted, counts.late, counts.missing


def _escalate(path: Path, accounts: dict[str, User], rng: random.Random) -> int:
    """One or two of the body's open difficulties sent up (one raised in the app first when
    its sheets leave none open this week, about one of the unit's tasks, as a sheet's is)."""
    week = periods.week_id(settings.now().date())
    found = difficulties.open_list(week, path)
    if found.empty:
        officer = accounts["donvi"]
        content, proposal = rng.choice(BODY_DIFFICULTIES)
        # The task follows from the text chosen (no draw of rng: the rest of the sample stays)
        tasks = sorted(progress.unit_tasks(officer.unit_code, week, path)["task_code"])
        task = tasks[BODY_DIFFICULTIES.index((content, proposal)) % len(tasks)] if tasks else None
        difficulties.raise_difficulty(
            officer, officer.unit_code, task, content, proposal, path=path, year=plans.of_week(week)
        )
        found = difficulties.open_list(week, path)
    chosen = found.head(rng.randint(1, 2))
    for row in chosen.itertuples():
        escalate(accounts["lanhdao"], row.source, row.ref, ESCALATION_NOTE, week=week, path=path)
    return len(chosen)


def _snapshots(spec: BodySpec, path: Path, rng: random.Random) -> list[dict[str, Any]]:
    """The periods due by now, each frozen around its due date (some days late)."""
    now, out = settings.now(), []
    for period, due in spec.dues.items():
        when = datetime.combine(due, datetime.min.time()) + timedelta(
            days=rng.choice((-3, -2, -1, 0, 0, 2, 5)), hours=rng.randint(8, 16)
        )
        if when >= now:
            break
        with clock_at(when):
            frozen = reports.snapshot(period, spec.year, path)
        out.append(frozen | {"approved_at": when, "submitted_at": when + timedelta(hours=2)})
    return out


@contextmanager
def clock_at(when: datetime) -> Iterator[None]:
    """The product's clock ($TRACKER_NOW) at `when` for the block: a Báo cáo made then."""
    before = os.environ.get("TRACKER_NOW")
    os.environ["TRACKER_NOW"] = when.isoformat()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TRACKER_NOW"]
        else:
            os.environ["TRACKER_NOW"] = before
