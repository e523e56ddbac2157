"""Every figure of the Báo cáo is that of its data week (issue 33), proved on a sample of 10
units × a year built at 25/11/2026 plus events after mid-year (a difficulty handled, a score
reviewed, a difficulty raised in the app, all in July):

- each figure recomputed from the exports of the same week (`export summary`, `scores`,
  `models`, `indicators` and the annex workbook) at two period ends, 6 tháng and năm;
- a 6-month report made on 15/06 and on 25/11 from the same database says the same;
- difficulties add up (raised = handled + no longer raised + open) in the body, in Phụ lục I
  and in the annex; no count of nothing is written as "0 …";
- before any reporting week has closed the report says so and nothing else; the first week's
  report claims nothing the data do not show."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import pytest

from tests.baocao_reading import number, one, paragraphs, sheet, table_with, zero_findings
from tests.conftest import built_sample, pinned, set_now
from tracker import roles
from tracker.catalogue import periods
from tracker.exports import baocao_results, export
from tracker.metrics import difficulties, scoring
from tracker.store import db
from tracker.text import fmt_number
from tracker.tools import demo

NOW = "2026-11-25T10:00:00"  # a Wednesday of W48: W47 is the last week whose deadline passed
LATER = "2026-07-08T09:00:00"  # after the 6-month period, before the year's data week
PERIODS = {"6thang": ("2026-W24", date(2026, 6, 14)), "nam": ("2026-W47", date(2026, 11, 22))}
START = date(2025, 12, 15)


def _later_events(path: Path) -> None:
    """A difficulty open at W24 handled, a unit's score reviewed, a difficulty raised in the
    app: all in July, after the 6-month period's data week."""
    with pinned(LATER):
        still = db.query("difficulty_accounting", path=path, week="2026-W24")
        item = still[(still["state"] == difficulties.OPEN) & (still["source"] == "sheet")].iloc[0]
        difficulties.mark_handled(
            roles.SYSTEM, "sheet", item["ref"], item["content"], "Đã xử lý", path=path
        )
        scored = scoring.scores_table(2026, path, "2026-W47")  # the sample scores from W26
        unit = scored[scored["unit_code"] != scoring.VP]["unit_code"].iloc[0]
        scoring.set_review(roles.SYSTEM, unit, 2026, "A1", 0, "Thiếu minh chứng", path=path)
        difficulties.raise_difficulty(
            roles.SYSTEM, unit, "II.4", "Thiếu phòng tiếp dân", "Bố trí phòng", path=path, year=2026
        )


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("bao-cao") / "tracker.duckdb"

    def build(p: Path) -> None:
        demo.build_city(p, seed=3, units=10, years=1)
        _later_events(p)

    yield from built_sample(path, NOW, build)


@pytest.fixture
def at(sample: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKER_DB", str(sample))
    set_now(monkeypatch, NOW)
    return sample


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _report(period: str, path: Path) -> tuple[bytes, bytes]:
    return export.baocao_files(period=period, year=2026, path=path)


def _task_sections(lines: list[str]) -> dict[str, list[str]]:
    """The lines of each task's section of Mục I.1, by task code."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in lines:
        if found := re.match(r"1\.\d+\. .* \(nhiệm vụ (\S+)\)$", line):
            current = sections.setdefault(found.group(1), [])
        elif line.startswith("2. Kết quả các chỉ số"):
            break
        elif current is not None:
            current.append(line)
    return sections


def _account(text: str) -> dict[str, int]:
    """The numbers of 'đã nêu 5 (đã xử lý 1, không còn nêu 3, chưa xử lý 1)'."""
    if "chưa có đơn vị nêu" in text:
        return {"raised": 0, difficulties.HANDLED: 0, difficulties.DROPPED: 0, difficulties.OPEN: 0}
    found = {
        name: int(m.group(1).replace(".", "")) if (m := re.search(rf"{word} ([\d.]+)", text)) else 0
        for name, word in (
            ("raised", "đã nêu"),
            (difficulties.HANDLED, "đã xử lý"),
            (difficulties.DROPPED, "không còn nêu"),
            (difficulties.OPEN, "chưa xử lý"),
        )
    }
    return found


@pytest.mark.parametrize("period", list(PERIODS))
def test_every_figure_is_that_of_the_exports_of_its_week(at: Path, period: str) -> None:
    week, end = PERIODS[period]
    body, annex = _report(period, at)
    lines = paragraphs(body)
    summary = {r["Mã nhiệm vụ"]: r for r in _csv(export.build("summary", week=week, path=at))}
    # Bảng 1 and each task's progress line: the summary CSV of the week.
    for row in table_with(body, "Tỷ lệ hoàn thành (%)")[1:]:
        s = summary[row[1].rsplit("(", 1)[1].rstrip(")")]
        assert row[2] == s["Tỷ lệ hoàn thành (%)"].replace(".", ",")
        assert row[4] == s["Trạng thái"]
        assert row[5] == f"{s['Số đơn vị đã báo cáo']}/{s['Số đơn vị được giao']}"
    sections = _task_sections(lines)
    for code, section in sections.items():
        s = summary[code]
        if s["Trạng thái"] not in ("Hoàn thành", "Chưa có báo cáo"):
            assert section[0].startswith(
                f"Tiến độ: đạt {s['Tỷ lệ hoàn thành (%)'].replace('.', ',')}%"
            )
    # Plan completion and the count of tasks per status.
    weights = dict(
        db.query("plan_tasks", path=at, year=2026)[["code", "weight"]].itertuples(index=False)
    )
    completion = sum(weights[c] * float(s["Tỷ lệ hoàn thành (%)"]) for c, s in summary.items())
    overview = one(r"đạt ([\d.,]+)%; trong đó (.+)\.$", lines)
    assert number(overview.group(1)) == pytest.approx(completion / sum(weights.values()), abs=0.051)
    said = {
        status: int(n)
        for n, status in re.findall(
            r"(\d+) nhiệm vụ (đúng tiến độ|chậm tiến độ|quá hạn|hoàn thành|chưa có báo cáo|đang thực hiện)",
            overview.group(2),
        )
    }
    assert said == {
        k.lower(): v for k, v in Counter(s["Trạng thái"] for s in summary.values()).items()
    }
    # Bảng 2: `export indicators` over the period's dates up to the data week.
    indicators = {
        r["Mã chỉ số"]: r
        for r in _csv(export.build("indicators", date_from=START, date_to=end, path=at))
    }
    for row in table_with(body, "Cách tính")[1:]:
        r = indicators[row[1].rsplit("(", 1)[1].rstrip(")")]
        value = "" if r["Giá trị"] == "" else fmt_number(float(r["Giá trị"]), 0)
        assert (row[4], row[5]) == (value, r["Số đơn vị báo cáo"])
    # Models: `export models --week`, by stage.
    models = _csv(export.build("models", week=week, path=at))
    if not models:
        one(r'chưa có đơn vị nào đăng ký mô hình, điển hình "Dân vận khéo"\.$', lines)
    else:
        m = one(
            r"\(Phụ lục IV\), (\d+) đơn vị có (\d+) mô hình, điển hình \"Dân vận khéo\": (.+?)\. Theo",
            lines,
        )
        assert int(m.group(1)) == len({r["Mã đơn vị"] for r in models})
        assert int(m.group(2)) == len(models)
        stages = {
            s: int(n) for n, s in re.findall(r"(\d+) mô hình ở trạng thái “([^”]+)”", m.group(3))
        }
        assert stages == dict(Counter(r["Trạng thái"] for r in models))
    # Self-scores: `export scores --week`, grades and the Office's assessment.
    scores = _csv(export.build("scores", week=week, path=at))
    units = [r for r in scores if r["Mã đơn vị"] != scoring.VP]
    if not units:
        one(r"chưa có đơn vị nào tự chấm điểm\.$", lines)
        assert not any("Điểm đánh giá chung" in x for x in lines)
    else:
        s = one(
            r"(\d+)/\d+ đơn vị đã tự chấm điểm .*xếp loại theo điểm cuối cùng: (.+?)(?:; điểm cao nhất.*)?\.$",
            lines,
        )
        assert int(s.group(1)) == len(units)
        grades = {
            g: int(n) for n, g in re.findall(r"(\d+) đơn vị (Tốt|Khá|Trung bình|Yếu)", s.group(2))
        }
        assert grades == dict(Counter(r["Xếp loại"] for r in units))
        (vp,) = [r for r in scores if r["Mã đơn vị"] == scoring.VP]
        v = one(r"Điểm đánh giá chung của Văn phòng .*: ([\d,]+) điểm, xếp loại (.+)\.$", lines)
        assert (v.group(1), v.group(2)) == (vp["Điểm cuối cùng"].replace(".", ","), vp["Xếp loại"])
    # Results and documents per task: the annex's Phụ lục II of the same report.
    results = sheet(annex, "Phụ lục II - Kết quả")
    for code, section in sections.items():
        mine = [r for r in results if r["Mã nhiệm vụ"] == code]
        with_text = sum(1 for r in mine if r["Kết quả thực hiện trong kỳ"])
        if with_text:
            assert f"Có {with_text} đơn vị nêu kết quả trong kỳ (Phụ lục II)." in " ".join(section)
        docs = {
            baocao_results.fold(d)
            for r in mine
            if r["Văn bản, minh chứng trong kỳ"]
            for d in str(r["Văn bản, minh chứng trong kỳ"]).split("; ")
        }
        if docs:
            (cited,) = [x for x in section if x.startswith("Văn bản: các đơn vị nêu ")]
            assert number(cited.split()[6]) == len(docs), (code, cited)


def _open_by_task_later_marked(path: Path, week: str) -> Counter:
    """Per task, the difficulties open at the end of `week` that a mark made after it closed."""
    after = periods.week_end(week).isoformat()
    account = db.query("difficulty_accounting", path=path, week=week)
    still = account[account["state"] == difficulties.OPEN]
    marks = db.rows(
        "select source, ref, text_handled from difficulty_handled where handled_at >= "
        "cast($after as date) + 1",
        {"after": after},
        path=path,
    )
    later = {(s, r, t) for s, r, t in marks}
    return Counter(
        r.task_code
        for r in still.itertuples(index=False)
        if (r.source, r.ref, r.content if r.source == "sheet" else "") in later
    )


@pytest.mark.parametrize("period", list(PERIODS))
def test_difficulties_add_up_everywhere_and_match_the_summary(at: Path, period: str) -> None:
    week, _ = PERIODS[period]
    body, annex = _report(period, at)
    lines = paragraphs(body)
    # The body: raised = handled + no longer raised + open.
    text = one(r"các đơn vị nêu ([\d.]+) khó khăn, vướng mắc: (.*)Danh sách", lines)
    raised = int(text.group(1))
    handled = int(m.group(1)) if (m := re.search(r"đã xử lý (\d+) khó khăn", text.group(2))) else 0
    dropped = (
        int(m.group(1))
        if (m := re.search(r"(\d+) khó khăn, vướng mắc đơn vị không còn nêu", text.group(2)))
        else 0
    )
    still = (
        int(m.group(1))
        if (m := re.search(r"còn (\d+) khó khăn, vướng mắc chưa xử lý", text.group(2)))
        else 0
    )
    assert raised == handled + dropped + still
    # The annex lists each one with its state: the same counts.
    states = Counter(r["Tình trạng"] for r in sheet(annex, "Phụ lục III - Vướng mắc"))
    assert (raised, handled, dropped, still) == (
        sum(states.values()),
        states[difficulties.HANDLED],
        states[difficulties.DROPPED],
        states[difficulties.OPEN],
    )
    # Phụ lục I per task, and the annex's Bảng 1: the same numbers, adding up to the total.
    blocks = table_with(body, "Tiến độ, số liệu")[1:]
    per_task = {
        row[1]: _account(next(x for x in row[2].split("\n") if x.startswith("Khó khăn, vướng mắc")))
        for row in blocks
    }
    for account in per_task.values():
        assert account["raised"] == sum(account[s] for s in difficulties.STATES)
    assert sum(a["raised"] for a in per_task.values()) == raised
    tasks = {r["Mã nhiệm vụ"]: r for r in sheet(annex, "Bảng 1 - Nhiệm vụ") if r["STT"]}
    for name, account in per_task.items():
        code = name.rsplit("(", 1)[1].rstrip(")") if name.endswith(")") else None
        if code in tasks:
            assert account == {
                "raised": tasks[code]["Khó khăn, vướng mắc đã nêu"],
                difficulties.HANDLED: tasks[code]["Đã xử lý"],
                difficulties.DROPPED: tasks[code]["Không còn nêu"],
                difficulties.OPEN: tasks[code]["Chưa xử lý"],
            }, code
    # The summary CSV counts a mark whenever it was made (the pages' rule); the Báo cáo counts
    # the marks made by the end of its week: the same, plus those marked later.
    summary = {
        r["Mã nhiệm vụ"]: int(r["Số vướng mắc chưa xử lý"])
        for r in _csv(export.build("summary", week=week, path=at))
    }
    later = _open_by_task_later_marked(at, week)
    for code, open_now in summary.items():
        assert tasks[code]["Chưa xử lý"] == open_now + later[code], code
    if period == "6thang":
        assert sum(later.values()) == 1  # the July mark (the fixture's)


def _without_dates(lines: list[str]) -> list[str]:
    return [re.sub(r"ngày \d{2} tháng \d{1,2} năm \d{4}", "ngày …", x) for x in lines]


def _unsigned(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """A sheet's rows without the place-and-date line of its signature."""
    return [r for r in rows if not any(str(v).startswith("Cần Thơ, ngày") for v in r.values())]


def test_a_past_period_reads_the_same_whenever_it_is_made(
    at: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    late_body, late_annex = _report("6thang", at)
    set_now(monkeypatch, "2026-06-15T09:00:00")
    early_body, early_annex = _report("6thang", at)
    assert _without_dates(paragraphs(early_body)) == _without_dates(paragraphs(late_body))
    for name in (
        "Bảng 1 - Nhiệm vụ",
        "Phụ lục II - Kết quả",
        "Phụ lục III - Vướng mắc",
        "Phụ lục IV - Dân vận khéo",
        "Phụ lục V - Tự chấm điểm",
        "Bảng 2 - Chỉ số",
    ):
        early, late = sheet(early_annex, name), sheet(late_annex, name)
        assert _unsigned(early) == _unsigned(late), name
    # The database holds later data that a report of the year does show.
    assert len(scoring.scores_table(2026, at)) != len(
        scoring.scores_table(2026, at, "2026-W24")
    ) or (
        scoring.scores_table(2026, at)["final_total"].tolist()
        != scoring.scores_table(2026, at, "2026-W24")["final_total"].tolist()
    )
    set_now(monkeypatch, NOW)
    year = " ".join(paragraphs(_report("nam", at)[0]))
    half = " ".join(paragraphs(late_body))
    assert "Lãnh đạo Văn phòng đã xử lý" in year and "chưa đánh dấu xử lý" in half


# --- before the first reporting week closes, and the first week -------------------------------


def test_before_any_reporting_week_closes_the_report_says_so_and_nothing_else(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    set_now(monkeypatch, "2026-02-10T09:00:00")
    data = export.build("baocao", period="quy1", year=2026)
    lines = [x for x in paragraphs(data) if x.strip()]
    assert (
        "Đến hết Tuần 6/2026 (02/02 - 08/02/2026), chưa có tuần báo cáo nào của Kế hoạch kết "
        "thúc: tuần báo cáo đầu tiên là Tuần 7/2026 (09/02 - 15/02/2026), hạn nộp 16:30 thứ Sáu "
        "13/02/2026. Vì vậy, báo cáo này chưa có số liệu về kết quả thực hiện." in lines
    )
    text = " ".join(lines)
    for claim in (
        "I. KẾT QUẢ",
        "Bảng 1",
        "đúng hạn",
        "đẩy nhanh",
        "Phụ lục",
        "nhiệm vụ chậm",
        "đơn vị nêu",
    ):
        assert claim not in text, claim
    assert zero_findings(lines) == []
    assert len(docx.Document(io.BytesIO(data)).sections) == 1  # no annex section, no blank page
    with pytest.raises(export.ExportError, match="chưa có phụ lục"):
        export.build("phu_luc", period="quy1", year=2026)


def test_the_first_weeks_report_claims_nothing_the_data_do_not_show(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_now(monkeypatch, "2026-02-24T09:00:00")  # W07 closed (W08 is Tết): nobody reported
    lines = [x for x in paragraphs(export.build("baocao", period="quy1", year=2026)) if x.strip()]
    text = " ".join(lines[: lines.index("Nơi nhận:")])  # the body (Phụ lục I's headers aside)
    assert "Trong kỳ có 1 tuần yêu cầu báo cáo; chưa có đơn vị nào nộp báo cáo." in lines
    for claim in ("đầy đủ, đúng hạn", "đẩy nhanh", "nhiều nhất", "Kết quả nổi bật", "0,0%"):
        assert claim not in text.replace("| 0,0 |", ""), claim
    assert zero_findings(lines) == []


@pytest.mark.parametrize("period", list(PERIODS))
def test_no_count_of_nothing_is_written_as_a_number(at: Path, period: str) -> None:
    assert zero_findings(paragraphs(_report(period, at)[0])) == []
