"""File safety before parsing: each unsafe or wrong kind of file gets its own clear message."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.libreoffice import convert, needs_libreoffice
from tests.workbook_factory import Book, context
from tracker import filesafety, settings
from tracker.ingest import reader

MB = 1024 * 1024


@pytest.fixture(scope="module")
def valid() -> bytes:
    return Book().to_bytes()


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


def rezip(data: bytes, add: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """The same package with parts added or removed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename not in drop and info.filename not in (add or {}):
                dst.writestr(info, src.read(info.filename))
        for name, content in (add or {}).items():
            dst.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_valid_workbook_passes(valid: bytes) -> None:
    assert filesafety.check(valid, "bao_cao_tuan_10.xlsx") == []
    assert filesafety.check(valid, "BAO CAO.XLSX") == []


def test_empty_file() -> None:
    problems = filesafety.check(b"", "a.xlsx")
    assert codes(problems) == ["file_empty"]
    assert (problems[0].sheet, problems[0].cell) == ("", "")


def test_too_large(valid: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "MAX_UPLOAD_BYTES", len(valid) - 1)
    problems = filesafety.check(valid, "a.xlsx")
    assert codes(problems) == ["file_too_large"]
    assert "vượt giới hạn" in problems[0].message


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("bao_cao.xls", "Excel 97-2003"),
        ("bao_cao.xlsm", "có macro"),
        ("bao_cao.xlsb", "nhị phân"),
        ("bao_cao.ods", "LibreOffice"),
        ("bao_cao.csv", "CSV"),
        ("bao_cao", "không có phần mở rộng"),
    ],
)
def test_wrong_extension(valid: bytes, name: str, kind: str) -> None:
    problems = filesafety.check(valid, name)
    assert codes(problems) == ["file_wrong_extension"]
    assert kind in problems[0].message
    assert "Lưu lại dưới dạng .xlsx (Excel Workbook)" in problems[0].fix


def ole_file(*streams: str) -> bytes:
    """An OLE compound file header with directory entry names (UTF-16LE), as Excel writes."""
    body = b"".join(name.encode("utf-16-le").ljust(64, b"\0") for name in streams)
    return filesafety.OLE_MAGIC + b"\0" * 504 + body + b"\0" * 2048


def test_password_protected_xlsx() -> None:
    data = ole_file("Root Entry", "EncryptionInfo", "EncryptedPackage")
    problems = filesafety.check(data, "bao_cao.xlsx")
    assert codes(problems) == ["file_password_protected"]
    assert "mật khẩu" in problems[0].message
    assert "Gỡ mật khẩu rồi lưu lại" in problems[0].fix


def test_old_xls_renamed_xlsx() -> None:
    problems = filesafety.check(ole_file("Root Entry", "Workbook"), "bao_cao.xlsx")
    assert codes(problems) == ["file_old_format"]
    assert "Excel 97-2003" in problems[0].message


def test_old_xls_with_its_own_name_gets_one_message() -> None:
    problems = filesafety.check(ole_file("Root Entry", "Workbook"), "bao_cao.xls")
    assert codes(problems) == ["file_wrong_extension"]


@needs_libreoffice
def test_real_xls_saved_by_libreoffice(tmp_path: Path) -> None:
    src = tmp_path / "bao_cao.xlsx"
    src.write_bytes(Book(scores=None, models=None, indicators=None).to_bytes())
    data = convert(src, "xls", tmp_path / "out").read_bytes()
    assert codes(filesafety.check(data, "bao_cao.xlsx")) == ["file_old_format"]
    assert codes(filesafety.check(data, "bao_cao.xls")) == ["file_wrong_extension"]


def test_macro_content(valid: bytes) -> None:
    data = rezip(valid, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"})
    problems = filesafety.check(data, "bao_cao.xlsx")
    assert codes(problems) == ["file_macro"]
    assert "macro" in problems[0].message


def test_macro_enabled_content_type(valid: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(valid)) as z:
        types = z.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    data = rezip(valid, add={"[Content_Types].xml": types})
    assert codes(filesafety.check(data, "bao_cao.xlsx")) == ["file_macro"]


def test_every_problem_at_once(valid: bytes) -> None:
    data = rezip(valid, add={"xl/vbaProject.bin": b"vba"})
    assert codes(filesafety.check(data, "bao_cao.xlsm")) == ["file_wrong_extension", "file_macro"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("Mã nhiệm vụ;Trạng thái;Tỷ lệ\nII.4;Đang thực hiện;45\n".encode(), "CSV"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "HTML"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (bytes(range(256)) * 4, "không phải tệp Excel"),
    ],
)
def test_not_a_zip(content: bytes, words: str) -> None:
    problems = filesafety.check(content, "bao_cao.xlsx")
    assert codes(problems) == ["file_not_xlsx"]
    assert words in problems[0].message
    assert "Đổi tên tệp không đổi được định dạng" in problems[0].fix


def test_csv_named_csv_only_gets_the_extension_message() -> None:
    assert codes(filesafety.check(b"a,b\n1,2\n", "bao_cao.csv")) == ["file_wrong_extension"]


def test_truncated_upload(valid: bytes) -> None:
    problems = filesafety.check(valid[: len(valid) // 2], "bao_cao.xlsx")
    assert codes(problems) == ["file_corrupt"]
    assert "không trọn vẹn" in problems[0].message


def test_damaged_part_fails_its_checksum(valid: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(valid)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # Flip bytes inside the compressed data of the first sheet (after its local header).
    start = info.header_offset + 30 + len(info.filename) + 40
    damaged = bytearray(valid)
    for i in range(start, start + 16):
        damaged[i] ^= 0xFF
    problems = filesafety.check(bytes(damaged), "bao_cao.xlsx")
    assert codes(problems) == ["file_corrupt"]


def test_zip_that_is_not_a_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    problems = filesafety.check(out.getvalue(), "bao_cao.xlsx")
    assert codes(problems) == ["file_not_workbook"]
    assert "xl/workbook.xml" in problems[0].message


# --- zip bombs ------------------------------------------------------------------------------


def _deflate_bomb(megabytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of `megabytes` MiB of zeros, built by repeating one flushed block.

    Each 1 MiB block is flushed with Z_FULL_FLUSH, so it is byte-aligned and independent; the
    same bytes repeated form a valid stream (checked by the test), made without compressing
    a gigabyte.
    """
    chunk = b"\0" * MB
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return block * megabytes + tail, crc


def _zip_with_raw(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand from (name, raw deflate data, crc, uncompressed size) entries."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, raw, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(raw),
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded)
        out.write(raw)
        central.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(raw),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(encoded)
    cd = central.getvalue()
    cd_offset = out.tell()
    out.write(cd)
    out.write(
        struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd), cd_offset, 0
        )
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    raw, crc = _deflate_bomb(1024)  # 1 GiB of zeros per sheet
    small = zlib.compressobj(6, zlib.DEFLATED, -15)
    workbook_xml = b"<workbook/>"
    wb_raw = small.compress(workbook_xml) + small.flush()
    return _zip_with_raw(
        [
            ("xl/workbook.xml", wb_raw, zlib.crc32(workbook_xml), len(workbook_xml)),
            ("xl/worksheets/sheet1.xml", raw, crc, 1024 * MB),
            ("xl/worksheets/sheet2.xml", raw, crc, 1024 * MB),
        ]
    )


def test_bomb_is_a_real_bomb(bomb: bytes) -> None:
    # The crafted archive is valid: a zip reader would really produce gigabytes of output.
    with zipfile.ZipFile(io.BytesIO(bomb)) as z, z.open("xl/worksheets/sheet1.xml") as f:
        assert f.read(4 * MB) == b"\0" * (4 * MB)
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == 1024 * MB
    assert len(bomb) < 3 * MB


def test_zip_bomb_refused_without_memory(bomb: bytes) -> None:
    tracemalloc.start()
    problems = filesafety.check(bomb, "bao_cao.xlsx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\nzip bomb ({len(bomb) / MB:.1f} MB file, 2 GiB declared): refused with peak extra "
        f"memory {peak / 1024:.0f} KB"
    )
    assert codes(problems) == ["file_zip_bomb"]
    assert "2.048 MB" in problems[0].message
    assert peak < 100 * MB
    # The reader runs the same checks first, so it never starts inflating the bomb either.
    assert codes(reader.read(bomb, context(), "bao_cao.xlsx").problems) == ["file_zip_bomb"]


@pytest.mark.timing
def test_zip_bomb_refused_fast(bomb: bytes) -> None:
    # PRODUCT.md §10: refused in under 2 s (wall clock: run apart, by `pytest -m timing`).
    start = time.perf_counter()
    assert codes(filesafety.check(bomb, "bao_cao.xlsx")) == ["file_zip_bomb"]
    elapsed = time.perf_counter() - start
    print(f"\nzip bomb refused in {elapsed * 1000:.1f} ms")
    assert elapsed < 2.0
    start = time.perf_counter()
    assert codes(reader.read(bomb, context(), "bao_cao.xlsx").problems) == ["file_zip_bomb"]
    assert time.perf_counter() - start < 2.0


def test_absurd_compression_ratio_under_the_size_limit() -> None:
    raw, crc = _deflate_bomb(20)  # 20 MiB, under the 50 MiB total, but ~1000:1
    data = _zip_with_raw(
        [
            ("xl/workbook.xml", zlib.compress(b"")[2:-4], 0, 0),
            ("xl/worksheets/sheet1.xml", raw, crc, 20 * MB),
        ]
    )
    problems = filesafety.check(data, "bao_cao.xlsx")
    assert codes(problems) == ["file_zip_bomb"]
    assert "tỷ lệ bất thường" in problems[0].message


def test_too_many_parts_refused_before_reading_the_directory() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i in range(filesafety.MAX_ENTRIES + 1):
            z.writestr(f"x/{i}", b"")
    problems = filesafety.check(out.getvalue(), "bao_cao.xlsx")
    assert codes(problems) == ["file_zip_bomb"]
    assert str(filesafety.MAX_ENTRIES + 1) in problems[0].message
