"""A generated week written as a plain .xlsx in the standard workbook's layout (the contract's
sheets, labels and columns; values only, no styles or validation), as another tool or a script
would write it: the city sample's kept files, ~0.3 ms each where openpyxl takes ~60 ms.

The reader reads it back to the rows stored for it (tests/test_demo.py).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from tracker.catalogue import periods
from tracker.ingest import contract, template
from tracker.ingest.kept import keep_file, sha256
from tracker.ingest.parsed import ParsedWorkbook

Cell = str | float | int | None
Row = Sequence[Cell]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>{sheets}</Types>'
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def keep_workbooks(books: list[tuple[ParsedWorkbook, str, str]], path: Path) -> list[str]:
    """Write and keep (kept.keep_file, not yet fsynced: kept.make_durable()) the workbook of each
    (parsed week, unit name, generation time); their SHA-256 in order. Runs in the sample's
    writer process."""
    digests = []
    for parsed, unit_name, generated_at in books:
        data = workbook_bytes(parsed, unit_name, generated_at)
        digest = sha256(data)
        keep_file(data, path, digest, durable=False)
        digests.append(digest)
    return digests


def workbook_bytes(parsed: ParsedWorkbook, unit_name: str, generated_at: str) -> bytes:
    """The week's workbook: the sheets `parsed` has, with their rows where the reader reads them."""
    sheets = {contract.SHEET_PROGRESS: _progress(parsed, unit_name)}
    sheets[contract.SHEET_INDICATORS] = _table(
        template.INDICATOR_HEADER_ROW,
        contract.INDICATOR_COLUMNS.values(),
        [(r.indicator_code, None, None, r.value, None) for r in parsed.indicators or []],
    )
    if parsed.scores is not None:
        sheets[contract.SHEET_SCORES] = _table(
            template.SCORE_HEADER_ROW,
            contract.SCORE_COLUMNS.values(),
            [
                (
                    r.criterion_code,
                    None,
                    None,
                    contract.NOT_APPLICABLE_MARK if r.not_applicable else None,
                    r.score,
                    r.evidence,
                    r.explanation,
                )
                for r in parsed.scores
            ],
        )
    if parsed.models is not None:
        sheets[contract.SHEET_MODELS] = _table(
            template.MODEL_HEADER_ROW,
            contract.MODEL_COLUMNS.values(),
            [(m.name, m.field, m.content, m.timeframe, m.outcome, m.status) for m in parsed.models],
        )
    header = parsed.header
    sheets[contract.SHEET_META] = _sheet(
        [
            (key, value)
            for key, value in zip(
                contract.META_KEYS,
                (
                    contract.TEMPLATE_VERSION,
                    header.unit_code,
                    header.period,
                    generated_at,
                    header.period[:4],
                    "",  # a plain workbook pre-fills nothing
                ),
                strict=True,
            )
        ]
    )
    return _package(sheets)


def _progress(parsed: ParsedWorkbook, unit_name: str) -> str:
    header = parsed.header
    block: list[Row] = [()] * (template.HEADER_BLOCK_FIRST_ROW - 1)
    values = (
        unit_name,
        header.unit_code,
        periods.short_label(header.period),
        header.reporter,
        header.phone,
        header.report_date,
    )
    block += [
        (f"{label}:", value) for label, value in zip(contract.HEADER_LABELS, values, strict=True)
    ]
    block += [()] * (template.PROGRESS_HEADER_ROW - 1 - len(block))
    block.append(tuple(contract.PROGRESS_COLUMNS.values()))
    block += [
        (
            n,
            r.task_code,
            None,
            None,
            r.status,
            r.percent,
            r.result_text,
            r.evidence,
            r.difficulty,
            r.proposal,
        )
        for n, r in enumerate(parsed.progress or [], start=1)
    ]
    return _sheet(block)


def _table(header_row: int, columns: Sequence[str], rows: list[Row]) -> str:
    return _sheet([()] * (header_row - 1) + [tuple(columns)] + rows)


def _sheet(rows: list[Row]) -> str:
    body = "".join(
        f'<row r="{n}">{"".join(_cell(n, c, v) for c, v in enumerate(row) if v not in (None, ""))}</row>'
        for n, row in enumerate(rows, start=1)
        if row
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}><sheetData>{body}</sheetData></worksheet>'


def _cell(row: int, column: int, value: Cell) -> str:
    ref = f"{_COLUMNS[column]}{row}"
    if isinstance(value, str):
        return (
            f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
        )
    return f'<c r="{ref}"><v>{value!r}</v></c>'


_COLUMNS = [chr(65 + i) for i in range(26)]  # the contract's sheets use columns A to J


def _package(sheets: dict[str, str]) -> bytes:
    names = list(sheets)
    entries = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"'
        + (' state="hidden"' if name == contract.SHEET_META else "")
        + "/>"
        for n, name in enumerate(names, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(names) + 1)
    )
    out = io.BytesIO()
    # The small fixed parts stored as they are (compressing each has a fixed cost), the sheets
    # deflated.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(
                sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(names) + 1))
            ),
        )
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {_NS} {_NS_R}>'
            f"<sheets>{entries}</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            "</Relationships>",
        )
        for n, name in enumerate(names, start=1):
            z.writestr(
                f"xl/worksheets/sheet{n}.xml",
                sheets[name],
                compress_type=zipfile.ZIP_DEFLATED,
                compresslevel=1,
            )
    return out.getvalue()
