"""Self-scoring totals, reviews (điểm thẩm định), the Office's assessment (VP) and score exports.

Every total, grade and rank is computed in SQL (queries/rules.sql and queries/unit_scores.sql,
criterion_scores.sql, vp_assessment.sql); this module fetches, writes reviews, and formats.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import roles, settings
from tracker.catalogue import catalogues, periods, plans
from tracker.csvsafe import frame_csv
from tracker.csvsafe import neutralise as neutralise  # re-exported: part of this API
from tracker.metrics import cache, reporting
from tracker.roles import User
from tracker.store import audit, db, queries
from tracker.text import fmt_number, is_missing, nfc

VP = catalogues.GENERAL_UNIT  # the body's own assessment, as a unit code of the scores
# P1 "Báo cáo trễ hạn hoặc không báo cáo (mỗi lần −1)" (data/criteria.csv): its deduction
# follows from the reporting record, one point per late or missing week.
LATE_CRITERION = "P1"
LATE_POINTS = 1.0
VP_NAME = "Văn phòng UBND thành phố (đánh giá chung)"
SCORES_CSV_COLUMNS = (
    "Mã đơn vị",
    "Đơn vị",
    "Năm",
    "Điểm tự chấm",
    "Điểm thẩm định",
    "Điểm cuối cùng",
    "Xếp loại",
    "Hạng",
    "Bộ tiêu chí",  # the set's name, so a provisional set shows in the file (PRODUCT.md §8)
)


def grade_bands(year: int, path: Path | None = None) -> pd.DataFrame:
    """The grade bands of the plan of `year`, highest first (grade, threshold)."""
    return db.query("grade_bands", path=path, year=int(year))


class ScoringError(ValueError):
    """A review or adjustment that cannot be stored; the message is Vietnamese."""


# ---------------------------------------------------------------------------------------------
# Reading


def years(path: Path | None = None) -> list[int]:
    """Years with standing score sheets, plus every plan's year; newest first."""
    found = {r[0] for r in db.cached_rows("score_years", path=path)}
    return sorted(found | set(plans.years(path)), reverse=True)


def scores_table(year: int, path: Path | None = None, week: str | None = None) -> pd.DataFrame:
    """One row per unit with scores in `year` plus the 'VP' row (see queries/unit_scores.sql);
    as of ISO `week` of that year when given (sheets up to it, reviews recorded by its end)."""
    return db.query("unit_scores", path=path, year=int(year), week=week)


def last_year_beside(year: int, path: Path | None = None) -> pd.DataFrame:
    """Each unit of `year`'s scores with last year's final total, grade and rank beside, and the
    change of the final total (year over year); empty when last year has no scores.

    Columns: unit_code, last_final, last_grade, last_rank, change."""
    before = scores_table(int(year) - 1, path)
    before = before[before["unit_code"] != VP]
    if before.empty:
        return pd.DataFrame(
            columns=["unit_code", "last_final", "last_grade", "last_rank", "change"]
        )
    now = scores_table(int(year), path)[["unit_code", "final_total"]]
    out = now.merge(
        before[["unit_code", "final_total", "grade", "rank"]].rename(
            columns={"final_total": "last_final", "grade": "last_grade", "rank": "last_rank"}
        ),
        on="unit_code",
        how="left",
    )
    out["change"] = out["final_total"] - out["last_final"]
    return out[["unit_code", "last_final", "last_grade", "last_rank", "change"]]


def unit_total(unit_code: str, year: int, path: Path | None = None) -> dict[str, Any] | None:
    """A unit's (or 'VP''s) totals for a year, or None when it has no standing score sheet.

    Keys: unit_code, unit_name, year, self_total, reviewed_total (None without a review),
    final_total, grade, rank (None when not ranked), applicable_points, next_grade, gap_to_next,
    missing_evidence, reviewed_count, set_id, set_label, provisional, period.
    """
    df, rows = _totals(year, path)
    found = rows.get(unit_code)
    if found is None:
        return None
    row = df.iloc[found]
    out = {k: _plain(row[k]) for k in df.columns if k != "uploaded_at"}
    out["rank"] = None if out["rank"] is None else int(out["rank"])
    return out


def _totals(year: int, path: Path | None) -> tuple[pd.DataFrame, dict[str, int]]:
    """The year's totals and each unit code's row in them, once per data version: a page asks
    for a unit's totals every run, and a copy of 4,000 units' table each time was most of it."""

    def build() -> tuple[pd.DataFrame, dict[str, int]]:
        df = scores_table(year, path)
        return df, {code: i for i, code in enumerate(df["unit_code"])}

    return cache.derived("scoring.totals", build, path, int(year))


def criterion_lines(
    year: int, unit_code: str | None = None, path: Path | None = None
) -> pd.DataFrame:
    """Criterion × unit lines (self, reviewed, final, evidence); one unit when given."""
    df = db.query("criterion_scores", path=path, year=int(year))
    if unit_code is not None:
        df = df[df["unit_code"] == unit_code].reset_index(drop=True)
    return df


def vp_lines(year: int, path: Path | None = None) -> pd.DataFrame:
    """The Office's assessment per criterion of the active set (queries/vp_assessment.sql)."""
    return db.query("vp_assessment", path=path, year=int(year))


def late_record(year: int, path: Path | None = None) -> pd.DataFrame:
    """Per active unit, the reporting weeks of `year` whose deadline has passed that it reported
    late or not at all (the "Sổ theo dõi" behind P1), and the P1 deduction they imply under the
    criterion's rule, one point a week up to the criterion's maximum (≤ 0; 0 without P1).
    Only weeks of the plan of `year` count: viewed in the next year, its last week; before the
    plan's first deadline, none (`first` > `through`).

    Columns: unit_code, expected_weeks, late, missing, first and through (the weeks counted),
    late_weeks and missing_weeks (the week ids, in order), implied.
    Built once per data version and closing week, shared by every caller: read, never change.
    """
    first = max(plans.first_week(int(year), path), f"{int(year)}-W01")
    through = min(_last_closed_week(path), plans.last_week(int(year)))
    return cache.derived(
        "scoring.late_record",
        lambda: _late_record(int(year), first, through, path),
        path,
        int(year),
        first,
        through,
    )


def _late_record(year: int, first: str, through: str, path: Path | None) -> pd.DataFrame:
    df = db.query("unit_reporting_counts", path=path, first_week=first, week=through)
    lapses = (
        db.query("unit_reporting_lapses", path=path, first_week=first, week=through)
        if first <= through
        else pd.DataFrame(columns=["unit_code", "period", "lapse"])
    )
    weeks = {
        kind: lapses[lapses["lapse"] == kind].groupby("unit_code")["period"].agg(list)
        for kind in ("late", "missing")
    }
    times = (df["late"] + df["missing"]).astype("float64")  # none when first > through
    implied = 0.0 - (times * LATE_POINTS).clip(upper=_late_maximum(year, path))  # never −0.0
    return df.assign(
        first=first,
        through=through,
        late_weeks=[weeks["late"].get(u, []) for u in df["unit_code"]],
        missing_weeks=[weeks["missing"].get(u, []) for u in df["unit_code"]],
        implied=implied,
    )[
        [
            "unit_code",
            "expected_weeks",
            "late",
            "missing",
            "first",
            "through",
            "late_weeks",
            "missing_weeks",
            "implied",
        ]
    ]


def _last_closed_week(path: Path | None) -> str:
    """This week if its deadline has passed, else the week before."""
    now = settings.now()
    week = periods.week_id(now.date())
    return week if reporting.deadline(week, path) <= now else periods.shift(week, -1)


def _late_maximum(year: int, path: Path | None) -> float:
    """P1's maximum deduction in the year's active set (0 when the set has no such penalty)."""
    active = db.query("criteria_active", path=path, year=year)
    found = active[(active["code"] == LATE_CRITERION) & (active["kind"] == "penalty")]
    return float(found["max_points"].iloc[0]) if len(found) else 0.0


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# ---------------------------------------------------------------------------------------------
# Reviews and the VP adjustment


def _bounded(code: str, kind: str, maximum: float, score: float | None) -> float | None:
    """The score as stored (None = not applicable); a positive penalty means points deducted."""
    if score is None:
        return None
    try:
        score = float(score)
    except (TypeError, ValueError):
        raise ScoringError(f"Điểm của tiêu chí {code} phải là một số.") from None
    if not math.isfinite(score):
        raise ScoringError(f"Điểm của tiêu chí {code} phải là một số.")
    if kind == "penalty" and score > 0:
        score = -score  # the same reading rule as the workbook: "3" in a penalty row means −3
    low, high = (-maximum, 0.0) if kind == "penalty" else (0.0, maximum)
    if not low - 1e-9 <= score <= high + 1e-9:
        raise ScoringError(
            f"Điểm {fmt_number(score, 2)} của tiêu chí {code} nằm ngoài khoảng cho phép "
            f"[{fmt_number(low, 1)}; {fmt_number(high, 1)}]."
        )
    return score


def _comment(comment: str) -> str:
    text = nfc(comment)
    if not text:
        raise ScoringError("Cần ghi nhận xét (lý do) cho điểm thẩm định.")
    return text


def _store_review(
    user: User,
    action: str,
    target: dict[str, Any],
    score: float | None,
    comment: str,
    base: dict[str, Any],
    path: Path | None,
) -> None:
    """Upsert one review_score row and audit it with the values before and after."""
    key = {k: target[k] for k in ("set_id", "year", "unit_code", "criterion_code")}
    where = (
        "set_id = $set_id and year = $year and unit_code = $unit_code "
        "and criterion_code = $criterion_code"
    )
    with db.transaction(path) as tx:
        old = tx.rows(queries.load("review_score_row").sql, key)
        tx.delete("review_score", f"where {where}", key)
        tx.insert(
            "review_score",
            "values ($set_id, $year, $unit_code, $criterion_code, $score, $comment, $by, $at)",
            {**key, "score": score, "comment": comment, "by": user.username, "at": settings.now()},
        )
        before = (
            {"score": old[0][0], "comment": old[0][1], "reviewed_by": old[0][2]}
            if old
            else {"reviewed": False, **base}
        )
        audit.record(
            action,
            username=user.username,
            role=user.role,
            target="/".join(str(key[k]) for k in ("unit_code", "year", "criterion_code")),
            detail={"set_id": key["set_id"]},
            before=before,
            after={"score": score, "not_applicable": score is None, "comment": comment},
            tx=tx,
        )


def _unit_line(unit_code: str, year: int, criterion_code: str, path: Path | None) -> dict:
    found = db.query_rows(
        "unit_score_line", path, unit=unit_code, year=int(year), criterion=criterion_code
    )
    if not found:
        if not db.query_rows("unit_score_line_count", path, unit=unit_code, year=int(year))[0][0]:
            raise ScoringError(f"Đơn vị {unit_code} chưa có bảng tự chấm điểm năm {year}.")
        raise ScoringError(
            f"Tiêu chí {criterion_code} không có trong bộ tiêu chí mà đơn vị {unit_code} đã chấm."
        )
    set_id, kind, maximum, na, score = found[0]
    return {"set_id": set_id, "kind": kind, "max": maximum, "self_na": na, "self_score": score}


def set_review(
    user: User,
    unit_code: str,
    year: int,
    criterion_code: str,
    score: float | None,
    comment: str,
    *,
    path: Path | None = None,
) -> None:
    """Store the reviewed score (điểm thẩm định) of one criterion for a unit and year.

    `score` None records that the reviewer judges the criterion not applicable. The score is
    checked against the criterion of the set the unit scored under; audited with before/after.
    """
    roles.require(user, "review")
    if unit_code == VP:
        raise ScoringError("Điều chỉnh đánh giá chung của Văn phòng dùng chức năng riêng.")
    line = _unit_line(unit_code, year, criterion_code, path)
    stored = _bounded(criterion_code, line["kind"], line["max"], score)
    target = {
        "set_id": line["set_id"],
        "year": int(year),
        "unit_code": unit_code,
        "criterion_code": criterion_code,
    }
    base = {"self_score": line["self_score"], "self_na": line["self_na"]}
    _store_review(user, "score_review", target, stored, _comment(comment), base, path)


def _clear(user: User, action: str, target: dict[str, Any], path: Path | None) -> bool:
    where = (
        "set_id = $set_id and year = $year and unit_code = $unit_code "
        "and criterion_code = $criterion_code"
    )
    with db.transaction(path) as tx:
        old = tx.rows(queries.load("review_score_row").sql, target)
        if not old:
            return False
        tx.delete("review_score", f"where {where}", target)
        audit.record(
            action,
            username=user.username,
            role=user.role,
            target=f"{target['unit_code']}/{target['year']}/{target['criterion_code']}",
            detail={"set_id": target["set_id"]},
            before={"score": old[0][0], "comment": old[0][1]},
            after=None,
            tx=tx,
        )
    return True


def clear_review(
    user: User, unit_code: str, year: int, criterion_code: str, *, path: Path | None = None
) -> bool:
    """Remove a reviewed score (the unit's own score counts again); False when there was none."""
    roles.require(user, "review")
    line = _unit_line(unit_code, year, criterion_code, path)
    target = {
        "set_id": line["set_id"],
        "year": int(year),
        "unit_code": unit_code,
        "criterion_code": criterion_code,
    }
    return _clear(user, "score_review_clear", target, path)


def _active_criterion(year: int, criterion_code: str, path: Path | None) -> tuple[int, str, float]:
    found = db.query_rows("active_criterion", path, year=int(year), criterion=criterion_code)
    if not found:
        raise ScoringError(f"Tiêu chí {criterion_code} không có trong bộ tiêu chí đang áp dụng.")
    return found[0]


def set_vp_adjustment(
    user: User,
    year: int,
    criterion_code: str,
    score: float | None,
    comment: str,
    *,
    path: Path | None = None,
) -> None:
    """HCTC's adjustment of the Office's assessment for one criterion (None = not applicable)."""
    roles.require(user, "review")
    set_id, kind, maximum = _active_criterion(year, criterion_code, path)
    stored = _bounded(criterion_code, kind, maximum, score)
    base_rows = db.query_rows("vp_base_line", path, year=int(year), criterion=criterion_code)
    base = (
        {"self_na": base_rows[0][0], "self_score": base_rows[0][1], "source": base_rows[0][2]}
        if base_rows
        else {}
    )
    target = {
        "set_id": set_id,
        "year": int(year),
        "unit_code": VP,
        "criterion_code": criterion_code,
    }
    _store_review(user, "vp_adjustment", target, stored, _comment(comment), base, path)


def clear_vp_adjustment(
    user: User, year: int, criterion_code: str, *, path: Path | None = None
) -> bool:
    roles.require(user, "review")
    set_id, _, _ = _active_criterion(year, criterion_code, path)
    target = {
        "set_id": set_id,
        "year": int(year),
        "unit_code": VP,
        "criterion_code": criterion_code,
    }
    return _clear(user, "vp_adjustment_clear", target, path)


# ---------------------------------------------------------------------------------------------
# Exports


def scores_frame(year: int, path: Path | None = None, week: str | None = None) -> pd.DataFrame:
    """The scores export as a table: units by rank, then the VP row (full precision); as of
    ISO `week` of `year` when given (scores_table)."""
    return frame_of(scores_table(year, path, week))


def frame_of(t: pd.DataFrame) -> pd.DataFrame:
    """A scores table (`scores_table()`) as the scores export's: units by rank, then the VP row."""
    t = pd.concat([t[t["unit_code"] != VP], t[t["unit_code"] == VP]], ignore_index=True)
    return pd.DataFrame(
        {
            "Mã đơn vị": t["unit_code"],
            "Đơn vị": t["unit_name"],
            "Năm": t["year"].astype("int64"),
            "Điểm tự chấm": t["self_total"].astype("float64"),
            "Điểm thẩm định": t["reviewed_total"].astype("float64"),
            "Điểm cuối cùng": t["final_total"].astype("float64"),
            "Xếp loại": t["grade"],
            "Hạng": t["rank"].astype("Int64"),
            "Bộ tiêu chí": [
                _set_name(label, provisional)
                for label, provisional in zip(t["set_label"], t["provisional"], strict=True)
            ],
        },
        columns=list(SCORES_CSV_COLUMNS),
    )


def _set_name(label: Any, provisional: Any) -> str:
    """The criteria set's name for the scores CSV; a provisional set always reads as such."""
    name = "" if is_missing(label) else str(label)
    if not is_missing(provisional) and bool(provisional) and "tạm thời" not in name.casefold():
        name = f"{name} (tạm thời)".strip()
    return name


def scores_csv(week: str, path: Path | None = None, *, as_of: bool = False) -> bytes:
    """The scores CSV for the year of `week` (PRODUCT.md §8); with `as_of`, the scores as of
    `week` itself (the export of a week, the figures of the Báo cáo of that week)."""
    year, _ = periods.parse_week_id(week)
    return frame_csv(scores_frame(year, path, week if as_of else None), float_format="%.1f")
