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

from tracker import wording
from tracker.catalogue import periods
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


def change_text(total: dict[str, Any], last: dict[str, Any] | None) -> str:
    """This year's final score against last year's: '+3,2 điểm', 'Không đổi', '' without one."""
    if last is None or is_missing(last.get("final_total")) or is_missing(total.get("final_total")):
        return ""
    diff = round(float(total["final_total"]) - float(last["final_total"]), 1)
    if diff == 0:
        return "Không đổi"
    return f"{'+' if diff > 0 else '-'}{fmt_number(abs(diff), 1)} điểm"


def last_year_text(last: dict[str, Any], year: int) -> str:
    """'Năm 2026: 78,5 điểm, xếp loại Khá, hạng 3/10.' (no rank for VP or an unranked unit)."""
    rank = f", hạng {last['rank']}" if last.get("rank") is not None else ""
    return f"Năm {year}: {score_text(last['final_total'])} điểm, xếp loại {last['grade']}{rank}."


def bands(year: int, path: Path) -> pd.DataFrame:
    """The grade bands of the plan of `year`, highest first (grade, threshold)."""
    return scoring.grade_bands(year, path)


def _styled(df: pd.DataFrame, numeric: list[str]) -> Styler:
    return df.style.format({c: score_text for c in numeric}, na_rep="—").hide(axis="index")


def ranking(year: int, path: Path) -> pd.DataFrame:
    """Units (not VP) with their totals, grade, rank and gap to the next band; by rank.

    Built once per data version; the frame is shared, so callers slice it and never change it.
    """
    return cache.derived("score_views.ranking", lambda: _ranking(year, path), path, int(year))


def _ranking(year: int, path: Path) -> pd.DataFrame:
    t = scoring.scores_table(year, path)
    t = t[t["unit_code"] != scoring.VP]
    first = pd.DataFrame(
        {
            "Hạng": t["rank"].astype("Int64"),
            "Mã đơn vị": t["unit_code"],
            "Đơn vị": t["unit_name"],
            "Điểm cuối cùng": t["final_total"].astype("float64"),
            "Xếp loại": t["grade"],
        }
    ).reset_index(drop=True)
    rest = pd.DataFrame(
        {
            "Điểm tự chấm": t["self_total"].astype("float64"),
            "Điểm thẩm định": t["reviewed_total"].astype("float64"),  # empty: "—"
            "Điểm áp dụng": t["applicable_points"].astype("float64"),
            "Lên mức xếp loại kế tiếp": [gap_text(r) for r in t.to_dict("records")],
            "Thiếu minh chứng": t["missing_evidence"].astype("int64"),
            "Kỳ chấm": t["period"].map(periods.short_label, na_action="ignore"),
        }
    ).reset_index(drop=True)
    # Last year beside this year's score and grade, where a leader looks first (not at the
    # twelfth column, off screen).
    return pd.concat([_with_last_year(first, year, path), rest], axis=1)


def _with_last_year(table: pd.DataFrame, year: int, path: Path) -> pd.DataFrame:
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


# The ranking table's bar: the final score on the scale of 100, drawn in the cell (the number
# itself, in Vietnamese form, is the column before it; the bar carries no label of its own).
BAR = "Thang 100"


def with_bar(ranked: pd.DataFrame) -> pd.DataFrame:
    """The ranking rows with BAR (the final score again, drawn as a bar) after "Điểm cuối cùng"."""
    table = ranked.copy()
    table.insert(table.columns.get_loc("Điểm cuối cùng") + 1, BAR, ranked["Điểm cuối cùng"])
    return table


def bands_text(bands: pd.DataFrame) -> str:
    """The grade bands as one caption: "Mức xếp loại: Tốt từ 90 điểm; …; Yếu dưới 50 điểm."
    (what the ranking chart's dotted lines said)."""
    parts, above = [], None
    for grade, threshold in zip(bands["grade"], bands["threshold"], strict=True):
        if threshold > 0:
            parts.append(f"{grade} từ {fmt_number(float(threshold), 0)} điểm")
        elif above is not None:
            parts.append(f"{grade} dưới {fmt_number(float(above), 0)} điểm")
        else:
            parts.append(grade)
        above = threshold
    return "Mức xếp loại: " + "; ".join(parts) + "."


def ranking_styler(df: pd.DataFrame) -> Styler:
    numeric = ["Điểm tự chấm", "Điểm thẩm định", "Điểm cuối cùng", "Điểm áp dụng"]
    numeric += [BAR] if BAR in df.columns else []  # the grid draws a bar; AppTest reads this
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
    lines: pd.DataFrame, year: int, path: Path
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Criteria (rows) × units (columns) of the plan of `year`: the shown final scores and each
    cell's style (coloured by that plan's grade bands).

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
    lines: pd.DataFrame, year: int, path: Path, units: list[str] | None = None
) -> Styler | None:
    """The criterion × unit table, coloured by score / maximum; only `units` when given."""
    frames = matrix_frames(lines, year, path)
    if frames is None:
        return None
    return styled_matrix(*frames, units)


def styled_matrix(
    values: pd.DataFrame, styles: pd.DataFrame, units: list[str] | None = None
) -> Styler:
    if units is not None:
        values, styles = values[units], styles[units]
    return values.style.apply(lambda _: styles, axis=None)


def year_matrix(year: int, path: Path) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """matrix_frames() of a year's lines, built once per data version (shared: do not change)."""
    return cache.derived(
        "score_views.matrix",
        lambda: matrix_frames(scoring.criterion_lines(year, path=path), year, path),
        path,
        int(year),
    )


def pages(codes: list[str], size: int = PAGE_SIZE) -> list[list[str]]:
    """`codes` cut into pages of `size`, in their order."""
    return [codes[i : i + size] for i in range(0, len(codes), size)]


def _scores(values: pd.Series, not_applicable: pd.Series | None = None) -> pd.Series:
    """A score column as numbers (so it sorts as numbers); a not-applicable or missing score is
    empty ("—" on screen: st.dataframe draws an empty number cell with the table's placeholder,
    whatever a Styler says)."""
    out = pd.to_numeric(values, errors="coerce").astype("float64").reset_index(drop=True)
    if not_applicable is not None:
        out = out.where(~not_applicable.astype(bool).reset_index(drop=True))
    return out


SHOWN = "_shown:"  # a hidden column per score column: what a cell says instead of its number
EMPTY_CELL = "—"  # the placeholder of every score table (an empty score)


def score_styler(df: pd.DataFrame) -> Styler:
    """The score columns in Vietnamese format ('3,0'), and a cell whose row of the hidden column
    SHOWN + column holds a text shows that text over its number ("Chưa chấm (0)": a 0 that
    counts). The numbers stay numbers: a click on the header sorts 9,5 before 10,0. The hidden
    columns go with the rows, so a page or a search of the frame keeps them."""
    hidden = [c for c in df.columns if str(c).startswith(SHOWN)]
    styler = df.drop(columns=hidden).style.hide(axis="index")
    scores = df.attrs.get("score_columns", [])
    if scores:
        styler = styler.format({c: score_text for c in scores}, na_rep=EMPTY_CELL)
    for column in hidden:
        score = column.removeprefix(SHOWN)
        for text, rows in df.groupby(column, sort=False).groups.items():
            if text:
                styler = styler.format(
                    lambda _, said=str(text): said, subset=pd.IndexSlice[list(rows), [score]]
                )
    return styler


def _scored(
    df: pd.DataFrame, scores: list[str], shown: dict[str, list[str]] | None = None
) -> pd.DataFrame:
    """Mark the frame's score columns for score_styler(), with a hidden SHOWN column for each
    column of `shown` (per row: the text to show, '' for the number)."""
    df.attrs["score_columns"] = scores
    for column, texts in (shown or {}).items():
        df[SHOWN + column] = pd.Series(texts, index=df.index, dtype="object")
    return df


def unit_detail(lines: pd.DataFrame) -> pd.DataFrame:
    """One unit's criteria: maximum, self score, reviewed score and comment, final, evidence.
    A score not applicable is empty ("—"), and the column "Không áp dụng" says which."""
    na_self = lines["self_na"].astype(bool)
    na_final = lines["final_na"].astype(bool)
    reviewed = lines["reviewed"].astype(bool)
    na_review = reviewed & lines["review_score"].isna()
    df = pd.DataFrame(
        {
            "Mã": lines["criterion_code"].to_numpy(),
            "Tiêu chí": lines["title"].to_numpy(),
            "Điểm tối đa": _scores(lines["max_points"]),
            "Tự chấm": _scores(lines["self_score"], na_self),
            "Thẩm định": _scores(lines["review_score"].where(reviewed)),
            "Điểm cuối cùng": _scores(lines["final_score"], na_final),
            NOT_APPLICABLE: [
                _not_applicable(s, r)
                for s, r in zip(na_self.to_numpy(), na_review.to_numpy(), strict=True)
            ],
            "Nhận xét thẩm định": lines["review_comment"].fillna("").to_numpy(),
            "Tài liệu kiểm chứng": lines["evidence"].fillna("").to_numpy(),
            "Giải trình": lines["explanation"].fillna("").to_numpy(),
            "Thẩm định bởi": [
                f"{b} ({fmt_datetime(t)})" if isinstance(b, str) else ""
                for b, t in zip(lines["reviewed_by"], lines["reviewed_at"], strict=True)
            ],
        }
    )
    df["Đã thẩm định"] = reviewed.to_numpy()
    return _scored(df, ["Điểm tối đa", "Tự chấm", "Thẩm định", "Điểm cuối cùng"])


def _not_applicable(by_unit: bool, by_review: bool) -> str:
    """Who judged a criterion not applicable: '', 'Đơn vị', 'Thẩm định' or both."""
    return ", ".join(w for w, on in (("Đơn vị", by_unit), ("Thẩm định", by_review)) if on)


def unit_detail_styler(df: pd.DataFrame) -> Styler:
    changed = df["Đã thẩm định"].astype(bool).to_numpy()

    def highlight(row: pd.Series) -> list[str]:
        style = _cell_style(REVIEWED_COLOUR) if changed[row.name] else ""
        return [style if c in ("Thẩm định", "Điểm cuối cùng") else "" for c in row.index]

    shown = df.drop(columns=["Đã thẩm định"])
    shown.attrs.update(df.attrs)
    return score_styler(shown).apply(highlight, axis=1)


def missing_evidence(lines: pd.DataFrame) -> pd.DataFrame:
    """Positive scores with no "Tài liệu kiểm chứng" (units only, not VP)."""
    rows = lines[lines["missing_evidence"].astype(bool) & (lines["unit_code"] != scoring.VP)]
    df = pd.DataFrame(
        {
            "Mã đơn vị": rows["unit_code"].to_numpy(),
            "Đơn vị": rows["unit_name"].to_numpy(),
            "Tiêu chí": (rows["criterion_code"] + " — " + rows["title"]).to_numpy(),
            "Điểm": _scores(rows["final_score"]),
            "Giải trình": rows["explanation"].fillna("").to_numpy(),
        }
    )
    return _scored(df, ["Điểm"])


UNSCORED = "Chưa chấm (0)"


def vp_table(vp: pd.DataFrame, words: wording.Words = wording.OFFICE) -> pd.DataFrame:
    """The Office's assessment per criterion: source unit, its score, HCTC's adjustment. A
    criterion its responsible unit has not scored counts 0 and says so ("Chưa chấm (0)"); one
    not applicable is empty ("—") and the column "Không áp dụng" says whose judgement it is."""
    adjusted = vp["adjusted"].astype(bool)
    unscored = ~vp["has_source"].astype(bool)
    base_na = vp["base_na"].astype(bool) & ~unscored
    adjusted_na = adjusted & vp["adjusted_score"].isna()
    adjustment = f"Điều chỉnh của {words.admin_short}"
    final = "Điểm VP" if words is wording.OFFICE else "Điểm của cơ quan"
    df = pd.DataFrame(
        {
            "Mã": vp["criterion_code"].to_numpy(),
            "Tiêu chí": vp["title"].to_numpy(),
            "Điểm tối đa": _scores(vp["max_points"]),
            "Đơn vị phụ trách": vp["responsible_unit"].to_numpy(),
            "Điểm của đơn vị phụ trách": _scores(vp["base_score"].where(~unscored, 0.0), base_na),
            adjustment: _scores(vp["adjusted_score"].where(adjusted)),
            "Nhận xét": vp["adjustment_comment"].fillna("").to_numpy(),
            final: _scores(vp["final_score"], vp["final_na"]),
            NOT_APPLICABLE: [
                ", ".join(w for w, on in (("Đơn vị phụ trách", b), (words.admin_short, a)) if on)
                for b, a in zip(base_na.to_numpy(), adjusted_na.to_numpy(), strict=True)
            ],
        }
    )
    return _scored(
        df,
        ["Điểm tối đa", "Điểm của đơn vị phụ trách", adjustment, final],
        {"Điểm của đơn vị phụ trách": [UNSCORED if u else "" for u in unscored]},
    )


def _weeks_text(weeks: list[str]) -> str:
    """' (Tuần 9/2026 (23/02 - 01/03/2026); Tuần 12/2026 (…))', '' for none."""
    return f" ({'; '.join(periods.label(w) for w in weeks)})" if len(weeks) else ""


def late_note(record: dict[str, Any] | pd.Series, self_text: str) -> str:
    """'P1 theo sổ theo dõi, các tuần báo cáo từ Tuần 7/2026 (09/02 - 15/02/2026) đến hết
    Tuần 47/2026 (16/11 - 22/11/2026): 3 tuần báo cáo trễ hạn (Tuần 9/2026 (…); …), 1 tuần
    không báo cáo (…) → −4,0 điểm … (đơn vị tự chấm: −2,0).' Before the plan's first deadline:
    that no week has been counted yet."""
    if record["first"] > record["through"]:
        return (
            f"{scoring.LATE_CRITERION} theo sổ theo dõi: chưa có tuần báo cáo nào của năm "
            f"{record['first'][:4]} hết hạn nộp (tuần báo cáo đầu tiên "
            f"{periods.label(record['first'])}); đơn vị tự chấm: {self_text}."
        )
    return (
        f"{scoring.LATE_CRITERION} theo sổ theo dõi, các tuần báo cáo từ "
        f"{periods.label(record['first'])} đến hết {periods.label(record['through'])}: "
        f"{int(record['late'])} tuần báo cáo trễ hạn{_weeks_text(record['late_weeks'])}, "
        f"{int(record['missing'])} tuần không báo cáo{_weeks_text(record['missing_weeks'])} → "
        f"{score_text(record['implied'])} điểm theo quy tắc của tiêu chí (mỗi lần −1, tối đa như "
        f"điểm tối đa của tiêu chí); đơn vị tự chấm: {self_text}."
    )


def criterion_options(lines: pd.DataFrame) -> dict[str, str]:
    """code -> 'A1 — title (tối đa 4)' for a unit's criteria (review form)."""
    return {
        r.criterion_code: f"{r.criterion_code} — {r.title[:70]} (tối đa {score_text(r.max_points)}"
        f"{KIND_SHORT[r.kind]})"
        for r in lines.drop_duplicates("criterion_code").itertuples()
    }
