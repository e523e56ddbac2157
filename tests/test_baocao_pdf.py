"""The Báo cáo (.docx) opens cleanly in LibreOffice Writer: `soffice --headless --convert-to pdf`
succeeds, the PDF is A4 portrait and shows the header and the tables; its pages are kept as PNG
images under test-artifacts/baocao/ (poppler's pdftoppm) for a person to look at."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from tests import followup_fixture
from tests.conftest import ROOT, set_now
from tests.libreoffice import convert, needs_libreoffice
from tracker.exports import export

ARTIFACTS = ROOT / "test-artifacts" / "baocao"


def _run(argv: list[str], timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, timeout=timeout, check=False)


@pytest.mark.slow
@needs_libreoffice
def test_report_converts_to_pdf_in_libreoffice(
    tmp_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    followup_fixture.load()
    set_now(monkeypatch, datetime(2026, 3, 18, 10, 0))
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(export.build("baocao", period="quy1", year=2026, number="12"))
    pdf = convert(source, "pdf", tmp_path / "pdf")
    info = _run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)]).stdout.decode()
    boxes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert boxes, "no pages"
    # A4 portrait (595.3 x 841.9 pt) for the body, then A4 landscape for the Phụ lục.
    sizes = [(round(float(w)), round(float(h))) for w, h in boxes]
    assert set(sizes) <= {(595, 842), (842, 595)}, sizes
    assert (595, 842) in sizes and (842, 595) in sizes
    if shutil.which("pdftotext"):
        text = _run(["pdftotext", "-layout", str(pdf), "-"]).stdout.decode()
        for line in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 12/BC-VPUB",
            "BÁO CÁO",
            "Bảng 1. Tiến độ các nhiệm vụ",
            "Bảng 2. Chỉ số",
            "Lượt tiếp công dân (TCD_LUOT)",
            "Nơi nhận:",
        ):
            assert line in text, line
    if shutil.which("pdftoppm"):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        ARTIFACTS.mkdir(parents=True)
        pages = _run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / "trang")])
        assert pages.returncode == 0, pages.stderr
        assert sorted(ARTIFACTS.glob("trang-*.png")), "no page image"
