"""The labels a metric query writes and the constants the Python compares them with are the
same words: task statuses (queries/task_completion.sql, metrics/progress.py) and reporting
states (the report_state macro of queries/rules.sql, which reporting_status.sql and
unit_reporting_history.sql use; metrics/reporting.py). The query computes the label, so
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


def macro_labels(sql: str, macro: str) -> set[str]:
    """The labels the CASE … END of rule macro `macro` in `sql` (queries/rules.sql) can produce."""
    pattern = rf"\bmacro\s+{macro}\s*\([^)]*\)\s+as\s+case\b(.*?)\bend\s*;"
    found = re.search(pattern, sql, re.S | re.I)
    assert found, f"no macro {macro} AS CASE … END"
    return set(re.findall(r"\b(?:then|else)\s+'([^']*)'", found.group(1), re.I))


def test_reporting_states_are_the_same_words_in_sql_and_python() -> None:
    # The state rule is the report_state macro; the queries that give a unit's state use it.
    assert macro_labels(queries.rules_sql(), "report_state") == set(reporting.STATES)
    for name in ("reporting_status", "unit_reporting_history"):
        assert "report_state(" in queries.load(name).sql, name


def test_the_guard_sees_a_reporting_state_reworded_in_the_rule() -> None:
    sql = queries.rules_sql().replace("'Trễ hạn'", "'Trễ'")
    assert macro_labels(sql, "report_state") != set(reporting.STATES)


def test_the_guard_sees_a_label_reworded_in_the_query() -> None:
    sql = queries.load("task_completion").sql.replace("'Chậm tiến độ'", "'Chậm'")
    assert case_labels(sql, "status") != set(progress.STATUSES)
