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
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Pt
from docx.table import Table

from tracker.exports import docx_form as form

BODY_STYLE = form.BODY_STYLE
TEXT_WIDTH_MM = form.TEXT_WIDTH_MM
# Fixed so that regenerating gives the same file.
CREATED = datetime(2026, 1, 1)


def _header(doc: DocxDocument) -> None:
    table = form.plain_table(doc, 2, [72, TEXT_WIDTH_MM - 72])
    left, right = form.first(table.cell(0, 0)), form.first(table.cell(0, 1))
    # The Office's words: another body's Báo cáo has its own written over them after filling
    # (baocao.issuer_header, from the report_issuer_* settings).
    form.para(left, "UBND THÀNH PHỐ CẦN THƠ", 13)
    form.para(left, "VĂN PHÒNG", 13, bold=True)
    form.rule(left, 25)
    form.para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    form.para(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    form.rule(right, 15)
    left, right = form.first(table.cell(1, 0)), form.first(table.cell(1, 1))
    form.para(left, "Số: {{ so }}/{{ ky_hieu }}", 13).paragraph_format.space_before = Pt(6)
    place = form.para(
        right, "Cần Thơ, ngày {{ ngay }} tháng {{ thang }} năm {{ nam }}", 14, italic=True
    )
    place.paragraph_format.space_before = Pt(6)


def _title(doc: DocxDocument) -> None:
    form.para(doc, "BÁO CÁO", 14, bold=True).paragraph_format.space_before = Pt(24)
    form.para(doc, "{{ trich_yeu }}", 14, bold=True)
    form.rule(doc, 65)
    form.para(doc, "", 14)


def _loop(doc: DocxDocument, name: str) -> None:
    """Paragraphs from a list of rich texts (bold headings, italic places for HCTC's words)."""
    form.para(doc, f"{{%p for p in {name} %}}", style=BODY_STYLE)
    form.para(doc, "{{r p }}", style=BODY_STYLE)
    form.para(doc, "{%p endfor %}", style=BODY_STYLE)


def _heading(doc: DocxDocument, text: str) -> None:
    paragraph = form.para(doc, "", style=BODY_STYLE)
    form.font(paragraph.add_run(text), 14, bold=True)


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
    form.fix_widths(table, widths)
    tags = [
        [f"{{%tr for r in {rows} %}}"],
        [f"{{{{r r.{f} }}}}" if f in rich else f"{{{{ r.{f} }}}}" for f in fields],
        ["{%tr endfor %}"],
    ]
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            form.first(cell)
            if r == 0:
                form.para(cell, header[c], 12, bold=True)
            else:
                texts = tags[r - 1]
                text = texts[c] if c < len(texts) else ""
                align = WD_ALIGN_PARAGRAPH.LEFT if c in left else WD_ALIGN_PARAGRAPH.CENTER
                form.para(cell, text, 12, align=align)
    # The header row repeats on every printed page.
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))
    return table


def _body(doc: DocxDocument) -> None:
    _loop(doc, "mo_dau")
    # Before any reporting week has closed the report says so (mo_dau) and nothing else.
    form.para(doc, "{%p if co_so_lieu %}", style=BODY_STYLE)
    _heading(doc, "I. KẾT QUẢ THỰC HIỆN")
    _loop(doc, "tong_quan")
    _heading(doc, "1. Kết quả thực hiện các nhiệm vụ của Kế hoạch")
    form.para(doc, "{{ bang_nhiem_vu_tieu_de }}", 12, italic=True)
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
    form.para(doc, "{{ bang_chi_so_tieu_de }}", 12, italic=True)
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
    form.para(doc, "{%p endif %}", style=BODY_STYLE)
    form.para(doc, "{{ ket_thuc }}", style=BODY_STYLE)
    form.para(doc, "{%p if co_so_lieu %}", style=BODY_STYLE)
    form.para(doc, "{{ phu_luc }}", style=BODY_STYLE).runs[0].italic = True
    form.para(doc, "{%p endif %}", style=BODY_STYLE)


def _signature(doc: DocxDocument) -> None:
    form.para(doc, "", 14)
    table = form.plain_table(doc, 1, [70, TEXT_WIDTH_MM - 70])
    # Nơi nhận and the signature stay together on one page.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = form.first(table.cell(0, 0)), form.first(table.cell(0, 1))
    form.para(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    form.para(left, "{%p for r in noi_nhan %}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    form.para(left, "{{ r }}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    form.para(left, "{%p endfor %}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    form.para(right, "{%p if quyen_han %}", 14, bold=True)
    form.para(right, "{{ quyen_han }}", 14, bold=True)
    form.para(right, "{%p endif %}", 14, bold=True)
    form.para(right, "{{ chuc_vu }}", 14, bold=True)
    for _ in range(4):  # room for the signature and the seal
        form.para(right, "", 14)
    form.para(right, "{{r nguoi_ky }}", 14, bold=True)


LANDSCAPE_WIDTH_MM = form.LANDSCAPE_WIDTH_MM
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


def _annexes(doc: DocxDocument) -> None:
    """Phụ lục I as Nghị định 30/2020 heads a phụ lục: its number, its title, the document it is
    attached to; then its table (one row per task, header repeated on every page)."""
    form.landscape(doc)
    number, title, rows, header, fields, widths, left = ANNEX
    form.para(doc, number, 14, bold=True)
    form.para(doc, title, 14, bold=True)
    form.para(
        doc,
        "(Kèm theo Báo cáo số {{ so }}/{{ ky_hieu }} ngày {{ ngay }} tháng {{ thang }} năm {{ nam }} "
        "của {{ co_quan_day_du }})",
        13,
        italic=True,
    )
    form.para(doc, "Số liệu đến hết {{ phu_luc_tuan }}", 12, italic=True)
    form.rule(doc, 100)
    form.para(doc, ANNEX_NOTE, 12, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    form.para(doc, "", 6)
    assert sum(widths) == LANDSCAPE_WIDTH_MM, (number, sum(widths))
    table = _grid(doc, rows, header, fields, widths, left, rich=frozenset(fields[1:]))
    # A task's block is never cut across two pages (it fits one: its lists are bounded).
    table.rows[2]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def build() -> DocxDocument:
    doc = Document()
    form.styles(doc)
    form.page(doc)
    # The default document starts with no paragraph; everything is appended in reading order.
    _header(doc)
    _title(doc)
    _body(doc)
    _signature(doc)
    form.page_number(doc.sections[0])
    _annexes(doc)
    form.page_number(doc.sections[1])
    form.restart_numbering(doc.sections[1])
    props = doc.core_properties
    # The Office's: the template is its (a body's Báo cáo states its own, baocao.report_docx).
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
