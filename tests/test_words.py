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
from tests.seeded import plant, source_copy
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
    assert template.progress_title(2026) == (
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


# --- no plan year written into the product's text (issue 24) -----------------------------------

# A year a plan may have (2026 on), as text: it must come from the plan, the week or the clock.
PLAN_YEAR = re.compile(r"(?<!\d)20(2[6-9]|[3-9]\d)(?!\d)")
# The sample accounts' password and the template's version label are names, not years.
NOT_YEARS = {"demo-2026", "2026.1"}


def year_texts(root: Path) -> list[str]:
    """String literals of the product (docstrings aside) that write a plan year: 'file:line'."""
    sources = [*(root / "tracker").rglob("*.py"), *(root / "pages").glob("*.py"), root / "app.py"]
    found = []
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if (
                isinstance(text, str)
                and id(node) not in docstrings
                and text not in NOT_YEARS
                and PLAN_YEAR.search(text)
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {text[:60]!r}")
    return found


def test_no_plan_year_is_written_into_the_product() -> None:
    assert year_texts(ROOT) == []


def test_the_year_guard_sees_a_title_with_a_year(tmp_path: Path) -> None:
    root = source_copy(tmp_path)
    plant(
        root, "pages/seeded.py", '"""x."""\nimport streamlit as st\nst.title("Kế hoạch năm 2027")\n'
    )
    assert year_texts(root) == ["pages/seeded.py:3: 'Kế hoạch năm 2027'"]
