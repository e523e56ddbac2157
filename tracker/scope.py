"""The scope a page works in: who is signed in, which body's data it shows and from which
database file, which plan year, and which page is drawn (issue 34).

The shell (tracker/ui/shell.py frame()) builds it once per run, after the sign-in, the sidebar
and its plan-year selector, and hands it to the page's `render(scope)`; the page hands its parts
down as arguments (`path=scope.db`, `year=scope.year`) to every domain call. Nothing reads it
back from the session: a module sees the scope it was given, so a page rendered with another
body's database shows that body's data and nothing of the home body's. The week stays a filter
of the page (its label, default and rule while a new year's first week runs differ per page):
the page reads it after the shell and passes it down the same way.

A foundation module (below every package, tests/test_layers.py): it imports only settings and
roles, so the domain and the tools may name a Scope too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker import settings
from tracker.roles import User


def home_db() -> Path:
    """The home body's database (TRACKER_DB, the Office's), resolved: where sign-in finds
    accounts and sessions today, and the database of every body user's scope."""
    return settings.db_path().resolve()


@dataclass(frozen=True)
class Scope:
    """What one page run works in; frozen, built by the shell alone."""

    user: User  # the signed-in user
    body: str  # the code of the body whose data the page shows (today always the home body)
    db: Path  # that body's database file: every domain call of the page passes path=db
    # The plan year shown (?nam=); None only when `db` holds no plan, and then the shell stops
    # every page that shows a plan before its render(scope): there it is always a year.
    year: int | None
    accounts: Path  # the store of the user's own account and session (today the same file)
    page: str  # the page drawn: its key in shell.PAGES ("nhiem_vu")
    title: str  # and its title ("Nhiệm vụ"), for what the filters draw on its behalf
