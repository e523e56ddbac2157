"""Sở Nội vụ's Báo cáo to UBND thành phố for a period (Nghị định 09/2019 periods: quý I, 6 tháng,
9 tháng, năm of a year), compiled ONLY from the Báo cáo bodies submitted for that period: per
body the latest submitted snapshot (tracker/city/reports.py: the figures frozen when its leader
approved it, as of its data week), never a body's live file. An approved snapshot not submitted
counts for nothing; a submission after the moment the report is made does not exist yet.

What it says (sentences here; the .docx and .xlsx in baocao_tp_files.py): how many bodies were
expected, submitted on time, late, missing or not due yet, by kind (reports.statuses, the same
rows); per item of the city's plan the completion across the bodies whose snapshot carries it;
the bodies' plan completion and their units' weekly reporting; the difficulties they counted by
state; their self-scores and, where Sở Nội vụ has made one, its thẩm định (tracker/city/reviews.py,
the city's own record). Where only a person can write, a highlighted "[Sở Nội vụ bổ sung: …]"
slot. When no body has submitted, the report says exactly that and claims nothing more.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from statistics import mean
from typing import Any

import pandas as pd

from tracker import settings
from tracker.catalogue import periods
from tracker.city import bodies, city_settings, items, reports
from tracker.exports import baocao_annex
from tracker.exports.baocao_text import Para, count, join, sentence
from tracker.metrics import difficulties
from tracker.roles import User, require
from tracker.store import db
from tracker.text import fmt_date, fmt_number, fmt_pct, is_missing

KINDS = tuple(bodies.KINDS)  # văn phòng, sở-ban-ngành, xã-phường: the Phụ lục's order
STATES = (reports.ON_TIME, reports.LATE, reports.MISSING, reports.NOT_DUE)
NAMED = 5  # bodies named in a sentence (the lowest completion, the most open difficulties)
SLOT_WHO = "Sở Nội vụ"


def slot(text: str) -> str:
    """A place where Sở Nội vụ writes its own words (highlighted in the .docx)."""
    return f"[{SLOT_WHO} bổ sung: {text}]"


@dataclass(frozen=True)
class Sent:
    """One body's latest submitted snapshot of the period."""

    body: str
    body_name: str
    kind: str
    report_id: int
    received_no: int
    submitted_at: datetime
    data_week: str
    figures: dict[str, Any]

    @property
    def completion(self) -> float | None:
        value = self.figures.get("plan_completion")
        return None if is_missing(value) else float(value)

    @property
    def open_difficulties(self) -> int:
        return int(self.figures.get("difficulties", {}).get(difficulties.OPEN, 0))


@dataclass(frozen=True)
class ItemProgress:
    code: str
    title: str
    values: dict[str, float]  # body code -> completion (%) in its snapshot

    @property
    def bodies(self) -> int:
        return len(self.values)

    @property
    def average(self) -> float | None:
        return mean(self.values.values()) if self.values else None

    @property
    def lowest(self) -> float | None:
        return min(self.values.values()) if self.values else None

    @property
    def highest(self) -> float | None:
        return max(self.values.values()) if self.values else None


@dataclass(frozen=True)
class CityFigures:
    """Everything the city's Báo cáo says, as data: read from the registry only."""

    year: int
    period: str
    title: str
    start: date
    end: date
    due: date
    made_at: datetime
    status: pd.DataFrame  # reports.statuses() rows of the period, catalogue order
    sent: dict[str, Sent]  # body code -> its latest submitted snapshot
    items: list[ItemProgress]
    reviews: dict[str, tuple[float, str]] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)  # city_settings.values(): number, signer

    @property
    def anything(self) -> bool:
        return bool(self.sent)

    def by_kind(self) -> dict[str, dict[str, int]]:
        """Per kind (and 'all'): expected (active bodies), then each state's count."""
        out: dict[str, dict[str, int]] = {}
        for kind in (*KINDS, "all"):
            rows = self.status if kind == "all" else self.status[self.status["kind"] == kind]
            counts = rows["state"].value_counts()
            out[kind] = {"expected": len(rows)} | {s: int(counts.get(s, 0)) for s in STATES}
        return out

    def sent_of(self, kind: str) -> list[Sent]:
        return [s for s in self.sent.values() if s.kind == kind]


def _sent(year: int, period: str, active: set[str], registry: Path, now: datetime) -> dict:
    rows = reports.reports(year, registry)
    rows = rows[(rows["period"] == period) & rows["submitted_at"].notna()]
    rows = rows[(rows["submitted_at"] <= pd.Timestamp(now)) & rows["body"].isin(active)]
    latest = rows.sort_values(["submitted_at", "id"], ascending=False).drop_duplicates("body")
    return {
        r.body: Sent(
            body=r.body,
            body_name=r.body_name,
            kind=r.kind,
            report_id=int(r.id),
            received_no=int(r.received_no),
            submitted_at=pd.Timestamp(r.submitted_at).to_pydatetime(),
            data_week=r.data_week,
            figures=json.loads(r.figures),
        )
        for r in latest.itertuples(index=False)
    }


def _items(year: int, sent: dict[str, Sent], registry: Path) -> list[ItemProgress]:
    out = []
    for item in items.items(year, registry):
        values = {
            code: float(s.figures["items"][item.code])
            for code, s in sent.items()
            if not is_missing(s.figures.get("items", {}).get(item.code))
        }
        out.append(ItemProgress(item.code, item.title, values))
    return out


def gather(
    year: int | str, period: str, registry: Path, now: datetime | None = None
) -> CityFigures:
    """The figures of the city's Báo cáo of `period` of `year` as of `now` (the clock)."""
    year = periods.parse_year(year)
    if period not in reports.PERIODS:
        raise reports.ReportError(
            f"Kỳ báo cáo '{period}' không hợp lệ; chọn: {', '.join(reports.PERIODS)}."
        )
    now = now or settings.now()
    start, end = periods.decree_range(period, year)
    status = reports.period_statuses(year, period, registry, now)
    sent = _sent(year, period, set(status["body"]), registry, now)
    reviews = db.query("city_body_reviews", registry, year=year)
    return CityFigures(
        year=year,
        period=period,
        title=periods.period_title(period, year, start, end),
        start=start,
        end=end,
        due=reports.due_on(year, period, registry),
        made_at=now,
        status=status,
        sent=sent,
        items=_items(year, sent, registry),
        reviews={r.body: (float(r.score), r.comment) for r in reviews.itertuples(index=False)},
        words=city_settings.values(registry),
    )


def gather_for(user: User, year: int | str, period: str, registry: Path) -> CityFigures:
    """gather() for Sở Nội vụ's officers and leaders only (permission export_city)."""
    require(user, "export_city")
    return gather(year, period, registry)


# --- sentences -----------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return fmt_pct(value) or "0,0%"


def _state_words(c: dict[str, int]) -> str:
    parts = [
        f"{fmt_number(c[reports.ON_TIME], 0)} đúng hạn" if c[reports.ON_TIME] else "",
        f"{fmt_number(c[reports.LATE], 0)} trễ hạn" if c[reports.LATE] else "",
        f"{fmt_number(c[reports.MISSING], 0)} chưa gửi (đã quá hạn)" if c[reports.MISSING] else "",
        f"{fmt_number(c[reports.NOT_DUE], 0)} chưa gửi (chưa đến hạn)"
        if c[reports.NOT_DUE]
        else "",
    ]
    return join(parts, ", ")


def opening(f: CityFigures) -> list[Para]:
    paras = [
        Para(
            f"Thực hiện Kế hoạch số 52/KH-UBND {slot('ngày ban hành')} của Ủy ban nhân dân thành "
            "phố về công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở, Sở Nội vụ tổng hợp "
            f"kết quả thực hiện {f.title} của các cơ quan, đơn vị trên địa bàn thành phố như sau:"
        )
    ]
    if not f.anything:
        paras.append(Para(nothing_sent(f)))
        return paras
    weeks = Counter(s.data_week for s in f.sent.values())
    week_text = join(
        (
            f"{periods.short_label(w)} ({count(n, 'cơ quan')})"
            for w, n in sorted(weeks.items(), reverse=True)
        ),
        "; ",
    )
    paras.append(
        Para(
            f"Số liệu tổng hợp từ {count(len(f.sent), 'Báo cáo')} {f.title} các cơ quan đã gửi Sở "
            f"Nội vụ qua hệ thống đến {f.made_at:%H:%M} ngày {f.made_at:%d/%m/%Y} (mỗi cơ quan "
            "lấy bản gửi gần nhất; số liệu do cơ quan tự báo cáo, chốt tại thời điểm lãnh đạo cơ "
            f"quan phê duyệt), tính đến hết tuần số liệu của từng báo cáo: {week_text}."
        )
    )
    return paras


def nothing_sent(f: CityFigures) -> str:
    due = f"hạn gửi ngày {f.due:%d/%m/%Y}"
    return (
        f"Đến {f.made_at:%H:%M} ngày {f.made_at:%d/%m/%Y}, chưa có cơ quan nào gửi Báo cáo "
        f"{f.title} về Sở Nội vụ ({due}); báo cáo này chưa có số liệu tổng hợp."
    )


def submission_lines(f: CityFigures) -> list[Para]:
    c = f.by_kind()
    total = c["all"]
    submitted = total[reports.ON_TIME] + total[reports.LATE]
    paras = [
        Para(
            f"Hạn gửi Báo cáo {f.title}: ngày {f.due:%d/%m/%Y}. Có "
            f"{count(total['expected'], 'cơ quan')} phải gửi; "
            f"{fmt_number(submitted, 0)} cơ quan đã gửi ({_state_words(total)}). Chi tiết tại "
            "Bảng 1 và Phụ lục."
        )
    ]
    missing = f.status[f.status["state"] == reports.MISSING]
    if len(missing):
        names = list(missing["body_name"])
        more = f" và {count(len(names) - NAMED, 'cơ quan')} khác" if len(names) > NAMED else ""
        paras.append(
            Para(f"Cơ quan chưa gửi (đã quá hạn): {', '.join(names[:NAMED])}{more} (Phụ lục).")
        )
    return paras


def submission_rows(f: CityFigures) -> list[list[str]]:
    """Bảng 1: per kind, then the whole city."""
    c = f.by_kind()
    rows = []
    for kind in (*KINDS, "all"):
        n = c[kind]
        rows.append(
            [
                "Tổng cộng" if kind == "all" else bodies.KINDS[kind],
                fmt_number(n["expected"], 0),
                fmt_number(n[reports.ON_TIME], 0),
                fmt_number(n[reports.LATE], 0),
                fmt_number(n[reports.MISSING], 0),
                fmt_number(n[reports.NOT_DUE], 0),
            ]
        )
    return rows


def item_rows(f: CityFigures) -> list[list[str]]:
    """Bảng 2: per item of the city's plan, the bodies carrying it out and their completion."""
    return [
        [
            i.code,
            i.title,
            fmt_number(i.bodies, 0),
            pct(i.average) if i.bodies else "",
            pct(i.lowest) if i.bodies else "",
            pct(i.highest) if i.bodies else "",
        ]
        for i in f.items
    ]


def item_lines(f: CityFigures) -> list[Para]:
    carried = [i for i in f.items if i.bodies]
    if not carried:
        return [Para("Các báo cáo đã gửi chưa có số liệu tiến độ theo mục của Kế hoạch thành phố.")]
    low = min(carried, key=lambda i: (i.average, i.code))
    high = max(carried, key=lambda i: (i.average, i.code))
    return [
        Para(
            f"Bình quân tỷ lệ hoàn thành các nhiệm vụ thuộc từng mục của Kế hoạch thành phố (bình "
            f"quân các cơ quan thực hiện mục, theo báo cáo đã gửi): cao nhất mục {high.code} "
            f"({pct(high.average)}, {count(high.bodies, 'cơ quan')}), thấp nhất mục {low.code} "
            f"({pct(low.average)}, {count(low.bodies, 'cơ quan')}); chi tiết tại Bảng 2."
        )
    ]


def completion_lines(f: CityFigures) -> list[Para]:
    parts = []
    for kind in KINDS:
        values = [s.completion for s in f.sent_of(kind) if s.completion is not None]
        if values:
            parts.append(
                f"{bodies.KINDS[kind]}: bình quân {pct(mean(values))} "
                f"({count(len(values), 'cơ quan')})"
            )
    if not parts:
        return []
    ranked = sorted(
        (s for s in f.sent.values() if s.completion is not None),
        key=lambda s: (s.completion, s.body),
    )
    lowest = join((f"{s.body_name} ({pct(s.completion)})" for s in ranked[:NAMED]), ", ")
    return [
        Para(f"Tỷ lệ hoàn thành Kế hoạch của các cơ quan đã gửi báo cáo: {join(parts)}."),
        Para(f"Cơ quan có tỷ lệ hoàn thành thấp nhất: {lowest}."),
    ]


def reporting_lines(f: CityFigures) -> list[Para]:
    expected = sum(int(s.figures.get("expected_reports") or 0) for s in f.sent.values())
    if not expected:
        return []
    reported = sum(int(s.figures.get("reported") or 0) for s in f.sent.values())
    on_time = sum(int(s.figures.get("on_time") or 0) for s in f.sent.values())
    return [
        Para(
            "Báo cáo hằng tuần của các đơn vị trực thuộc trong kỳ (theo báo cáo của các cơ "
            f"quan): {fmt_number(expected, 0)} lượt phải nộp, {fmt_number(reported, 0)} lượt đã "
            f"nộp ({pct(100 * reported / expected)}), {fmt_number(on_time, 0)} lượt đúng hạn "
            f"({pct(100 * on_time / expected)})."
        )
    ]


def difficulty_lines(f: CityFigures) -> list[Para]:
    totals = {
        s: sum(int(x.figures.get("difficulties", {}).get(s, 0)) for x in f.sent.values())
        for s in difficulties.STATES
    }
    raised = sum(totals.values())
    if not raised:
        return [Para("Các cơ quan đã gửi báo cáo chưa nêu khó khăn, vướng mắc nào.")]
    most = sorted(
        (s for s in f.sent.values() if s.open_difficulties),
        key=lambda s: (-s.open_difficulties, s.body),
    )
    named = join((f"{s.body_name} ({s.open_difficulties})" for s in most[:NAMED]), ", ")
    parts = baocao_annex.difficulty_states(totals)
    paras = [
        Para(
            f"Các cơ quan nêu {count(raised, 'khó khăn, vướng mắc')} (từ đầu năm đến tuần số "
            f"liệu của báo cáo): {parts}."
            + (f" Cơ quan còn nhiều khó khăn, vướng mắc chưa xử lý nhất: {named}." if named else "")
        )
    ]
    listed = open_items(f)
    if listed:
        paras.append(
            Para(
                f"Các báo cáo đã gửi nêu cụ thể {count(len(listed), 'khó khăn, vướng mắc')} chưa "
                f"xử lý (mỗi cơ quan tối đa {reports.OPEN_ITEMS} nội dung mới nhất; danh sách tại "
                f"tệp Excel kèm theo); mới nhất:"
            )
        )
        paras += [
            Para(f"- {x['body_name']} ({x['unit']}): {sentence(x['content'])}")
            for x in listed[:NAMED]
        ]
    paras.append(Para(slot("nội dung khó khăn, vướng mắc chủ yếu các cơ quan nêu và kiến nghị.")))
    return paras


def open_items(f: CityFigures) -> list[dict[str, Any]]:
    """The open difficulties the snapshots state in words (a snapshot frozen before they were
    kept has none), by body in catalogue order, each body's newest first; the first NAMED in
    the body are taken one per body in turn, so that no one body fills the list."""
    order = list(f.status["body"])
    rows = []
    for code in sorted(f.sent, key=order.index):
        s = f.sent[code]
        for x in s.figures.get("open_items") or []:
            if x.get("content"):
                rows.append(x | {"body": code, "body_name": s.body_name, "kind": s.kind})
    first = [i == 0 or rows[i - 1]["body"] != r["body"] for i, r in enumerate(rows)]
    return [r for r, lead in zip(rows, first, strict=True) if lead] + [
        r for r, lead in zip(rows, first, strict=True) if not lead
    ]


def score_lines(f: CityFigures) -> list[Para]:
    scored = [s for s in f.sent.values() if not is_missing(s.figures.get("self_score"))]
    if not scored:
        return [Para("Các báo cáo đã gửi chưa có kết quả tự chấm điểm của cơ quan.")]
    grades = Counter(s.figures.get("self_grade") or "chưa xếp loại" for s in scored)
    average = mean(float(s.figures["self_score"]) for s in scored)
    reviewed = [s for s in f.sent.values() if s.body in f.reviews]
    review = (
        f" Sở Nội vụ đã thẩm định {count(len(reviewed), 'cơ quan')} trong số các cơ quan đã gửi "
        "báo cáo (điểm thẩm định tại Phụ lục)."
        if reviewed
        else " Sở Nội vụ chưa thẩm định kết quả tự chấm điểm của cơ quan nào đã gửi báo cáo."
    )
    return [
        Para(
            f"{count(len(scored), 'cơ quan')} có kết quả tự chấm điểm theo Quyết định "
            f"2579/QĐ-UBND, bình quân {fmt_number(average)} điểm; xếp loại: "
            + ", ".join(f"{g} {n}" for g, n in sorted(grades.items()))
            + "."
            + review
        )
    ]


def assessment(f: CityFigures) -> list[Para]:
    return [Para(slot("đánh giá chung: ưu điểm, hạn chế, nguyên nhân."))]


def directions(f: CityFigures) -> list[Para]:
    c = f.by_kind()["all"]
    paras = []
    if c[reports.MISSING]:
        paras.append(
            Para(
                f"Đôn đốc {count(c[reports.MISSING], 'cơ quan')} chưa gửi Báo cáo {f.title} "
                "(Phụ lục)."
            )
        )
    paras.append(Para(slot("nhiệm vụ trọng tâm thời gian tới.")))
    return paras


def proposals(f: CityFigures) -> list[Para]:
    return [Para(slot("đề xuất, kiến nghị với Ủy ban nhân dân thành phố."))]


def _score_text(value: Any, grade: Any = None) -> str:
    if is_missing(value):
        return ""
    return fmt_number(float(value)) + (f" ({grade})" if grade and not is_missing(grade) else "")


def body_rows(f: CityFigures, kind: str) -> list[dict[str, Any]]:
    """One row per active body of `kind`, catalogue order: its state for the period and, when
    it has submitted, the figures of its latest submitted snapshot (values, not text)."""
    out = []
    for r in f.status[f.status["kind"] == kind].itertuples(index=False):
        s = f.sent.get(r.body)
        fig = s.figures if s else {}
        review = f.reviews.get(r.body)
        out.append(
            {
                "body": r.body,
                "body_name": r.body_name,
                "state": r.state,
                "received_no": s.received_no if s else None,
                "submitted_at": s.submitted_at if s else None,
                "data_week": s.data_week if s else None,
                "plan_completion": s.completion if s else None,
                "expected_reports": fig.get("expected_reports"),
                "reported": fig.get("reported"),
                "on_time": fig.get("on_time"),
                "self_score": fig.get("self_score"),
                "self_grade": fig.get("self_grade"),
                "reviewed_score": review[0] if review and s else None,
                "open_difficulties": s.open_difficulties if s else None,
            }
        )
    return out


def body_cells(row: dict[str, Any]) -> list[str]:
    """A Phụ lục row as text (the .docx)."""
    sent = row["received_no"] is not None
    weekly = (
        f"{row['reported']}/{row['expected_reports']} ({row['on_time']} đúng hạn)"
        if sent and row["expected_reports"]
        else ""
    )
    return [
        row["body_name"],
        row["state"],
        f"{row['received_no']} - {fmt_date(row['submitted_at'])}" if sent else "",
        periods.short_label(row["data_week"]).removeprefix("Tuần ") if sent else "",
        pct(row["plan_completion"]) if sent and row["plan_completion"] is not None else "",
        weekly,
        _score_text(row["self_score"], row["self_grade"]),
        _score_text(row["reviewed_score"]),
        fmt_number(row["open_difficulties"], 0) if sent else "",
    ]
