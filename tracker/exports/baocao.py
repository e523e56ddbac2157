"""The Báo cáo (.docx) HCTC sends to Sở Nội vụ (PRODUCT.md §8; Nghị định 30/2020/NĐ-CP, Phụ lục I).

The layout is the Word template data/bao_cao_mau.docx (the Office edits it in Word: header
names, place name, wording; recreate the starting layout with tracker/tools/baocao_template.py);
docxtpl fills its fields. The number prefix, the signer and Nơi nhận come from the settings
(report_* keys, validated in tracker/catalogue/setting_rules.py); every figure is read once as of
the period's data week (baocao_figures.py) and written by baocao_text.py and baocao_sections.py
(the body) and baocao_annex.py (Phụ lục I, one block per task). Phụ lục II-V, unit by unit, are
the annex workbook (`annex_xlsx`, report.py), made by the same button and command. "[HCTC …]"
places are highlighted. Equal inputs and clock give equal bytes; only the date of signing
follows the clock.
"""

from __future__ import annotations

import io
import re
from copy import deepcopy
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate, RichText

from tracker import settings
from tracker.catalogue import catalogues, issuer, periods
from tracker.exports import baocao_annex, baocao_figures, report
from tracker.exports.baocao_figures import Figures, Period
from tracker.exports.baocao_sections import draft
from tracker.exports.baocao_text import Para, slot
from tracker.metrics import reporting, requests_register

TEMPLATE_NAME = "bao_cao_mau.docx"
SUBJECT = "Kết quả thực hiện công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở"
NUMBER_BLANK = "\u00a0" * 8  # "Số:        /BC-VPUB": the văn thư writes the number
# The settings the template uses, with the value a database created before them falls back to.
DEFAULTS = {
    "report_number_prefix": "BC-VPUB",
    "report_signer_authority": "KT. CHÁNH VĂN PHÒNG",
    "report_signer_title": "PHÓ CHÁNH VĂN PHÒNG",
    "report_signer_name": "",
    "report_recipients": "Sở Nội vụ;Lãnh đạo Văn phòng;Lưu: VT, HCTC",
}


class BaoCaoError(ValueError):
    """The report cannot be made (bad number, missing template); the message is Vietnamese."""


def template_path() -> Path:
    """The Office's template: beside the catalogues ($TRACKER_CATALOGUES), else data/."""
    for folder in (settings.catalogue_dir(), settings.DATA_DIR):
        if (folder / TEMPLATE_NAME).is_file():
            return folder / TEMPLATE_NAME
    raise BaoCaoError(f"Không tìm thấy tệp mẫu báo cáo {TEMPLATE_NAME} trong thư mục data/.")


def _setting(name: str, path: Path | None) -> str:
    try:
        return catalogues.setting(name, path)
    except KeyError:
        return DEFAULTS[name]


def recipients(value: str) -> list[str]:
    """'- Sở Nội vụ;' … '- Lưu: VT, HCTC.' as the decree writes Nơi nhận."""
    items = [x.strip() for x in value.split(";") if x.strip()]
    return [f"- {x}{'.' if i == len(items) - 1 else ';'}" for i, x in enumerate(items)]


def month_text(day: date) -> str:
    """Nghị định 30/2020: a 0 before months 1 and 2 ('tháng 02'), none before 3..12."""
    return f"{day.month:02d}" if day.month < 3 else str(day.month)


def number_text(number: str | None) -> str:
    text = (number or "").strip()
    if not text:
        return NUMBER_BLANK
    if not text.isdigit() or len(text) > 6:
        raise BaoCaoError(f"Số báo cáo phải là số nguyên dương (ví dụ 25), đang là '{number}'.")
    return str(int(text))


_SLOT = re.compile(r"(\[HCTC[^\]]*\])")
FONT = "Times New Roman"
HIGHLIGHT = "#FFF2CC"


def _runs(text: RichText, value: str, bold: bool = False, size: int | None = None) -> None:
    """`value` into `text`, its "[HCTC …]" places italic and highlighted."""
    for part in filter(None, _SLOT.split(value)):
        style = {"bold": bold, "font": FONT, "size": size}
        if _SLOT.fullmatch(part):
            style |= {"italic": True, "highlight": HIGHLIGHT}
        text.add(part, **style)


def rich(para: Para | str, *, bold: bool = False, size: int | None = None) -> RichText:
    """A paragraph (or a cell's text, `size` in half-points) as docxtpl rich text: bold heading
    or lead, highlighted places for HCTC, line breaks kept."""
    text = RichText()
    if isinstance(para, str):
        _runs(text, para, bold, size)
        return text
    if para.lead:
        text.add(para.lead, bold=True, font=FONT)
    if para.text:
        _runs(text, para.text, bold=para.heading)
    return text


def citation(request: dict[str, Any] | None) -> str:
    """'Thực hiện Văn bản số 125/SNV-XDCQ ngày 02/03/2026 của Sở Nội vụ về việc …'."""
    if not request:
        return ""
    return (
        f"Thực hiện Văn bản số {request['doc_number']} ngày {request['doc_date']:%d/%m/%Y} của "
        f"{request['issuer']} về việc {request['subject'].rstrip('.')}"
    )


def request_of(request_id: int | str | None, path: Path | None = None) -> dict[str, Any] | None:
    """A registered request from Sở Nội vụ (BaoCaoError when there is no such request)."""
    if request_id in (None, ""):
        return None
    found = requests_register.requests(path)
    found = found[found["id"].astype(str) == str(request_id).strip()]
    if found.empty:
        raise BaoCaoError(f"Không tìm thấy yêu cầu số {request_id} của Sở Nội vụ.")
    return found.iloc[0].to_dict()


CELL_SIZE = 24  # 12 pt, as the template's table cells
ANNEX_FIELDS = ("nhiem_vu", "so_lieu", "ket_qua", "vuong_mac")


def context(
    p: Period,
    number: str | None,
    now: datetime,
    path: Path | None = None,
    request: dict[str, Any] | None = None,
    figures: Figures | None = None,
) -> dict[str, Any]:
    """Every field of the template (see tracker/tools/baocao_template.py for where each goes)."""
    f = figures or baocao_figures.gather(p, path)
    body = {
        name: [rich(x) for x in value]
        if isinstance(value, list) and not name.startswith("bang")
        else value
        for name, value in draft(f, citation(request)).items()
    }
    blocks = baocao_annex.task_blocks(f) if f.started else []
    signer = _setting("report_signer_name", path).strip()
    by = f.issuer
    return {
        **body,
        "phu_luc_nhiem_vu": [
            {
                k: rich(v, bold=k == "nhiem_vu", size=CELL_SIZE) if k in ANNEX_FIELDS else v
                for k, v in row.items()
            }
            for row in blocks
        ],
        "co_quan_day_du": by.full,
        "so": number_text(number),
        "ky_hieu": _setting("report_number_prefix", path),
        "ngay": f"{now:%d}",
        "thang": month_text(now.date()),
        "nam": f"{now:%Y}",
        "trich_yeu": f"{SUBJECT} {p.title}",
        "ket_thuc": (
            f"Trên đây là báo cáo kết quả thực hiện công tác dân vận chính quyền và thực hiện dân "
            f"chủ ở cơ sở {p.title} của {by.text}./."
        ),
        "noi_nhan": recipients(_setting("report_recipients", path)),
        "quyen_han": _setting("report_signer_authority", path).strip(),
        "chuc_vu": _setting("report_signer_title", path),
        "nguoi_ky": rich(signer or slot("họ và tên người ký"), bold=True),
    }


def period_dates(
    period: str | None,
    year: str | int | None,
    date_from: str | date | None,
    date_to: str | date | None,
    request: dict[str, Any] | None = None,
) -> tuple[date, date]:
    """The report period's own dates: a decree period of a year, a custom range, else the
    request's kỳ số liệu (RangeError if none is given)."""
    if request and not (period or date_from or date_to) and request.get("period_from"):
        date_from, date_to = request["period_from"], request["period_to"]
    return periods.period_dates(period, year, date_from, date_to)


def period_of(
    period: str | None,
    year: str | int | None,
    date_from: str | date | None,
    date_to: str | date | None,
    request: dict[str, Any] | None = None,
    *,
    now: datetime | None = None,
    path: Path | None = None,
) -> Period:
    """The report's period: a decree period of a year, or a custom range, else the request's
    kỳ số liệu (RangeError if none is given). A period that has not ended at `now` is reported
    up to the latest week whose deadline has passed (BaoCaoError when none of its weeks has)."""
    start, end = period_dates(period, year, date_from, date_to, request)
    title = periods.period_title(period, year, start, end)
    data_end = reporting.data_end(start, end, now, path)
    if data_end is None:
        raise BaoCaoError(reporting.nothing_closed_message(start, title, path))
    return Period(start, data_end, title, end if data_end < end else None)


def _drop_annex(document: DocxDocument) -> None:
    """Remove Phụ lục I's section (a report before any reporting week has closed has none):
    the body keeps its own section properties as the document's last."""
    body = document.element.body
    breaker = next(
        p
        for p in body.iterchildren(qn("w:p"))
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    )
    own = breaker.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
    last = body.find(qn("w:sectPr"))
    for element in list(breaker.itersiblings()):
        if element is not last:
            body.remove(element)
    breaker.find(qn("w:pPr")).remove(own)
    body.replace(last, own)


def _set_text(paragraph: Paragraph, text: str) -> None:
    """The paragraph's text replaced, its first run's font kept."""
    runs = paragraph.runs
    for run in runs[1:]:
        run._r.getparent().remove(run._r)
    runs[0].text = text


def issuer_header(document: DocxDocument, by: issuer.Issuer) -> None:
    """The issuer at the top left (the template's first cell: the chủ quản line, then the name)
    written as `by` says when it is not the Office's: none above for a UBND xã, phường, a name
    on several lines each its own paragraph. The Office's header is left as its template has it
    (its bytes unchanged, and whatever the Office typed there in Word)."""
    if (by.parent, by.name) == (issuer.CITY, issuer.lines(issuer.OFFICE["report_issuer_name"])):
        return
    cell = document.tables[0].cell(0, 0)
    above, name = [p for p in cell.paragraphs if p.text.strip()][:2]
    _set_text(name, by.name[0])
    for line in reversed(by.name[1:]):
        copy = deepcopy(name._p)
        name._p.addnext(copy)
        _set_text(Paragraph(copy, name._parent), line)
    if by.parent:
        _set_text(above, by.parent)
    else:
        above._p.getparent().remove(above._p)


def own_places(document: DocxDocument, marker: str) -> None:
    """The highlighted places ask the body that issues the Báo cáo ("[Cơ quan bổ sung: …]"),
    not the Office's HCTC; the Office's are left as made."""
    if marker == issuer.OFFICE_MARKER:
        return
    for text in document.element.body.iter(qn("w:t")):
        if text.text and "[HCTC " in text.text:
            text.text = text.text.replace("[HCTC ", f"[{marker} ")


def report_docx(
    p: Period,
    *,
    number: str | None = None,
    now: datetime | None = None,
    path: Path | None = None,
    request: dict[str, Any] | None = None,
    figures: Figures | None = None,
) -> bytes:
    """The Báo cáo for period `p`, filled into the Office's template; `request` (request_of) is
    the request from Sở Nội vụ it answers, cited in the opening."""
    now = now or settings.now()
    f = figures or baocao_figures.gather(p, path)
    doc = DocxTemplate(str(template_path()))
    doc.render(context(p, number, now, path, request, f), autoescape=True)
    if not f.started:
        _drop_annex(doc.docx)
    issuer_header(doc.docx, f.issuer)
    own_places(doc.docx, f.issuer.marker)
    props = doc.docx.core_properties
    props.created = props.modified = now.replace(tzinfo=None)
    props.author = props.last_modified_by = f.issuer.full  # the issuing body
    props.title = f"Báo cáo {SUBJECT.lower()} {p.title}"
    buffer = io.BytesIO()
    doc.save(buffer)
    # python-docx stamps the zip parts with the clock: one timestamp, so equal bytes.
    return report.stable_zip(buffer.getvalue(), now)


def annex_xlsx(
    p: Period,
    *,
    number: str | None = None,
    now: datetime | None = None,
    path: Path | None = None,
    figures: Figures | None = None,
) -> bytes:
    """Phụ lục II-V of the Báo cáo for period `p`, unit by unit (report.py), headed as attached
    to the Báo cáo of that number and date."""
    now = now or settings.now()
    f = figures or baocao_figures.gather(p, path)
    attached = (
        f"Kèm theo Báo cáo số {number_text(number)}/{_setting('report_number_prefix', path)} "
        f"ngày {now:%d} tháng {month_text(now.date())} năm {now:%Y} của {f.issuer.full}"
    )
    return report.annex_workbook(f, now, attached)


def file_name(p: Period) -> str:
    """Named after the period it reports (its data may stop earlier: the text says so)."""
    return file_name_of(p.start, p.period_end or p.end)


def file_name_of(start: date, end: date) -> str:
    return f"bao-cao_{start:%Y%m%d}-{end:%Y%m%d}.docx"


def annex_file_name_of(start: date, end: date) -> str:
    """The annex workbook beside the Báo cáo: its name with '_phu-luc.xlsx'."""
    return file_name_of(start, end).removesuffix(".docx") + "_phu-luc.xlsx"
