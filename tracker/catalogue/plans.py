"""Plans, one per year (issue 24): which plans exist, which is in force, what each is called, and
each plan's own settings.

A week belongs to the plan of its ISO year (2026-W53, 28/12/2026 - 03/01/2027, is 2026's). The
plan in force on a day is the latest plan of that day's ISO year or earlier: before the Office
loads next year's plan the pages go on showing the last one, with a notice (`missing_notice`).
Loading and copying plans is tracker/catalogue/plan_loading.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker import settings, wording
from tracker.catalogue import periods
from tracker.store import db
from tracker.text import fmt_date, is_missing

BODY = "VPUB"  # the issuing body: the Office (Văn phòng UBND thành phố), today the only one
OFFICE = "Văn phòng UBND thành phố"
# The settings that belong to a plan; the others (the Báo cáo's signer, …) are the Office's.
PLAN_KEYS = (
    "first_week",
    "exempt_weeks",
    "deadline_weekday",
    "deadline_time",
    "lock_days",
    "tolerance",
    "grade_bands",
    "rank_min_points",
)


class PlanError(ValueError):
    """A plan that does not exist or cannot be made as asked; the message is Vietnamese."""


@dataclass(frozen=True)
class Plan:
    year: int
    number: str | None
    issued_on: date | None
    title: str
    body: str = BODY

    @property
    def label(self) -> str:
        """'Kế hoạch số 15/KH-VPUB ngày 20/01/2027', or 'Kế hoạch năm 2027' while unnumbered."""
        if self.number and self.issued_on:
            return f"Kế hoạch số {self.number} ngày {fmt_date(self.issued_on)}"
        if self.number:
            return f"Kế hoạch số {self.number} năm {self.year}"
        return f"Kế hoạch năm {self.year}"

    @property
    def heading(self) -> str:
        """The plan's name for titles: 'Kế hoạch năm 2027' with its number and date when known."""
        if self.number or self.issued_on:
            return f"Kế hoạch năm {self.year} ({self.label})"
        return f"Kế hoạch năm {self.year}"


def all_plans(path: Path | None = None) -> list[Plan]:
    """Every plan, oldest first."""
    # Every page and every upload's check ask, several times a run (the sidebar's year, the plan
    # in force, the notice, the week's plan): built from the catalogue alone, once per catalogue
    # version, so an accepted upload does not make the next page or check build it again.
    return list(db.derived("plans.all_plans", lambda: _read_plans(path), path, catalogue=True))


def _read_plans(path: Path | None) -> tuple[Plan, ...]:
    return tuple(
        Plan(
            int(r.year),
            None if is_missing(r.number) or not r.number else r.number,
            None if is_missing(r.issued_on) else r.issued_on,
            r.title,
            r.body,
        )
        for r in db.query("plan_headings", path=path).itertuples(index=False)
    )


def years(path: Path | None = None) -> list[int]:
    return [p.year for p in all_plans(path)]


def get(year: int | str, path: Path | None = None) -> Plan | None:
    return next((p for p in all_plans(path) if p.year == int(year)), None)


def require(year: int | str, path: Path | None = None) -> Plan:
    """The plan of `year`, else PlanError saying it is not loaded and whom to ask."""
    found = get(year, path)
    if found is None:
        raise PlanError(missing_message(int(year), path))
    return found


def today_year() -> int:
    """The ISO year of today's week: the plan year today's reports belong to."""
    return periods.parse_week_id(periods.week_id(settings.now().date()))[0]


def in_force(path: Path | None = None, year: int | None = None) -> int | None:
    """The plan in force in ISO year `year` (default: today's): the latest plan of that year or
    earlier; the earliest plan before any; None when there is no plan at all."""
    known = years(path)
    if not known:
        return None
    year = year or today_year()
    earlier = [y for y in known if y <= year]
    return max(earlier) if earlier else min(known)


def current(path: Path | None = None) -> int:
    """The plan in force today: a command's year when none is given (the pages' year is their
    scope's, chosen in the sidebar)."""
    found = in_force(path)
    if found is None:
        raise PlanError(none_loaded(path))
    return found


def none_loaded(path: Path | None = None) -> str:
    """Why there is nothing to show on a database without any plan, and whom to ask."""
    return "Chưa có Kế hoạch nào trong cơ sở dữ liệu. " + _load_hint(today_year(), path)


def of_week(week: str) -> int:
    """The year of the plan a week belongs to (its ISO year)."""
    return periods.parse_week_id(week)[0]


def exists(year: int, path: Path | None = None) -> bool:
    return int(year) in years(path)


def _contact(path: Path | None) -> str:
    """Whom to ask for a plan: the body's administrator (the Office's HCTC for the Office)."""
    return f"{wording.of_file(path).admin} (tài khoản Quản trị)"


def _load_hint(year: int, path: Path | None = None) -> str:
    return (
        f"Liên hệ {_contact(path)} để nạp Kế hoạch năm {year} (trang Quản trị › Kế hoạch, hoặc lệnh "
        f"python -m tracker plan load --year {year} …)."
    )


def missing_message(year: int, path: Path | None = None) -> str:
    """Why a week of a year without a plan is refused, and whom to ask."""
    return f"Kế hoạch năm {year} chưa được nạp vào hệ thống. " + _load_hint(year, path)


def missing_notice(path: Path | None = None) -> str | None:
    """The pages' notice when today's year has no plan yet (say on 05/01/2027): which plan is
    shown instead; None when today's plan is loaded."""
    year = today_year()
    shown = in_force(path)
    if shown is None or shown == year or year < shown:
        return None
    return (
        f"Kế hoạch năm {year} chưa được nạp; đang xem Kế hoạch năm {shown}. Báo cáo các tuần "
        f"năm {year} sẽ được nhận khi Kế hoạch năm {year} được nạp (liên hệ {_contact(path)})."
    )


# --- each plan's settings -------------------------------------------------------------------


def setting(year: int, key: str, path: Path | None = None) -> str:
    """A plan's value of `key`: its own (plan_setting) for PLAN_KEYS, else the Office's."""
    if key in PLAN_KEYS:
        for plan_year, name, value in db.cached_rows("plan_settings", path=path):
            if plan_year == int(year) and name == key:
                return value
    for name, value, _ in db.cached_rows("settings", path=path):
        if name == key:
            return value
    raise KeyError(key)


def first_week(year: int, path: Path | None = None) -> str:
    """The plan's first reporting week; for a year without a plan, its week 1 (nothing is
    expected there anyway)."""
    week = setting(year, "first_week", path)
    return week if week.startswith(f"{int(year)}-") else f"{int(year)}-W01"


def last_week(year: int) -> str:
    """The plan year's last ISO week (2026-W53 in 2026, 2027-W52 in 2027)."""
    return periods.week_id(date(int(year), 12, 28))


def weeks(year: int, path: Path | None = None) -> list[str]:
    """The plan's reporting weeks, first reporting week to the year's last, exempt ones included."""
    return periods.weeks_between(first_week(year, path), last_week(year))
