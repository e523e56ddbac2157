"""Load the analysis SQL in queries/*.sql by name; each file's leading `--` lines document it.
queries/rules.sql is apart: the rule macros and views, defined at every start (db.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tracker import settings

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    params: tuple[str, ...]
    grain: str
    sql: str


RULES = "rules"  # queries/rules.sql: the rule macros and views, not a query


CITY_PREFIX = "city_"  # the city registry's queries (issue 34); the others read a body's file


def names(*, city: bool | None = None) -> list[str]:
    """Every query of queries/ (rules.sql, the macros and views, is not one); with `city`, only
    the registry's (True) or only a body's (False)."""
    found = sorted(p.stem for p in settings.QUERIES_DIR.glob("*.sql") if p.stem != RULES)
    return [n for n in found if city is None or n.startswith(CITY_PREFIX) == city]


@cache
def rules_sql() -> str:
    """queries/rules.sql: the statements defining the rule macros and views."""
    return (settings.QUERIES_DIR / f"{RULES}.sql").read_text(encoding="utf-8")


@cache
def load(name: str) -> Query:
    """Read queries/<name>.sql; header lines: description, `params: $a, $b`, `grain: …`."""
    text = (settings.QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
    header: list[str] = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    description = " ".join(h for h in header if not h.startswith(("params:", "grain:"))).strip()
    params_line = next((h for h in header if h.startswith("params:")), "params:")
    grain = next((h[6:].strip() for h in header if h.startswith("grain:")), "")
    declared = tuple(dict.fromkeys(_PARAM.findall(params_line)))
    return Query(name, description, declared, grain, text)
