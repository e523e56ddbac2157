"""The upload path's overlaps (issue 13) change no outcome: the kept file comes before the
record, regression warnings are stored as before, the worker's kept context is the one in force."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest

from tests.workbook_factory import Book
from tracker.ingest import isolation, reader, submissions
from tracker.store import db

ON_TIME = datetime(2026, 3, 5, 10, 0)  # Thursday of week 10, before Friday 16:30


def test_a_file_that_cannot_be_kept_records_nothing(users: dict, monkeypatch) -> None:
    def full_disk(*args: object) -> None:
        raise OSError("hết dung lượng")

    before = db.scalar("select count(*) from submission")
    with monkeypatch.context() as patch:
        patch.setattr(submissions, "keep_file", full_disk)
        with pytest.raises(OSError, match="hết dung lượng"):
            submissions.submit(Book().to_bytes(), "a.xlsx", users["don_vi"], now=ON_TIME)
    assert db.scalar("select count(*) from submission") == before
    assert db.scalar("select count(*) from audit_log where action = 'upload'") == 0


def test_regression_warnings_are_stored_with_the_submission(users: dict) -> None:
    week9 = Book(period="Tuần 9/2026", meta=None)
    assert submissions.submit(
        week9.to_bytes(), "w9.xlsx", users["don_vi"], now=datetime(2026, 2, 27, 9)
    ).ok
    book = Book()
    book.progress[5]["percent"] = 10  # II.4 was 20 in week 9
    checked = submissions.check(book.to_bytes(), "w10.xlsx", users["don_vi"], now=ON_TIME)
    result = submissions.submit(book.to_bytes(), "w10.xlsx", users["don_vi"], now=ON_TIME)
    assert [p.code for p in result.warnings] == [p.code for p in checked.warnings]
    assert "progress_decreased" in [p.code for p in result.warnings]
    stored = db.scalar(
        "select warnings_json from submission where id = $i", {"i": result.submission_id}
    )
    assert json.loads(stored) == [p.as_json() for p in result.warnings]
    detail = db.scalar(
        "select detail from audit_log where action = 'upload' order by id desc limit 1"
    )
    assert json.loads(detail)["warnings"] == len(result.warnings)


def test_the_worker_reads_with_the_context_it_is_given(tmp_db) -> None:
    """Sent once and kept; a new context (a catalogue changed) replaces it in the worker."""
    data = Book().to_bytes()
    context = reader.Context.load()
    first = isolation.run(reader.read, data, context, "a.xlsx")
    assert isolation.run(reader.read, data, context, "a.xlsx") == first  # the kept copy
    assert first.header.unit_code == "HCTC"
    without_hctc = replace(context, units={c: n for c, n in context.units.items() if c != "HCTC"})
    other = isolation.run(reader.read, data, without_hctc, "a.xlsx")
    assert other.header.unit_code != "HCTC" and other.errors
    assert isolation.run(reader.read, data, context, "a.xlsx") == first
