"""The Báo cáo's Phụ lục I-III (the tables after the signature, A4 landscape: every unit's
results and documents, every open difficulty, every model) and the documents the units cite,
split, deduplicated and counted by type for the body (baocao_text.py)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from tracker.catalogue import periods
from tracker.store import db
from tracker.text import fmt_number, is_missing, key, nfc

_DOC_SPLIT = re.compile(r"\s*[;\n]\s*")

# Document types, by the name a document starts with or the code in its ký hiệu ("…/KH-…").
DOC_TYPES = (
    ("kế hoạch", "KH"),
    ("thông báo", "TB"),
    ("báo cáo", "BC"),
    ("quyết định", "QĐ"),
    ("công văn", "CV"),
    ("tờ trình", "TTr"),
    ("biên bản", "BB"),
    ("hướng dẫn", "HD"),
    ("chương trình", "CTr"),
    ("giấy mời", "GM"),
    ("kết luận", "KL"),
)


def doc_type(doc: str) -> str:
    """'kế hoạch', 'thông báo', … for a cited document, 'văn bản khác' when neither its name
    nor its ký hiệu says."""
    lowered = key(doc)
    for name, code in DOC_TYPES:
        if lowered.startswith(name) or re.search(rf"/{re.escape(code)}-", doc):
            return name
    return "văn bản khác"


def doc_counts(docs: list[str]) -> str:
    """'35 văn bản: 12 kế hoạch, 9 thông báo, …' (most frequent type first)."""
    counts: dict[str, int] = {}
    for doc in docs:
        counts[doc_type(doc)] = counts.get(doc_type(doc), 0) + 1
    order = sorted(counts.items(), key=lambda kv: (kv[0] == "văn bản khác", -kv[1], kv[0]))
    return f"{fmt_number(len(docs), 0)} văn bản: " + ", ".join(
        f"{fmt_number(n, 0)} {name}" for name, n in order
    )


def split_documents(ev: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """Per task, every document cited once (case and spacing ignored) with the units citing it,
    in first-cited order."""
    found: dict[str, dict[str, tuple[str, list[str]]]] = {}
    for r in ev.itertuples(index=False):
        for doc in filter(None, (d.strip(" .-–•") for d in _DOC_SPLIT.split(r.evidence))):
            _, units = found.setdefault(r.task_code, {}).setdefault(key(doc), (doc, []))
            if r.unit_code not in units:
                units.append(r.unit_code)
    return {task: dict(docs.values()) for task, docs in found.items()}


def _or_none(rows: list[dict[str, str]], columns: tuple[str, ...]) -> list[dict[str, str]]:
    """A table with no row shows one saying so."""
    return rows or [{c: ("Không có" if i == 1 else "") for i, c in enumerate(columns)}]


def results(start: date, end: date, week: str, path: Path | None) -> list[dict[str, str]]:
    """Phụ lục I: per task and unit, the unit's completion at the data week, its results and
    the documents it cited in the period (full texts)."""
    found = db.query("report_results", path=path, date_from=start, date_to=end)
    ev = db.query("report_evidence", path=path, date_from=start, date_to=end)
    progress = db.query("unit_task_progress", path=path, week=week)
    texts = {(r.task_code, r.unit_code): r.results for r in found.itertuples(index=False)}
    cited: dict[tuple[str, str], list[str]] = {}
    for r in ev.itertuples(index=False):
        cited.setdefault((r.task_code, r.unit_code), []).append(nfc(r.evidence))
    rows = []
    for r in progress.itertuples(index=False):
        pair = (r.task_code, r.unit_code)
        if pair not in texts and pair not in cited:
            continue
        rows.append(
            {
                "stt": str(len(rows) + 1),
                "nhiem_vu": r.task_code,
                "don_vi": r.unit_name,
                "hoan_thanh": fmt_number(r.percent, 0) if not is_missing(r.percent) else "",
                "ket_qua": " ".join(nfc(texts.get(pair, "")).split()),
                "van_ban": "; ".join(cited.get(pair, [])),
            }
        )
    return _or_none(rows, ("stt", "nhiem_vu", "don_vi", "hoan_thanh", "ket_qua", "van_ban"))


def difficulties(still_open: pd.DataFrame) -> list[dict[str, str]]:
    """Phụ lục II: every difficulty still open at the data week, with the unit's proposal."""
    rows = [
        {
            "stt": str(i),
            "don_vi": r.unit_name,
            "nhiem_vu": "" if is_missing(r.task_code) else str(r.task_code),
            "noi_dung": " ".join(nfc(r.content).split()),
            "de_xuat": "" if is_missing(r.proposal) else " ".join(nfc(r.proposal).split()),
            "tuan": periods.short_label(r.period) if not is_missing(r.period) else "",
        }
        for i, r in enumerate(still_open.itertuples(index=False), start=1)
    ]
    return _or_none(rows, ("stt", "don_vi", "nhiem_vu", "noi_dung", "de_xuat", "tuan"))


def models(week: str, path: Path | None) -> list[dict[str, str]]:
    """Phụ lục III: every registered "Dân vận khéo" model as of the data week."""
    df = db.query("report_models", path=path, week=week)
    rows = [
        {
            "stt": str(i),
            "don_vi": r.unit_name,
            "ten": nfc(r.name),
            "linh_vuc": "" if is_missing(r.field) else nfc(r.field),
            "trang_thai": "chưa ghi" if is_missing(r.status) or not r.status else r.status,
        }
        for i, r in enumerate(df.itertuples(index=False), start=1)
    ]
    return _or_none(rows, ("stt", "don_vi", "ten", "linh_vuc", "trang_thai"))
