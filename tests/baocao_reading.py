"""Reading a Báo cáo back as a person reads it (issue 33): its paragraphs, its tables, its
annex workbook, the figures its sentences state, and the sentences it must never contain."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

import docx
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tracker.exports import report

# A count of nothing said as a number ("0 đơn vị", "xử lý 0", "0/11 nhiệm vụ"): the report says
# "chưa có …" instead.
NOUNS = "đơn vị|khó khăn|mô hình|nhiệm vụ|văn bản|tuần|đề xuất|kết quả|lượt|cuộc|đơn|điểm"
ZERO = re.compile(rf"(?<![\d.,/])0 (?:{NOUNS})\b|\bxử lý 0\b|(?<![\d.,])0/\d+ (?:{NOUNS})\b")


def paragraphs(data: bytes) -> list[str]:
    """Every paragraph's text in reading order, table cells included."""
    body = docx.Document(io.BytesIO(data)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def tables(data: bytes) -> list[list[list[str]]]:
    """Every table as rows of cell texts (a line break inside a cell kept as '\\n')."""
    out = []
    for table in docx.Document(io.BytesIO(data)).tables:
        rows = []
        for row in table.rows:
            cells = []
            for cell in row.cells:
                parts = []
                for node in cell._tc.iter(qn("w:t"), qn("w:br"), qn("w:p")):
                    if node.tag == qn("w:t"):
                        parts.append(node.text or "")
                    elif parts:
                        parts.append("\n")
                cells.append("".join(parts).strip("\n"))
            rows.append(cells)
        out.append(rows)
    return out


def table_with(data: bytes, header: str) -> list[list[str]]:
    """The one table whose header row has a cell `header` (header row first)."""
    (found,) = [t for t in tables(data) if header in t[0]]
    return found


def sheet(data: bytes, name: str) -> list[dict[str, object]]:
    """A sheet of the annex workbook as one dict per row of its table."""
    ws = load_workbook(io.BytesIO(data))[name]
    rows = list(ws.iter_rows(min_row=report.HEADER_ROW, values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]


def zero_findings(lines: Iterable[str]) -> list[str]:
    """The sentences that state a count of nothing as a number."""
    return [line for line in lines if ZERO.search(line)]


def number(text: str) -> float:
    """'1.234,5' -> 1234.5."""
    return float(text.replace(".", "").replace(",", "."))


def one(pattern: str, lines: Iterable[str]) -> re.Match[str]:
    """The one match of `pattern` in the report's lines."""
    found = [m for line in lines if (m := re.search(pattern, line))]
    assert len(found) == 1, (pattern, [m.string for m in found])
    return found[0]
