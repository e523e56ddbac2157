"""The city-shaped sample (demo --bodies, tests/city_fixture.py: three bodies beside the office
sample) and the city's records on it: `body list`, the sample's accounts and flags, the rollup
against the bodies' own pages, Báo cáo snapshots (approved, submitted, numbered, on time, late,
missing), requests, reviews, ranking, escalated difficulties, and keeping the rollup fresh."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from tests.city_fixture import BODIES, CITY_NOW
from tracker import roles, settings
from tracker.accounts import signin
from tracker.catalogue import periods, plans
from tracker.city import (
    bodies,
    escalations,
    overview,
    registry,
    reports,
    requests,
    reviews,
    rollup,
)
from tracker.metrics import difficulties, progress, reporting, scoring
from tracker.store import db, opening, queries
from tracker.tools import cli, demo

# The sample's own instant: its weeks, reports and requests are as of then.
pytestmark = pytest.mark.now(CITY_NOW)

CITY = roles.User("sonoivu", "so_noi_vu", None, "Cán bộ Sở Nội vụ (mẫu)")
LEADER = roles.User("sonoivu.lanhdao", "lanh_dao_snv")
ADMIN = roles.User("thanhpho.quantri", "quan_tri_tp")


def _user(code: str, role_key: str) -> roles.User:
    role = {"quantri": "quan_tri", "lanhdao": "lanh_dao", "donvi": "don_vi"}[role_key]
    return roles.User(f"{code.lower()}.{role_key}", role)


def test_body_list_prints_one_line_per_body(city: Path) -> None:
    lines = overview.list_lines(registry.open_registry())
    assert [line.split("\t")[0] for line in lines] == ["VPUB", *BODIES]
    office = lines[0].split("\t")
    assert office[1:] == ["Văn phòng UBND thành phố", "Văn phòng", "10 đơn vị", "Kế hoạch: 2026"]
    assert all(line.endswith("Kế hoạch: 2026") for line in lines)
    assert lines[2].split("\t")[2] == "UBND xã, phường"


def test_every_store_of_the_sample_is_flagged_and_its_accounts_sign_in(city: Path) -> None:
    reg = registry.open_registry()
    assert registry.is_sample()
    stores = [reg, *(settings.body_db_path(code) for code in BODIES)]
    for path in stores:
        _, accounts, sample_mode = db.query_rows("database_contents", path)[0]
        assert sample_mode and accounts == 3
        assert all(row[0] for row in db.rows("select sample from app_user", path=path))
    assert all(b.sample for b in bodies.all_bodies(reg) if b.code in BODIES)
    for code in BODIES:
        for key in ("quantri", "lanhdao", "donvi"):
            signed = signin.sign_in(f"{code.lower()}.{key}", demo.DEMO_PASSWORD)
            assert signed.store.body == code and signed.path == settings.body_db_path(code)
    assert signin.sign_in("sonoivu", demo.DEMO_PASSWORD).store.is_city
    assert signin.sign_in("hctc", demo.DEMO_PASSWORD).store.body == "VPUB"


def test_demo_adds_bodies_once_and_only_to_sample_data(city: Path, tmp_db: Path) -> None:
    with pytest.raises(demo.DemoError, match="không chứa dữ liệu mẫu văn phòng"):
        demo.build_bodies(tmp_db, 2)


def test_demo_refuses_to_add_the_bodies_again(city: Path) -> None:
    with pytest.raises(demo.DemoError, match="cơ quan mẫu chỉ được thêm một lần"):
        demo.build_bodies(city, 3, seed=7)


def test_the_rollup_says_what_each_bodys_pages_say(city: Path) -> None:
    reg = registry.open_registry()
    table = overview.body_overview(CITY, 2026, reg).set_index("body")
    for code in ("VPUB", *BODIES):
        path = settings.body_db_path(code)
        week = rollup.data_week(2026, path)
        row = table.loc[code]
        assert row["data_week"] == week
        assert row["plan_completion"] == pytest.approx(progress.plan_completion(week, path).value)
        trend = reporting.trend(week, path=path)
        assert (row["expected_reports"], row["reported"], row["on_time"]) == (
            trend["expected_units"].sum(),
            trend["reported"].sum(),
            trend["on_time"].sum(),
        )
        assert row["open_difficulties"] == difficulties.open_count(week, path)
        own = scoring.scores_table(2026, path, week=week)
        own = own[own["unit_code"] == "VP"]
        if own.empty:
            assert row["self_score"] != row["self_score"]  # NaN: nothing scored yet
        else:
            assert row["self_score"] == pytest.approx(own.iloc[0]["final_total"])
    items = overview.item_progress(CITY, 2026, reg)
    assert items["city_item"].tolist()[:8] == [str(i) for i in range(1, 9)]
    assert (items["bodies"] == 4).all()  # every body's plan carries out every item


def test_city_readers_need_the_city_role(city: Path) -> None:
    reg = registry.open_registry()
    for body_user in (_user("X001", "quantri"), _user("X001", "lanhdao")):
        with pytest.raises(roles.PermissionDenied):
            overview.body_overview(body_user, 2026, reg)


def test_the_sample_reports_are_frozen_numbered_and_on_time_or_late(city: Path) -> None:
    reg = registry.open_registry()
    sent = reports.reports(2026, reg)
    assert set(sent["body"]) == {"SNV"} and set(sent["period"]) == {"quy1", "6thang"}
    assert sorted(sent["received_no"]) == [1, 2]
    for row in sent.itertuples():
        name, data = reports.report_file(CITY, row.id, "docx", reg)
        assert name == f"BaoCao_SNV_{row.period}_2026.docx"
        assert hashlib.sha256(data).hexdigest() == row.docx_sha256
        assert json.loads(row.figures)["data_week"] == row.data_week
    with pytest.raises(roles.PermissionDenied, match="chỉ thao tác cho cơ quan của mình"):
        reports.report_file(_user("X001", "quantri"), int(sent["id"].iloc[0]), "docx", reg)
    states = reports.statuses(2026, reg, now=datetime(2026, 7, 1, 10))
    states = states.set_index(["body", "period"])["state"]
    assert states[("SNV", "quy1")] in (reports.ON_TIME, reports.LATE)
    assert states[("X001", "quy1")] == reports.MISSING
    assert states[("X001", "9thang")] == reports.NOT_DUE


def test_a_leader_approves_and_the_administrator_submits(city_rw: Path) -> None:
    reg = registry.open_registry()
    with pytest.raises(roles.PermissionDenied):
        reports.approve(_user("X001", "quantri"), "X001", "quy1", 2026, reg)
    with pytest.raises(roles.PermissionDenied, match="chỉ thao tác cho cơ quan của mình"):
        reports.approve(_user("SNV", "lanhdao"), "X001", "quy1", 2026, reg)
    first = reports.approve(_user("X001", "lanhdao"), "X001", "quy1", 2026, reg, number="3")
    again = reports.approve(_user("X001", "lanhdao"), "X001", "quy1", 2026, reg, number="4")
    assert db.scalar("select count(*) from body_report where id = $i", {"i": first}, reg) == 0
    with pytest.raises(roles.PermissionDenied):
        reports.submit(_user("X001", "lanhdao"), again, reg)
    assert reports.submit(_user("X001", "quantri"), again, reg) == 3  # after the sample's 1, 2
    with pytest.raises(reports.ReportError, match="đã được gửi Sở Nội vụ"):
        reports.submit(_user("X001", "quantri"), again, reg)
    states = reports.statuses(2026, reg).set_index(["body", "period"])["state"]
    assert states[("X001", "quy1")] == reports.LATE  # due 20/03, sent in July
    with pytest.raises(reports.ReportError, match="Kỳ báo cáo 'quy5' không hợp lệ"):
        reports.approve(_user("X001", "lanhdao"), "X001", "quy5", 2026, reg)


def test_requests_reach_their_bodies_and_each_sees_its_own(city_rw: Path) -> None:
    reg = registry.open_registry()
    sent = requests.requests(2026, reg)
    assert len(sent) == 2 and set(sent["bodies"]) == {4}
    asked = requests.send(
        CITY,
        reg,
        year=2026,
        subject="Báo cáo nhanh",
        due_on=datetime(2026, 12, 1).date(),
        to=["X001"],
    )
    assert requests.for_body("X002", reg)["id"].tolist() == [2, 1]  # not the one to X001
    with pytest.raises(requests.RequestError, match="không gửi cơ quan X002"):
        requests.answer(_user("X002", "quantri"), reg, asked, "X002", "Đã gửi")
    with pytest.raises(roles.PermissionDenied):
        requests.answer(_user("X002", "quantri"), reg, asked, "X001", "Đã gửi")
    with pytest.raises(roles.PermissionDenied):
        requests.send(_user("SNV", "quantri"), reg, year=2026, subject="x", due_on=None)
    requests.answer(_user("X001", "lanhdao"), reg, asked, "X001", "Đã gửi báo cáo")
    answered = requests.for_body("X001", reg).set_index("id").loc[asked]
    assert answered["answer"] == "Đã gửi báo cáo"


def test_reviews_and_the_ranking_by_kind(city_rw: Path) -> None:
    reg = registry.open_registry()
    with pytest.raises(roles.PermissionDenied):
        reviews.review(ADMIN, reg, "X001", 2026, 80, "x")
    with pytest.raises(reviews.ReviewError, match="từ 0 đến 100"):
        reviews.review(CITY, reg, "X001", 2026, 101, "x")
    with pytest.raises(reviews.ReviewError, match="nhận xét"):
        reviews.review(CITY, reg, "X001", 2026, 50, " ")
    reviews.review(CITY, reg, "X001", 2026, 99.5, "Hồ sơ đầy đủ")
    reviews.review(CITY, reg, "X002", 2026, 10, "Thiếu hồ sơ")
    ranked = overview.ranking(CITY, 2026, "xa_phuong", reg)
    assert ranked["body"].tolist() == ["X001", "X002"] and ranked["rank"].tolist() == [1, 2]
    assert ranked["final_score"].tolist() == [99.5, 10]
    assert reviews.clear(CITY, reg, "X002", 2026)
    with pytest.raises(roles.PermissionDenied):
        reviews.approve_ranking(CITY, reg, 2026, "xa_phuong")
    reviews.approve_ranking(LEADER, reg, 2026, "xa_phuong")


def test_an_escalated_difficulty_reaches_sở_nội_vụ_and_leaves_with_it(city_rw: Path) -> None:
    reg = registry.open_registry()
    body = settings.body_db_path("X002")
    week = periods.week_id(settings.now().date())  # the rollup reads escalations as of now
    raised = difficulties.raise_difficulty(
        roles.User("x002.donvi", "don_vi", "VPX"),
        "VPX",
        "M4",
        "Thiếu kinh phí tổ chức đối thoại",
        path=body,
        year=2026,
    )
    found = difficulties.open_list(week, body)
    first = found[(found["source"] == "app") & (found["ref"] == str(raised))].iloc[0]
    with pytest.raises(roles.PermissionDenied):
        escalations.escalate(_user("X002", "donvi"), first["source"], first["ref"], "x", path=body)
    made = escalations.escalate(
        _user("X002", "lanhdao"),
        first["source"],
        first["ref"],
        "Đề nghị hướng dẫn",
        week=week,
        path=body,
    )
    with pytest.raises(escalations.EscalationError, match="đã được gửi"):
        escalations.escalate(
            _user("X002", "lanhdao"), first["source"], first["ref"], "lại", week=week, path=body
        )
    assert rollup.is_marked("X002")  # the body's commit marked it
    listed = overview.escalations(CITY, 2026, reg)
    mine = listed[(listed["body"] == "X002") & (listed["escalation_id"] == made)]
    assert mine.iloc[0]["content"] == first["content"] and not rollup.is_marked("X002")
    assert mine.iloc[0][["task_code", "task_title", "city_item"]].tolist() == [
        "M4",
        *_tasks(body)["M4"],
    ]
    escalations.withdraw(_user("X002", "quantri"), made, path=body)
    listed = overview.escalations(CITY, 2026, reg)
    assert made not in listed[listed["body"] == "X002"]["escalation_id"].tolist()


def test_every_escalated_difficulty_of_the_sample_names_its_task(city: Path) -> None:
    """The sample's escalations carry the body's task (code and short title, as the body's plan
    has them) and the city item it carries out: one raised in the app for want of an open one
    in the sheets names one of the unit's tasks, as a sheet's does."""
    reg = registry.open_registry()
    listed = overview.escalations(CITY, 2026, reg)
    assert len(listed) and set(listed["body"]) <= {"VPUB", *BODIES}
    items = dict(db.rows("select code, title from city_item where year = 2026", path=reg))
    for row in listed.itertuples():
        tasks = _tasks(settings.body_db_path(row.body))
        assert row.task_code in tasks, row
        assert (row.task_title, row.city_item) == tasks[row.task_code]
        assert row.city_item_title == items[row.city_item]


def _tasks(path: Path) -> dict[str, tuple[str, str]]:
    """A body's tasks of 2026 as its file has them: code -> (short title, city item)."""
    found = db.rows(
        "select code, short_title, city_item from task where plan_year = 2026", path=path
    )
    return {code: (title, item) for code, title, item in found}


def test_refresh_at_start_catches_what_another_process_wrote(city_rw: Path) -> None:
    reg = registry.open_registry()
    assert rollup.refresh_stale(reg) == []  # the sample's rollup is fresh
    body = settings.body_db_path("X001")
    db.close_all()
    other = opening.open_file(body)  # another process commits data to X001
    other.con.execute(opening.BUMP_STAMP)
    other.con.close()
    assert rollup.refresh_stale(registry.open_registry()) == ["X001"]
    assert plans.years(body) == [2026]


def test_a_registry_from_before_the_task_title_gets_it_at_the_next_refresh(city_rw: Path) -> None:
    """City migration 002 on a registry made without it: the column comes, and every body's
    rollup is recomputed at the next refresh, which fills in the escalations' task titles."""
    reg = registry.open_registry()
    before = overview.escalations(CITY, 2026, reg)
    db.close_all()
    old = opening.open_file(reg)  # back to the schema before 002
    old.con.execute("alter table rollup_escalation drop column task_title")
    old.con.execute("delete from city_migration where version = 2")
    old.con.close()
    reg = registry.open_registry()  # 002 applied now
    assert overview.escalations(CITY, 2026, reg)["task_title"].isna().all()
    assert sorted(rollup.refresh_stale(reg)) == sorted(["VPUB", *BODIES])
    after = overview.escalations(CITY, 2026, reg)
    pd.testing.assert_frame_equal(after, before)


@pytest.mark.parametrize("name", queries.names(city=True))
def test_every_registry_query_runs_on_the_sample(city: Path, name: str) -> None:
    samples = {"year": 2026, "body": "X001", "today": datetime(2026, 7, 1).date()}
    samples |= {"username": "x001.quantri", "upto": "2026-W20", "role": "quan_tri_tp"}
    if name == "city_bodies_without_plan":  # every sample body has 2026's plan, none 2027's
        samples["year"] = 2027
    params = {p: samples[p] for p in queries.load(name).params}
    assert not db.query(name, registry.open_registry(), **params).empty


def test_the_command_line_lists_the_bodies(city: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["--db", str(city), "body", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["VPUB", *BODIES]
    assert cli.main(["--db", str(city), "demo", "--bodies", "0"]) == 2
    assert "cần ít nhất 1 cơ quan" in capsys.readouterr().err


def test_the_sample_guard_sees_every_store(
    city_rw: Path, tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tmp_db: a real installation (no sample) with a registry made now: not a sample.
    registry.open_registry()
    assert not registry.sample_anywhere()
    monkeypatch.setenv("TRACKER_DB", str(city_rw))
    assert registry.sample_anywhere()
    with db.transaction(settings.db_path()) as tx:  # the home body no longer a sample
        tx.delete("setting", "where key = 'sample_mode'")
    assert registry.sample_anywhere()  # the registry and its bodies still are
