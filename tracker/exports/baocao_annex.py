"""The Báo cáo's Phụ lục I (after the signature, A4 landscape): one block per task, the same
size at 10 units as at 250 (issue 33): its figures (progress, units reporting, results,
documents, difficulties accounted for), the most significant results by the body's rule
(baocao_results.RULE) and its difficulties still open at the data week, a few named and the
rest counted. Each unit's results, every difficulty, every model and every score are in the
annex workbook (report.py, Phụ lục II-V)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from tracker.catalogue import periods
from tracker.exports import baocao_results as said
from tracker.exports.baocao_figures import Figures, accounting
from tracker.metrics import difficulties, progress
from tracker.text import fmt_number, fmt_pct, is_missing, nfc

ANNEX_UNITS = 4  # units quoted per task in Phụ lục I (the body quotes 2, by the same rule)
OPEN_NAMED = 4  # open difficulties named per task, the newest first; the others counted
ITEM_CHARS = 220


def _clip(text: str) -> str:
    text = " ".join(nfc(text).split())
    return text if len(text) <= ITEM_CHARS else text[: ITEM_CHARS - 1].rstrip() + "…"


def _pace(t: object) -> str:
    if t.status == progress.DONE:  # type: ignore[attr-defined]
        return "Đã hoàn thành"
    done = fmt_pct(t.completion) or "0,0%"  # type: ignore[attr-defined]
    if t.kind == "theo_yeu_cau" or is_missing(t.expected):  # type: ignore[attr-defined]
        return f"Đạt {done}, {t.status.lower()} (khi có yêu cầu)"  # type: ignore[attr-defined]
    return f"Đạt {done} (kế hoạch {fmt_pct(t.expected)}), {t.status.lower()}"  # type: ignore[attr-defined]


def difficulty_states(n: Mapping[str, int]) -> str:
    """'đã xử lý 1, không còn nêu 3, chưa xử lý 1' from counts by difficulty state, zero parts
    left out (the Office's report and the city's say it alike)."""
    return ", ".join(
        f"{word} {fmt_number(n[state], 0)}"
        for state, word in (
            (difficulties.HANDLED, "đã xử lý"),
            (difficulties.DROPPED, "không còn nêu"),
            (difficulties.OPEN, "chưa xử lý"),
        )
        if n[state]
    )


def difficulty_account(df: pd.DataFrame) -> str:
    """'đã nêu 5 (đã xử lý 1, không còn nêu 3, chưa xử lý 1)', zero parts left out."""
    n = accounting(df)
    if not n["raised"]:
        return "chưa có đơn vị nêu"
    return f"đã nêu {fmt_number(n['raised'], 0)} ({difficulty_states(n)})"


def _figures(f: Figures, t: object, raised: pd.DataFrame) -> str:
    code = t.code  # type: ignore[attr-defined]
    results = f.results[f.results["task_code"] == code]
    if t.status == progress.NO_REPORT:  # type: ignore[attr-defined]
        lines = [f"Chưa có đơn vị báo cáo ({t.assigned_units} đơn vị được giao)"]  # type: ignore[attr-defined]
    else:
        lines = [
            _pace(t),
            f"Đơn vị đã báo cáo: {t.reported_units}/{t.assigned_units}",  # type: ignore[attr-defined]
            f"Đơn vị nêu kết quả trong kỳ: {fmt_number(len(results), 0)}"
            if len(results)
            else "Chưa có đơn vị nêu kết quả trong kỳ",
        ]
    if code in f.documents:
        lines.append(f"Văn bản, minh chứng: {said.doc_counts(f.documents[code])}")
    lines.append(f"Khó khăn, vướng mắc: {difficulty_account(raised)}")
    return "\n".join(lines)


def _results(f: Figures, code: str, quoted: set[str]) -> str:
    mine = f.results[f.results["task_code"] == code]
    progress_of = f.unit_progress[f.unit_progress["task_code"] == code]
    quotes = said.highlights(mine, progress_of, ANNEX_UNITS, quoted)
    if not quotes:
        return "Chưa có kết quả cụ thể" if len(mine) else ""
    return "\n".join(f"- {_clip(q.text)}" for q in quotes)


def open_items(still_open: pd.DataFrame) -> str:
    """The newest OPEN_NAMED open difficulties with their unit and week, the rest counted."""
    if still_open.empty:
        return ""
    newest = still_open.sort_values("raised_at", ascending=False, kind="stable")
    lines = [
        f"- {r.unit_name}: {_clip(r.content)}"
        + (f" ({periods.short_label(r.last_period)})" if not is_missing(r.last_period) else "")
        for r in newest.head(OPEN_NAMED).itertuples(index=False)
    ]
    if len(newest) > OPEN_NAMED:
        lines.append(
            f"- Và {fmt_number(len(newest) - OPEN_NAMED, 0)} khó khăn, vướng mắc khác (Phụ lục III)"
        )
    return "\n".join(lines)


def task_blocks(f: Figures) -> list[dict[str, str]]:
    """Phụ lục I: one row per task in plan order (then the difficulties raised without a task)."""
    rows = []
    raised = f.difficulties
    quoted: set[str] = set()  # a result quoted for one task is not quoted again (said.RULE)
    for i, t in enumerate(f.tasks.itertuples(index=False), start=1):
        mine = raised[raised["task_code"] == t.code]
        rows.append(
            {
                "stt": str(i),
                "nhiem_vu": said.named(t.code, t.short_title),
                "so_lieu": _figures(f, t, mine),
                "ket_qua": _results(f, t.code, quoted),
                "vuong_mac": open_items(mine[mine["state"] == difficulties.OPEN]),
            }
        )
    loose = raised[~raised["task_code"].isin(f.tasks["code"])]
    if len(loose):
        rows.append(
            {
                "stt": str(len(rows) + 1),
                "nhiem_vu": "Khó khăn, vướng mắc không gắn với nhiệm vụ",
                "so_lieu": f"Khó khăn, vướng mắc: {difficulty_account(loose)}",
                "ket_qua": "",
                "vuong_mac": open_items(loose[loose["state"] == difficulties.OPEN]),
            }
        )
    return rows
