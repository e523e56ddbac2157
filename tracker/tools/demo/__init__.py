"""Realistic sample data (sample mode) for `python -m tracker demo --scale office|city [--seed N]`.

office: the catalogue's units report every week from the first reporting week to the current
week with real workbooks (template.workbook filled like an officer would), each imported through
submissions.submit as the unit's sample account: progress rising unevenly, some weeks late or
missing, corrections, a few rejected files fixed and re-sent, difficulties, indicators,
"Dân vận khéo" models and self-scores.
bodies (demo --bodies N, issue 34): N bodies beside the office sample, each its own database file
with 5-15 units and a year of weeks, the city registry with Sở Nội vụ's accounts (bodies.py).
city: ≈250 generated units × 3 years of weeks for benchmarks, each week written as a plain
workbook (demo/plainbook.py), kept, and stored by the uploads' store stage (submissions.store):
a kept file and an audit row per submission, like a real one.

Everything is deterministic for a seed. Sample accounts (password DEMO_PASSWORD, flagged
sample) exist only here; demo refuses a database that already has accounts or submissions.

Modules: office.py and city.py build the two scales, simulation.py moves the simulated units
along, words.py holds what the sample officers write, shared.py the accounts, sample mode and
checks both share. The command line (tracker/tools/cli.py) uses only the names below.
"""

from tracker.tools.demo.bodies import DEFAULT_BODIES, build_bodies
from tracker.tools.demo.city import build_city
from tracker.tools.demo.office import build_office
from tracker.tools.demo.shared import (
    CITY_UNITS,
    CITY_YEARS,
    DEMO_PASSWORD,
    DemoError,
    Summary,
    already_sample,
    current_week,
    default_db,
)

__all__ = [
    "CITY_UNITS",
    "CITY_YEARS",
    "DEFAULT_BODIES",
    "DEMO_PASSWORD",
    "DemoError",
    "Summary",
    "already_sample",
    "build_bodies",
    "build_city",
    "build_office",
    "current_week",
    "default_db",
]
