"""Frozen numbers: what a page showed, kept by pytest-regressions' data_regression in a YAML file
per view, in the folder named after the test module (tests/test_<page>_same_numbers/). A test
compares what the page shows now with it; `pytest --force-regen` re-freezes (only from code
known to be right). `frozen()` reads a frozen view back, for the tests that check the frozen set
itself is not trivial."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def frozen(test_file: str, view: str) -> Any:
    """The view `view` frozen by the data_regression checks of the module `test_file`."""
    folder = Path(test_file).with_suffix("")
    return yaml.safe_load((folder / f"{view}.yml").read_text(encoding="utf-8"))
