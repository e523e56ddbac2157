"""The reading context: the catalogues a workbook's codes are checked against.

Loaded once per catalogue version (db.catalogue_version) and pickled to the isolated reader
worker; tracker.store is imported only inside load(), so the worker process, which receives a
ready Context, never loads the database layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.ingest.reader.cells import code_key, name_key
from tracker.text import key, nfc


@dataclass
class Context:
    """What a workbook is checked against: the catalogues, loaded once per import batch."""

    units: dict[str, str]  # code -> name (active units)
    unit_tasks: dict[str, dict[str, str]]  # unit code -> {task code: role}
    task_codes: list[str]  # plan order
    indicators: dict[str, tuple[str, str, str]]  # code -> (name, measure, kind)
    criteria: dict[str, tuple[float, str, str]]  # code -> (max_points, kind, title)
    criteria_set_id: int | None = None
    model_fields: tuple[str, ...] = ()  # active "Dân vận khéo" fields, catalogue order
    _unit_by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _task_by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _indicator_by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _criterion_by_key: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._unit_by_key = {name_key(name): code for code, name in self.units.items()}
        self._unit_by_key.update({key(code): code for code in self.units})
        self._task_by_key = {code_key(code): code for code in self.task_codes}
        self._indicator_by_key = {code_key(code): code for code in self.indicators}
        self._criterion_by_key = {code_key(code): code for code in self.criteria}

    @classmethod
    def load(cls, path: Path | None = None) -> Context:
        """The catalogues as the reader needs them; rebuilt only after a catalogue changes."""
        from tracker.store import db  # here, not at import: the reader's worker stays light

        version = db.catalogue_version(path)
        context = _CONTEXTS.get(version)
        if context is None:
            if len(_CONTEXTS) > 8:
                _CONTEXTS.clear()
            context = _CONTEXTS[version] = cls._build(path)
        return context

    @classmethod
    def _build(cls, path: Path | None) -> Context:
        from tracker.store import db

        units = db.query("reading_context_units", path=path)
        tasks = db.query("reading_context_tasks", path=path)
        assignments = db.query("reading_context_assignments", path=path)
        indicators = db.query("reading_context_indicators", path=path)
        criteria = db.query("criteria_active", path=path)
        model_fields = db.query("reading_context_model_fields", path=path)
        unit_tasks: dict[str, dict[str, str]] = {code: {} for code in units["code"]}
        for row in assignments.itertuples(index=False):
            unit_tasks.setdefault(row.unit_code, {})[row.task_code] = row.role
        set_ids = criteria["set_id"].unique().tolist()
        return cls(
            units=dict(zip(units["code"], units["name"], strict=True)),
            unit_tasks=unit_tasks,
            task_codes=list(tasks["code"]),
            indicators={
                r.code: (r.name, nfc(r.measure), r.kind) for r in indicators.itertuples(index=False)
            },
            criteria={
                r.code: (float(r.max_points), r.kind, r.title)
                for r in criteria.itertuples(index=False)
            },
            criteria_set_id=int(set_ids[0]) if set_ids else None,
            model_fields=tuple(model_fields["name"]),
        )

    def unit(self, value: Any) -> str | None:
        """The unit a header cell names, by code or by name (trimmed, NFC, any case)."""
        text = key(value)
        return self._unit_by_key.get(text) or self._unit_by_key.get(name_key(value))

    def task(self, value: Any) -> str | None:
        return self._task_by_key.get(code_key(value))

    def indicator(self, value: Any) -> str | None:
        return self._indicator_by_key.get(code_key(value))

    def criterion(self, value: Any) -> str | None:
        return self._criterion_by_key.get(code_key(value))


_CONTEXTS: dict[tuple[str, int], Context] = {}
