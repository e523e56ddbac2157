"""Writing a plan inside a transaction: its row, its tasks and headings, its settings and its
criteria set. Used by the first load of data/ (catalogues.load_all) and by loading or copying a
year's plan (plan_loading); both validate before calling here.

Loading a plan again for a year that has reports loses nothing: a task whose code stays keeps its
history (same code, same year); a task the new list drops is deleted when nothing was reported on
it that year, and retired (kept with its history, out of the plan's lists) when something was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from tracker import settings
from tracker.catalogue import periods, plan_years, plans
from tracker.store import db, queries

TITLE = "Thực hiện công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở năm {year}"


@dataclass
class Stored:
    """What storing a plan's task list did."""

    year: int
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # dropped, but reported on: kept aside
    deleted: list[str] = field(default_factory=list)  # dropped, never reported on
    history: dict[str, str] = field(default_factory=dict)  # retired code -> units and weeks


def store_plan_row(
    tx: db.Tx,
    year: int,
    *,
    number: str | None,
    issued_on: date | None,
    by: str,
    title: str | None = None,
) -> None:
    """Insert or update the plan of `year` (a blank number or date keeps the stored one)."""
    # The issuing body: the file's (every plan of a file is its body's; a body's first plan is
    # named by tracker/city/seeding.py), else the Office's.
    tx.insert(
        "plan",
        "(year, body, number, issued_on, title, loaded_at, loaded_by) "
        "select $y, coalesce((select min(body) from plan), $b), $n, $d, $t, $at, $by "
        "on conflict (year) do update set "
        "number = coalesce(excluded.number, plan.number), "
        "issued_on = coalesce(excluded.issued_on, plan.issued_on), title = excluded.title, "
        "loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by",
        {
            "y": year,
            "b": plans.BODY,
            "n": number or None,
            "d": issued_on,
            "t": title or TITLE.format(year=year),
            "at": settings.now(),
            "by": by,
        },
    )


def store_tasks(
    tx: db.Tx, year: int, tasks: list[dict[str, Any]], groups: list[dict[str, Any]]
) -> Stored:
    """Replace the plan of `year`'s task list and headings (see the module's rule for tasks
    the new list drops)."""
    result = Stored(year)
    before = {r[0]: r[1] for r in tx.rows(_SQL_CODES, {"y": year})}
    reported = tx.rows(queries.load("plan_task_history").sql, {"year": year})
    history = {r[0]: (r[1], r[2], r[3]) for r in reported}
    codes = [t["code"] for t in tasks]
    for code in before:
        if code in codes:
            continue
        if code in history:
            units, first, last = history[code]
            result.retired.append(code)
            weeks = f"{periods.short_label(first)}–{periods.short_label(last)}"
            result.history[code] = f"{units}; {weeks}"
        else:
            result.deleted.append(code)
    result.kept = [c for c in codes if c in before]
    result.added = [c for c in codes if c not in before]
    keep = {"y": year, "keep": result.retired}
    tx.delete(
        "task",
        "where plan_year = $y and not list_contains(cast($keep as varchar[]), code)",
        keep,
    )
    tx.update(
        "task",
        "set retired = true where plan_year = $y and list_contains(cast($keep as varchar[]), code)",
        keep,
    )
    if tasks:
        frame = pd.DataFrame(tasks)
        frame.insert(0, "plan_year", year)
        frame["retired"] = False
        frame["sort_order"] = range(1, len(frame) + 1)
        tx.insert_frame("task", frame)
    # Retired tasks sort after the plan's own, in their old order.
    tx.update(
        "task",
        "set sort_order = sort_order + 100000 where plan_year = $y and retired",
        {"y": year},
    )
    tx.delete("task_group", "where plan_year = $y", {"y": year})
    if groups:
        heads = pd.DataFrame(groups)
        heads.insert(0, "plan_year", year)
        tx.insert_frame("task_group", heads)
    return result


_SQL_CODES = "select code, retired from task where plan_year = $y"


def store_settings(tx: db.Tx, year: int, values: dict[str, str], *, replace: bool = False) -> None:
    """The plan's own settings (plans.PLAN_KEYS): missing keys only, or all with replace."""
    keep_stored = "" if replace else " on conflict do nothing"
    for key, value in values.items():
        if key in plans.PLAN_KEYS:
            tx.insert(
                "plan_setting",
                f"(plan_year, key, value) values ($y, $k, $v){keep_stored}",
                {"y": year, "k": key, "v": value},
                replace=replace,
            )


def settings_for_new_plan(tx: db.Tx, year: int) -> dict[str, str]:
    """A new plan's settings: the latest earlier plan's (else the Office-wide values), its listed
    exempt weeks dropped (the working-day calendar exempts next year's Tết by itself; HCTC lists
    others for the new year). Its first reporting week is the caller's to set (plan_loading:
    asked for, else year_start.default_first_week); here it is the year's first week."""
    source = tx.scalar("select max(year) from plan where year < $y", {"y": year})
    rows = tx.rows(
        "select key, coalesce((select value from plan_setting p where p.plan_year = $s "
        "and p.key = s.key), s.value) from setting as s",
        {"s": source},
    )
    values = {key: value for key, value in rows if key in plans.PLAN_KEYS}
    values["first_week"] = f"{year}-W01"
    values["exempt_weeks"] = ""
    return values


def store_criteria_set(
    tx: db.Tx,
    year: int,
    criteria: list[dict[str, Any]],
    *,
    label: str,
    source: str,
    provisional: bool,
    by: str,
) -> int:
    """Store a new criteria set for the plan of `year` and make it that plan's active one;
    earlier sets (and the scores given under them) stay."""
    tx.update("criteria_set", "set active = false where plan_year = $y", {"y": year})
    set_id = tx.insert_row(
        "criteria_set",
        {
            "label": label,
            "source": source,
            "provisional": provisional,
            "active": True,
            "loaded_at": settings.now(),
            "loaded_by": by,
            "plan_year": year,
        },
    )
    frame = pd.DataFrame(criteria)
    frame.insert(0, "set_id", set_id)
    tx.insert_frame("criterion", frame)
    return set_id


def copy_criteria_set(tx: db.Tx, year: int, by: str) -> int:
    """Give the plan of `year` a copy of the latest earlier plan's active criteria set, when it
    has none yet (the Office replaces it when next year's official set is issued), the plan's
    year in its text moved ("… năm 2026 của đơn vị" becomes "năm 2027"); returns how many texts
    moved (0 when nothing was copied)."""
    if tx.scalar("select count(*) from criteria_set where plan_year = $y", {"y": year}):
        return 0
    found = tx.rows(
        "select id, label, provisional, plan_year from criteria_set where active "
        "and plan_year < $y order by plan_year desc limit 1",
        {"y": year},
    )
    if not found:
        return 0
    set_id, label, provisional, source = found[0]
    rows = [
        dict(zip(_CRITERION_COLUMNS, row, strict=True))
        for row in tx.rows(
            f"select {', '.join(_CRITERION_COLUMNS)} from criterion where set_id = $s "
            "order by sort_order",
            {"s": set_id},
        )
    ]
    criteria = plan_years.moved_rows(rows, plan_years.CRITERION_TEXT, source, year)
    moved = sum(
        a[c] != b[c] for a, b in zip(rows, criteria, strict=True) for c in plan_years.CRITERION_TEXT
    )
    store_criteria_set(
        tx,
        year,
        criteria,
        label=f"{label} (chép sang Kế hoạch năm {year})",
        source=f"bộ tiêu chí số {set_id}",
        provisional=bool(provisional),
        by=by,
    )
    return moved


_CRITERION_COLUMNS = (
    "code",
    "sort_order",
    "group_code",
    "group_name",
    "title",
    "max_points",
    "kind",
    "evidence_hint",
    "responsible_unit",
)
# criteria.csv: the same columns, in that order, but sort_order (a file's row order is its order).
CRITERION_FILE_COLUMNS = tuple(c for c in _CRITERION_COLUMNS if c != "sort_order")
