"""Writes the Word template of the Báo cáo to Sở Nội vụ (data/bao_cao_mau.docx) with python-docx.

The template is committed; the Office edits it in Word (header names, place name, wording) and
tracker/exports/baocao.py fills it with docxtpl. This script only (re)creates the starting layout
of Nghị định 30/2020/NĐ-CP, Phụ lục I (văn bản có tên loại): A4, Times New Roman, margins top and
bottom 20 mm, left 30 mm, right 15 mm. It never runs at runtime; the output path is explicit:

    python -m tracker.tools.baocao_template --out data/bao_cao_mau.docx

The {{ … }} and {%p … %} / {%tr … %} tags are docxtpl (Jinja) fields; each field's meaning is in
tracker/exports/baocao.py (`context`).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_STYLE = "BC Than bai"
TABLE_STYLE = "BC Bang"
TEXT_WIDTH_MM = 165  # A4 210 mm - left 30 - right 15
# Fixed so that regenerating gives the same file.
CREATED = datetime(2026, 1, 1)


def _font(style_or_run: object, size: float, *, bold: bool = False, italic: bool = False) -> None:
    """Times New Roman for every script (Vietnamese text is 'complex' for some Word versions)."""
    font = style_or_run.font  # type: ignore[attr-defined]
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    rpr = style_or_run.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    _font(normal, 14)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    body = doc.styles.add_style(BODY_STYLE, 1)
    body.base_style = normal
    _font(body, 13)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # 13 pt: NĐ 30 allows 13-14
    body.paragraph_format.first_line_indent = Mm(10)
    body.paragraph_format.space_before = Pt(6)
    body.paragraph_format.line_spacing = 1.1
    cell = doc.styles.add_style(TABLE_STYLE, 1)
    cell.base_style = normal
    _font(cell, 12)
    cell.paragraph_format.space_before = Pt(2)
    cell.paragraph_format.space_after = Pt(2)


def _page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)


def _para(
    where: DocxDocument | _Cell,
    text: str,
    size: float = 14,
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    style: str | None = None,
) -> Paragraph:
    paragraph = where.add_paragraph(style=style)
    if style is None:
        paragraph.alignment = align
    if text:
        _font(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


def _rule(where: DocxDocument | _Cell, indent_mm: float) -> Paragraph:
    """The short line the decree puts under the issuer, the motto and the trích yếu: an empty
    2 pt paragraph with a bottom border, its indents giving the line's length."""
    paragraph = where.add_paragraph()
    _font(paragraph.add_run(""), 2)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    ppr.insert(0, borders)
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)
    paragraph.paragraph_format.line_spacing = Pt(2)
    return paragraph


def _fix_widths(table: Table, widths_mm: list[float]) -> None:
    """Fixed layout with the grid, every cell and the table width set (Word and LibreOffice)."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_mm) * 56.7)))
    width.set(qn("w:type"), "dxa")
    for old in tblpr.findall(qn("w:tblW")):
        tblpr.remove(old)
    tblpr.append(width)
    for column, mm in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(mm)
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(mm)


def _plain_table(doc: DocxDocument, rows: int, widths_mm: list[float]) -> Table:
    """A layout table (no borders) of fixed column widths."""
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fix_widths(table, widths_mm)
    return table


def _first(cell: _Cell) -> _Cell:
    """A new cell holds one empty paragraph: drop it so that the cell starts with ours."""
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    return cell


def _header(doc: DocxDocument) -> None:
    table = _plain_table(doc, 2, [72, TEXT_WIDTH_MM - 72])
    left, right = _first(table.cell(0, 0)), _first(table.cell(0, 1))
    _para(left, "UBND THÀNH PHỐ CẦN THƠ", 13)
    _para(left, "VĂN PHÒNG", 13, bold=True)
    _rule(left, 25)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    _rule(right, 15)
    left, right = _first(table.cell(1, 0)), _first(table.cell(1, 1))
    _para(left, "Số: {{ so }}/{{ ky_hieu }}", 13).paragraph_format.space_before = Pt(6)
    place = _para(
        right, "Cần Thơ, ngày {{ ngay }} tháng {{ thang }} năm {{ nam }}", 14, italic=True
    )
    place.paragraph_format.space_before = Pt(6)


def _title(doc: DocxDocument) -> None:
    _para(doc, "BÁO CÁO", 14, bold=True).paragraph_format.space_before = Pt(24)
    _para(doc, "{{ trich_yeu }}", 14, bold=True)
    _rule(doc, 65)
    _para(doc, "", 14)


def _loop(doc: DocxDocument, name: str) -> None:
    """Paragraphs from a list of rich texts (bold headings, italic places for HCTC's words)."""
    _para(doc, f"{{%p for p in {name} %}}", style=BODY_STYLE)
    _para(doc, "{{r p }}", style=BODY_STYLE)
    _para(doc, "{%p endfor %}", style=BODY_STYLE)


def _heading(doc: DocxDocument, text: str) -> None:
    paragraph = _para(doc, "", style=BODY_STYLE)
    _font(paragraph.add_run(text), 14, bold=True)


def _grid(
    doc: DocxDocument,
    rows: str,
    header: list[str],
    fields: list[str],
    widths: list[float],
    left: frozenset[int] = frozenset({1}),
    rich: frozenset[str] = frozenset(),
) -> Table:
    """A bordered table: the header row, then one row per item of `rows` (docxtpl {%tr %});
    the columns in `left` are aligned left, the others centred; the `rich` fields are docxtpl
    rich text (line breaks, highlighted places)."""
    table = doc.add_table(rows=4, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fix_widths(table, widths)
    tags = [
        [f"{{%tr for r in {rows} %}}"],
        [f"{{{{r r.{f} }}}}" if f in rich else f"{{{{ r.{f} }}}}" for f in fields],
        ["{%tr endfor %}"],
    ]
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            _first(cell)
            if r == 0:
                _para(cell, header[c], 12, bold=True)
            else:
                texts = tags[r - 1]
                text = texts[c] if c < len(texts) else ""
                align = WD_ALIGN_PARAGRAPH.LEFT if c in left else WD_ALIGN_PARAGRAPH.CENTER
                _para(cell, text, 12, align=align)
    # The header row repeats on every printed page.
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))
    return table


def _body(doc: DocxDocument) -> None:
    _loop(doc, "mo_dau")
    # Before any reporting week has closed the report says so (mo_dau) and nothing else.
    _para(doc, "{%p if co_so_lieu %}", style=BODY_STYLE)
    _heading(doc, "I. KẾT QUẢ THỰC HIỆN")
    _loop(doc, "tong_quan")
    _heading(doc, "1. Kết quả thực hiện các nhiệm vụ của Kế hoạch")
    _para(doc, "{{ bang_nhiem_vu_tieu_de }}", 12, italic=True)
    _grid(
        doc,
        "bang_nhiem_vu",
        [
            "STT",
            "Nhiệm vụ",
            "Tỷ lệ hoàn thành (%)",
            "Tiến độ theo kế hoạch (%)",
            "Trạng thái",
            "Đơn vị đã báo cáo",
        ],
        ["stt", "nhiem_vu", "hoan_thanh", "ky_vong", "trang_thai", "bao_cao"],
        [12, 63, 22, 22, 25, 21],
    )
    _loop(doc, "nhiem_vu")
    _heading(doc, "2. Kết quả các chỉ số")
    _para(doc, "{{ bang_chi_so_tieu_de }}", 12, italic=True)
    _grid(
        doc,
        "bang_chi_so",
        ["STT", "Chỉ số", "Đơn vị tính", "Cách tính", "Giá trị", "Số đơn vị"],
        ["stt", "chi_so", "don_vi_tinh", "cach_tinh", "gia_tri", "so_don_vi"],
        [12, 67, 20, 26, 21, 19],
    )
    _loop(doc, "chi_so")
    _heading(doc, '3. Mô hình, điển hình "Dân vận khéo"')
    _loop(doc, "mo_hinh")
    _heading(doc, "4. Khó khăn, vướng mắc và việc xử lý")
    _loop(doc, "kho_khan")
    _heading(doc, "5. Kết quả tự chấm điểm")
    _loop(doc, "tu_cham")
    _heading(doc, "II. ĐÁNH GIÁ CHUNG")
    _loop(doc, "danh_gia")
    _heading(doc, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI")
    _loop(doc, "phuong_huong")
    _heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    _loop(doc, "de_xuat")
    _para(doc, "{%p endif %}", style=BODY_STYLE)
    _para(doc, "{{ ket_thuc }}", style=BODY_STYLE)
    _para(doc, "{%p if co_so_lieu %}", style=BODY_STYLE)
    _para(doc, "{{ phu_luc }}", style=BODY_STYLE).runs[0].italic = True
    _para(doc, "{%p endif %}", style=BODY_STYLE)


def _signature(doc: DocxDocument) -> None:
    _para(doc, "", 14)
    table = _plain_table(doc, 1, [70, TEXT_WIDTH_MM - 70])
    # Nơi nhận and the signature stay together on one page.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = _first(table.cell(0, 0)), _first(table.cell(0, 1))
    _para(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(left, "{%p for r in noi_nhan %}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(left, "{{ r }}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(left, "{%p endfor %}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(right, "{%p if quyen_han %}", 14, bold=True)
    _para(right, "{{ quyen_han }}", 14, bold=True)
    _para(right, "{%p endif %}", 14, bold=True)
    _para(right, "{{ chuc_vu }}", 14, bold=True)
    for _ in range(4):  # room for the signature and the seal
        _para(right, "", 14)
    _para(right, "{{r nguoi_ky }}", 14, bold=True)


LANDSCAPE_WIDTH_MM = 252  # A4 landscape 297 mm - left 30 - right 15
# Phụ lục I: one block per task, the same size at any number of units (issue 33); the unit-by-
# unit detail is Phụ lục II-V of the annex workbook.
ANNEX = (
    "Phụ lục I",
    "KẾT QUẢ THỰC HIỆN THEO NHIỆM VỤ",
    "phu_luc_nhiem_vu",
    ["STT", "Nhiệm vụ", "Tiến độ, số liệu", "Kết quả nổi bật", "Khó khăn, vướng mắc chưa xử lý"],
    ["stt", "nhiem_vu", "so_lieu", "ket_qua", "vuong_mac"],
    [12, 45, 62, 78, 55],
    frozenset({1, 2, 3, 4}),
)
ANNEX_NOTE = (
    "Kết quả nổi bật chọn theo cách nêu tại mục I.1 của Báo cáo; kết quả của từng đơn vị, danh "
    "sách khó khăn, vướng mắc, mô hình và điểm tự chấm tại Phụ lục II - V (tệp Excel kèm theo)."
)


def _landscape(doc: DocxDocument) -> None:
    """The annexes start a new section, A4 landscape (wide tables), the same margins."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    # The break sits in an empty paragraph after the signature table: 1 pt high, so that it can
    # never spill onto a blank page of its own.
    breaker = doc.paragraphs[-1]
    breaker.paragraph_format.line_spacing = Pt(1)
    breaker.paragraph_format.space_before = breaker.paragraph_format.space_after = Pt(0)
    ppr = breaker._p.get_or_add_pPr()
    mark, size = OxmlElement("w:rPr"), OxmlElement("w:sz")  # the paragraph mark's size: 1 pt
    size.set(qn("w:val"), "2")
    mark.append(size)
    ppr.find(qn("w:sectPr")).addprevious(mark)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)


def _annexes(doc: DocxDocument) -> None:
    """Phụ lục I as Nghị định 30/2020 heads a phụ lục: its number, its title, the document it is
    attached to; then its table (one row per task, header repeated on every page)."""
    _landscape(doc)
    number, title, rows, header, fields, widths, left = ANNEX
    _para(doc, number, 14, bold=True)
    _para(doc, title, 14, bold=True)
    _para(
        doc,
        "(Kèm theo Báo cáo số {{ so }}/{{ ky_hieu }} ngày {{ ngay }} tháng {{ thang }} năm {{ nam }} "
        "của Văn phòng UBND thành phố Cần Thơ)",
        13,
        italic=True,
    )
    _para(doc, "Số liệu đến hết {{ phu_luc_tuan }}", 12, italic=True)
    _rule(doc, 100)
    _para(doc, ANNEX_NOTE, 12, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, "", 6)
    assert sum(widths) == LANDSCAPE_WIDTH_MM, (number, sum(widths))
    table = _grid(doc, rows, header, fields, widths, left, rich=frozenset(fields[1:]))
    # A task's block is never cut across two pages (it fits one: its lists are bounded).
    table.rows[2]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _page_number(section: Section, size: float = 13) -> None:
    """Nghị định 30/2020: the page number at the top centre, upright, 13-14 pt, not shown on the
    first page; `restart` numbers a phụ lục on its own from 1."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _font(run, size)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)


def _restart_numbering(section: Section) -> None:
    """A phụ lục's pages are numbered on their own (Nghị định 30/2020), from 1."""
    number_type = OxmlElement("w:pgNumType")
    number_type.set(qn("w:start"), "1")
    section._sectPr.append(number_type)


def build() -> DocxDocument:
    doc = Document()
    _styles(doc)
    _page(doc)
    # The default document starts with no paragraph; everything is appended in reading order.
    _header(doc)
    _title(doc)
    _body(doc)
    _signature(doc)
    _page_number(doc.sections[0])
    _annexes(doc)
    _page_number(doc.sections[1])
    _restart_numbering(doc.sections[1])
    props = doc.core_properties
    props.author = props.last_modified_by = "Văn phòng UBND thành phố Cần Thơ"
    props.title = "Mẫu Báo cáo kết quả công tác dân vận chính quyền và dân chủ ở cơ sở"
    props.created = props.modified = CREATED
    props.revision = 1
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tạo tệp mẫu Báo cáo (.docx) gửi Sở Nội vụ.")
    parser.add_argument(
        "--out", required=True, help="tệp .docx sẽ ghi, ví dụ data/bao_cao_mau.docx"
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    build().save(str(out))
    print(f"Đã ghi mẫu báo cáo: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
