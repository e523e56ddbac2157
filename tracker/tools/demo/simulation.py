"""Simulated units: each task's progress week by week, what the officer writes about it, the
indicator values, the "Dân vận khéo" models and the self-scores (deterministic for a seed)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from tracker.ingest import contract
from tracker.text import fmt_date
from tracker.tools.demo.words import (
    BODY_DIFFICULTIES,
    BODY_PAUSED_RESULT,
    DIFFICULTIES,
    DOC_KINDS,
    MODELS,
    PAUSED_RESULT,
    PEOPLE,
    RESULTS,
    ROUTINE,
)

NOT_STARTED, IN_PROGRESS, DONE, PAUSED = contract.STATUSES


@dataclass
class Track:
    """One unit's progress on one task as the weeks go by."""

    task: str
    kind: str
    percent: float
    speed: float
    paused_for: int = 0
    stalled_for: int = 0
    done_evidence: str = ""

    @property
    def status(self) -> str:
        if self.paused_for > 0 and 0 < self.percent < 100:
            return PAUSED
        if self.percent >= 100:
            return DONE
        return IN_PROGRESS if self.percent > 0 else NOT_STARTED

    def step(self, rng: random.Random, week_index: int) -> float:
        """Advance one week; returns the gain (0 when stalled, paused or on hold)."""
        self.paused_for = max(0, self.paused_for - 1)
        self.stalled_for = max(0, self.stalled_for - 1)
        if self.percent >= 100 or self.paused_for or self.stalled_for:
            return 0.0
        if self.kind == "theo_yeu_cau" and self.percent == 0 and rng.random() > 0.08:
            return 0.0  # nothing to do until the request comes
        if rng.random() < 0.06:
            self.stalled_for = rng.randint(2, 5)
            return 0.0
        if week_index > 3 and 10 < self.percent < 90 and rng.random() < 0.012:
            self.paused_for = rng.randint(2, 4)
            return 0.0
        gain = max(0.0, rng.gauss(self.speed, self.speed * 0.6))
        # Officers mostly write whole numbers, sometimes a half (45,5).
        gain = round(gain * 2) / 2 if rng.random() < 0.25 else float(round(gain))
        self.percent = min(100.0, self.percent + gain)
        return gain


@dataclass
class UnitSim:
    """One sample unit: its habits, people, tasks and models."""

    code: str
    rng: random.Random
    tasks: list[Track]
    miss_rate: float
    late_rate: float
    quality: float
    reporter: str
    phone: str
    models: list[dict[str, str]] = field(default_factory=list)
    model_weeks: dict[int, int] = field(default_factory=dict)  # week index -> models to add
    difficulty_weeks: set[int] = field(default_factory=set)
    late_count: int = 0
    has_scored: bool = False
    forced: dict[int, str] = field(default_factory=dict)  # week index -> 'missing' | 'late'
    office: bool = True  # the Office's unit (else another body's: its sentences name its own)

    def speaks_as_body(self) -> None:
        self.office = False


def new_unit(code: str, assigned: pd.DataFrame, rng: random.Random, n_weeks: int) -> UnitSim:
    profile = rng.choice(((0.02, 0.05), (0.04, 0.12), (0.08, 0.25)))
    tasks = [
        Track(
            task=t.code,
            kind=t.kind,
            percent=0.0 if t.kind == "theo_yeu_cau" else float(rng.choice((0, 0, 5, 10, 15))),
            speed=rng.uniform(1.2, 3.4),
        )
        for t in assigned.itertuples()
    ]
    unit = UnitSim(
        code=code,
        rng=rng,
        tasks=tasks,
        miss_rate=profile[0],
        late_rate=profile[1],
        quality=rng.uniform(0.7, 0.97),
        reporter=rng.choice(PEOPLE),
        phone=f"0{rng.choice((29, 90, 91, 93, 94))}{rng.randint(1000000, 9999999)}",
    )
    if rng.random() < 0.7 and n_weeks > 2:
        for _ in range(rng.randint(1, 2)):
            week = rng.randint(1, min(n_weeks - 1, 8))
            unit.model_weeks[week] = unit.model_weeks.get(week, 0) + 1
    return unit


def doc(rng: random.Random, unit: str, day: date, kinds: tuple = DOC_KINDS) -> str:
    kind, abbr = rng.choice(kinds)
    return f"{kind} số {rng.randint(5, 180)}/{abbr}-{unit} ngày {fmt_date(day)}"


@dataclass
class WeekRow:
    task: str
    status: str
    percent: float
    result: str = ""
    evidence: str = ""
    difficulty: str = ""
    proposal: str = ""


def progress_rows(unit: UnitSim, week_index: int, monday: date) -> list[WeekRow]:
    """Advance every task one week and write what the officer would write."""
    rng = unit.rng
    out = []
    # A planted difficulty goes to one task chosen at random that week.
    raised = rng.randrange(len(unit.tasks)) if week_index in unit.difficulty_weeks else -1
    for i, track in enumerate(unit.tasks):
        gain = track.step(rng, week_index)
        row = WeekRow(track.task, track.status, track.percent)
        if gain > 0:
            row.result = rng.choice(RESULTS.get(track.task, (ROUTINE,)))
            if rng.random() < 0.35:
                row.evidence = doc(rng, unit.code, monday + timedelta(days=rng.randint(0, 3)))
        elif track.status == IN_PROGRESS and rng.random() < 0.3:
            row.result = ROUTINE
        if track.status == DONE:
            if not track.done_evidence:
                track.done_evidence = doc(
                    rng, unit.code, monday + timedelta(days=rng.randint(0, 3)), DOC_KINDS[:2]
                )
            row.evidence = track.done_evidence
            row.result = row.result or "Đã hoàn thành nhiệm vụ"
        if track.status == PAUSED:
            row.result = PAUSED_RESULT if unit.office else BODY_PAUSED_RESULT
        if i == raised or (track.stalled_for and rng.random() < 0.05):
            row.difficulty, row.proposal = rng.choice(
                DIFFICULTIES if unit.office else BODY_DIFFICULTIES
            )
        out.append(row)
    return out


def indicator_values(unit: UnitSim) -> dict[str, float]:
    """This week's indicator values (flows) and the current number of models (stock)."""
    rng = unit.rng
    big = unit.code == "BTCD"
    service = unit.code == "TTPVHCC"
    received = (
        rng.randint(6, 22) if big else rng.randint(1, 8) if service else rng.choice((0, 0, 1))
    )
    return {
        "TCD_LUOT": rng.randint(12, 40) if big else rng.randint(0, 4) if service else 0,
        "DOI_THOAI": rng.choice((0, 1, 1, 2)) if big else rng.choice((0,) * 9 + (1,)),
        "DON_TIEP_NHAN": received,
        "DON_GIAI_QUYET": max(0, received - rng.randint(0, 3)),
        "QUAN_TRIET": 1 if rng.random() < 0.1 else 0,
        "TAP_HUAN": rng.randint(5, 40) if rng.random() < 0.08 else 0,
        "VAN_BAN": rng.choice((0, 0, 0, 1, 1, 2)),
        "MO_HINH": len(unit.models),
    }


def update_models(unit: UnitSim, week_index: int, monday: date) -> None:
    """Register new models and move existing ones along Đăng ký → … → Nhân rộng."""
    rng = unit.rng
    for _ in range(unit.model_weeks.get(week_index, 0)):
        name, domain = rng.choice(
            [m for m in MODELS if m[0] not in {x["name"] for x in unit.models}]
        )
        unit.models.append(
            {
                "name": name,
                "field": domain,
                "content": f"Đơn vị {unit.code} tổ chức thực hiện, phân công công chức phụ trách, "
                "đánh giá hằng tháng",
                "timeframe": f"Từ tháng {monday.month}/{monday.year}",
                "outcome": "",
                "status": contract.MODEL_STATUSES[0],
            }
        )
    for model in unit.models:
        stage = contract.MODEL_STATUSES.index(model["status"])
        if stage == 0 and rng.random() < 0.3:
            model["status"] = contract.MODEL_STATUSES[1]
        elif stage == 1 and week_index > 20 and rng.random() < 0.04:
            model["status"] = contract.MODEL_STATUSES[2]
        elif stage == 2 and rng.random() < 0.02:
            model["status"] = contract.MODEL_STATUSES[3]
        if stage >= 1 and rng.random() < 0.2:
            model["outcome"] = (
                f"Đến {fmt_date(monday)}: {rng.randint(20, 400)} lượt người dân được hỗ trợ"
            )


def score_values(unit: UnitSim, criteria: pd.DataFrame, monday: date) -> dict[str, dict]:
    """A self-score sheet: per criterion, not applicable / score / evidence / explanation."""
    rng = unit.rng
    out = {}
    for c in criteria.itertuples():
        entry: dict = {"not_applicable": False, "score": None, "evidence": "", "explanation": ""}
        if c.code == "D2" and unit.code not in ("TTPVHCC", "KSTT"):
            entry["not_applicable"] = True
        elif c.kind == "ordinary":
            score = round(min(1.0, rng.gauss(unit.quality, 0.08)) * c.max_points * 2) / 2
            entry["score"] = max(0.0, score)
            if rng.random() < 0.85:
                entry["evidence"] = doc(rng, unit.code, monday - timedelta(days=rng.randint(5, 60)))
            else:
                entry["explanation"] = "Hồ sơ lưu tại đơn vị, sẽ bổ sung khi thẩm định"
        elif c.kind == "bonus" and rng.random() < 0.2:
            entry["score"] = float(rng.randint(1, 3))
            entry["evidence"] = f"Quyết định khen thưởng số {rng.randint(100, 999)}/QĐ-UBND"
        elif c.code == "P1" and unit.late_count:
            entry["score"] = -float(min(unit.late_count, c.max_points))
            entry["explanation"] = f"Trễ hạn báo cáo {unit.late_count} lần"
        if (
            entry["score"] is not None
            and entry["score"] > 0
            and entry["evidence"] == "" == entry["explanation"]
        ):
            entry["explanation"] = "Đã thực hiện"
        out[c.code] = entry
    return out
