"""The Tự chấm điểm page's tables: Vietnamese headers, one-decimal formats and colour bands.

Everything is computed in SQL (queries/*.sql through tracker/metrics/scoring.py); this module only reshapes and formats. The
reshaped tables depend on the data only, so each is built once per data version and shared by
every session (metrics/cache.py derived); a page run only picks the rows it shows and styles them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from tracker.catalogue import periods, plans
from tracker.metrics import cache, scoring
from tracker.text import fmt_datetime, fmt_number, is_missing

NOT_APPLICABLE = "Không áp dụng"
KIND_SHORT = {"ordinary": "", "bonus": " (thưởng)", "penalty": " (trừ)"}
# Background colours by score / maximum, aligned on the grade thresholds (e.g. ≥ 90 %, ≥ 70 %).
BAND_COLOURS = ("#c8e6c9", "#e8f5e9", "#fff8e1", "#ffcdd2")
NA_COLOUR = "#eceff1"
PENALTY_COLOUR = "#ffcdd2"
REVIEWED_COLOUR = "#fff3e0"
# Every pastel background comes with its text colour: in the dark theme the text is light, and
# light text on a pastel cell could not be read.
TEXT_ON_PASTEL = "color: #1b1b1b"
PAGE_SIZE = 30  # units per page of the ranking
MATRIX_PAGE = 15  # unit columns per page of the criterion × unit table (one screen wide)


def _cell_style(background: str) -> str:
    return f"background-color: {background}; {TEXT_ON_PASTEL}"


def score_text(value: Any) -> str:
    """One decimal, Vietnamese separators; '' when missing."""
    if is_missing(value):
        return ""
    return fmt_number(float(value), 1)


def gap_text(row: dict[str, Any] | pd.Series) -> str:
    """'Cần thêm 4,5 điểm để đạt Tốt' (or that the unit is in the top band)."""
    if row.get("next_grade") is None or pd.isna(row.get("next_grade")):
        return "Đã ở mức xếp loại cao nhất"
    return f"Cần thêm {score_text(row['gap_to_next'])} điểm để đạt {row['next_grade']}"


def bands(year: int, path: Path | None = None) -> pd.DataFrame:
    """The grade bands of the plan of `year`, highest first (grade, threshold)."""
    return scoring.grade_bands(year, path)


def _styled(df: pd.DataFrame, numeric: list[str]) -> Styler:
    return df.style.format({c: score_text for c in numeric}, na_rep="—").hide(axis="index")


def ranking(year: int, path: Path | None = None) -> pd.DataFrame:
    """Units (not VP) with their totals, grade, rank and gap to the next band; by rank.

    Built once per data version; the frame is shared, so callers slice it and never change it.
    """
    return cache.derived("score_views.ranking", lambda: _ranking(year, path), path, int(year))


def _ranking(year: int, path: Path | None) -> pd.DataFrame:
    t = scoring.scores_table(year, path)
    t = t[t["unit_code"] != scoring.VP]
    table = pd.DataFrame(
        {
            "Hạng": t["rank"].astype("Int64"),
            "Mã đơn vị": t["unit_code"],
            "Đơn vị": t["unit_name"],
            "Điểm tự chấm": t["self_total"].astype("float64"),
            # Text: st.dataframe shows a missing number as "None" whatever the Styler says.
            "Điểm thẩm định": [score_text(v) or "—" for v in t["reviewed_total"]],
            "Điểm cuối cùng": t["final_total"].astype("float64"),
            "Xếp loại": t["grade"],
            "Điểm áp dụng": t["applicable_points"].astype("float64"),
            "Lên mức xếp loại kế tiếp": [gap_text(r) for r in t.to_dict("records")],
            "Thiếu minh chứng": t["missing_evidence"].astype("int64"),
            "Kỳ chấm": t["period"].map(periods.short_label, na_action="ignore"),
        }
    ).reset_index(drop=True)
    return _with_last_year(table, year, path)


def _with_last_year(table: pd.DataFrame, year: int, path: Path | None) -> pd.DataFrame:
    """Last year's final total, grade and rank beside this year's, and the change (year over
    year), when last year has scores."""
    before = scoring.last_year_beside(year, path).set_index("unit_code")
    if before.empty:
        return table
    last = int(year) - 1
    codes = table["Mã đơn vị"]
    table[f"Điểm năm {last}"] = codes.map(before["last_final"]).astype("float64")
    table[f"Xếp loại năm {last}"] = codes.map(before["last_grade"]).fillna("—")
    table[f"Hạng năm {last}"] = codes.map(before["last_rank"]).astype("Int64")
    table["Thay đổi (điểm)"] = codes.map(before["change"]).astype("float64")
    return table


def ranking_styler(df: pd.DataFrame) -> Styler:
    numeric = ["Điểm tự chấm", "Điểm cuối cùng", "Điểm áp dụng"]
    numeric += [c for c in df.columns if c.startswith("Điểm năm ") or c == "Thay đổi (điểm)"]
    return _styled(df, numeric)


def _colours(lines: pd.DataFrame, thresholds: list[float]) -> np.ndarray:
    """Each line's cell style: grey when not applicable, red for a deduction, else the band of
    score / maximum (the first threshold reached, from the top; below them all, the last)."""
    ratio = lines["ratio"].astype("float64").to_numpy()
    na = lines["final_na"].astype(bool).to_numpy()
    penalty = (lines["kind"] == "penalty").to_numpy()
    band = np.full(len(lines), BAND_COLOURS[-1], dtype=object)
    for threshold, colour in reversed(list(zip(thresholds, BAND_COLOURS, strict=False))):
        band[ratio * 100 >= threshold - 1e-9] = colour
    band[penalty] = np.where(ratio[penalty] < 0, PENALTY_COLOUR, "")
    band[np.isnan(ratio)] = ""
    band[na] = NA_COLOUR
    return np.array([_cell_style(b) if b else "" for b in band], dtype=object)


def matrix_frames(
    lines: pd.DataFrame, path: Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Criteria (rows) × units (columns): the shown final scores and each cell's style.

    Columns are unit codes ('VP' first); 'Không áp dụng' marks a criterion not applicable. Units scored
    under different criteria sets show each set's criteria (rows keyed by code).
    """
    if lines.empty:
        return None
    lines = lines.assign(
        row=lines["criterion_code"]
        + " — "
        + lines["title"].str.slice(0, 60)
        + lines["kind"].map(KIND_SHORT)
    )
    order = lines.drop_duplicates("row").sort_values("sort_order")["row"].tolist()
    units = lines["unit_code"].drop_duplicates().tolist()
    shown = lines["final_score"].astype("float64").map(score_text)
    shown = shown.where(~lines["final_na"].astype(bool), NOT_APPLICABLE)
    year = int(lines["year"].iloc[0]) if "year" in lines else plans.current(path)
    thresholds = sorted(bands(year, path)["threshold"].tolist(), reverse=True)
    cells = lines.assign(shown=shown, style=_colours(lines, thresholds))

    def grid(column: str) -> pd.DataFrame:
        out = (
            cells.pivot(index="row", columns="unit_code", values=column)
            .reindex(index=order, columns=units)
            .fillna("")
        )
        out.index.name = "Tiêu chí"
        return out

    return grid("shown"), grid("style")


def matrix(
    lines: pd.DataFrame, path: Path | None = None, units: list[str] | None = None
) -> Styler | None:
    """The criterion × unit table, coloured by score / maximum; only `units` when given."""
    frames = matrix_frames(lines, path)
    if frames is None:
        return None
    return styled_matrix(*frames, units)


def styled_matrix(
    values: pd.DataFrame, styles: pd.DataFrame, units: list[str] | None = None
) -> Styler:
    if units is not None:
        values, styles = values[units], styles[units]
    return values.style.apply(lambda _: styles, axis=None)


def year_matrix(year: int, path: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """matrix_frames() of a year's lines, built once per data version (shared: do not change)."""
    return cache.derived(
        "score_views.matrix",
        lambda: matrix_frames(scoring.criterion_lines(year, path=path), path),
        path,
        int(year),
    )


def pages(codes: list[str], size: int = PAGE_SIZE) -> list[list[str]]:
    """`codes` cut into pages of `size`, in their order."""
    return [codes[i : i + size] for i in range(0, len(codes), size)]


def unit_detail(lines: pd.DataFrame) -> pd.DataFrame:
    """One unit's criteria: maximum, self score, reviewed score and comment, final, evidence."""
    na_self = lines["self_na"].astype(bool)
    na_final = lines["final_na"].astype(bool)
    return pd.DataFrame(
        {
            "Mã": lines["criterion_code"],
            "Tiêu chí": lines["title"],
            "Điểm tối đa": lines["max_points"].astype("float64"),
            "Tự chấm": [
                NOT_APPLICABLE if na else score_text(s)
                for na, s in zip(na_self, lines["self_score"], strict=True)
            ],
            "Thẩm định": [
                (NOT_APPLICABLE if pd.isna(s) else score_text(s)) if r else ""
                for r, s in zip(lines["reviewed"], lines["review_score"], strict=True)
            ],
            "Điểm cuối cùng": [
                NOT_APPLICABLE if na else score_text(s)
                for na, s in zip(na_final, lines["final_score"], strict=True)
            ],
            "Nhận xét thẩm định": lines["review_comment"].fillna(""),
            "Tài liệu kiểm chứng": lines["evidence"].fillna(""),
            "Giải trình": lines["explanation"].fillna(""),
            "Thẩm định bởi": [
                f"{b} ({fmt_datetime(t)})" if isinstance(b, str) else ""
                for b, t in zip(lines["reviewed_by"], lines["reviewed_at"], strict=True)
            ],
        }
    )


def unit_detail_styler(df: pd.DataFrame) -> Styler:
    changed = df["Thẩm định"] != ""

    def highlight(row: pd.Series) -> list[str]:
        style = _cell_style(REVIEWED_COLOUR) if changed[row.name] else ""
        return [style if c in ("Thẩm định", "Điểm cuối cùng") else "" for c in df.columns]

    return df.style.format({"Điểm tối đa": score_text}).apply(highlight, axis=1).hide(axis="index")


def missing_evidence(lines: pd.DataFrame) -> pd.DataFrame:
    """Positive scores with no "Tài liệu kiểm chứng" (units only, not VP)."""
    rows = lines[lines["missing_evidence"].astype(bool) & (lines["unit_code"] != scoring.VP)]
    return pd.DataFrame(
        {
            "Mã đơn vị": rows["unit_code"],
            "Đơn vị": rows["unit_name"],
            "Tiêu chí": rows["criterion_code"] + " — " + rows["title"],
            "Điểm": rows["final_score"].map(score_text),
            "Giải trình": rows["explanation"].fillna(""),
        }
    ).reset_index(drop=True)


def vp_table(vp: pd.DataFrame) -> pd.DataFrame:
    """The Office's assessment per criterion: source unit, its score, HCTC's adjustment."""

    def base(row: dict[str, Any]) -> str:
        if not row["has_source"]:
            return "Chưa chấm (0)"
        return NOT_APPLICABLE if row["base_na"] else score_text(row["base_score"])

    records = vp.to_dict("records")
    return pd.DataFrame(
        {
            "Mã": vp["criterion_code"],
            "Tiêu chí": vp["title"],
            "Điểm tối đa": vp["max_points"].map(score_text),
            "Đơn vị phụ trách": vp["responsible_unit"],
            "Điểm của đơn vị phụ trách": [base(r) for r in records],
            "Điều chỉnh của HCTC": [
                (
                    NOT_APPLICABLE
                    if pd.isna(r["adjusted_score"])
                    else score_text(r["adjusted_score"])
                )
                if r["adjusted"]
                else ""
                for r in records
            ],
            "Nhận xét": vp["adjustment_comment"].fillna(""),
            "Điểm VP": [
                NOT_APPLICABLE if r["final_na"] else score_text(r["final_score"]) for r in records
            ],
        }
    )


def late_note(record: dict[str, Any] | pd.Series, self_text: str) -> str:
    """'P1 theo sổ theo dõi đến hết 2026-W47: 3 tuần trễ hạn, 1 tuần không báo cáo → −4,0
    điểm (đơn vị tự chấm: −2,0).'"""
    return (
        f"{scoring.LATE_CRITERION} theo sổ theo dõi đến hết tuần {record['through']}: "
        f"{int(record['late'])} tuần báo cáo trễ hạn, {int(record['missing'])} tuần không báo "
        f"cáo → {score_text(record['implied'])} điểm theo quy tắc của tiêu chí (mỗi lần −1, "
        f"tối đa như điểm tối đa của tiêu chí); đơn vị tự chấm: {self_text}."
    )


def criterion_options(lines: pd.DataFrame) -> dict[str, str]:
    """code -> 'A1 — title (tối đa 4)' for a unit's criteria (review form)."""
    return {
        r.criterion_code: f"{r.criterion_code} — {r.title[:70]} (tối đa {score_text(r.max_points)}"
        f"{KIND_SHORT[r.kind]})"
        for r in lines.drop_duplicates("criterion_code").itertuples()
    }
