"""Issue 12's wording, held in the code: one Vietnamese word for a worksheet ("trang tính"),
"Tiến độ theo kế hoạch" for the expected progress (the summary CSV keeps the header PRODUCT.md
§8 fixes), Excel's Vietnamese menu names, document numbers per Nghị định 30/2020, the plan's
full name in the template title, and the commas in the indicator names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd

from tests.conftest import ROOT
from tracker.ingest import template

VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)
# The summary CSV's header is fixed by PRODUCT.md §8.
SUMMARY_HEADER_FILES = {"tracker/exports/tables.py"}


def _texts() -> list[tuple[str, str]]:
    """Every Vietnamese string constant (f-string parts included) of the app's code."""
    out = []
    files = [*(ROOT / "tracker").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
    for file in files:
        if file.name.startswith("bench"):
            continue  # the benchmark's table is for developers (README), not for the Office
        tree = ast.parse(file.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and VIETNAMESE.search(node.value)
            ):
                out.append((str(file.relative_to(ROOT)), node.value))
    return out


def test_one_word_for_a_worksheet() -> None:
    found = [(f, t) for f, t in _texts() if re.search(r"\bsheet\b", t, re.IGNORECASE)]
    assert not found, found


def test_planned_progress_and_excel_menu_words() -> None:
    texts = _texts()
    calque = [
        (f, t)
        for f, t in texts
        if re.search(r"kỳ vọng", t, re.IGNORECASE) and f not in SUMMARY_HEADER_FILES
    ]
    assert not calque, calque
    assert not [(f, t) for f, t in texts if "Data > From" in t and "Dữ liệu >" not in t]
    assert not [(f, t) for f, t in texts if "'active'" in t]
    assert not [(f, t) for f, t in texts if re.search(r"/KH-HCTC|/CV-", t)]


def test_grades_and_not_applicable_are_written_out() -> None:
    texts = _texts()
    assert not [(f, t) for f, t in texts if re.search(r"\bKAD\b", t)]
    assert not [(f, t) for f, t in texts if "Lên hạng kế tiếp" in t]


def test_template_title_names_the_whole_plan(tmp_db: Path) -> None:
    assert template.progress_title() == (
        "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CÔNG TÁC DÂN VẬN CHÍNH QUYỀN VÀ THỰC HIỆN DÂN CHỦ "
        "Ở CƠ SỞ NĂM 2026"
    )


def test_indicator_names_keep_their_commas() -> None:
    names = pd.read_csv(ROOT / "data" / "indicators.csv", encoding="utf-8")
    names = dict(zip(names["code"], names["name"], strict=True))
    assert names["DON_TIEP_NHAN"] == "Đơn khiếu nại, tố cáo, kiến nghị, phản ánh tiếp nhận"
    assert names["DON_GIAI_QUYET"] == "Đơn khiếu nại, tố cáo, kiến nghị, phản ánh đã giải quyết"
    assert names["QUAN_TRIET"] == "Hội nghị quán triệt, phổ biến văn bản"
    assert names["TAP_HUAN"] == "Lượt CBCCVC-NLĐ tham gia tập huấn, bồi dưỡng"
