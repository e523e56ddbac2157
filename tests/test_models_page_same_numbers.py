"""Dân vận khéo shows the same numbers as before it was rebuilt for speed (issue 13).

tests/test_models_page_same_numbers/page.yml holds what the page showed, before the change, on the seeded
office-scale set built here: every metric, table cell, chart bar, caption and selectbox option,
for a leader, an admin (who also sees the recognition form) and a unit, unfiltered and under each
filter. The page must still show exactly those. Its lazy tabs (issue 35) are read one after
another (tests/apptest_helpers.each_tab): the file then changed only in the order of two captions
(a model's history, in the last tab, now read after the CSV's note below the tabs).

Re-freeze (only from code known to be right) with `pytest --force-regen` (tests/frozen.py).
"""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any

import pytest

from tests import scoring_snapshot as snap
from tests.apptest_helpers import each_tab, joined, open_page
from tests.frozen import frozen
from tests.scoring_fixture import add_models
from tracker.accounts.auth import User
from tracker.catalogue import plan
from tracker.ingest.contract import MODEL_STATUSES
from tracker.metrics import models_register
from tracker.metrics.models_register import Recognition
from tracker.store import db
from tracker.ui import models_view

RETIRED_FIELD = "Lĩnh vực đã bỏ"  # a field models still name but the catalogue no longer has
WEEKS = ("2026-W08", "2026-W09", "2026-W10", "2026-W11")
# The instant the frozen file was captured at: after every week above and every recognition date
# below, so the Office's decisions of February are in the past whatever $TRACKER_TEST_NOW says.
NOW = "2026-11-25T10:00:00"
pytestmark = pytest.mark.now(NOW)
# Filter states the snapshot covers: (widget key, value), applied one at a time.
VIEWS: dict[str, tuple[str, str] | None] = {
    "all": None,
    "field": ("field", "Kinh tế"),
    "status": ("status", "Được công nhận"),
    "no_status": ("status", models_register.NO_STATUS),
}


def build(admin: User, seed: int = 13) -> None:
    """Every active unit but the last reports 0–7 models over several weeks (statuses moving on,
    some empty, a retired field); the Office records kinds, decisions and sending for some."""
    rng = random.Random(seed)
    units = [r[0] for r in db.rows("select code from unit where active order by sort_order")]
    fields = [*plan.model_fields(), RETIRED_FIELD]
    statuses = [*MODEL_STATUSES, ""]
    for u, unit in enumerate(units[:-1]):
        models = [
            {
                "name": f"Mô hình {u}-{i} “{unit}”",
                "field": rng.choice(fields),
                "status": rng.choice(statuses),
                "content": f"Nội dung {u}-{i}" if rng.random() < 0.8 else "",
                "timeframe": "Năm 2026" if rng.random() < 0.5 else "",
                "outcome": "",
            }
            for i in range(rng.randint(0, 7))
        ]
        for w, week in enumerate(WEEKS[: rng.randint(1, len(WEEKS))]):
            for m in models:
                if rng.random() < 0.3 and m["status"] in MODEL_STATUSES[:-1]:
                    m["status"] = MODEL_STATUSES[MODEL_STATUSES.index(m["status"]) + 1]
                    m["outcome"] = f"Kết quả tuần {week}"
            add_models(unit, week, [dict(m) for m in models], uploaded_at=datetime(2026, 3, w + 1))
    register = models_register.register(year=2026)
    for r in register.itertuples():
        roll = rng.random()
        if roll < 0.25:
            value = Recognition(kind=rng.choice(models_register.KINDS))
        elif roll < 0.4:
            number = f"{r.row_no}/QĐ-VP"
            value = Recognition("Điển hình", number, date(2026, 2, 10), True, date(2026, 2, 20))
        else:
            continue
        models_register.record_recognition(admin, r.unit_code, r.model_key, value, year=2026)


def page_snapshot(at: Any) -> dict[str, Any]:
    """snap.snapshot plus the captions and every selectbox's shown options."""
    return {
        **snap.snapshot(at),
        "captions": [str(c.value) for c in at.caption],
        "selects": [
            [s.label, [s.format_func(o) for o in s.options], s.format_func(s.value)]
            if s.value is not None
            else [s.label, list(s.options), None]
            for s in at.selectbox
            if s.label != "Kế hoạch năm"  # the shell's plan selector (issue 24), not the page's
        ],
    }


def _views(user: User) -> dict[str, dict[str, Any]]:
    out = {}
    for name, change in VIEWS.items():
        at = open_page(user, "dan_van_kheo")
        if change is not None:
            key, value = change
            at.selectbox(key=f"filter_{key}").set_value(value).run()
        assert not at.exception, at.exception
        # The register, the chart and a model's history are lazy tabs (issue 35): each opened
        # in turn, read in page order.
        tabs = [t.label for t in at.tabs]
        out[name] = joined(each_tab(at, models_view.TAB_KEY, tabs, page_snapshot))
    return out


ROLES = ("lanh_dao", "quan_tri", "don_vi")


def test_page_shows_the_frozen_numbers(users, data_regression: Any) -> None:
    build(users["quan_tri"])
    data_regression.check({role: _views(users[role]) for role in ROLES}, basename="page")


def test_the_fixture_is_not_trivial() -> None:
    """The frozen set covers filters, every status, the retired field and the Office's record."""
    page = frozen(__file__, "page")
    leader = page["lanh_dao"]["all"]
    assert leader["metrics"][0][0] == "Số mô hình" and 20 < leader["metrics"][0][1] < 200
    register = leader["tables"][0]
    cells = {c for row in register["rows"] for c in row}
    assert {RETIRED_FIELD, "Điển hình", "Mô hình", "Chưa phân loại"} <= cells
    assert any(isinstance(c, str) and c.startswith("Đã gửi ngày") for c in cells)
    assert page["lanh_dao"]["no_status"]["metrics"][0][1] > 0
    assert len(page["quan_tri"]["all"]["selects"]) > len(leader["selects"])  # the form
