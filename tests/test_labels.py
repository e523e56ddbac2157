"""The labels a metric query writes and the constants the Python compares them with are the
same words: task statuses (queries/task_completion.sql, metrics/progress.py) and reporting
states (queries/reporting_status.sql, metrics/reporting.py). The query computes the label, so
it writes it; a reworded label in one place only would make every comparison silently false."""

from __future__ import annotations

import re

from tracker.metrics import progress, reporting
from tracker.store import queries


def case_labels(sql: str, column: str) -> set[str]:
    """The labels the CASE … END AS `column` of `sql` can produce."""
    found = re.search(rf"\bcase\b(.*?)\bend\s+as\s+{column}\b", sql, re.S | re.I)
    assert found, f"no CASE … END AS {column}"
    return set(re.findall(r"\b(?:then|else)\s+'([^']*)'", found.group(1), re.I))


def test_task_statuses_are_the_same_words_in_sql_and_python() -> None:
    sql = queries.load("task_completion").sql
    assert case_labels(sql, "status") == set(progress.STATUSES)


def test_reporting_states_are_the_same_words_in_sql_and_python() -> None:
    sql = queries.load("reporting_status").sql
    assert case_labels(sql, "state") == set(reporting.STATES)


def test_the_guard_sees_a_label_reworded_in_the_query() -> None:
    sql = queries.load("task_completion").sql.replace("'Chậm tiến độ'", "'Chậm'")
    assert case_labels(sql, "status") != set(progress.STATUSES)
