"""The date sweep (issue 23): the office sample built at instants across the plan's life, and an
empty database, each opened on every page by every role (AppTest) and asked for every export.
Each must give a page or a file, or a clear Vietnamese message: never a traceback.

tests/test_sweep_early.py and tests/test_sweep_late.py hold the instants (two files, so the two
halves of the sample builds run side by side under pytest-xdist).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.apptest_helpers import open_page, texts
from tests.conftest import built_sample, set_now
from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import calendar, catalogues, periods, plans
from tracker.exports import baocao, export
from tracker.roles import User
from tracker.tools import demo
from tracker.ui import shell

EMPTY = "empty"  # the instant key of the empty database (built at the first of the instants)
ROLES = {
    "don_vi": User("hctc", "don_vi", "HCTC", "Cán bộ HCTC (mẫu)"),
    "lanh_dao": User("lanhdao", "lanh_dao", None, "Lãnh đạo Văn phòng (mẫu)"),
    "quan_tri": User("quantri", "quan_tri", None, "Quản trị (mẫu)"),
}
REFUSALS = (export.ExportError, baocao.BaoCaoError, periods.RangeError)
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
EXPORTS = ("summary", "detail", "indicators", "scores", "models", "report")
DECREE_PERIODS = ("quy1", "6thang", "9thang", "nam")


def _empty(path: Path) -> None:
    """A fresh database with one account per role and nothing reported."""
    catalogues.open_database(path)
    for user in ROLES.values():
        auth.create_user(
            user.username, user.role, "mat-khau-2026", unit_code=user.unit_code, path=path
        )


def _office(path: Path) -> None:
    demo.build_office(path, seed=11, files_dir=path.parent / "files")


def database(tmp_path_factory: pytest.TempPathFactory, key: str, instant: str) -> Iterator[Path]:
    """The state of `key` (EMPTY, or the office sample) built with the clock at `instant`."""
    path = tmp_path_factory.mktemp(f"sweep-{key}") / "tracker.duckdb"
    yield from built_sample(path, instant, _empty if key == EMPTY else _office)


def open_every_page(
    path: Path, instant: str, role: str, page_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DB", str(path))
    set_now(monkeypatch, instant)
    at = open_page(ROLES[role], page_key)
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Traceback" not in shown
    if role in shell.PAGES[page_key].roles:
        titles = [t.value for t in at.title]
        assert titles and titles[0].startswith(shell.PAGES[page_key].title), titles
    else:
        assert "không dành cho vai trò" in shown


def _closed_week(path: Path) -> str:
    """The latest reporting week whose deadline has passed, else the first reporting week."""
    now = settings.now()
    year = plans.current(path)
    first = plans.first_week(year, path)
    last = min(periods.week_id(now.date()), plans.last_week(year))
    weeks = periods.weeks_between(first, max(first, last))
    closed = [w for w in weeks if calendar.deadline(w, path) <= now]
    return closed[-1] if closed else first


def make_every_export(path: Path, instant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB", str(path))
    set_now(monkeypatch, instant)
    week = _closed_week(path)
    year = plans.current(path)
    asked = [(kind, {"week": week}) for kind in EXPORTS]
    asked += [("baocao", {"period": p, "year": year}) for p in DECREE_PERIODS]
    asked += [("report", {"period": p, "year": year}) for p in DECREE_PERIODS]
    for kind, options in asked:
        made = export_or_refusal(kind, path=path, **options)
        assert made, (kind, options)
        if isinstance(made, str):
            assert VIETNAMESE.search(made), (kind, options, made)


def export_or_refusal(kind: str, **options: object) -> bytes | str:
    """The export's bytes, or the message of the product's refusal (anything else raises)."""
    try:
        return export.build(kind, **options)  # type: ignore[arg-type]
    except REFUSALS as refused:
        return str(refused)
