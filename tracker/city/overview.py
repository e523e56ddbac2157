"""What Sở Nội vụ's pages read (the UI step calls these; every one requires view_city and reads only
the registry's rollup, refreshed first for the bodies a commit in this process marked):
bodies' standing, progress per city item, reporting discipline, escalated difficulties, the
ranking by kind, one body's weeks; and `body list`'s lines.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tracker.city import bodies, rollup
from tracker.roles import User, require
from tracker.store import db


def _fresh(user: User, registry: Path) -> None:
    require(user, "view_city")
    rollup.refresh_marked(registry)


def body_overview(user: User, year: int, registry: Path, upto: str | None = None) -> pd.DataFrame:
    """Every active body's standing in `year` (queries/city_body_overview.sql); with `upto` (a
    week of `year`), as of the end of that week where the body's data week is later."""
    _fresh(user, registry)
    return db.query("city_body_overview", registry, year=int(year), upto=upto)


def item_progress(user: User, year: int, registry: Path) -> pd.DataFrame:
    """Per item of the city's plan: the bodies carrying it out and their completion."""
    _fresh(user, registry)
    return db.query("city_item_progress", registry, year=int(year))


def without_plan(user: User, year: int, registry: Path) -> tuple[pd.DataFrame, int]:
    """The active bodies with no plan of `year` (queries/city_bodies_without_plan.sql), and how
    many bodies are active."""
    _fresh(user, registry)
    active = sum(1 for b in bodies.all_bodies(registry) if b.active)
    return db.query("city_bodies_without_plan", registry, year=int(year)), active


def escalations(user: User, year: int, registry: Path) -> pd.DataFrame:
    """Difficulties escalated by bodies and still open."""
    _fresh(user, registry)
    return db.query("city_escalations", registry, year=int(year))


def latest_week(user: User, year: int, registry: Path) -> pd.DataFrame:
    """Each body's reporting in its data week of `year` (this week's discipline)."""
    _fresh(user, registry)
    return db.query("city_latest_week", registry, year=int(year))


def approvals(user: User, year: int, registry: Path) -> dict[str, tuple[str, object]]:
    """The year's approved rankings: kind -> (approved by, when)."""
    require(user, "view_city")
    return {
        k: (by, at)
        for k, by, at in db.query_rows("city_ranking_approvals", registry, year=int(year))
    }


def body_weeks(user: User, body: str, year: int, registry: Path) -> pd.DataFrame:
    """One body's weekly reporting (drill-down city → body)."""
    _fresh(user, registry)
    return db.query("city_body_weeks", registry, body=body, year=int(year))


def ranking(user: User, year: int, kind: str, registry: Path) -> pd.DataFrame:
    """The bodies of one kind with a score in `year`, best first: by Sở Nội vụ's reviewed score
    where there is one, else the body's self-score; ties share a rank (1, 1, 3)."""
    frame = body_overview(user, year, registry)
    frame = frame[(frame["kind"] == kind) & frame["final_score"].notna()].copy()
    frame = frame.sort_values(["final_score", "body"], ascending=[False, True])
    frame["rank"] = frame["final_score"].rank(method="min", ascending=False).astype(int)
    return frame.reset_index(drop=True)


def list_lines(registry: Path) -> list[str]:
    """`python -m tracker body list`: one line per body: code, name, kind, active units, the years
    it has a plan for (after refreshing stale rollups)."""
    rollup.refresh_stale(registry)
    lines = []
    for row in db.query("city_body_list", registry).itertuples():
        units = "" if pd.isna(row.units) else int(row.units)
        state = "" if row.active else " (ngừng theo dõi)"
        plans = row.plans if isinstance(row.plans, str) and row.plans else "chưa có"
        lines.append(
            f"{row.code}\t{row.name}{state}\t{bodies.KINDS[row.kind]}\t"
            f"{units} đơn vị\tKế hoạch: {plans}"
        )
    return lines


def default_year(known: list[int], today: int) -> int:
    """The year the city's pages (and `city-item`, `city-criteria`) open on among the years
    `known` to have items: the latest not after `today`'s, else the first."""
    return max([y for y in known if y <= today] or [min(known)])


def years(registry: Path) -> list[int]:
    """The years the city's plan has a list of items for (the city pages' year selector)."""
    return [int(row[0]) for row in db.query_rows("city_item_sets", registry)]
