"""A Báo cáo the Chánh Văn phòng would sign as it stands (issue 26): true to its date, a body of
at most 8 A4 pages whatever the number of units (the details in Phụ lục I-III after it), Bảng 1
equal to `export summary` for the week the text names, and a template the Office can edit.
The .docx is converted to PDF by LibreOffice and its pages counted; the first page is kept as
an image under test-artifacts/baocao-thanh-pho/ for a person to look at."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from tests.conftest import ROOT, StillClock, built_sample, pinned
from tests.libreoffice import convert, needs_libreoffice
from tests.test_states import baocao_agrees_with_summary
from tracker.exports import export
from tracker.tools import demo

NOW = "2026-11-25T10:00:00"  # a Wednesday: W47 is the last week whose deadline has passed
DATA_WEEK = "Tuần 47/2026 (16/11 - 22/11/2026)"
MAX_BODY_PAGES = 8
ARTIFACTS = ROOT / "test-artifacts" / "baocao-thanh-pho"
pytestmark = [
    pytest.mark.now(NOW),
    pytest.mark.slow,
    needs_libreoffice,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed"),
]


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Path]]:
    """The same generator at the same date, 10 units (an office) and 250 (the city)."""
    built = {
        units: built_sample(
            tmp_path_factory.mktemp(f"units{units}") / "tracker.duckdb",
            NOW,
            lambda p, n=units: demo.build_city(p, seed=3, units=n, years=1),
        )
        for units in (10, 250)
    }
    yield {units: next(sample) for units, sample in built.items()}
    for sample in built.values():
        next(sample, None)  # closes the database


def _annual(path: Path) -> bytes:
    with pinned(NOW), pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRACKER_DB", str(path))
        return export.build("baocao", period="nam", year=2026, path=path)


def _without_long_annexes(data: bytes, keep: int = 5) -> bytes:
    """The same document with each Phụ lục table cut to `keep` rows: the body's pages do not
    change (the annexes start on a page of their own) and LibreOffice converts in seconds."""
    document = docx.Document(io.BytesIO(data))
    for table in document.tables[-3:]:
        for row in table.rows[keep + 1 :]:
            table._tbl.remove(row._tr)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf_pages(data: bytes, folder: Path) -> list[str]:
    """The text of each page of the document as LibreOffice prints it."""
    source = folder.parent / f"{folder.name}-bao-cao" / "bao-cao.docx"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(data)
    pdf = convert(source, "pdf", folder)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        timeout=120,
        check=True,
    ).stdout.decode()
    return text.split("\f")


def _body_pages(pages: list[str]) -> int:
    """Pages before the first page of Phụ lục I."""
    return next(i for i, page in enumerate(pages) if "KẾT QUẢ CỦA CÁC ĐƠN VỊ THEO NHIỆM VỤ" in page)


def _checked_body(path: Path, folder: Path) -> tuple[int, float]:
    """The annual report of the sample at `path`: its body's page count and how long it took,
    after checking what the body says."""
    started = time.perf_counter()
    data = _annual(path)
    took = time.perf_counter() - started
    pages = _pdf_pages(_without_long_annexes(data), folder)
    body = _body_pages(pages)
    text = " ".join(" ".join(pages[:body]).split())
    # Made on 25/11/2026: the data stop at W47, the last week whose deadline has passed, and the
    # text says so; never W50 (the week of the period's end, 14/12/2026).
    assert f"tính đến hết {DATA_WEEK}, tuần gần nhất đã hết hạn nộp báo cáo" in text
    assert "(kỳ báo cáo đến ngày 14/12/2026 chưa kết thúc)" in text
    assert "Tuần 50/2026" not in text and "Tuần 48/2026" not in text
    assert "Bảng 1. Tiến độ các nhiệm vụ đến hết " + DATA_WEEK in text
    # Every unit's results are in Phụ lục I, not the body.
    tables = docx.Document(io.BytesIO(data)).tables
    (annex,) = [t for t in tables if "Kết quả thực hiện" in [c.text for c in t.rows[0].cells]]
    assert len(annex.rows) > 1
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRACKER_DB", str(path))
        clock = StillClock(mp, NOW)
        try:
            baocao_agrees_with_summary("nam", path)  # Bảng 1 = export summary --week 2026-W47
        finally:
            clock.stop()
    return body, took


def test_the_body_is_short_whatever_the_units_and_true_to_its_date(
    samples: dict[int, Path], tmp_path: Path
) -> None:
    office, _ = _checked_body(samples[10], tmp_path / "10")
    city, took = _checked_body(samples[250], tmp_path / "250")
    assert office <= MAX_BODY_PAGES and city <= MAX_BODY_PAGES, (office, city)
    assert city == office, f"250 units: {city} pages, 10 units: {office}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            *("pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile"),
            str(tmp_path / "250" / "bao-cao.pdf"),
            str(ARTIFACTS / "bao-cao-thanh-pho-trang-1"),
        ],
        check=True,
        timeout=60,
    )
    assert took <= 5, f"the city's annual report took {took:.1f} s"


def test_a_future_week_is_refused_in_vietnamese(samples: dict[int, Path]) -> None:
    path = samples[10]
    with pinned(NOW), pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRACKER_DB", str(path))
        with pytest.raises(export.ExportError) as refused:
            export.build("summary", week="2026-W50", path=path)
        message = str(refused.value)
        assert message.startswith("Tuần 50/2026 (07/12 - 13/12/2026) chưa hết hạn nộp báo cáo")
        assert "Tuần 47/2026 (16/11 - 22/11/2026), tuần gần nhất đã hết hạn nộp" in message
        assert export.build("summary", week="2026-W47", path=path)
