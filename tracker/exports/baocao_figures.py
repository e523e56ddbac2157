"""Every figure of one Báo cáo, read once as of its data week (PRODUCT.md §8, issue 33).

The body (baocao_text.py), its Phụ lục I (baocao_annex.py) and the annex workbook (report.py)
print these values and nothing else, so a number that appears twice is the same number. Each
comes from the query the pages and the exports use, as of the period's data week W (the week
Bảng 1 uses): task_completion and plan_completion (W), unit_task_progress (W), unit_scores as of
W (each unit's latest sheet up to W, reviews recorded by the end of W), models_register as of W,
difficulty_accounting (W: raised, handled, no longer raised, open, with marks made by the end of
W), indicator_totals, report_results and report_evidence over the period's dates up to W, and the
reporting record of the period's weeks. Nothing here reads the clock: a report on a past period
is the same whenever it is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from tracker.catalogue import issuer, periods, plan, plans
from tracker.exports import baocao_results as said
from tracker.exports.tables import indicator_totals
from tracker.metrics import difficulties, models_register, reporting, scoring, year_over_year
from tracker.store import db


@dataclass(frozen=True)
class Period:
    """The report's dates, its name in the trích yếu and the week the figures are as of.

    `end` is where the data stop: the period's own end, or, for a period that has not ended,
    the Sunday of the latest week whose reporting deadline has passed (`period_end` then keeps
    the period's own end). A week still being reported is never presented as data."""

    start: date
    end: date
    title: str
    period_end: date | None = None

    @property
    def cut(self) -> bool:
        """Whether the data stop before the period ends."""
        return self.period_end is not None and self.period_end > self.end

    @property
    def week(self) -> str:
        return periods.as_of_week(self.end)

    @property
    def first_week(self) -> str:
        """The first ISO week whose Thursday falls in the period."""
        return periods.week_id(self.start + timedelta(days=3))

    @property
    def dates(self) -> str:
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"


@dataclass(frozen=True)
class Figures:
    """What one Báo cáo says, as data (no sentences)."""

    p: Period
    year: int
    plan: plans.Plan | None
    first_reporting_week: str  # the plan's first week that expects reports
    first_deadline: datetime  # that week's reporting deadline
    started: bool  # a week that expects reports has closed by the data week
    tasks: pd.DataFrame  # task_completion as of W, plan order
    plan_completion: float
    asked: pd.DataFrame  # the period's weeks (up to W) that expected reports, with their rates
    late: pd.DataFrame  # units late or missing over those weeks, most weeks first
    unit_progress: pd.DataFrame  # unit_task_progress as of W
    results: pd.DataFrame  # report_results over the period's dates up to W
    documents: dict[str, dict[str, list[str]]]  # task -> document -> units citing it
    indicators: pd.DataFrame  # indicator_totals over the period's dates up to W
    models: pd.DataFrame  # the Dân vận khéo register as of W
    difficulties: pd.DataFrame  # difficulty_accounting as of W
    scores: pd.DataFrame  # unit_scores as of W (units and the VP row)
    active_units: int
    provisional: bool  # the criteria set in force at W is the provisional one
    criteria_label: str
    comparison: year_over_year.Comparison | None  # last year at the same week
    grades: list[str]  # the plan's grade bands, highest first
    issuer: issuer.Issuer  # the body that issues the Báo cáo (its header, name and signer)

    @property
    def week(self) -> str:
        return self.p.week

    @property
    def still_open(self) -> pd.DataFrame:
        """The difficulties still open at the end of W (Phụ lục III's 'Chưa xử lý' rows)."""
        return self.difficulties[self.difficulties["state"] == difficulties.OPEN]

    @property
    def unit_scores(self) -> pd.DataFrame:
        return self.scores[self.scores["unit_code"] != scoring.VP]

    @property
    def vp_score(self) -> pd.Series | None:
        vp = self.scores[self.scores["unit_code"] == scoring.VP]
        return None if vp.empty else vp.iloc[0]


def accounting(df: pd.DataFrame) -> dict[str, int]:
    """Raised = handled + no longer raised + still open, as counts (every state, zeros too)."""
    counts = {state: int((df["state"] == state).sum()) for state in difficulties.STATES}
    return {"raised": len(df), **counts}


def _late_units(p: Period, path: Path | None) -> pd.DataFrame:
    """Every unit late or missing at least once over the period's weeks, most weeks first."""
    if p.first_week > p.week:
        return pd.DataFrame(columns=["unit_name", "late", "missing"])
    df = db.query("unit_reporting_counts", path=path, first_week=p.first_week, week=p.week)
    return df[(df["late"] + df["missing"]) > 0].reset_index(drop=True)


def _asked(p: Period, path: Path | None) -> pd.DataFrame:
    if p.first_week > p.week:
        return pd.DataFrame(columns=["period", "reporting_rate", "on_time_rate", "expected"])
    trend = reporting.trend(p.week, p.first_week, path)
    return trend[trend["expected"]].reset_index(drop=True)


def _criteria(scores: pd.DataFrame) -> tuple[bool, str]:
    """Whether the criteria set the scores stand under is provisional, and its name: the VP
    row's set, the one in force at the end of W (no VP row: nobody has scored, nothing to say)."""
    vp = scores[scores["unit_code"] == scoring.VP]
    if vp.empty:
        return False, ""
    return bool(vp.iloc[0]["provisional"]), str(vp.iloc[0]["set_label"])


def gather(p: Period, path: Path | None = None) -> Figures:
    """Every figure of the Báo cáo of period `p`, as of its data week."""
    week, year = p.week, plans.of_week(p.week)
    first_reporting = plans.first_week(year, path) if plans.exists(year, path) else week
    started = bool(reporting.trend(week, None, path)["expected"].any())
    plan_row = db.query("plan_completion", path=path, week=week)
    scores = scoring.scores_table(year, path, week)
    provisional, label = _criteria(scores)
    return Figures(
        p=p,
        year=year,
        plan=plans.get(year, path),
        first_reporting_week=first_reporting,
        first_deadline=reporting.deadline(first_reporting, path),
        started=started,
        tasks=db.query("task_completion", path=path, week=week),
        plan_completion=float(plan_row["plan_completion"].fillna(0).iloc[0]),
        asked=_asked(p, path),
        late=_late_units(p, path),
        unit_progress=db.query("unit_task_progress", path=path, week=week),
        results=db.query("report_results", path=path, date_from=p.start, date_to=p.end),
        documents=said.split_documents(
            db.query("report_evidence", path=path, date_from=p.start, date_to=p.end)
        ),
        indicators=indicator_totals(p.start, p.end, path),
        models=models_register.register(path, year=year, week=week),
        difficulties=db.query("difficulty_accounting", path=path, week=week),
        scores=scores,
        active_units=len(plan.units(path)),
        provisional=provisional,
        criteria_label=label,
        comparison=year_over_year.compare(week, path),
        grades=scoring.grade_bands(year, path)["grade"].tolist(),
        issuer=issuer.of(path),
    )
