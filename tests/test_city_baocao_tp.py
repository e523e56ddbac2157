"""Sở Nội vụ's Báo cáo to UBND thành phố (issue 34, Deliver 3), on the city sample
(tests/city_fixture.py: at 01/07/2026 Sở Nội vụ's own body has sent quý I and 6 tháng): every
figure recomputed here from the snapshots' frozen figures (never a body's file), the counts equal
to reports.statuses(), a period nobody sent, an approved report not sent not counted, the roles,
the command line and the page's section. The city's shape (133 bodies, page counts, 5 s) is
tests/test_city_baocao_tp_length.py."""

from __future__ import annotations

import io
import json
from pathlib import Path
from statistics import mean

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.baocao_reading import paragraphs, tables, zero_findings
from tests.city_fixture import CITY_NOW
from tracker import roles, settings
from tracker.city import baocao_tp, baocao_tp_files, registry, reports
from tracker.text import fmt_number, fmt_pct
from tracker.tools import cli

pytestmark = pytest.mark.now(CITY_NOW)  # 01/07/2026: quý I and 6 tháng due, 9 tháng not yet

SNV = roles.User("sonoivu", "so_noi_vu")
SNV_LEADER = roles.User("sonoivu.lanhdao", "lanh_dao_snv")


def _latest_sent(reg: Path, period: str) -> pd.DataFrame:
    """The latest submitted snapshot per body of `period`, read straight from the registry."""
    rows = reports.reports(2026, reg)
    rows = rows[(rows["period"] == period) & rows["submitted_at"].notna()]
    return rows.sort_values("submitted_at", ascending=False).drop_duplicates("body")


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def _pct(value: float) -> str:
    return fmt_pct(value) or "0,0%"


def test_figures_are_the_submitted_snapshots_and_each_number_in_the_text_is_its_source(
    city: Path,
) -> None:
    reg = registry.open_registry()
    sent = _latest_sent(reg, "6thang")
    assert len(sent), "the sample has 6 tháng reports sent by 01/07/2026"
    f = baocao_tp.gather(2026, "6thang", reg)
    assert set(f.sent) == set(sent["body"])
    frozen = {r.body: json.loads(r.figures) for r in sent.itertuples()}
    for body, figures in frozen.items():
        assert f.sent[body].figures == figures
        assert f.sent[body].data_week == figures["data_week"]
    docx = baocao_tp_files.report_docx(f)
    text = " ".join(paragraphs(docx))
    # Bảng 2: each item's bodies and mean, min, max completion, recomputed from the JSON.
    item_table = next(t for t in tables(docx) if t[0][0] == "Mục")
    by_code = {row[0]: row for row in item_table[1:]}
    for item in f.items:
        values = [
            float(fig["items"][item.code])
            for fig in frozen.values()
            if fig.get("items", {}).get(item.code) is not None
        ]
        row = by_code[item.code]
        assert row[2] == fmt_number(len(values), 0)
        if values:
            assert row[3:] == [_pct(mean(values)), _pct(min(values)), _pct(max(values))]
    # The weekly reporting of the bodies' units, summed from the snapshots.
    expected = sum(fig["expected_reports"] for fig in frozen.values())
    reported = sum(fig["reported"] for fig in frozen.values())
    on_time = sum(fig["on_time"] for fig in frozen.values())
    if expected:
        assert (
            f"{fmt_number(expected, 0)} lượt phải nộp, {fmt_number(reported, 0)} lượt đã nộp "
            f"({_pct(100 * reported / expected)}), {fmt_number(on_time, 0)} lượt đúng hạn"
        ) in text
    # Difficulties, by state, summed.
    raised = sum(sum(fig["difficulties"].values()) for fig in frozen.values())
    if raised:
        assert f"Các cơ quan nêu {fmt_number(raised, 0)} khó khăn, vướng mắc" in text
    # The open difficulties the snapshots state in words: counted, the newest quoted.
    listed = [
        (body, x)
        for body, fig in frozen.items()
        for x in fig.get("open_items", [])
        if x.get("content")
    ]
    if listed:
        assert f"nêu cụ thể {fmt_number(len(listed), 0)} khó khăn, vướng mắc chưa xử lý" in text
        body, first = listed[0]
        assert f"- {f.sent[body].body_name} ({first['unit']}): {first['content']}" in text
    # Each body's data week is stated.
    for fig in frozen.values():
        week = int(fig["data_week"][-2:])
        assert f"Tuần {week}/2026" in text
    assert "[Sở Nội vụ bổ sung: " in text
    assert zero_findings(paragraphs(docx)) == []
    assert "Kính gửi: Ủy ban nhân dân thành phố Cần Thơ." in text


def test_the_counts_are_the_statuses_of_the_period(city: Path) -> None:
    reg = registry.open_registry()
    for period in reports.PERIODS:
        f = baocao_tp.gather(2026, period, reg)
        states = reports.statuses(2026, reg)
        states = states[states["period"] == period]
        counts = f.by_kind()
        for kind in baocao_tp.KINDS:
            mine = states[states["kind"] == kind]
            assert counts[kind]["expected"] == len(mine)
            for state in baocao_tp.STATES:
                assert counts[kind][state] == int((mine["state"] == state).sum()), (period, kind)
        if f.anything:
            docx = baocao_tp_files.report_docx(f)
            total = next(t for t in tables(docx) if t[0][0] == "Loại cơ quan")[-1]
            assert total[0] == "Tổng cộng"
            assert total[1:] == [
                str(len(states)),
                *(str(int((states["state"] == s).sum())) for s in baocao_tp.STATES),
            ]


def test_a_period_nobody_sent_says_so_and_claims_nothing(city: Path) -> None:
    reg = registry.open_registry()
    f = baocao_tp.gather(2026, "9thang", reg)
    assert not f.anything
    docx = baocao_tp_files.report_docx(f)
    text = " ".join(paragraphs(docx))
    assert (
        "Đến 10:00 ngày 01/07/2026, chưa có cơ quan nào gửi Báo cáo 9 tháng đầu năm 2026 về Sở "
        "Nội vụ (hạn gửi ngày 20/09/2026); báo cáo này chưa có số liệu tổng hợp."
    ) in text
    for claim in ("Bảng 1", "Bảng 2", "Phụ lục", "bình quân", "%"):
        assert claim not in text, claim
    assert tables(docx)[-1][0][0].startswith("Nơi nhận:")  # the signature, no phụ lục table
    sheets = _sheets(baocao_tp_files.annex_xlsx(f))
    assert "Bảng 2 Mục KH thành phố" not in sheets


def test_an_approved_report_not_submitted_counts_for_nothing(city_rw: Path) -> None:
    reg = registry.open_registry()
    before = baocao_tp.gather(2026, "6thang", reg)
    body = next(iter(before.sent))
    frozen = reports.snapshot("9thang", 2026, settings.body_db_path(body))
    changed = json.loads(frozen["figures"]) | {"plan_completion": 99.9}
    again = reports.snapshot("6thang", 2026, settings.body_db_path(body))
    again["figures"] = json.dumps(
        json.loads(again["figures"]) | {"plan_completion": 12.3}, ensure_ascii=False
    )
    leader = roles.User(f"{body.lower()}.lanhdao", "lanh_dao")
    frozen["figures"] = json.dumps(changed, ensure_ascii=False)
    reports.record_approval(leader, body, frozen, reg)  # 9 tháng: approved, not sent
    reports.record_approval(leader, body, again, reg)  # 6 tháng: a new version, not sent
    assert not baocao_tp.gather(2026, "9thang", reg).anything
    after = baocao_tp.gather(2026, "6thang", reg)
    assert after.sent[body].figures == before.sent[body].figures
    assert after.sent[body].completion != 12.3
    # Sent, the new version is the body's latest: its figures now.
    new_id = int(reports.reports(2026, reg).query("submitted_at != submitted_at")["id"].max())
    reports.submit(roles.User(f"{body.lower()}.quantri", "quan_tri"), new_id, reg)
    assert baocao_tp.gather(2026, "6thang", reg).sent[body].completion == 12.3


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao", "quan_tri", "quan_tri_tp"])
def test_only_so_noi_vu_may_make_it(city: Path, role: str) -> None:
    reg = registry.open_registry()
    with pytest.raises(roles.PermissionDenied):
        baocao_tp_files.files(roles.User("x", role), 2026, "6thang", reg)
    for user in (SNV, SNV_LEADER):
        docx, xlsx = baocao_tp_files.files(user, 2026, "6thang", reg)
        assert docx.startswith(b"PK") and xlsx.startswith(b"PK")
    assert roles.scope_of("export_city") == roles.CITY


def test_the_same_inputs_and_clock_give_the_same_bytes(city: Path, still_clock) -> None:
    still_clock(CITY_NOW)
    reg = registry.open_registry()
    assert baocao_tp_files.files(SNV, 2026, "6thang", reg) == baocao_tp_files.files(
        SNV, 2026, "6thang", reg
    )


def test_the_annex_is_one_sortable_sheet_per_table_without_formulas(city: Path) -> None:
    reg = registry.open_registry()
    f = baocao_tp.gather(2026, "6thang", reg)
    sheets = _sheets(baocao_tp_files.annex_xlsx(f))
    assert list(sheets)[:3] == ["Bảng 1 Gửi báo cáo", "Bảng 2 Mục KH thành phố", "Vướng mắc"]
    kinds = [k for k in baocao_tp.KINDS if (f.status["kind"] == k).any()]
    assert len(sheets) == 3 + len(kinds)
    listed = [r for r in sheets["Vướng mắc"][5:] if r[0] in f.sent]
    assert len(listed) == len(baocao_tp.open_items(f))
    for name, rows in sheets.items():
        for row in rows:
            for value in row:
                assert not (isinstance(value, str) and value.startswith("=")), (name, value)
    sent_rows = [r for name, rows in sheets.items() if name.startswith("PL ") for r in rows[5:]]
    for body, s in f.sent.items():
        row = next(r for r in sent_rows if r[0] == body)
        assert row[3] == s.received_no and row[5] == s.data_week


def test_the_command_line_writes_both_files(
    city: Path, tmp_path: Path, capsys, still_clock
) -> None:
    still_clock(CITY_NOW)
    out = tmp_path / "bc.docx"
    code = cli.main(
        ["export", "baocao-tp", "--year", "2026", "--period", "6thang", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    docx, xlsx = baocao_tp_files.files(SNV, 2026, "6thang", registry.open_registry())
    assert out.read_bytes() == docx
    assert (tmp_path / "bc_phu-luc.xlsx").read_bytes() == xlsx
    assert cli.main(["export", "baocao-tp", "--year", "2026", "--out", str(out)]) == 2


def _section_app(username: str, role: str, registry_path: str, home: str) -> None:
    import os
    from pathlib import Path

    os.environ["TRACKER_DB"] = home
    from tracker.roles import User
    from tracker.scope import Scope
    from tracker.ui import city_baocao_view

    reg = Path(registry_path)
    city_baocao_view.section(
        Scope(User(username, role), "", reg, 2026, reg, "thanh_pho", "Thành phố")
    )


def _app(city: Path, username: str, role: str) -> AppTest:
    reg = str(registry.open_registry())
    at = AppTest.from_function(
        _section_app, args=(username, role, reg, str(city)), default_timeout=60
    )
    return at.run()


@pytest.mark.parametrize(
    ("username", "role"), [("sonoivu", "so_noi_vu"), ("sonoivu.lanhdao", "lanh_dao_snv")]
)
def test_the_section_offers_both_files_to_so_noi_vu(city: Path, username: str, role: str) -> None:
    at = _app(city, username, role)
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Báo cáo gửi UBND thành phố"]
    at.selectbox(key="city_baocao_period").set_value("6thang").run()
    at.button(key="city_baocao_make").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Báo cáo gửi UBND thành phố (.docx)", "Phụ lục số liệu (.xlsx)"]
    f = baocao_tp.gather(2026, "6thang", registry.open_registry())
    n = f.by_kind()["all"]
    assert any(
        f"Đã gửi {n['Đúng hạn'] + n['Trễ hạn']}/{n['expected']} cơ quan" in m.value
        for m in at.markdown
    )


@pytest.mark.parametrize("role", ["lanh_dao", "quan_tri", "don_vi", "quan_tri_tp"])
def test_the_section_shows_nothing_to_other_roles(city: Path, role: str) -> None:
    at = _app(city, "x001.lanhdao", role)
    assert not at.exception
    assert not at.subheader and not at.get("download_button") and not at.button
