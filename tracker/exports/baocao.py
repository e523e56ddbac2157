"""The Báo cáo (.docx) HCTC sends to Sở Nội vụ (PRODUCT.md §8; Nghị định 30/2020/NĐ-CP, Phụ lục I).

The layout is the Word template data/bao_cao_mau.docx (the Office edits it in Word: header
names, place name, wording; recreate the starting layout with tracker/tools/baocao_template.py);
docxtpl fills its fields. The number prefix, the signer and Nơi nhận come from the settings
(report_* keys, validated in tracker/catalogue/setting_rules.py); the body is drafted from the
period's data by baocao_text.py. The annex ("Phụ lục") is the Báo cáo tổng hợp workbook of the
same dates (report.py), downloaded beside it. Equal inputs and clock give equal bytes.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, RichText

from tracker import settings
from tracker.catalogue import catalogues, periods
from tracker.exports import report
from tracker.exports.baocao_text import Para, Period, draft
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


def rich(para: Para) -> RichText:
    """A paragraph as docxtpl rich text: bold heading or lead, italic highlighted notes."""
    text = RichText()
    if para.note:
        text.add(para.text, italic=True, highlight="#FFF2CC", font="Times New Roman")
        return text
    if para.lead:
        text.add(para.lead, bold=True, font="Times New Roman")
    if para.text:
        text.add(para.text, bold=para.heading, font="Times New Roman")
    return text


def annex_name(p: Period) -> str:
    return f"bao-cao-tong-hop_{p.start:%Y%m%d}-{p.end:%Y%m%d}.xlsx"


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


def context(
    p: Period,
    number: str | None,
    now: datetime,
    path: Path | None = None,
    request: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every field of the template (see tracker/tools/baocao_template.py for where each goes)."""
    body = {
        name: [rich(x) for x in value]
        if isinstance(value, list) and not name.startswith(("bang", "phu_luc"))
        else value
        for name, value in draft(p, now, path, citation(request)).items()
    }
    authority = _setting("report_signer_authority", path).strip()
    return {
        **body,
        "so": number_text(number),
        "ky_hieu": _setting("report_number_prefix", path),
        "ngay": f"{now:%d}",
        "thang": month_text(now.date()),
        "nam": f"{now:%Y}",
        "trich_yeu": f"{SUBJECT} {p.title}",
        "ket_thuc": (
            f"Trên đây là báo cáo kết quả thực hiện công tác dân vận chính quyền và thực hiện dân "
            f"chủ ở cơ sở {p.title} của Văn phòng UBND thành phố./."
        ),
        "phu_luc": (
            "(Kèm theo Phụ lục I: Kết quả của các đơn vị theo nhiệm vụ; Phụ lục II: Khó khăn, "
            'vướng mắc chưa xử lý; Phụ lục III: Mô hình, điển hình "Dân vận khéo"; và tệp Báo '
            f"cáo tổng hợp số liệu {p.dates}, {annex_name(p)}.)"
        ),
        "noi_nhan": recipients(_setting("report_recipients", path)),
        "quyen_han": authority,
        "chuc_vu": _setting("report_signer_title", path),
        "nguoi_ky": _setting("report_signer_name", path),
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


def report_docx(
    p: Period,
    *,
    number: str | None = None,
    now: datetime | None = None,
    path: Path | None = None,
    request: dict[str, Any] | None = None,
) -> bytes:
    """The Báo cáo for period `p`, filled into the Office's template; `request` (request_of) is
    the request from Sở Nội vụ it answers, cited in the opening."""
    now = now or settings.now()
    doc = DocxTemplate(str(template_path()))
    doc.render(context(p, number, now, path, request), autoescape=True)
    props = doc.docx.core_properties
    props.created = props.modified = now.replace(tzinfo=None)
    props.last_modified_by = "Văn phòng UBND thành phố Cần Thơ"
    props.title = f"Báo cáo {SUBJECT.lower()} {p.title}"
    buffer = io.BytesIO()
    doc.save(buffer)
    # python-docx stamps the zip parts with the clock: one timestamp, so equal bytes.
    return report.stable_zip(buffer.getvalue(), now)


def file_name(p: Period) -> str:
    """Named after the period it reports (its data may stop earlier: the text says so)."""
    return file_name_of(p.start, p.period_end or p.end)


def file_name_of(start: date, end: date) -> str:
    return f"bao-cao_{start:%Y%m%d}-{end:%Y%m%d}.docx"
