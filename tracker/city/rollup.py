"""Each body's rollup in the registry: what city pages read instead of opening 134 files.

Per body: its active units and the data stamp it was computed at; per plan year: the data week
(the plan's latest week whose deadline has passed), tasks, plan completion, the body's own
assessment (its self-score total and grade: the 'VP' row of unit_scores.sql, the responsible
units' scores) and open difficulties; per week: units expected, reported, on time
(reporting_trend.sql); per city item: completion of the tasks naming it
(completion_by_city_item.sql); the escalated difficulties still open this week
(escalated_difficulties.sql: an escalation is news, not a figure of a closed week).
Every figure comes from the body's own file through the queries its pages use, read as of the
data week: the rollup says what the body's pages say.

Fresh when read: a commit that writes data to a body's file in this process marks the body
(db.on_commit), and refresh_stale() recomputes the marked ones; at start (or whenever asked),
every body whose file's data stamp (store_meta, moved by every data commit, by any process)
differs from the one recorded here is recomputed too.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import settings
from tracker.catalogue import periods, plan, plans
from tracker.city import bodies
from tracker.metrics import difficulties, progress, reporting, scoring, year_over_year
from tracker.store import db

_dirty: set[str] = set()
_dirty_lock = threading.Lock()


def _mark(path: Path) -> None:
    body = settings.body_of_file(path)
    if body is not None:
        with _dirty_lock:
            _dirty.add(body)


db.on_commit(_mark)


def data_week(year: int, path: Path) -> str | None:
    """The plan of `year`'s latest week whose reporting deadline has passed (None: none yet)."""
    closed = min(reporting.last_closed_week(path=path), plans.last_week(year))
    return closed if closed >= plans.first_week(year, path) else None


def compute(path: Path) -> dict[str, Any]:
    """The rollup rows of the body whose file is `path` (read from that file only)."""
    out: dict[str, Any] = {"units": len(plan.units(path)), "years": [], "weeks": [], "items": []}
    out["escalations"], out["scores"] = [], []
    today = periods.week_id(settings.now().date())
    for year in plans.years(path):
        # Escalations are news, read as of this week (within the plan's weeks); the figures as
        # of the data week, as the body's pages show them.
        out["escalations"] += _escalations(min(today, plans.last_week(year)), year, path)
        week = data_week(year, path)
        tasks = len(plan.tasks(path, year=year))
        if week is None:
            out["years"].append(_year_row(year, None, tasks, None, None, 0))
            continue
        own = scoring.scores_table(year, path, week=week)
        own = own[own["unit_code"] == "VP"]
        out["years"].append(
            _year_row(
                year,
                week,
                tasks,
                progress.plan_completion(week, path).value,
                own.iloc[0] if not own.empty else None,
                difficulties.open_count(week, path),
            )
        )
        trend = reporting.trend(week, path=path)
        done = _plan_by_week(week, path)
        out["weeks"] += [
            {"week": r.period, "expected": int(r.expected_units), "reported": int(r.reported)}
            | {"on_time": int(r.on_time), "plan_completion": done.get(r.period)}
            for r in trend.itertuples()
        ]
        out["scores"] += _last_year_score(year, week, path)
        out["items"] += [
            {"year": year, "city_item": r.city_item, "tasks": int(r.tasks)}
            | {"completion": None if pd.isna(r.completion) else float(r.completion)}
            for r in db.query("completion_by_city_item", path, week=week).itertuples()
        ]
    return out


def _year_row(
    year: int,
    week: str | None,
    tasks: int,
    completion: float | None,
    own: pd.Series | None,
    open_count: int,
) -> dict[str, Any]:
    score = None if own is None or pd.isna(own["final_total"]) else float(own["final_total"])
    return {
        "year": year,
        "data_week": week,
        "tasks": tasks,
        "plan_completion": completion,
        "self_score": score,
        "self_grade": None if own is None or score is None else own["grade"],
        "open_difficulties": open_count,
    }


def _plan_by_week(week: str, path: Path) -> dict[str, float | None]:
    """The plan's completion at the end of each of its weeks up to `week` (plan_trend, the line
    of the body's Tổng quan): what Thành phố compares at the same week of another year."""
    trend = progress.plan_trend(week, path)
    return {
        w: None if pd.isna(v) else float(v)
        for w, v in zip(trend["week"], trend["plan_completion"], strict=True)
    }


def _self_score(year: int, week: str, path: Path) -> float | None:
    """The body's own self-score total of `year` as of `week` (the 'VP' row of unit_scores)."""
    own = scoring.scores_table(year, path, week=week)
    own = own[own["unit_code"] == "VP"]
    return (
        None
        if own.empty or pd.isna(own.iloc[0]["final_total"])
        else float(own.iloc[0]["final_total"])
    )


def _last_year_score(year: int, week: str, path: Path) -> list[dict[str, Any]]:
    """Last year's self-score as of the week matching this year's data week `week`, when last
    year has a plan and that week is before its own data week (after it, rollup_year's is it)."""
    before = year_over_year.same_week_last_year(week)
    last = data_week(year - 1, path) if plans.exists(year - 1, path) else None
    if last is None or before >= last:
        return []
    return [{"year": year - 1, "week": before, "self_score": _self_score(year - 1, before, path)}]


def _escalations(week: str, year: int, path: Path) -> list[dict[str, Any]]:
    if plans.of_week(week) != year:  # this week is before the plan's year began
        return []
    frame = db.query("escalated_difficulties", path, week=week)
    return [
        {
            "escalation_id": int(r.id),
            "year": int(r.plan_year),
            "unit_code": r.unit_code,
            "unit_name": None if pd.isna(r.unit_name) else r.unit_name,
            "task_code": None if pd.isna(r.task_code) else r.task_code,
            "task_title": None if pd.isna(r.task_title) else r.task_title,
            "city_item": None if pd.isna(r.city_item) else r.city_item,
            "content": r.content,
            "note": r.note,
            "escalated_at": pd.Timestamp(r.escalated_at).to_pydatetime(),
        }
        for r in frame.itertuples()
    ]


def refresh(code: str, registry: Path) -> None:
    """Recompute body `code`'s rollup from its file and store it in the registry."""
    path = settings.body_db_path(code)
    stamp = db.data_stamp(path)  # read first: a commit meanwhile leaves the body stale again
    with db.snapshot(path):
        rows = compute(path)
    store(code, stamp, rows, registry)


def store(code: str, stamp: int, rows: dict[str, Any], registry: Path) -> None:
    """Keep compute()'s rows of body `code`, read at data stamp `stamp`, in the registry."""
    with db.transaction(registry) as tx:
        for table in (
            "rollup_year",
            "rollup_week",
            "rollup_item",
            "rollup_escalation",
            "rollup_score",
        ):
            tx.delete(table, "where body = $b", {"b": code})
        tx.insert(
            "rollup_body",
            "values ($b, $s, $t, $u)",
            {"b": code, "s": stamp, "t": settings.now(), "u": rows["units"]},
            replace=True,
        )
        for table, key in (
            ("rollup_year", "years"),
            ("rollup_week", "weeks"),
            ("rollup_item", "items"),
            ("rollup_escalation", "escalations"),
            ("rollup_score", "scores"),
        ):
            tx.insert_rows(table, [{"body": code} | row for row in rows[key]])
    with _dirty_lock:
        _dirty.discard(code)


def refresh_marked(registry: Path) -> list[str]:
    """Refresh the bodies a commit in this process marked since; their codes."""
    with _dirty_lock:
        marked = sorted(_dirty)
    for code in marked:
        if settings.body_db_path(code).exists():
            refresh(code, registry)
    return marked


def refresh_stale(registry: Path) -> list[str]:
    """Refresh every active body with a file whose data stamp differs from its rollup's (or
    that has none): at start, and after another process wrote a body. Opens each body's file
    (kept within the open-file bound); the codes refreshed."""
    recorded = dict(db.rows("select body, data_stamp from rollup_body", path=registry))
    done = []
    for body in bodies.all_bodies(registry):
        if not body.active or not body.path.exists():
            continue
        if recorded.get(body.code) != db.data_stamp(body.path):
            refresh(body.code, registry)
            done.append(body.code)
    with _dirty_lock:
        _dirty.difference_update(done)
    return done


def is_marked(code: str) -> bool:
    with _dirty_lock:
        return code in _dirty
