"""File safety before parsing: is this upload a plain, sane .xlsx? (PRODUCT.md §4, §10).

Everything here looks at the raw bytes and the zip's central directory only. Nothing is
decompressed until the declared sizes have been checked, so a zip bomb is refused in
milliseconds and without memory. Every problem found is reported, each with its own code.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import PurePath

from tracker import settings
from tracker.problems import Problem
from tracker.text import fmt_number

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22

# A spreadsheet has a few dozen parts; thousands means a crafted archive.
MAX_ENTRIES = 2000
# Deflate cannot exceed ~1032:1; real sheet XML stays far below this even when repetitive.
MAX_RATIO = 500
RATIO_MIN_BYTES = 1024 * 1024
# [Content_Types].xml is read (to spot macro content) only when it is this small.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

OTHER_FORMATS = {
    ".xls": "Excel 97-2003 (.xls)",
    ".xlsm": "Excel có macro (.xlsm)",
    ".xlsb": "Excel nhị phân (.xlsb)",
    ".xltx": "mẫu Excel (.xltx)",
    ".xltm": "mẫu Excel có macro (.xltm)",
    ".ods": "LibreOffice/OpenOffice Calc (.ods)",
    ".csv": "CSV (.csv)",
    ".txt": "văn bản (.txt)",
    ".numbers": "Apple Numbers (.numbers)",
    ".pdf": "PDF (.pdf)",
    ".doc": "Word (.doc)",
    ".docx": "Word (.docx)",
}
SAVE_AS_XLSX = (
    "Mở tệp bằng Excel (hoặc LibreOffice Calc, WPS), chọn Lưu thành (Save As) và "
    "Lưu lại dưới dạng .xlsx (Excel Workbook), rồi tải lên lại."
)


def _problem(code: str, message: str, fix: str) -> Problem:
    return Problem(sheet="", cell="", code=code, message=message, fix=fix)


def check(data: bytes, filename: str) -> list[Problem]:
    """Every file-level problem of an upload ([] when it is safe to open as .xlsx)."""
    if not data:
        return [
            _problem(
                "file_empty",
                "Tệp rỗng (0 byte).",
                "Kiểm tra lại tệp trên máy rồi tải lên tệp .xlsx đã lưu đầy đủ.",
            )
        ]
    problems = _check_name(filename) + _check_size(data)
    problems += _check_content(data, filename)
    return problems


def _check_name(filename: str) -> list[Problem]:
    suffix = PurePath(filename).suffix.lower() if filename else ".xlsx"
    if suffix == ".xlsx":
        return []
    kind = OTHER_FORMATS.get(suffix, f"'{suffix}'" if suffix else "không có phần mở rộng")
    return [
        _problem(
            "file_wrong_extension",
            f"Tệp '{filename}' có định dạng {kind}; hệ thống chỉ nhận tệp .xlsx.",
            SAVE_AS_XLSX,
        )
    ]


def _check_size(data: bytes) -> list[Problem]:
    if len(data) <= settings.MAX_UPLOAD_BYTES:
        return []
    size_mb, limit_mb = len(data) / 1024 / 1024, settings.MAX_UPLOAD_BYTES / 1024 / 1024
    return [
        _problem(
            "file_too_large",
            f"Tệp quá lớn ({fmt_number(size_mb)} MB), vượt giới hạn {fmt_number(limit_mb, 0)} MB.",
            "Xóa các trang tính, hình ảnh và dòng trống không cần thiết rồi lưu lại; "
            "biểu mẫu tuần thường chỉ vài chục KB.",
        )
    ]


def _check_content(data: bytes, filename: str) -> list[Problem]:
    suffix = PurePath(filename).suffix.lower() if filename else ".xlsx"
    if data.startswith(OLE_MAGIC):
        return _ole_problems(data, suffix)
    if not data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        # A .csv/.xls… name already says what is wrong; only an .xlsx name needs more.
        return [_not_zip(data)] if suffix == ".xlsx" else []
    return _zip_problems(data)


def _ole_problems(data: bytes, suffix: str) -> list[Problem]:
    # An OLE compound file is either an old binary workbook or an encrypted OOXML package
    # (Excel wraps password-protected .xlsx files in OLE with an EncryptionInfo stream).
    if _looks_encrypted(data):
        return [
            _problem(
                "file_password_protected",
                "Tệp được đặt mật khẩu (mã hóa) nên hệ thống không đọc được.",
                "Mở tệp trong Excel, vào Tệp > Thông tin > Bảo vệ sổ làm việc > Mã hóa bằng "
                "mật khẩu, xóa mật khẩu; Gỡ mật khẩu rồi lưu lại dưới dạng .xlsx và tải lên lại.",
            )
        ]
    if suffix == ".xls":
        return []  # the extension problem already says it
    return [
        _problem(
            "file_old_format",
            "Tệp là định dạng Excel 97-2003 (.xls) dù tên tệp có đuôi khác.",
            SAVE_AS_XLSX,
        )
    ]


def _looks_encrypted(data: bytes) -> bool:
    # Directory entry names in OLE are UTF-16LE; the streams of an encrypted package are
    # "EncryptionInfo" and "EncryptedPackage".
    return "EncryptionInfo".encode("utf-16-le") in data or (
        "EncryptedPackage".encode("utf-16-le") in data
    )


def _not_zip(data: bytes) -> Problem:
    head = data[:2048]
    if head.lstrip().lower().startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        kind = "một trang HTML/XML được đổi tên thành .xlsx"
    elif head.startswith(b"%PDF"):
        kind = "một tệp PDF được đổi tên thành .xlsx"
    elif _is_text(head):
        kind = "một tệp văn bản (có thể là CSV) được đổi tên thành .xlsx"
    else:
        kind = "không phải tệp Excel .xlsx"
    return _problem(
        "file_not_xlsx",
        f"Nội dung tệp không phải sổ tính Excel: đây là {kind}.",
        "Đổi tên tệp không đổi được định dạng. " + SAVE_AS_XLSX,
    )


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # A cut multi-byte character at the end of the sample is still text.
        try:
            head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return b"\x00" not in head


def _zip_problems(data: bytes) -> list[Problem]:
    entries = _declared_entries(data)
    if entries is None:
        return [_corrupt("thiếu phần mục lục cuối tệp")]
    if entries > MAX_ENTRIES:
        return [_bomb(f"tệp nén chứa {entries} thành phần")]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        return [_corrupt("không đọc được mục lục tệp nén")]
    with archive:
        infos = archive.infolist()
        problems = _bomb_problems(infos)
        if problems:
            return problems
        names = {info.filename for info in infos}
        problems = _structure_problems(archive, names)
        if not problems:
            problems = _integrity_problems(archive)
    return problems


def _declared_entries(data: bytes) -> int | None:
    """Entry count from the End Of Central Directory record, before zipfile parses it."""
    start = max(0, len(data) - 65536 - _EOCD_SIZE)
    pos = data.rfind(_EOCD, start)
    if pos < 0 or len(data) - pos < _EOCD_SIZE:
        return None
    return struct.unpack_from("<H", data, pos + 10)[0]


def _bomb_problems(infos: list[zipfile.ZipInfo]) -> list[Problem]:
    total = sum(info.file_size for info in infos)
    if total > settings.MAX_DECOMPRESSED_BYTES:
        total_mb = total / 1024 / 1024
        return [_bomb(f"khi giải nén sẽ chiếm {total_mb:,.0f} MB".replace(",", "."))]
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > MAX_RATIO:
            return [_bomb(f"thành phần '{info.filename}' nén với tỷ lệ bất thường {ratio:.0f}:1")]
    return []


def _structure_problems(archive: zipfile.ZipFile, names: set[str]) -> list[Problem]:
    problems = []
    if "xl/vbaProject.bin" in names or _macro_content_type(archive, names):
        problems.append(
            _problem(
                "file_macro",
                "Tệp có chứa macro (VBA); hệ thống không nhận tệp có macro.",
                "Mở tệp trong Excel, chọn Lưu thành (Save As) > Excel Workbook (.xlsx) "
                "(không chọn loại có macro) rồi tải lên lại.",
            )
        )
    if "xl/workbook.xml" not in names:
        problems.append(
            _problem(
                "file_not_workbook",
                "Tệp là tệp nén nhưng không phải sổ tính Excel (thiếu xl/workbook.xml); "
                "có thể là tệp Word, ZIP hoặc định dạng khác được đổi tên.",
                "Tải biểu mẫu .xlsx từ trang Nộp báo cáo, điền số liệu rồi tải lên lại.",
            )
        )
    return problems


def _macro_content_type(archive: zipfile.ZipFile, names: set[str]) -> bool:
    name = "[Content_Types].xml"
    if name not in names or archive.getinfo(name).file_size > MAX_CONTENT_TYPES_BYTES:
        return False
    try:
        return b"macroenabled" in archive.read(name).lower()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False  # the integrity check reports the damage


def _integrity_problems(archive: zipfile.ZipFile) -> list[Problem]:
    # Sizes are already bounded, so reading every part to verify its CRC is cheap and safe.
    try:
        bad = archive.testzip()
    except Exception:  # BadZipFile, zlib.error, EOFError, unsupported compression…
        return [_corrupt("dữ liệu nén bị lỗi")]
    return [_corrupt(f"thành phần '{bad}' bị lỗi")] if bad else []


def _corrupt(detail: str) -> Problem:
    return _problem(
        "file_corrupt",
        f"Tệp .xlsx bị hỏng hoặc tải lên không trọn vẹn ({detail}).",
        "Mở lại tệp trên máy bằng Excel; nếu mở được thì lưu lại và tải lên lần nữa, "
        "nếu không thì lấy lại bản đầy đủ (tải mẫu mới và nhập lại).",
    )


def _bomb(detail: str) -> Problem:
    limit_mb = settings.MAX_DECOMPRESSED_BYTES / 1024 / 1024
    return _problem(
        "file_zip_bomb",
        f"Tệp bị từ chối vì an toàn: {detail}, vượt giới hạn {limit_mb:.0f} MB sau giải nén "
        "(dấu hiệu tệp nén độc hại).",
        "Chỉ tải lên biểu mẫu .xlsx do Excel lưu; nếu tệp thật sự có nhiều dữ liệu, "
        "hãy xóa các trang tính và dòng không cần thiết.",
    )
