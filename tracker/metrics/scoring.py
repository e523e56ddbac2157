"""Self-scoring totals, reviews (điểm thẩm định), the Office's assessment (VP) and score exports.

Every total, grade and rank is computed in SQL (migration 002 and queries/unit_scores.sql,
criterion_scores.sql, vp_assessment.sql); this module fetches, writes reviews, and formats.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import settings
from tracker.accounts import auth
from tracker.accounts.auth import User
from tracker.catalogue import catalogues, periods
from tracker.exports.csvsafe import frame_csv
from tracker.exports.csvsafe import neutralise as neutralise  # re-exported: part of this API
from tracker.metrics import models_register
from tracker.store import audit, db
from tracker.text import fmt_number, nfc

VP = "VP"
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
)
MODELS_CSV_COLUMNS = (
    "Mã đơn vị",
    "Đơn vị",
    "Tên mô hình",
    "Lĩnh vực",
    "Nội dung, cách thức thực hiện",
    "Thời gian thực hiện",
    "Sản phẩm, kết quả",
    "Trạng thái",
    "Đăng ký từ tuần",
    "Kỳ báo cáo",
)


class ScoringError(ValueError):
    """A review or adjustment that cannot be stored; the message is Vietnamese."""


# ---------------------------------------------------------------------------------------------
# Reading


def plan_year(path: Path | None = None) -> int:
    return int(catalogues.setting("year", path))


def years(path: Path | None = None) -> list[int]:
    """Years with standing score sheets, plus the plan's year; newest first."""
    found = {r[0] for r in db.rows("select distinct year from score_line", path=path)}
    return sorted(found | {plan_year(path)}, reverse=True)


def scores_table(year: int, path: Path | None = None) -> pd.DataFrame:
    """One row per unit with scores in `year` plus the 'VP' row (see queries/unit_scores.sql)."""
    return db.query("unit_scores", path=path, year=int(year))


def unit_total(unit_code: str, year: int, path: Path | None = None) -> dict[str, Any] | None:
    """A unit's (or 'VP''s) totals for a year, or None when it has no standing score sheet.

    Keys: unit_code, unit_name, year, self_total, reviewed_total (None without a review),
    final_total, grade, rank (None when not ranked), applicable_points, next_grade, gap_to_next,
    missing_evidence, reviewed_count, set_id, set_label, provisional, period.
    """
    df = scores_table(year, path)
    found = df[df["unit_code"] == unit_code]
    if found.empty:
        return None
    row = found.iloc[0]
    out = {k: _plain(row[k]) for k in df.columns if k != "uploaded_at"}
    out["rank"] = None if out["rank"] is None else int(out["rank"])
    return out


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
        old = tx.rows(f"select score, comment, reviewed_by from review_score where {where}", key)
        tx.execute(f"delete from review_score where {where}", key)
        tx.execute(
            "insert into review_score values ($set_id, $year, $unit_code, $criterion_code, "
            "$score, $comment, $by, $at)",
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
    found = db.rows(
        "select set_id, kind, max_points, self_na, self_score from score_line "
        "where unit_code = $u and year = $y and criterion_code = $c",
        {"u": unit_code, "y": int(year), "c": criterion_code},
        path,
    )
    if not found:
        if not db.scalar(
            "select count(*) from score_line where unit_code = $u and year = $y",
            {"u": unit_code, "y": int(year)},
            path,
        ):
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
    auth.require(user, "review")
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
        old = tx.rows(f"select score, comment from review_score where {where}", target)
        if not old:
            return False
        tx.execute(f"delete from review_score where {where}", target)
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
    auth.require(user, "review")
    line = _unit_line(unit_code, year, criterion_code, path)
    target = {
        "set_id": line["set_id"],
        "year": int(year),
        "unit_code": unit_code,
        "criterion_code": criterion_code,
    }
    return _clear(user, "score_review_clear", target, path)


def _active_criterion(criterion_code: str, path: Path | None) -> tuple[int, str, float]:
    found = db.rows(
        "select c.set_id, c.kind, c.max_points from criterion as c "
        "inner join criteria_set as s on c.set_id = s.id "
        "where s.active and c.code = $c",
        {"c": criterion_code},
        path,
    )
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
    auth.require(user, "review")
    set_id, kind, maximum = _active_criterion(criterion_code, path)
    stored = _bounded(criterion_code, kind, maximum, score)
    base_rows = db.rows(
        "select self_na, self_score, source_unit from vp_line "
        "where year = $y and criterion_code = $c",
        {"y": int(year), "c": criterion_code},
        path,
    )
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
    auth.require(user, "review")
    set_id, _, _ = _active_criterion(criterion_code, path)
    target = {
        "set_id": set_id,
        "year": int(year),
        "unit_code": VP,
        "criterion_code": criterion_code,
    }
    return _clear(user, "vp_adjustment_clear", target, path)


# ---------------------------------------------------------------------------------------------
# Exports


def scores_frame(year: int, path: Path | None = None) -> pd.DataFrame:
    """The scores export as a table: units by rank, then the VP row (full precision)."""
    t = scores_table(year, path)
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
        },
        columns=list(SCORES_CSV_COLUMNS),
    )


def scores_csv(week: str, path: Path | None = None) -> bytes:
    """The scores CSV for the year of `week` (PRODUCT.md §8)."""
    year, _ = periods.parse_week_id(week)
    return frame_csv(scores_frame(year, path), float_format="%.1f")


def models_frame(path: Path | None = None) -> pd.DataFrame:
    r = models_register.register(path)
    return pd.DataFrame(
        {
            "Mã đơn vị": r["unit_code"],
            "Đơn vị": r["unit_name"],
            "Tên mô hình": r["name"],
            "Lĩnh vực": r["field"],
            "Nội dung, cách thức thực hiện": r["content"],
            "Thời gian thực hiện": r["timeframe"],
            "Sản phẩm, kết quả": r["outcome"],
            "Trạng thái": r["status"],
            "Đăng ký từ tuần": r["first_period"],
            "Kỳ báo cáo": r["period"],
        },
        columns=list(MODELS_CSV_COLUMNS),
    )


def models_csv(path: Path | None = None) -> bytes:
    """The Dân vận khéo register as CSV (same format rules as the scores CSV)."""
    return frame_csv(models_frame(path), float_format="%.1f")
