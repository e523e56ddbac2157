"""The body of the Báo cáo to Sở Nội vụ, drafted from the data of one period (PRODUCT.md §8).

Everything here is data and Vietnamese sentences, no Word: paragraphs are `Para` values that
tracker/exports/baocao.py turns into docxtpl rich text. The figures come from the same queries and
metrics as the pages and the annex workbook (report.py): task_completion (as of the period's last
week), report_results and report_evidence (texts of the weeks whose Thursday is in the period),
indicator_totals (flow summed, stock latest), report_models, the difficulties register, the
scores, reporting_trend and unit_reporting_counts. Where only HCTC can judge, a marked `note`
paragraph says what to write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from tracker.catalogue import criteria, periods, plans
from tracker.exports import baocao_annex as annex
from tracker.exports.tables import KIND_LABELS, indicator_totals
from tracker.metrics import (
    difficulties,
    models_register,
    progress,
    reporting,
    scoring,
    year_over_year,
)
from tracker.store import db
from tracker.text import fmt_number, fmt_pct, is_missing, key, nfc

STATUS_ORDER = (
    progress.DONE,
    progress.ON_TRACK,
    progress.ON_REQUEST,
    progress.BEHIND,
    progress.OVERDUE,
)
BEHIND = (progress.BEHIND, progress.OVERDUE, progress.NO_REPORT)
RECOGNISED = ("Được công nhận", "Nhân rộng")
MAX_RESULT = 1200  # characters of one unit's results in the body; the annex has them all


@dataclass(frozen=True)
class Para:
    """One paragraph: `lead` in bold, then `text`; a heading is all bold; a note is the place
    where HCTC writes its own judgement (italic, highlighted)."""

    text: str
    lead: str = ""
    heading: bool = False
    note: bool = False


@dataclass(frozen=True)
class Period:
    """The report's dates, its name in the trích yếu and the week the status figures are as of.

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


def note(text: str) -> Para:
    return Para(f"[HCTC bổ sung: {text}]", note=True)


def _join(items: Iterable[str]) -> str:
    return "; ".join(i for i in items if i)


def _clip(text: str, limit: int = MAX_RESULT) -> str:
    text = " ".join(nfc(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "… (xem Phụ lục)"


def _first_items(text: str, limit: int) -> str:
    """The first whole '; '-separated items of a unit's results that fit in `limit` characters
    (the first one cut with '…' when it alone is longer)."""
    items = [i.strip().rstrip(".") for i in " ".join(nfc(text).split()).split(";") if i.strip()]
    kept: list[str] = []
    for item in items:
        if len("; ".join([*kept, item])) > limit:
            break
        kept.append(item)
    if not kept and items:
        return items[0][: limit - 1].rstrip() + "…"
    return "; ".join(kept)


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", ":", "…")) else text + "."


# --- I. Kết quả thực hiện ------------------------------------------------------------------------


def opening(p: Period, year: int, citation: str = "") -> list[Para]:
    """The opening; `citation` names the request answered ('Văn bản số … của Sở Nội vụ về việc …')."""
    basis = f"{citation}; thực hiện" if citation else "Thực hiện"
    return [
        Para(
            f"{basis} Kế hoạch công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở năm "
            f"{year} của Văn phòng UBND thành phố, Văn phòng UBND thành phố báo cáo kết quả thực "
            f"hiện {p.title} như sau:"
        ),
        *(
            []
            if citation
            else [note("căn cứ văn bản đề nghị của Sở Nội vụ (số, ngày, trích yếu), nếu có.")]
        ),
        Para(
            f"Số liệu tổng hợp từ báo cáo của các phòng, ban, đơn vị thuộc Văn phòng {p.dates} "
            f"(các tuần có ngày thứ Năm trong khoảng); tỷ lệ hoàn thành do đơn vị tự đánh giá, "
            f"tính đến hết {periods.label(p.week)}"
            + (
                f", tuần gần nhất đã hết hạn nộp báo cáo (kỳ báo cáo đến ngày "
                f"{p.period_end:%d/%m/%Y} chưa kết thúc)."
                if p.cut and p.period_end
                else "."
            )
        ),
    ]


def status_counts(tc: pd.DataFrame) -> str:
    counts = tc["status"].value_counts()
    order = [*STATUS_ORDER, *sorted(set(counts.index) - set(STATUS_ORDER))]
    return ", ".join(f"{int(counts[s])} {s.lower()}" for s in order if s in counts)


def overview(p: Period, tc: pd.DataFrame, path: Path | None) -> list[Para]:
    plan = db.query("plan_completion", path=path, week=p.week).iloc[0]
    paras = [
        Para(
            f"Kế hoạch có {len(tc)} nhiệm vụ; tỷ lệ hoàn thành chung (bình quân theo trọng số "
            f"nhiệm vụ) đến hết {periods.short_label(p.week)} đạt "
            f"{fmt_pct(plan.plan_completion) or '0,0%'}; trong đó {status_counts(tc)}."
        )
    ]
    if p.first_week > p.week:
        return paras
    trend = reporting.trend(p.week, p.first_week, path)
    asked = trend[trend["expected"]]
    if asked.empty:
        paras.append(Para("Trong kỳ không có tuần nào yêu cầu đơn vị báo cáo."))
        return paras
    paras.append(
        Para(
            f"Trong kỳ có {len(asked)} tuần yêu cầu báo cáo; bình quân mỗi tuần "
            f"{fmt_pct(asked['reporting_rate'].mean())} đơn vị nộp báo cáo, "
            f"{fmt_pct(asked['on_time_rate'].mean())} nộp đúng hạn."
        )
    )
    return paras + last_year_comparison(p.week, path)


def _moved(change: float) -> str:
    """'tăng 4,5 điểm phần trăm' / 'giảm …' / 'không đổi'."""
    if abs(change) < 0.05:
        return "không đổi"
    return f"{'tăng' if change > 0 else 'giảm'} {fmt_number(abs(change))} điểm phần trăm"


def last_year_comparison(week: str, path: Path | None) -> list[Para]:
    """One sentence against last year at the same week, where last year's plan has data."""
    found = year_over_year.compare(week, path)
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


def _indicator_line(r: object) -> str:
    kind = "cộng dồn trong kỳ" if r.kind == "flow" else "số liệu mới nhất"  # type: ignore[attr-defined]
    return (
        f"{r.name}: {fmt_number(r.total, 0 if float(r.total).is_integer() else 1)} {r.measure} "  # type: ignore[attr-defined]
        f"({kind}, {int(r.units)} đơn vị)"  # type: ignore[attr-defined]
    )


HIGHLIGHTS = 2  # results quoted per task in the body; every unit's are in Phụ lục I
HIGHLIGHT_CHARS = 150
HIGHLIGHT_RULE = (
    "Mỗi nhiệm vụ nêu tối đa 2 kết quả nổi bật: của đơn vị chủ trì, rồi của các đơn vị có tỷ lệ "
    "hoàn thành cao nhất; kết quả của từng đơn vị và danh mục văn bản, minh chứng tại Phụ lục I."
)


def highlights(mine: pd.DataFrame, progress: pd.DataFrame) -> pd.DataFrame:
    """The task's results the body quotes (HIGHLIGHT_RULE): the lead unit's, then the highest
    self-assessed completion at the data week, ties in catalogue order."""
    ranked = mine.merge(
        progress[["unit_code", "role", "percent"]], on="unit_code", how="left", sort=False
    )
    ranked = ranked.assign(
        lead=(ranked["role"] == "chu_tri").astype(int),
        pct=ranked["percent"].fillna(-1),
        order=range(len(ranked)),
    )
    return ranked.sort_values(["lead", "pct", "order"], ascending=[False, False, True]).head(
        HIGHLIGHTS
    )


def tasks(p: Period, tc: pd.DataFrame, ind: pd.DataFrame, path: Path | None) -> list[Para]:
    """Per task, a synthesis whatever the number of units: completion, pace and status, how
    many units reported, at most HIGHLIGHTS results, the documents counted by type, the
    indicators. Each unit's results and every document are in Phụ lục I."""
    results = db.query("report_results", path=path, date_from=p.start, date_to=p.end)
    docs = annex.split_documents(
        db.query("report_evidence", path=path, date_from=p.start, date_to=p.end)
    )
    unit_progress = db.query("unit_task_progress", path=path, week=p.week)
    paras: list[Para] = [Para(HIGHLIGHT_RULE)]
    for i, t in enumerate(tc.itertuples(index=False), start=1):
        paras.append(Para(f"1.{i}. {t.short_title} (nhiệm vụ {t.code})", heading=True))
        pace = (
            ""
            if t.kind == "theo_yeu_cau" or is_missing(t.expected)
            else f" (theo kế hoạch {fmt_pct(t.expected)})"
        )
        lead = "" if is_missing(t.lead_name) else f"; chủ trì: {t.lead_name}"
        paras.append(
            Para(
                f"hoàn thành {fmt_pct(t.completion) or '0,0%'}{pace}, {t.status.lower()}; "
                f"{t.reported_units}/{t.assigned_units} đơn vị đã báo cáo{lead}.",
                lead="Tiến độ: ",
            )
        )
        mine = results[results["task_code"] == t.code]
        if mine.empty:
            paras.append(Para("chưa có đơn vị nêu kết quả trong kỳ.", lead="Kết quả: "))
        else:
            chosen = highlights(mine, unit_progress[unit_progress["task_code"] == t.code])
            quoted = "; ".join(
                f"{r.unit_name}: {_first_items(r.results, HIGHLIGHT_CHARS)}"
                for r in chosen.itertuples(index=False)
            )
            paras.append(
                Para(
                    f"{quoted} ({len(mine)} đơn vị nêu kết quả, xem Phụ lục I).",
                    lead="Kết quả nổi bật: ",
                )
            )
        if t.code in docs:
            paras.append(
                Para(f"các đơn vị nêu {annex.doc_counts(list(docs[t.code]))}.", lead="Văn bản: ")
            )
        lines = [
            _indicator_line(r)
            for r in ind.itertuples(index=False)
            if r.task_code == t.code and not is_missing(r.total)
        ]
        if lines:
            paras.append(Para(_sentence(_join(lines)), lead="Chỉ số: "))
    return paras


def indicator_rows(ind: pd.DataFrame) -> list[dict[str, str]]:
    """Bảng 2: every indicator of the catalogue (empty value when no unit reported it)."""
    return [
        {
            "stt": str(i),
            "chi_so": f"{r.name} ({r.code})",
            "don_vi_tinh": r.measure,
            "cach_tinh": KIND_LABELS[r.kind],
            "gia_tri": ""
            if is_missing(r.total)
            else fmt_number(r.total, 0 if float(r.total).is_integer() else 1),
            "so_don_vi": str(int(r.units)),
        }
        for i, r in enumerate(ind.itertuples(index=False), start=1)
    ]


def indicator_notes(ind: pd.DataFrame) -> list[Para]:
    missing = ind[ind["total"].isna()]
    if missing.empty:
        return []
    return [Para(f"Chỉ số chưa có đơn vị báo cáo trong kỳ: {_join(missing['name'])}.")]


def models(p: Period, path: Path | None) -> list[Para]:
    df = db.query("report_models", path=path, week=p.week)
    if df.empty:
        return [
            Para(
                f'Đến hết {periods.short_label(p.week)}, chưa có đơn vị đăng ký mô hình, điển hình "Dân vận khéo".'
            )
        ]
    counts = models_register.status_counts(df)
    recognised = sum(counts.get(s, 0) for s in RECOGNISED)
    by_status = ", ".join(f"{n} {s.lower()}" for s, n in counts.items() if n)
    fields = df["field"].fillna("").replace("", "chưa ghi lĩnh vực").value_counts()
    return [
        Para(
            f"Đến hết {periods.short_label(p.week)}, {df['unit_code'].nunique()} đơn vị đăng ký "
            f'{len(df)} mô hình, điển hình "Dân vận khéo" ({by_status}); {recognised} mô hình '
            f"được công nhận hoặc nhân rộng. Theo lĩnh vực: "
            + ", ".join(f"{field} {n}" for field, n in fields.items())
            + " (danh sách tại Phụ lục III)."
        )
    ]


def _in_period(values: pd.Series, p: Period) -> pd.Series:
    # Compare as timestamps, never as `.dt.date`: on an all-missing column pandas 3 keeps
    # datetime64 there, which cannot be compared with a date (an office that has handled nothing).
    times = pd.to_datetime(values, errors="coerce")
    start = pd.Timestamp(p.start)
    after_end = pd.Timestamp(p.end) + pd.Timedelta(days=1)
    return times.notna() & (times >= start) & (times < after_end)


THEMES = 3  # tasks named with their count of open difficulties, the most first


def difficulty_lines(p: Period, path: Path | None) -> tuple[list[Para], pd.DataFrame]:
    """Raised and handled in the period, and the open ones as of its last week (also returned)."""
    # Raised and handled in the period: the registers of the plans its weeks belong to.
    years = sorted({plans.of_week(p.first_week), plans.of_week(p.week)})
    register = pd.concat([difficulties.all(path=path, year=y) for y in years], ignore_index=True)
    raised = int(_in_period(register["raised_at"], p).sum())
    handled = int(_in_period(register["handled_at"], p).sum())
    still_open = difficulties.open_list(p.week, path)
    by_task = still_open["task_code"].fillna("").value_counts()
    themes = ", ".join(
        f"{n} về nhiệm vụ {task}" if task else f"{n} chưa gắn nhiệm vụ"
        for task, n in by_task.head(THEMES).items()
    )
    if len(by_task) > THEMES:
        themes = f"nhiều nhất: {themes}"
    paras = [
        Para(
            f"Trong kỳ, các đơn vị nêu {raised} khó khăn, vướng mắc; Lãnh đạo Văn phòng đã xử lý "
            f"{handled}; đến hết {periods.short_label(p.week)} còn {len(still_open)} khó khăn, "
            "vướng mắc chưa xử lý"
            + (f" ({themes}; chi tiết tại Phụ lục II)." if len(still_open) else ".")
        )
    ]
    return paras, still_open


def self_scores(year: int, path: Path | None) -> list[Para]:
    df = scoring.scores_table(year, path)
    units = df[df["unit_code"] != scoring.VP]
    paras = [
        Para(f"Năm {year} có {len(units)} đơn vị đã tự chấm điểm theo bộ tiêu chí đang áp dụng.")
    ]
    vp = df[df["unit_code"] == scoring.VP]
    if not vp.empty and not is_missing(vp.iloc[0]["final_total"]):
        row = vp.iloc[0]
        paras.append(
            Para(
                f"Điểm đánh giá của Văn phòng (tổng hợp theo tiêu chí): "
                f"{fmt_number(row['final_total'])} điểm, xếp loại {row['grade']}."
            )
        )
    if criteria.active_set(path, year)["provisional"]:
        paras.append(
            Para(
                "Lưu ý: bộ tiêu chí đang dùng là bộ TẠM THỜI, chờ Văn phòng nạp Phụ lục II chính "
                "thức của Quyết định 2579/QĐ-UBND; điểm trên chỉ có tính tham khảo."
            )
        )
    return paras


# --- II-IV ---------------------------------------------------------------------------------------


def _task_list(df: pd.DataFrame) -> str:
    """'chậm tiến độ: II.1.a, II.2; quá hạn: III.1' (codes as in Bảng 1), by status."""
    return (
        _join(
            f"{status.lower()}: {', '.join(group['code'])}"
            for status, group in df.groupby("status", sort=False)
        )
        + " (xem Bảng 1)"
    )


def late_units(p: Period, now: datetime, path: Path | None, top: int = 3) -> pd.DataFrame:
    """The units most often late or missing over the period's weeks whose deadline has passed."""
    last = p.week
    if reporting.deadline(last, path) > now:
        last = periods.shift(last, -1)
    if p.first_week > last:
        return pd.DataFrame(columns=["unit_name", "late", "missing"])
    df = db.query("unit_reporting_counts", path=path, first_week=p.first_week, week=last)
    return df[(df["late"] + df["missing"]) > 0].head(top)


def _late_text(df: pd.DataFrame) -> str:
    return _join(
        f"{r.unit_name} ({r.late} tuần trễ hạn, {r.missing} tuần chưa nộp)"
        for r in df.itertuples(index=False)
    )


def assessment(tc: pd.DataFrame, late: pd.DataFrame) -> list[Para]:
    good = tc[tc["status"].isin((progress.DONE, progress.ON_TRACK, progress.ON_REQUEST))]
    behind = tc[tc["status"].isin(BEHIND)]
    paras = [
        Para(
            f"{len(good)}/{len(tc)} nhiệm vụ đã hoàn thành, đúng tiến độ hoặc đang thực hiện theo "
            "yêu cầu."
            + (
                f" Nhiệm vụ chậm tiến độ, quá hạn hoặc chưa có báo cáo: {_task_list(behind)}."
                if len(behind)
                else ""
            )
        )
    ]
    if not late.empty:
        paras.append(
            Para(
                f"Đơn vị nộp báo cáo trễ hạn hoặc chưa nộp nhiều nhất trong kỳ: {_late_text(late)}."
            )
        )
    else:
        paras.append(Para("Các đơn vị nộp báo cáo đầy đủ, đúng hạn trong kỳ."))
    paras.append(note("ưu điểm, hạn chế và nguyên nhân; nhận định của Lãnh đạo Văn phòng."))
    return paras


def directions(tc: pd.DataFrame, late: pd.DataFrame, still_open: pd.DataFrame) -> list[Para]:
    behind = tc[tc["status"].isin(BEHIND)]
    paras = []
    if len(behind):
        paras.append(Para(f"Tập trung đẩy nhanh tiến độ các nhiệm vụ: {_task_list(behind)}."))
    paras.append(
        Para(
            "Tiếp tục theo dõi, đôn đốc các phòng, ban, đơn vị báo cáo định kỳ đúng hạn"
            + (f", nhất là: {_join(late['unit_name'])}." if not late.empty else ".")
        )
    )
    if len(still_open):
        paras.append(
            Para(f"Xem xét, xử lý dứt điểm {len(still_open)} khó khăn, vướng mắc còn tồn đọng.")
        )
    paras.append(note("nhiệm vụ trọng tâm thời gian tới theo chỉ đạo của Lãnh đạo Văn phòng."))
    return paras


PROPOSALS = 3  # proposals quoted in the body, those shared by most units first


def _units_text(units: list[str], shown: int = 3) -> str:
    more = f" và {len(units) - shown} đơn vị khác" if len(units) > shown else ""
    return ", ".join(units[:shown]) + more


def proposals(still_open: pd.DataFrame) -> list[Para]:
    """The units' proposals attached to open difficulties, each text once with its units."""
    seen: dict[str, tuple[str, list[str]]] = {}
    for r in still_open.itertuples(index=False):
        if is_missing(r.proposal) or not str(r.proposal).strip():
            continue
        _, units = seen.setdefault(key(r.proposal), (nfc(r.proposal), []))
        if r.unit_name not in units:
            units.append(r.unit_name)
    shared = sorted(seen.values(), key=lambda tu: -len(tu[1]))
    paras = [
        Para(f"- {_sentence(_clip(t, 400))[:-1]} ({_units_text(u)}).")
        for t, u in shared[:PROPOSALS]
    ]
    if len(shared) > PROPOSALS:
        paras.append(Para(f"- Và {len(shared) - PROPOSALS} đề xuất khác (Phụ lục II)."))
    if not paras:
        paras = [
            Para("Các đơn vị chưa có đề xuất, kiến nghị kèm theo khó khăn, vướng mắc chưa xử lý.")
        ]
    else:
        paras.insert(
            0, Para("Đề xuất, kiến nghị của các đơn vị kèm theo khó khăn, vướng mắc chưa xử lý:")
        )
    paras.append(note("đề xuất, kiến nghị của Văn phòng với Sở Nội vụ, UBND thành phố."))
    return paras


def draft(
    p: Period, now: datetime, path: Path | None = None, citation: str = ""
) -> dict[str, object]:
    """Every body part of the template (lists of Para, table rows, captions), from the data."""
    tc = db.query("task_completion", path=path, week=p.week)
    ind = indicator_totals(p.start, p.end, path)
    year = periods.parse_week_id(p.week)[0]
    kho_khan, still_open = difficulty_lines(p, path)
    late = late_units(p, now, path)
    return {
        "mo_dau": opening(p, year, citation),
        "tong_quan": overview(p, tc, path),
        "bang_nhiem_vu_tieu_de": f"Bảng 1. Tiến độ các nhiệm vụ đến hết {periods.label(p.week)}",
        "bang_nhiem_vu": task_rows(tc),
        "nhiem_vu": tasks(p, tc, ind, path),
        "bang_chi_so_tieu_de": f"Bảng 2. Chỉ số {p.dates} (cộng dồn: tổng các tuần; giá trị mới nhất: số liệu gần nhất của mỗi đơn vị)",
        "bang_chi_so": indicator_rows(ind),
        "chi_so": indicator_notes(ind),
        "mo_hinh": models(p, path),
        "kho_khan": kho_khan,
        "tu_cham": self_scores(year, path),
        "danh_gia": assessment(tc, late),
        "phuong_huong": directions(tc, late, still_open),
        "de_xuat": proposals(still_open),
        "phu_luc_tuan": periods.label(p.week),
        "phu_luc_ket_qua": annex.results(p.start, p.end, p.week, path),
        "phu_luc_vuong_mac": annex.difficulties(still_open),
        "phu_luc_mo_hinh": annex.models(p.week, path),
    }
