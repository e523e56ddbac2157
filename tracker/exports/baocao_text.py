"""The body of the Báo cáo to Sở Nội vụ, written from the figures of one period (PRODUCT.md §8):
the opening and Mục I.1 (the tasks) here, the later sections in baocao_sections.py.

Everything here is Vietnamese sentences over `Figures` (baocao_figures.py: every number read once,
as of the period's data week), no Word and no database: paragraphs are `Para` values that
tracker/exports/baocao.py turns into docxtpl rich text. Where only HCTC can judge, a highlighted
"[HCTC bổ sung: …]" slot says what to write; "[HCTC kiểm tra: …]" is a note for the Office to act
on and delete. A count of nothing is said as "chưa có …", never as "0 …"; a list of tasks names
each task (short form) beside its code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from tracker.catalogue import periods
from tracker.exports import baocao_results as said
from tracker.exports.baocao_figures import Figures
from tracker.metrics import progress
from tracker.text import fmt_deadline, fmt_number, fmt_pct, is_missing

GOOD = (progress.DONE, progress.ON_TRACK, progress.ON_REQUEST)
BEHIND = (progress.BEHIND, progress.OVERDUE)
STATUS_ORDER = (*GOOD, *BEHIND, progress.NO_REPORT)
STATUS_WORDS = {progress.ON_REQUEST: "đang thực hiện (nhiệm vụ thực hiện khi có yêu cầu)"}
HIGHLIGHTS = 2  # units quoted per task in the body; every unit's results are in Phụ lục II


@dataclass(frozen=True)
class Para:
    """One paragraph: `lead` in bold, then `text`; a heading is all bold. "[HCTC …]" places in
    the text are highlighted (baocao.rich)."""

    text: str
    lead: str = ""
    heading: bool = False


def slot(text: str) -> str:
    """A place where HCTC writes the Office's own words."""
    return f"[HCTC bổ sung: {text}]"


def check(text: str) -> str:
    """A note for the Office only: act on it, then delete it before sending."""
    return f"[HCTC kiểm tra, xóa trước khi gửi: {text}]"


def join(items: Iterable[str], sep: str = "; ") -> str:
    return sep.join(i for i in items if i)


def sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", ":", "…")) else text + "."


def count(n: int, noun: str) -> str:
    return f"{fmt_number(n, 0)} {noun}"


def named_tasks(df: pd.DataFrame) -> str:
    """'Quán triệt … (II.1.b); Cải cách hành chính … (II.6)' in plan order."""
    return join(said.named(t.code, t.short_title) for t in df.itertuples(index=False))


def week_of(f: Figures) -> str:
    return periods.short_label(f.week)


# --- opening -------------------------------------------------------------------------------------


def plan_reference(f: Figures) -> str:
    """'Kế hoạch số 05/KH-VPUB ngày 12/01/2026 của Văn phòng UBND thành phố về …', with a slot
    for the number or the date the plan does not record."""
    number = f.plan.number if f.plan and f.plan.number else slot("số Kế hoạch")
    day = (
        f"{f.plan.issued_on:%d/%m/%Y}"
        if f.plan and f.plan.issued_on
        else slot("ngày ban hành Kế hoạch")
    )
    about = (
        f"công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở năm {f.year}"
        if f.plan is None
        else f.plan.title[:1].lower() + f.plan.title[1:]
    )
    return f"Kế hoạch số {number} ngày {day} của {f.issuer.text} về {about}"


def opening(f: Figures, citation: str = "") -> list[Para]:
    """The opening; `citation` names the request answered ('Văn bản số … của Sở Nội vụ về việc …')."""
    basis = f"{citation}; thực hiện" if citation else "Thực hiện"
    paras = [
        Para(
            f"{basis} {plan_reference(f)}, {f.issuer.text} báo cáo kết quả thực hiện "
            f"{f.p.title} như sau:"
        )
    ]
    if not citation:
        paras.append(
            Para(slot("căn cứ văn bản đề nghị của Sở Nội vụ (số, ngày, trích yếu), nếu có."))
        )
    if not f.started:
        paras.append(Para(nothing_closed(f)))
        return paras
    cut = (
        f", tuần gần nhất đã hết hạn nộp báo cáo (kỳ báo cáo đến ngày "
        f"{f.p.period_end:%d/%m/%Y} chưa kết thúc)"
        if f.p.cut and f.p.period_end
        else ""
    )
    paras.append(
        Para(
            f"Số liệu tổng hợp từ báo cáo hằng tuần của các phòng, ban, đơn vị thuộc "
            f"{f.issuer.short} {f.p.dates}, tính đến hết {periods.label(f.week)}{cut}; tỷ lệ hoàn thành do đơn vị "
            "tự đánh giá."
        )
    )
    return paras


def nothing_closed(f: Figures) -> str:
    """Before the plan's first reporting week has closed: that, and nothing else."""
    if f.plan is None:  # a week of a year whose plan is not loaded yet
        return (
            f"Chưa có tuần báo cáo nào của Kế hoạch năm {f.year} kết thúc; báo cáo này chưa có "
            "số liệu về kết quả thực hiện. "
            + check(
                f"Kế hoạch năm {f.year} chưa được nạp vào hệ thống: nạp Kế hoạch (Quản trị › "
                "Kế hoạch) rồi lập lại báo cáo."
            )
        )
    return (
        f"Đến hết {periods.label(f.week)}, chưa có tuần báo cáo nào của Kế hoạch kết thúc: tuần "
        f"báo cáo đầu tiên là {periods.label(f.first_reporting_week)}, hạn nộp "
        f"{fmt_deadline(f.first_deadline)}. Vì vậy, báo cáo này chưa có số liệu về kết quả "
        "thực hiện."
    )


# --- I. Kết quả thực hiện ------------------------------------------------------------------------


def status_counts(tc: pd.DataFrame) -> str:
    """'7 nhiệm vụ đúng tiến độ, 2 nhiệm vụ chậm tiến độ' (statuses that occur, in order)."""
    counts = tc["status"].value_counts()
    order = [*STATUS_ORDER, *sorted(set(counts.index) - set(STATUS_ORDER))]
    return ", ".join(
        f"{count(int(counts[s]), 'nhiệm vụ')} {STATUS_WORDS.get(s, s.lower())}"
        for s in order
        if s in counts
    )


def overview(f: Figures) -> list[Para]:
    tc = f.tasks
    if not (tc["reported_units"] > 0).any():
        first = Para(
            f"Đến hết {week_of(f)}, chưa có đơn vị nào báo cáo tiến độ thực hiện "
            f"{count(len(tc), 'nhiệm vụ')} của Kế hoạch."
        )
    else:
        first = Para(
            f"Kế hoạch có {count(len(tc), 'nhiệm vụ')}; đến hết {week_of(f)}, tỷ lệ hoàn thành "
            f"chung (bình quân theo trọng số nhiệm vụ) đạt {fmt_pct(f.plan_completion)}; "
            f"trong đó {status_counts(tc)}."
        )
    return [first, *reporting_rates(f), *last_year_comparison(f)]


def reporting_rates(f: Figures) -> list[Para]:
    """The period's weeks that expected reports and the mean reporting and on-time rates."""
    asked = f.asked
    if asked.empty:
        return []
    weeks = f"Trong kỳ có {count(len(asked), 'tuần')} yêu cầu báo cáo"
    if not (asked["reported"] > 0).any():
        return [Para(f"{weeks}; chưa có đơn vị nào nộp báo cáo.")]
    on_time = (
        f"{fmt_pct(asked['on_time_rate'].mean())} đơn vị nộp đúng hạn"
        if (asked["on_time"] > 0).any()
        else "chưa có đơn vị nào nộp đúng hạn"
    )
    return [
        Para(
            f"{weeks}; bình quân mỗi tuần {fmt_pct(asked['reporting_rate'].mean())} đơn vị nộp "
            f"báo cáo, {on_time}."
        )
    ]


def _moved(change: float) -> str:
    """'tăng 4,5 điểm phần trăm' / 'giảm …' / 'không đổi'."""
    if abs(change) < 0.05:
        return "không đổi"
    return f"{'tăng' if change > 0 else 'giảm'} {fmt_number(abs(change))} điểm phần trăm"


def last_year_comparison(f: Figures) -> list[Para]:
    """One sentence against last year at the same week, where last year's plan has data."""
    found = f.comparison
    if found is None or found.last.reporting_rate is None:
        return []
    parts = []
    for name, label in (
        ("on_time_rate", "tỷ lệ nộp đúng hạn"),
        ("reporting_rate", "tỷ lệ nộp báo cáo"),
        ("carried_completion", f"hoàn thành {len(found.carried_tasks)} nhiệm vụ chuyển tiếp"),
    ):
        now, change = getattr(found.this, name), found.change(name)
        if now is not None and change is not None:
            parts.append(f"{label} {fmt_pct(now)}, {_moved(change)}")
    if not parts:
        return []
    return [
        Para(
            f"So với cùng kỳ năm {found.last.year} (đến hết "
            f"{periods.short_label(found.last.week)}): {'; '.join(parts)}."
        )
    ]


def task_rows(tc: pd.DataFrame) -> list[dict[str, str]]:
    """Bảng 1: one row per task in plan order, the figures of the summary CSV (one decimal)."""
    return [
        {
            "stt": str(i),
            "nhiem_vu": f"{t.short_title} ({t.code})",
            "hoan_thanh": fmt_number(t.completion) or "0,0",
            "ky_vong": "" if t.kind == "theo_yeu_cau" else fmt_number(t.expected),
            "trang_thai": t.status,
            "bao_cao": f"{t.reported_units}/{t.assigned_units}",
        }
        for i, t in enumerate(tc.itertuples(index=False), start=1)
    ]


def pace(t: object) -> str:
    """A task's progress in words: 'đạt 36,5%, kế hoạch 45,2%, đúng tiến độ'."""
    status, done = t.status, fmt_pct(t.completion) or "0,0%"  # type: ignore[attr-defined]
    if status == progress.DONE:
        return "đã hoàn thành"
    if status == progress.NO_REPORT:
        return "chưa có đơn vị báo cáo"
    if t.kind == "theo_yeu_cau" or is_missing(t.expected):  # type: ignore[attr-defined]
        return f"đạt {done}, {STATUS_WORDS.get(status, status.lower())}"
    return f"đạt {done}, kế hoạch {fmt_pct(t.expected)}, {status.lower()}"  # type: ignore[attr-defined]


def _indicator_line(r: object) -> str:
    kind = "cộng dồn trong kỳ" if r.kind == "flow" else "số liệu mới nhất"  # type: ignore[attr-defined]
    return (
        f"{r.name}: {fmt_number(r.total, 0 if float(r.total).is_integer() else 1)} {r.measure} "  # type: ignore[attr-defined]
        f"({kind}, {count(int(r.units), 'đơn vị')})"  # type: ignore[attr-defined]
    )


def quotes_text(quotes: list[said.Quote]) -> str:
    return " ".join(sentence(q.text) for q in quotes)


def _task_lines(f: Figures, t: object, quoted: set[str]) -> list[Para]:
    code = t.code  # type: ignore[attr-defined]
    lead = "" if is_missing(t.lead_name) else f"; chủ trì: {t.lead_name}"  # type: ignore[attr-defined]
    reported = (
        f"{t.assigned_units} đơn vị được giao"  # type: ignore[attr-defined]
        if t.status == progress.NO_REPORT  # type: ignore[attr-defined]
        else f"{t.reported_units}/{t.assigned_units} đơn vị đã báo cáo"  # type: ignore[attr-defined]
    )
    paras = [Para(f"{pace(t)}; {reported}{lead}.", lead="Tiến độ: ")]
    mine = f.results[f.results["task_code"] == code]
    if not mine.empty:
        mine_progress = f.unit_progress[f.unit_progress["task_code"] == code]
        chosen = said.highlights(mine, mine_progress, HIGHLIGHTS, quoted)
        told = f"Có {count(len(mine), 'đơn vị')} nêu kết quả trong kỳ (Phụ lục II)."
        if chosen:
            paras.append(Para(f"{quotes_text(chosen)} {told}", lead="Kết quả nổi bật: "))
        else:
            paras.append(Para(f"{told[:-1]}, chưa nêu việc cụ thể.", lead="Kết quả: "))
    if code in f.documents:
        paras.append(
            Para(f"các đơn vị nêu {said.doc_counts(f.documents[code])}.", lead="Văn bản: ")
        )
    lines = [
        _indicator_line(r)
        for r in f.indicators.itertuples(index=False)
        if r.task_code == code and not is_missing(r.total)
    ]
    if lines:
        paras.append(Para(sentence(join(lines)), lead="Chỉ số: "))
    return paras


def _has_something(f: Figures, t: object) -> bool:
    code = t.code  # type: ignore[attr-defined]
    indicators = f.indicators[(f.indicators["task_code"] == code) & f.indicators["total"].notna()]
    return bool(t.reported_units) or code in f.documents or not indicators.empty  # type: ignore[attr-defined]


def tasks(f: Figures) -> list[Para]:
    """Per task with a report: its progress, at most HIGHLIGHTS units' results by said.RULE, the
    documents counted by type, the indicators; the tasks nobody reported on, named together."""
    paras: list[Para] = [Para(said.RULE)] if len(f.results) else []
    quoted: set[str] = set()
    shown = [t for t in f.tasks.itertuples(index=False) if _has_something(f, t)]
    for i, t in enumerate(shown, start=1):
        paras.append(Para(f"1.{i}. {t.short_title} (nhiệm vụ {t.code})", heading=True))
        paras += _task_lines(f, t, quoted)
    silent = len(f.tasks) - len(shown)
    if shown and silent:
        paras.append(Para(f"{count(silent, 'nhiệm vụ')} chưa có đơn vị báo cáo, nêu tại Mục II."))
    return paras
