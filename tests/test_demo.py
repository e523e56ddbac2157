"""Sample data: office scale through real workbooks and the upload path, city scale through
plain generated workbooks kept and stored by the same store stage (submissions.store)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import pinned
from tracker.accounts import auth
from tracker.ingest import kept, reader, storing, submissions, template
from tracker.ingest import parsed as parsed_rows
from tracker.store import db
from tracker.tools import cli, demo

OFFICE_UNTIL = "2026-W10"  # W07, W09, W10 (W08 exempt): enough for every planted event
# The demo sends no report dated after "now": built on a Wednesday after W10's late reports.
OFFICE_NOW = "2026-03-18T10:00:00"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, demo.Summary]:
    """One office-scale run shared by the tests below (it takes a few seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    old = os.environ.get("TRACKER_DB")
    os.environ["TRACKER_DB"] = str(path)
    db.close_all()
    try:
        with pinned(OFFICE_NOW):
            summary = demo.build_office(path, seed=7, until=OFFICE_UNTIL)
        yield path, summary
    finally:
        db.close_all()
        if old is None:
            os.environ.pop("TRACKER_DB", None)
        else:
            os.environ["TRACKER_DB"] = old


def _rows(path: Path, sql: str, params: dict | None = None) -> list[tuple]:
    return db.rows(sql, params, path)


def test_office_covers_every_unit_and_reporting_week(office: tuple[Path, demo.Summary]) -> None:
    path, summary = office
    weeks = ["2026-W07", "2026-W09", "2026-W10"]
    assert (summary.units, summary.weeks) == (10, 3)
    counts = dict(_rows(path, "select status, count(*) from submission group by status"))
    assert counts["accepted"] == summary.accepted
    assert counts.get("rejected", 0) == summary.rejected
    standing = _rows(
        path,
        "select count(distinct unit_code), list(distinct period order by period) "
        "from current_sheet where sheet = 'progress'",
    )[0]
    assert standing[0] == 10
    assert standing[1] == weeks  # the exempt week W08 has no report
    pairs = _rows(path, "select count(*) from current_sheet where sheet = 'progress'")[0][0]
    assert pairs == 10 * 3 - summary.missing
    assert summary.accepted >= pairs  # corrections add accepted submissions, not pairs


def test_office_has_missing_and_late_weeks(office: tuple[Path, demo.Summary]) -> None:
    path, summary = office
    assert summary.missing >= 1
    assert summary.late >= 1
    # The planted cases: the last unit (by code) misses W09 and is late for W10.
    weak = sorted(r[0] for r in _rows(path, "select code from unit where active"))[-1]
    assert _rows(
        path,
        "select count(*) from submission where unit_code = $u and period = '2026-W09'",
        {"u": weak},
    ) == [(0,)]
    first_w10 = _rows(
        path,
        "select min(uploaded_at) from submission where unit_code = $u and period = '2026-W10' "
        "and status = 'accepted'",
        {"u": weak},
    )[0][0]
    assert first_w10 > template.deadline("2026-W10", path)
    late_pairs = _rows(
        path,
        "select unit_code, period, min(uploaded_at) from submission where status = 'accepted' "
        "group by all",
    )
    late = [p for p in late_pairs if p[2] > template.deadline(p[1], path)]
    assert len(late) >= 1
    # Nothing is locked: every upload came before the week's lock (deadline + 14 days).
    assert all(p[2] < template.deadline(p[1], path) + timedelta(days=14) for p in late_pairs)


def test_office_data_look_like_real_reports(office: tuple[Path, demo.Summary]) -> None:
    path, _ = office
    statuses = {r[0] for r in _rows(path, "select distinct status from progress_row")}
    assert {"Chưa triển khai", "Đang thực hiện"} <= statuses
    # Status and percent always agree (the reader would have rejected them otherwise).
    bad = _rows(
        path,
        "select count(*) from progress_row p join submission s on s.id = p.submission_id "
        "where s.status = 'accepted' and ((p.status = 'Hoàn thành') <> (p.percent = 100) "
        "or (p.status = 'Chưa triển khai' and p.percent > 0))",
    )
    assert bad == [(0,)]
    texts = _rows(path, "select count(*) from progress_row where result_text <> ''")[0][0]
    assert texts > 0
    evidence = _rows(path, "select evidence from progress_row where evidence like '% số %/%'")
    assert evidence, "evidence such as 'Kế hoạch số 12/KH-HCTC ngày …'"
    btcd = _rows(
        path,
        "select sum(v.value) from indicator_value v join current_sheet c "
        "on c.submission_id = v.submission_id and c.sheet = 'indicators' "
        "where c.unit_code = 'BTCD' and v.indicator_code = 'TCD_LUOT'",
    )[0][0]
    assert btcd >= 12  # BTCD receives citizens every week it reports
    reporters = _rows(path, "select count(*) from submission where reporter <> '' and phone <> ''")
    assert reporters[0][0] > 0


def test_office_files_written_and_kept(office: tuple[Path, demo.Summary]) -> None:
    path, summary = office
    files = sorted(summary.files_dir.glob("*/*.xlsx"))
    assert len(files) == summary.accepted + summary.rejected
    assert (summary.files_dir / "HCTC").is_dir()
    distinct = _rows(path, "select count(distinct sha256) from submission")[0][0]
    assert distinct == len(files)
    digests = [sha for (sha,) in _rows(path, "select distinct sha256 from submission")]
    # Every submission's bytes are kept as they were sent: the file written for it, unchanged.
    assert set(digests) == {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    for sha in digests:
        assert hashlib.sha256(kept.kept_file(sha, path)).hexdigest() == sha


def test_sample_accounts_and_sample_mode(office: tuple[Path, demo.Summary]) -> None:
    path, _ = office
    users = {
        r[0]: r[1:] for r in _rows(path, "select username, role, unit_code, sample from app_user")
    }
    assert users["quantri"] == ("quan_tri", None, True)
    assert users["lanhdao"] == ("lanh_dao", None, True)
    assert users["hctc"] == ("don_vi", "HCTC", True)
    assert users["ttpvhcc"] == ("don_vi", "TTPVHCC", True)
    assert len(users) == 12
    assert _rows(path, "select value from setting where key = 'sample_mode'") == [("1",)]
    assert auth.authenticate("btcd", demo.DEMO_PASSWORD, path).unit_code == "BTCD"
    # Unit accounts uploaded their own unit's sheets; only the admin uploads on behalf.
    wrong = _rows(
        path,
        "select count(*) from submission s join app_user u on u.username = s.uploaded_by "
        "where u.role = 'don_vi' and u.unit_code <> s.unit_code",
    )
    assert wrong == [(0,)]


def test_rerun_refuses_and_changes_nothing(office: tuple[Path, demo.Summary]) -> None:
    path, _ = office
    before = _rows(path, "select count(*) from submission")
    with pytest.raises(demo.DemoError, match="đã có dữ liệu"):
        demo.build_office(path, seed=7, until=OFFICE_UNTIL)
    with pytest.raises(demo.DemoError):
        demo.build_city(path, seed=7, units=12, years=1)
    assert _rows(path, "select count(*) from submission") == before


def test_refuses_a_database_with_real_accounts(users: dict, tmp_db: Path, capsys) -> None:
    os.environ["TRACKER_DB"] = str(tmp_db)
    assert cli.main(["demo", "--scale", "office"]) == 1
    assert "đã có dữ liệu" in capsys.readouterr().err
    assert db.scalar("select count(*) from app_user where sample") == 0


def test_cli_without_db_uses_the_demo_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Neither --db nor TRACKER_DB: the sample data never go into the real database."""
    target = tmp_path / "demo.duckdb"
    monkeypatch.delenv("TRACKER_DB", raising=False)
    monkeypatch.setattr(demo, "default_db", lambda: target)
    monkeypatch.setattr(demo, "CITY_UNITS", 11)
    monkeypatch.setattr(demo, "CITY_YEARS", 1)
    db.close_all()
    try:
        assert cli.main(["demo", "--scale", "city", "--seed", "3"]) == 0
        assert "Đã tạo dữ liệu mẫu (city)" in capsys.readouterr().out
        assert db.scalar("select count(*) from unit where active", path=target) == 11
    finally:
        db.close_all()
        os.environ.pop("TRACKER_DB", None)


# --- city scale ------------------------------------------------------------------------------


def _city(tmp_path: Path, name: str, seed: int) -> tuple[Path, demo.Summary]:
    path = tmp_path / f"{name}.duckdb"
    return path, demo.build_city(path, seed=seed, units=12, years=1)


def test_city_small(tmp_path: Path) -> None:
    path, summary = _city(tmp_path, "a", 11)
    try:
        units = _rows(path, "select code from unit where active order by sort_order")
        assert len(units) == 12
        assert [u[0] for u in units[-2:]] == ["P001", "P002"]
        weeks = 53 - 7 + 1 - 1  # 2026-W07 .. 2026-W53, W08 exempt
        assert summary.weeks == weeks
        assert summary.accepted + summary.missing == 12 * weeks
        assert _rows(path, "select count(*), count(distinct status) from submission") == [
            (summary.accepted, 1)
        ]
        pairs = _rows(path, "select count(*) from current_sheet where sheet = 'progress'")
        assert pairs == [(summary.accepted,)]
        # Every generated unit reports its assigned tasks only.
        extra = _rows(
            path,
            "select count(*) from progress_row p join submission s on s.id = p.submission_id "
            "left join assignment a on a.unit_code = s.unit_code and a.task_code = p.task_code "
            "where a.task_code is null",
        )
        assert extra == [(0,)]
        late = _rows(
            path,
            # the calendar's deadline: Friday 16:30, or the next working day after a holiday
            "select count(*) from submission where uploaded_at > week_deadline(period)",
        )[0][0]
        assert late == summary.late > 0
        assert _rows(path, "select count(*) from current_sheet where sheet = 'scores'")[0][0] > 0
        assert _rows(path, "select max(percent), min(percent) from progress_row") == [(100.0, 0.0)]
    finally:
        db.close_all()


def test_city_submissions_are_kept_and_audited_like_uploads(tmp_path: Path) -> None:
    """Each generated week went the uploads' way: its workbook kept under its SHA-256, an
    audit row naming it, and the kept file reads back to the rows stored for it."""
    path, summary = _city(tmp_path, "a", 11)
    try:
        subs = _rows(
            path, "select id, sha256, uploaded_at, uploaded_by from submission order by id"
        )
        assert len(subs) == summary.accepted
        audited = {
            json.loads(detail)["submission_id"]: (json.loads(detail)["sha256"], at, who)
            for detail, at, who in _rows(
                path, "select detail, logged_at, username from audit_log where action = 'upload'"
            )
        }
        assert audited == {sid: (sha, at, who) for sid, sha, at, who in subs}
        for _, sha, _, _ in subs:
            assert hashlib.sha256(kept.kept_file(sha, path)).hexdigest() == sha
        context = reader.Context.load(path)
        for sid, sha, _, _ in subs[:: max(1, len(subs) // 25)]:
            parsed = submissions.read_isolated(kept.kept_file(sha, path), context, "x.xlsx")
            assert parsed.problems == []
            assert _stored(path, sid) == _read_back(parsed)
    finally:
        db.close_all()


_ROW_CLASSES = {
    "progress": parsed_rows.ProgressRow,
    "indicators": parsed_rows.IndicatorRow,
    "scores": parsed_rows.ScoreRow,
    "models": parsed_rows.ModelRow,
}


def _stored(path: Path, sid: int) -> dict[str, list[tuple]]:
    out = {}
    for sheet, table in storing.ROW_TABLES.items():
        columns = ", ".join(f.name for f in dataclasses.fields(_ROW_CLASSES[sheet]))
        sql = f"select {columns} from {table} where submission_id = $s order by row_no"
        out[sheet] = db.rows(sql, {"s": sid}, path)
    return out


def _read_back(parsed: parsed_rows.ParsedWorkbook) -> dict[str, list[tuple]]:
    return {
        sheet: [dataclasses.astuple(r) for r in getattr(parsed, sheet) or []]
        for sheet in storing.ROW_TABLES
    }


def test_city_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    query = (
        "select s.unit_code, s.period, s.uploaded_at, p.task_code, p.status, p.percent "
        "from submission s join progress_row p on p.submission_id = s.id order by all"
    )
    try:
        a, _ = _city(tmp_path, "a", 5)
        b, _ = _city(tmp_path, "b", 5)
        c, _ = _city(tmp_path, "c", 6)
        first = _rows(a, query)
        assert first == _rows(b, query)
        assert first != _rows(c, query)
    finally:
        db.close_all()


def test_cli_rerun_on_the_sample_database_keeps_it(
    office: tuple[Path, demo.Summary], capsys
) -> None:
    """The README's quick start may be run twice: the second demo run keeps the data, exit 0."""
    path, _ = office
    before = _rows(path, "select count(*) from submission")
    assert cli.main(["--db", str(path), "demo", "--scale", "office"]) == 0
    assert "đã có dữ liệu mẫu" in capsys.readouterr().err
    assert _rows(path, "select count(*) from submission") == before
