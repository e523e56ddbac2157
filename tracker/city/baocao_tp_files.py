"""The files of Sở Nội vụ's Báo cáo to UBND thành phố (tracker/city/baocao_tp.py: its figures and
sentences): the .docx in the form of Nghị định 30/2020/NĐ-CP, Phụ lục I, built with the Office
report's own building blocks (tracker/exports/docx_form.py: A4, margins, rules, page numbers at
the top from page 2, the phụ lục landscape and numbered on its own), "[Sở Nội vụ bổ sung: …]"
places highlighted; and the annex workbook, one plain sortable sheet per table
(tracker/exports/report.table_sheet: numbers stay numbers, text never a formula). Equal inputs
and clock give equal bytes.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from openpyxl import Workbook

from tracker.city import baocao_tp as tp
from tracker.city import bodies, city_settings
from tracker.exports import docx_form as form
from tracker.exports import report
from tracker.exports.baocao import month_text, recipients
from tracker.exports.baocao_text import Para
from tracker.roles import User, require

ISSUER = "SỞ NỘI VỤ"
NUMBER_BLANK = "\u00a0" * 8  # the văn thư writes the number
SUBJECT = "Kết quả thực hiện công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở"
ROMAN = ("I", "II", "III")
_SLOT = re.compile(r"(\[Sở Nội vụ bổ sung:[^\]]*\])")

SUBMISSION_HEADER = ["Loại cơ quan", "Phải gửi", "Đúng hạn", "Trễ hạn", "Chưa gửi (quá hạn)"]
SUBMISSION_HEADER += ["Chưa đến hạn"]
ITEM_HEADER = ["Mục", "Nội dung", "Số cơ quan", "Bình quân", "Thấp nhất", "Cao nhất"]
BODY_HEADER = [
    "STT",
    "Cơ quan",
    "Tình trạng",
    "Số đến - ngày gửi",
    "Tuần số liệu",
    "Hoàn thành KH",
    "Báo cáo tuần: đã nộp/phải nộp",
    "Tự chấm điểm",
    "Thẩm định",
    "Vướng mắc chưa xử lý",
]
BODY_WIDTHS = [12, 50, 24, 30, 20, 20, 34, 26, 18, 18]


def _runs(paragraph: Paragraph, text: str, size: float, bold: bool = False) -> None:
    for part in filter(None, _SLOT.split(text)):
        run = paragraph.add_run(part)
        is_slot = bool(_SLOT.fullmatch(part))
        form.font(run, size, bold=bold, italic=is_slot)
        if is_slot:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _body_para(doc: DocxDocument, para: Para | str) -> Paragraph:
    para = Para(para) if isinstance(para, str) else para
    paragraph = doc.add_paragraph(style=form.BODY_STYLE)
    if para.lead:
        form.font(paragraph.add_run(para.lead), 13, bold=True)
    _runs(paragraph, para.text, 13, bold=para.heading)
    return paragraph


def _heading(doc: DocxDocument, text: str) -> None:
    paragraph = doc.add_paragraph(style=form.BODY_STYLE)
    form.font(paragraph.add_run(text), 14, bold=True)


CELL_STYLES = {12: form.TABLE_STYLE, 10: "BC Phu luc"}  # a table's cell text, by size (pt)


def _cell_styles(doc: DocxDocument) -> None:
    """The phụ lục's 10 pt cell style beside the 12 pt one of form.styles()."""
    small = doc.styles.add_style(CELL_STYLES[10], 1)
    small.base_style = doc.styles[form.TABLE_STYLE]
    small.font.size = Pt(10)


def _table(
    doc: DocxDocument,
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    size: int,
    left: frozenset[int],
) -> None:
    """A bordered table, its header row repeated on every page and no row split across two;
    each cell one paragraph in the cell style of `size` (set once, not run by run: a
    phụ lục of 134 bodies is 1,300 cells)."""
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    form.fix_widths(table, widths)
    style = doc.styles[CELL_STYLES[size]]
    for r, values in enumerate([header, *rows]):
        row = table.rows[r]
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader" if r == 0 else "w:cantSplit"))
        for c, cell in enumerate(row.cells):
            paragraph = cell.paragraphs[0]
            paragraph.style = style
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.LEFT if r and c in left else WD_ALIGN_PARAGRAPH.CENTER
            )
            if values[c]:
                run = paragraph.add_run(values[c])
                if r == 0:
                    run.bold = True


def _word(f: tp.CityFigures, key: str) -> str:
    """A setting of the city's Báo cáo (city_settings: number prefix, signer, Nơi nhận)."""
    return f.words.get(key, city_settings.DEFAULTS[key][0]).strip()


def _header(doc: DocxDocument, now: datetime, prefix: str) -> None:
    table = form.plain_table(doc, 2, [72, form.TEXT_WIDTH_MM - 72])
    left, right = form.first(table.cell(0, 0)), form.first(table.cell(0, 1))
    form.para(left, "UBND THÀNH PHỐ CẦN THƠ", 13)
    form.para(left, ISSUER, 13, bold=True)
    form.rule(left, 25)
    form.para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    form.para(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    form.rule(right, 15)
    left, right = form.first(table.cell(1, 0)), form.first(table.cell(1, 1))
    form.para(left, f"Số: {NUMBER_BLANK}/{prefix}", 13).paragraph_format.space_before = Pt(6)
    place = form.para(right, _place_date(now), 14, italic=True)
    place.paragraph_format.space_before = Pt(6)


def _place_date(now: datetime) -> str:
    return f"Cần Thơ, ngày {now:%d} tháng {month_text(now.date())} năm {now:%Y}"


def _title(doc: DocxDocument, f: tp.CityFigures) -> None:
    form.para(doc, "BÁO CÁO", 14, bold=True).paragraph_format.space_before = Pt(24)
    form.para(
        doc, f"{SUBJECT} {f.title} của các cơ quan, đơn vị trên địa bàn thành phố", 14, bold=True
    )
    form.rule(doc, 65)
    form.para(
        doc, "Kính gửi: Ủy ban nhân dân thành phố Cần Thơ.", 14
    ).paragraph_format.space_before = Pt(6)


def _body(doc: DocxDocument, f: tp.CityFigures) -> None:
    for p in tp.opening(f):
        _body_para(doc, p)
    if not f.anything:
        return
    _heading(doc, "I. TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC CƠ QUAN")
    for p in tp.submission_lines(f):
        _body_para(doc, p)
    form.para(doc, f"Bảng 1. Tình hình gửi Báo cáo {f.title} theo loại cơ quan", 12, italic=True)
    _table(
        doc, SUBMISSION_HEADER, tp.submission_rows(f), [45, 22, 24, 24, 26, 24], 12, frozenset({0})
    )
    _heading(doc, "II. KẾT QUẢ THỰC HIỆN THEO BÁO CÁO CỦA CÁC CƠ QUAN")
    _heading(doc, "1. Tiến độ theo mục của Kế hoạch thành phố")
    for p in tp.item_lines(f):
        _body_para(doc, p)
    form.para(doc, "Bảng 2. Tỷ lệ hoàn thành theo mục của Kế hoạch thành phố (%)", 12, italic=True)
    _table(doc, ITEM_HEADER, tp.item_rows(f), [14, 77, 20, 18, 18, 18], 12, frozenset({1}))
    _heading(doc, "2. Tỷ lệ hoàn thành Kế hoạch và báo cáo hằng tuần")
    for p in [*tp.completion_lines(f), *tp.reporting_lines(f)]:
        _body_para(doc, p)
    _heading(doc, "3. Khó khăn, vướng mắc")
    for p in tp.difficulty_lines(f):
        _body_para(doc, p)
    _heading(doc, "4. Tự chấm điểm và thẩm định")
    for p in tp.score_lines(f):
        _body_para(doc, p)
    for heading, paras in (
        ("III. ĐÁNH GIÁ CHUNG", tp.assessment(f)),
        ("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", tp.directions(f)),
        ("V. ĐỀ XUẤT, KIẾN NGHỊ", tp.proposals(f)),
    ):
        _heading(doc, heading)
        for p in paras:
            _body_para(doc, p)


def _signature(doc: DocxDocument, f: tp.CityFigures) -> None:
    _body_para(
        doc,
        f"Trên đây là báo cáo kết quả thực hiện công tác dân vận chính quyền và thực hiện dân chủ "
        f"ở cơ sở {f.title} của các cơ quan, đơn vị trên địa bàn thành phố, Sở Nội vụ kính báo "
        "cáo Ủy ban nhân dân thành phố./.",
    )
    if f.anything:
        annex = ", ".join(f"Phụ lục {ROMAN[i]}" for i in range(len(_kinds(f))))
        _body_para(doc, f"(Kèm theo {annex} và tệp Excel số liệu của từng cơ quan.)").runs[
            0
        ].italic = True
    form.para(doc, "", 14)
    table = form.plain_table(doc, 1, [70, form.TEXT_WIDTH_MM - 70])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = form.first(table.cell(0, 0)), form.first(table.cell(0, 1))
    form.para(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in recipients(_word(f, "report_recipients")):
        form.para(left, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    if authority := _word(f, "report_signer_authority"):
        form.para(right, authority, 14, bold=True)
    form.para(right, _word(f, "report_signer_title"), 14, bold=True)
    for _ in range(4):
        form.para(right, "", 14)
    signer = right.add_paragraph()
    signer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _runs(signer, _word(f, "report_signer_name") or tp.slot("họ và tên người ký"), 14, bold=True)


def _kinds(f: tp.CityFigures) -> list[str]:
    return [k for k in tp.KINDS if (f.status["kind"] == k).any()]


def _annexes(doc: DocxDocument, f: tp.CityFigures, now: datetime) -> None:
    form.landscape(doc)
    for i, kind in enumerate(_kinds(f)):
        if i:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        form.para(doc, f"Phụ lục {ROMAN[i]}", 14, bold=True)
        form.para(
            doc, f"SỐ LIỆU BÁO CÁO {f.title.upper()}: {bodies.KINDS[kind].upper()}", 14, bold=True
        )
        form.para(
            doc,
            f"(Kèm theo Báo cáo số {NUMBER_BLANK}/{_word(f, 'report_number_prefix')} ngày {now:%d} tháng "
            f"{month_text(now.date())} năm {now:%Y} của Sở Nội vụ)",
            13,
            italic=True,
        )
        form.rule(doc, 100)
        form.para(
            doc,
            "Số liệu theo báo cáo gần nhất cơ quan đã gửi; hoàn thành KH, tự chấm "
            "điểm: như cơ quan báo cáo; thẩm định: điểm Sở Nội vụ thẩm định năm "
            f"{f.year}.",
            11,
            italic=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
        rows = [[str(n), *tp.body_cells(r)] for n, r in enumerate(tp.body_rows(f, kind), 1)]
        _table(doc, BODY_HEADER, rows, BODY_WIDTHS, 10, frozenset({1}))
    form.page_number(doc.sections[1])
    form.restart_numbering(doc.sections[1])


def report_docx(f: tp.CityFigures) -> bytes:
    """The city's Báo cáo as Word (Phụ lục I-III: one table per kind of body)."""
    now = f.made_at
    doc = Document()
    form.styles(doc)
    _cell_styles(doc)
    form.page(doc)
    _header(doc, now, _word(f, "report_number_prefix"))
    _title(doc, f)
    _body(doc, f)
    _signature(doc, f)
    form.page_number(doc.sections[0])
    if f.anything:
        _annexes(doc, f, now)
    props = doc.core_properties
    props.author = props.last_modified_by = "Sở Nội vụ thành phố Cần Thơ"
    props.title = f"Báo cáo {SUBJECT.lower()} {f.title}"
    props.created = props.modified = now.replace(tzinfo=None)
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return report.stable_zip(buffer.getvalue(), now)


DIFFICULTY_COLUMNS = (
    ("Mã cơ quan", 12),
    ("Cơ quan", 30),
    ("Đơn vị", 24),
    ("Nhiệm vụ", 10),
    ("Khó khăn, vướng mắc", 60),
    ("Đề xuất, kiến nghị", 40),
)
BODY_COLUMNS = (
    ("Mã cơ quan", 12),
    ("Cơ quan", 40),
    ("Tình trạng", 16),
    ("Số đến", 9),
    ("Ngày gửi", 12),
    ("Tuần số liệu", 12),
    ("Hoàn thành KH (%)", 12),
    ("Báo cáo tuần phải nộp", 12),
    ("Đã nộp", 10),
    ("Đúng hạn", 10),
    ("Tự chấm điểm", 11),
    ("Xếp loại", 14),
    ("Điểm thẩm định", 11),
    ("Vướng mắc chưa xử lý", 12),
)


def _body_values(row: dict[str, Any]) -> list[Any]:
    return [
        row["body"],
        row["body_name"],
        row["state"],
        row["received_no"],
        row["submitted_at"],
        row["data_week"],
        None if row["plan_completion"] is None else round(row["plan_completion"], 1),
        row["expected_reports"],
        row["reported"],
        row["on_time"],
        None if row["self_score"] is None else round(float(row["self_score"]), 1),
        row["self_grade"],
        row["reviewed_score"],
        row["open_difficulties"],
    ]


def annex_xlsx(f: tp.CityFigures) -> bytes:
    """The annex workbook: Bảng 1, Bảng 2 and one sheet per kind of body (Phụ lục I-III)."""
    now = f.made_at
    attached = (
        f"Kèm theo Báo cáo số {NUMBER_BLANK}/{_word(f, 'report_number_prefix')} ngày {now:%d} tháng "
        f"{month_text(now.date())} năm {now:%Y} của Sở Nội vụ"
    )
    caption = (
        f"Báo cáo {f.title}; hạn gửi {f.due:%d/%m/%Y}; các báo cáo đã gửi đến {now:%H:%M} ngày "
        f"{now:%d/%m/%Y}"
    )
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "Sở Nội vụ thành phố Cần Thơ"
    wb.properties.title = f"Phụ lục Báo cáo {f.title}"
    wb.properties.created = wb.properties.modified = now
    by_kind = f.by_kind()
    order = list(f.status["body"])
    report.table_sheet(
        wb,
        "Bảng 1 Gửi báo cáo",
        ("BẢNG 1. TÌNH HÌNH GỬI BÁO CÁO THEO LOẠI CƠ QUAN", f"({attached})", caption),
        [(name, 16) for name in SUBMISSION_HEADER],
        [
            ["Tổng cộng" if k == "all" else bodies.KINDS[k], by_kind[k]["expected"]]
            + [by_kind[k][s] for s in tp.STATES]
            for k in (*tp.KINDS, "all")
        ],
        "Không có cơ quan nào.",
    )
    if f.anything:
        report.table_sheet(
            wb,
            "Bảng 2 Mục KH thành phố",
            (
                "BẢNG 2. TỶ LỆ HOÀN THÀNH THEO MỤC CỦA KẾ HOẠCH THÀNH PHỐ (%)",
                f"({attached})",
                caption,
            ),
            [
                ("Mục", 8),
                ("Nội dung", 60),
                ("Số cơ quan", 12),
                ("Bình quân", 12),
                ("Thấp nhất", 12),
                ("Cao nhất", 12),
            ],
            [
                [i.code, i.title, i.bodies]
                + [None if v is None else round(v, 1) for v in (i.average, i.lowest, i.highest)]
                for i in f.items
            ],
            "Chưa có mục nào của Kế hoạch thành phố.",
        )
    if f.anything:
        report.table_sheet(
            wb,
            "Vướng mắc",
            ("KHÓ KHĂN, VƯỚNG MẮC CHƯA XỬ LÝ CÁC CƠ QUAN NÊU", f"({attached})", caption),
            DIFFICULTY_COLUMNS,
            [
                [x["body"], x["body_name"], x["unit"], x["task"], x["content"], x["proposal"]]
                for x in sorted(tp.open_items(f), key=lambda x: order.index(x["body"]))
            ],
            "Các báo cáo đã gửi chưa nêu cụ thể khó khăn, vướng mắc chưa xử lý nào.",
        )
    for i, kind in enumerate(_kinds(f)):
        report.table_sheet(
            wb,
            f"PL {ROMAN[i]} {bodies.KINDS[kind].replace(',', '')}",
            (f"PHỤ LỤC {ROMAN[i]}. {bodies.KINDS[kind].upper()}", f"({attached})", caption),
            BODY_COLUMNS,
            [_body_values(r) for r in tp.body_rows(f, kind)],
            "Không có cơ quan nào.",
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return report.stable_zip(buffer.getvalue(), now)


def file_name(year: int, period: str) -> str:
    return f"bao-cao-ubnd-tp_{period}_{year}.docx"


def annex_file_name(year: int, period: str) -> str:
    return file_name(year, period).removesuffix(".docx") + "_phu-luc.xlsx"


def files(user: User, year: int | str, period: str, registry: Any) -> tuple[bytes, bytes]:
    """The city's Báo cáo (.docx) and its annex (.xlsx) of `period` of `year`, for Sở Nội vụ's
    officers and leaders only (permission export_city)."""
    require(user, "export_city")
    f = tp.gather(year, period, registry)
    return report_docx(f), annex_xlsx(f)
