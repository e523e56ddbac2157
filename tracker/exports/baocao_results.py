"""What the units wrote, as the Báo cáo quotes it: a task's short name, the "kết quả nổi bật"
chosen by one stated rule (RULE), and the documents they cite, split, deduplicated and counted
by type. Used by the body (baocao_text.py), its Phụ lục I (baocao_annex.py) and the annex
workbook (report.py); no Word, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from tracker.text import fmt_number, is_missing, key, nfc

# --- task names ----------------------------------------------------------------------------------

SHORT_NAME = 85  # characters of a task's short name in lists ("…, A (II.1.b), …")
_CLAUSE_BREAKS = (", ", " và ")


def short_name(title: str) -> str:
    """A task's name as a list writes it beside the code: the title's first ';'-clause without
    a closing parenthesis, cut at the last ', ' or ' và ' that keeps it within SHORT_NAME."""
    text = " ".join(nfc(title).split(";")[0].split())
    text = re.sub(r"\s*\([^)]*\)$", "", text)
    if len(text) <= SHORT_NAME:
        return text
    head = text[:SHORT_NAME]
    cut = max(head.rfind(b) for b in _CLAUSE_BREAKS)
    return head[:cut] if cut > 0 else head.rsplit(" ", 1)[0] + "…"


def named(code: str, title: str) -> str:
    """'Quán triệt chủ trương, … ở cơ sở (II.1.b)'."""
    return f"{short_name(title)} ({code})"


# --- "kết quả nổi bật" ---------------------------------------------------------------------------

# Results that say nothing a reader can check: continuing, adding later, pausing, "done".
BOILERPLATE = (
    "tiếp tục",
    "bổ sung kết quả",
    "tạm dừng",
    "đang thực hiện",
    "đang triển khai",
    "chưa có kết quả",
    "chưa phát sinh",
    "không phát sinh",
    "không có",
    "như tuần trước",
    "thực hiện theo kế hoạch",
    "triển khai theo kế hoạch",
    "theo kế hoạch",
    "đã hoàn thành nhiệm vụ",
    "hoàn thành nhiệm vụ",
)
MIN_WORDS = 4
RULE = (
    "Kết quả nổi bật của mỗi nhiệm vụ: của đơn vị chủ trì, rồi của các đơn vị có tỷ lệ hoàn "
    "thành cao nhất; mỗi đơn vị tối đa 2 việc cụ thể trong kỳ, ưu tiên việc có số liệu hoặc văn "
    "bản; không nêu câu chung (như “tiếp tục triển khai theo kế hoạch”, “bổ sung kết quả”, “tạm "
    "dừng”) và việc đã nêu ở đơn vị khác."
)
PER_UNIT = 2
_ITEM_SPLIT = re.compile(r"\s*[;\n]\s*")
_SPECIFIC = re.compile(r"\d|/[A-ZĐ]{1,6}-")


def fold(text: str) -> str:
    """The matching key of a text already in NFC: single spaces, case folded (text.key without
    its NFC pass, for the thousands of items and documents of a city report)."""
    return " ".join(text.split()).casefold()


def items(text: str) -> list[str]:
    """A unit's results as separate items ('; ' or new line between them), trimmed, each once."""
    seen: dict[str, str] = {}
    for item in _ITEM_SPLIT.split(nfc(text)):
        item = " ".join(item.split()).strip(" .;-–•")
        if item and (folded := item.casefold()) not in seen:
            seen[folded] = item
    return list(seen.values())


def once_each(text: str) -> str:
    """A unit's results with each item once (the same item reported in several weeks): the
    text as the unit wrote it when nothing repeats."""
    found = items(text)
    if len(found) == len([i for i in _ITEM_SPLIT.split(nfc(text)) if i.strip(" .;-–•")]):
        return text
    return "; ".join(found)


def is_boilerplate(item: str) -> bool:
    """Whether an item (from `items`) is a general phrase, not a result (BOILERPLATE openings,
    or shorter than MIN_WORDS words)."""
    return item.casefold().startswith(BOILERPLATE) or len(item.split()) < MIN_WORDS


def _capital(item: str) -> str:
    return item[:1].upper() + item[1:]


@dataclass(frozen=True)
class Quote:
    unit_code: str
    unit_name: str
    items: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"{self.unit_name}: {'; '.join(_capital(i) for i in self.items)}"


def highlights(
    mine: pd.DataFrame, progress: pd.DataFrame, units: int, quoted: set[str] | None = None
) -> list[Quote]:
    """RULE: at most `units` units' quotes for one task (`mine`: its report_results rows,
    `progress`: its unit_task_progress rows). `quoted` holds the keys of items already quoted
    elsewhere; the ones chosen here are added to it."""
    quoted = set() if quoted is None else quoted
    ranked = mine.merge(
        progress[["unit_code", "role", "percent"]], on="unit_code", how="left", sort=False
    )
    ranked = ranked.assign(
        lead=(ranked["role"] == "chu_tri").astype(int),
        pct=ranked["percent"].fillna(-1),
        order=range(len(ranked)),
    ).sort_values(["lead", "pct", "order"], ascending=[False, False, True])
    chosen: list[Quote] = []
    for r in ranked.itertuples(index=False):
        fresh = [
            i for i in items(r.results) if not is_boilerplate(i) and i.casefold() not in quoted
        ]
        fresh.sort(key=lambda i: not _SPECIFIC.search(i))  # stable: specific first
        if not fresh:
            continue
        kept = tuple(fresh[:PER_UNIT])
        quoted.update(i.casefold() for i in kept)
        chosen.append(Quote(r.unit_code, r.unit_name, kept))
        if len(chosen) == units:
            break
    return chosen


# --- documents -----------------------------------------------------------------------------------

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
_DOC_CODES = {code: name for name, code in DOC_TYPES}
_CODE = re.compile(r"/(" + "|".join(re.escape(c) for c in _DOC_CODES) + r")-")
OTHER_DOCS = "văn bản khác"


def doc_type(doc: str) -> str:
    """'kế hoạch', 'thông báo', … for a cited document, 'văn bản khác' when neither its name
    nor its ký hiệu says."""
    lowered = key(doc)
    for name, _ in DOC_TYPES:
        if lowered.startswith(name):
            return name
    found = _CODE.search(doc)
    return _DOC_CODES[found.group(1)] if found else OTHER_DOCS


def doc_counts(docs: Iterable[str]) -> str:
    """'35 văn bản (12 kế hoạch, 9 thông báo, …)', most frequent type first; '3 kế hoạch' when
    every document is of one type."""
    counts: dict[str, int] = {}
    total = 0
    for doc in docs:
        kind = doc_type(doc)
        counts[kind] = counts.get(kind, 0) + 1
        total += 1
    order = sorted(counts.items(), key=lambda kv: (kv[0] == OTHER_DOCS, -kv[1], kv[0]))
    kinds = ", ".join(f"{fmt_number(n, 0)} {name}" for name, n in order)
    if len(order) == 1:  # one type: "3 kế hoạch", "2 văn bản khác"
        return kinds
    return f"{fmt_number(total, 0)} văn bản ({kinds})"


def split_documents(ev: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """Per task, every document cited once (case and spacing ignored) with the units citing it,
    in first-cited order."""
    found: dict[str, dict[str, tuple[str, list[str]]]] = {}
    for task, unit, evidence in zip(ev["task_code"], ev["unit_code"], ev["evidence"], strict=True):
        if is_missing(evidence):
            continue
        docs = found.setdefault(task, {})
        for doc in filter(None, (d.strip(" .-–•") for d in _DOC_SPLIT.split(nfc(evidence)))):
            _, units = docs.setdefault(fold(doc), (doc, []))
            if unit not in units:
                units.append(unit)
    return {task: dict(docs.values()) for task, docs in found.items()}
