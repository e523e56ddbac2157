"""The form of Nghị định 30/2020/NĐ-CP, Phụ lục I (văn bản có tên loại) in python-docx: A4, Times
New Roman, margins top and bottom 20 mm, left 30 mm, right 15 mm; the short rules under the issuer,
the motto and the trích yếu; fixed-width tables; page numbers at the top centre, not on the first
page; a landscape section for the phụ lục, numbered on its own from 1.

The building blocks of both Báo cáo: the Office's Word template (tracker/tools/baocao_template.py
writes data/bao_cao_mau.docx with them) and Sở Nội vụ's Báo cáo to UBND thành phố
(tracker/city/baocao_tp.py builds its document with them at run time).
"""

from __future__ import annotations

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
TEXT_WIDTH_MM = 165  # A4 210 mm - left 30 - right 15
LANDSCAPE_WIDTH_MM = 252  # A4 landscape 297 mm - left 30 - right 15
BODY_STYLE = "BC Than bai"
TABLE_STYLE = "BC Bang"


def font(style_or_run: object, size: float, *, bold: bool = False, italic: bool = False) -> None:
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


def page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)


def para(
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
        font(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


def rule(where: DocxDocument | _Cell, indent_mm: float) -> Paragraph:
    """The short line the decree puts under the issuer, the motto and the trích yếu: an empty
    2 pt paragraph with a bottom border, its indents giving the line's length."""
    paragraph = where.add_paragraph()
    font(paragraph.add_run(""), 2)
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


def fix_widths(table: Table, widths_mm: list[float]) -> None:
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


def plain_table(doc: DocxDocument, rows: int, widths_mm: list[float]) -> Table:
    """A layout table (no borders) of fixed column widths."""
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fix_widths(table, widths_mm)
    return table


def first(cell: _Cell) -> _Cell:
    """A new cell holds one empty paragraph: drop it so that the cell starts with ours."""
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    return cell


def landscape(doc: DocxDocument) -> None:
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


def page_number(section: Section, size: float = 13) -> None:
    """Nghị định 30/2020: the page number at the top centre, upright, 13-14 pt, not shown on the
    first page; `restart` numbers a phụ lục on its own from 1."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    font(run, size)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)


def restart_numbering(section: Section) -> None:
    """A phụ lục's pages are numbered on their own (Nghị định 30/2020), from 1."""
    number_type = OxmlElement("w:pgNumType")
    number_type.set(qn("w:start"), "1")
    section._sectPr.append(number_type)


def styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    font(normal, 14)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    body = doc.styles.add_style(BODY_STYLE, 1)
    body.base_style = normal
    font(body, 13)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # 13 pt: NĐ 30 allows 13-14
    body.paragraph_format.first_line_indent = Mm(10)
    body.paragraph_format.space_before = Pt(6)
    body.paragraph_format.line_spacing = 1.1
    cell = doc.styles.add_style(TABLE_STYLE, 1)
    cell.base_style = normal
    font(cell, 12)
    cell.paragraph_format.space_before = Pt(2)
    cell.paragraph_format.space_after = Pt(2)
