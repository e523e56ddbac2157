"""The reading context: the catalogues a workbook's codes are checked against.

Built once per catalogue version (a catalogue-only db.derived value, so submissions do not
rebuild it) and pickled to the isolated reader worker. It holds every plan's tasks and
criteria: a workbook is checked against the plan of its week's year, chosen once the header's
period is read (Context.for_year); tracker.store is imported only inside load(), so the worker
process, which receives a ready Context, never loads the database layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tracker import wording
from tracker.ingest.reader.cells import code_key, name_key
from tracker.text import key, nfc


@dataclass(frozen=True)
class PlanCatalogue:
    """What a workbook of one plan year is checked against: its tasks, who reports on which,
    and its criteria set."""

    task_codes: tuple[str, ...] = ()  # plan order
    unit_tasks: dict[str, dict[str, str]] = field(default_factory=dict)  # unit -> {task: role}
    criteria: dict[str, tuple[float, str, str]] = field(
        default_factory=dict
    )  # code -> (max, kind, title)
    criteria_set_id: int | None = None


NO_PLAN = PlanCatalogue()


@dataclass
class Context:
    """What a workbook is checked against: the Office's catalogues and every plan's, loaded once
    per catalogue version. `year` is the plan the workbook is read under, set once its period
    is known (for_year); a year without a plan has no task or criterion."""

    units: dict[str, str]  # code -> name (active units)
    indicators: dict[str, tuple[str, str, str]]  # code -> (name, measure, kind)
    plans: dict[int, PlanCatalogue] = field(default_factory=dict)
    model_fields: tuple[str, ...] = ()  # active "Dân vận khéo" fields, catalogue order
    year: int | None = None
    admin: str = wording.OFFICE.admin  # whom a message sends the officer to (unlock, plan)
    _unit_by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _indicator_by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _by_year: dict[int, Context] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._unit_by_key = {name_key(name): code for code, name in self.units.items()}
        self._unit_by_key.update({key(code): code for code in self.units})
        self._indicator_by_key = {code_key(code): code for code in self.indicators}
        self._by_year = {}

    def for_year(self, year: int | None) -> Context:
        """This context read under the plan of `year` (the same object for the same year)."""
        if year == self.year:
            return self
        found = self._by_year.get(year)  # type: ignore[arg-type]
        if found is None:
            found = self._by_year[year] = replace(self, year=year)  # type: ignore[index]
        return found

    @property
    def plan(self) -> PlanCatalogue:
        """The plan of `year`; before the week is known (no readable progress sheet), the
        latest plan, so the other sheets' codes are still checked."""
        if self.year is None:
            return self.plans[max(self.plans)] if self.plans else NO_PLAN
        return self.plans.get(self.year, NO_PLAN)

    @property
    def has_plan(self) -> bool:
        return self.year in self.plans

    @property
    def task_codes(self) -> tuple[str, ...]:
        return self.plan.task_codes

    @property
    def unit_tasks(self) -> dict[str, dict[str, str]]:
        return self.plan.unit_tasks

    @property
    def criteria(self) -> dict[str, tuple[float, str, str]]:
        return self.plan.criteria

    @property
    def criteria_set_id(self) -> int | None:
        return self.plan.criteria_set_id

    @classmethod
    def load(cls, path: Path | None = None) -> Context:
        """The catalogues as the reader needs them; rebuilt only after a catalogue changes."""
        from tracker.store import db  # here, not at import: the reader's worker stays light

        return db.derived("reader.context", lambda: cls._build(path), path, catalogue=True)

    @classmethod
    def _build(cls, path: Path | None) -> Context:
        from tracker.store import db

        units = db.query("reading_context_units", path=path)
        indicators = db.query("reading_context_indicators", path=path)
        model_fields = db.query("reading_context_model_fields", path=path)
        return cls(
            units=dict(zip(units["code"], units["name"], strict=True)),
            indicators={
                r.code: (r.name, nfc(r.measure), r.kind) for r in indicators.itertuples(index=False)
            },
            plans=_plans(path),
            model_fields=tuple(model_fields["name"]),
            admin=wording.of_file(path).admin,
        )

    def unit(self, value: Any) -> str | None:
        """The unit a header cell names, by code or by name (trimmed, NFC, any case)."""
        text = key(value)
        return self._unit_by_key.get(text) or self._unit_by_key.get(name_key(value))

    def task(self, value: Any) -> str | None:
        wanted = code_key(value)
        return next((c for c in self.task_codes if code_key(c) == wanted), None)

    def indicator(self, value: Any) -> str | None:
        return self._indicator_by_key.get(code_key(value))

    def criterion(self, value: Any) -> str | None:
        wanted = code_key(value)
        return next((c for c in self.criteria if code_key(c) == wanted), None)


def _plans(path: Path | None) -> dict[int, PlanCatalogue]:
    """Every plan's tasks, assignments and active criteria set."""
    from tracker.store import db

    tasks = db.query("reading_context_tasks", path=path)
    assignments = db.query("reading_context_assignments", path=path)
    out = {}
    for (year,) in db.query_rows("plan_years", path=path):
        unit_tasks: dict[str, dict[str, str]] = {}
        for row in assignments[assignments["plan_year"] == year].itertuples(index=False):
            unit_tasks.setdefault(row.unit_code, {})[row.task_code] = row.role
        criteria = db.query("criteria_active", path=path, year=year)
        set_ids = criteria["set_id"].unique().tolist()
        out[int(year)] = PlanCatalogue(
            task_codes=tuple(tasks.loc[tasks["plan_year"] == year, "code"]),
            unit_tasks=unit_tasks,
            criteria={
                r.code: (float(r.max_points), r.kind, r.title)
                for r in criteria.itertuples(index=False)
            },
            criteria_set_id=int(set_ids[0]) if set_ids else None,
        )
    return out
