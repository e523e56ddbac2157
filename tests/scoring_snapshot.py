"""What the Tự chấm điểm page shows, as plain numbers and texts, on a seeded office-scale set.

`build()` stores one year of score sheets for every catalogue unit but one (seeded: not
applicable rows, bonus and penalty rows, blank evidence, a unit below the ranking threshold),
two reviews and one adjustment of the Office's assessment. `snapshot(at)` reads back every
metric, table cell and chart bar the page drew, formatted the way a person reads them, so a
change to how the page is built can be checked against numbers frozen before the change
(tests/test_scoring_same_numbers/, captured from the code as it was).
"""

from __future__ import annotations

import base64
import json
import math
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
from streamlit import dataframe_util

from tests.scoring_fixture import NA, add_scores
from tracker.accounts.auth import User
from tracker.metrics import scoring
from tracker.store import db

PERIOD = "2026-W10"
_VN_NUMBER = re.compile(r"^-?\d{1,3}(?:\.\d{3})*(?:,\d+)?$|^-?\d+(?:,\d+)?$")


def build(admin: User, seed: int = 7, path: Path | None = None) -> None:
    """The seeded score sheets, reviews and VP adjustment described in the module docstring."""
    rng = random.Random(seed)
    units = [r[0] for r in db.rows("select code from unit where active order by sort_order")]
    criteria = db.rows(
        "select c.code, c.kind, c.max_points from criterion as c "
        "inner join criteria_set as s on c.set_id = s.id where s.active order by c.sort_order"
    )
    for i, unit in enumerate(units[:-1]):  # the last unit sends no sheet
        scores: dict[str, float | str | None] = {}
        evidence: dict[str, str] = {}
        for code, kind, maximum in criteria:
            roll = rng.random()
            if kind == "ordinary":
                na = roll < 0.08 or (i == 1 and roll < 0.6)  # unit 2 falls below 50 points
                scores[code] = NA if na else round(rng.uniform(0.3, 1.0) * maximum * 2) / 2
            elif kind == "bonus":
                scores[code] = round(rng.uniform(0, maximum) * 2) / 2 if roll < 0.5 else 0.0
            else:
                scores[code] = -float(rng.randint(1, 3)) if roll < 0.4 else 0.0
            evidence[code] = "" if rng.random() < 0.15 else f"Văn bản {i}-{code}"
        add_scores(unit, PERIOD, scores, evidence=evidence, path=path)
    scoring.set_review(admin, units[0], 2026, criteria[0][0], 1.5, "Thiếu biên bản", path=path)
    scoring.set_review(admin, units[2], 2026, criteria[3][0], None, "Không áp dụng", path=path)
    scoring.set_vp_adjustment(admin, 2026, criteria[1][0], 2.0, "Điều chỉnh", path=path)


def cell(value: Any) -> Any:
    """A shown cell as data: numbers (also Vietnamese "1.234,5" texts) rounded to the one
    decimal the page shows, missing marks as None, any other text as it is."""
    if value is None or value is pd_na():
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return None if math.isnan(number) else round(number + 0.0, 1)
    text = str(value).strip()
    if text in ("", "—", "None", "nan", "<NA>"):
        return None
    if _VN_NUMBER.match(text):
        return round(float(text.replace(".", "").replace(",", ".")) + 0.0, 1)
    return text


def pd_na() -> Any:
    import pandas as pd

    return pd.NA


def _table(element: Any) -> dict[str, Any]:
    """One st.dataframe as shown: the Styler's display texts where it has them, else values."""
    df = element.value
    styler = element.proto.arrow_data.styler
    if styler.display_values:
        shown = dataframe_util.convert_arrow_bytes_to_pandas_df(styler.display_values)
        shown.columns = df.columns
        shown.index = df.index
        df = shown
    if df.index.name is not None:
        df = df.reset_index()
    return {
        "columns": [str(c) for c in df.columns],
        "rows": [[cell(v) for v in row] for row in df.itertuples(index=False)],
    }


def _array(value: Any) -> list[Any]:
    """A plotly spec array: a list, or {"dtype", "bdata"} (base64 of a typed array)."""
    if isinstance(value, dict) and "bdata" in value:
        raw = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        return [cell(v) for v in raw.tolist()]
    if isinstance(value, list):
        return [cell(v[0] if isinstance(v, list) and len(v) == 1 else v) for v in value]
    return [] if value is None else [cell(value)]


def _chart(element: Any) -> list[dict[str, Any]]:
    spec = json.loads(element.proto.spec)
    return [
        {"name": t.get("name"), **{axis: _array(t.get(axis)) for axis in ("x", "y", "text")}}
        for t in spec["data"]
    ]


def snapshot(at: Any) -> dict[str, Any]:
    """Every metric, table and chart the page drew, in page order."""
    return {
        "metrics": [[m.label, cell(m.value)] for m in at.metric],
        "tables": [_table(e) for e in at.dataframe],
        "charts": [_chart(e) for e in at.get("plotly_chart")],
    }
