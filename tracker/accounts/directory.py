"""The account directory of the city (issue 34): which database holds each account, so that a
username is unique city-wide and sign-in finds the account's store from the username alone.

The city registry's table account_home maps a username to its body (that body's database file,
settings.body_db_path) or to NULL (a city account: Sở Nội vụ, the city administrator, kept in
the registry itself). Creating an account reserves its name there first (auth.create_user calls
reserve()). Nothing here creates the registry (tracker/city/registry.py does, on first use):
without one every account is the home body's, exactly as before issue 34, and a username the
directory does not know is looked for in the home body too (accounts made before the registry).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker import settings
from tracker.roles import CITY_ROLES, CITY_SYSTEM, ROLES, SYSTEM, PermissionDenied, User, require
from tracker.store import db


@dataclass(frozen=True)
class Store:
    """Where an account lives: a body's database (body = its code) or the registry (None)."""

    body: str | None
    path: Path

    @property
    def is_city(self) -> bool:
        return self.body is None


def registry() -> Path | None:
    """The city registry's file when there is one."""
    path = settings.city_db_path()
    return path if path.exists() else None


def home() -> Store:
    return Store(settings.HOME_BODY, settings.db_path())


def store_of(username: str) -> Store:
    """The store holding `username` (the home body's when the directory does not know it)."""
    reg = registry()
    if reg is None:
        return home()
    found = db.query_rows("city_account_home", reg, username=username)
    if not found:
        return home()
    body = found[0][0]
    return Store(None, reg) if body is None else Store(body, settings.body_db_path(body))


def store_at(path: Path | None) -> Store | None:
    """The store `path` is (a body's file or the registry); None for a file of no body (a copy,
    a test's scratch database) or when there is no registry."""
    reg = registry()
    if reg is None:
        return None
    path = Path(path or settings.db_path()).resolve()
    if path == reg.resolve():
        return Store(None, reg)
    body = settings.body_of_file(path)
    return Store(body, path) if body else None


def reserve(username: str, path: Path | None) -> str | None:
    """Reserve `username` for the store at `path` before its account is made there; None when
    done (or when there is nothing to reserve in: no registry, a file of no body), else the
    store that already holds the name (a body's code, or '' for the city)."""
    store = store_at(path)
    if store is None:
        return None
    reg = registry()
    with db.transaction(reg) as tx:
        found = tx.rows("select body from account_home where username = $u", {"u": username})
        if found:
            holder = found[0][0]
            return None if holder == store.body else (holder or "")
        if store.body != settings.HOME_BODY and _in_home(username):
            return settings.HOME_BODY
        tx.insert(
            "account_home",
            "values ($u, $b, $t)",
            {"u": username, "b": store.body, "t": settings.now()},
        )
    return None


def _in_home(username: str) -> bool:
    """An account of the home body made before the directory knew it."""
    return bool(db.query_rows("account_session", settings.db_path(), username=username))


def release(username: str, path: Path | None) -> None:
    """Undo reserve() when the account could not be made after all."""
    store = store_at(path)
    if store is None:
        return
    with db.transaction(registry()) as tx:
        tx.delete(
            "account_home",
            "where username = $u and body is not distinct from $b",
            {"u": username, "b": store.body},
        )


def record(usernames: list[str], body: str | None) -> int:
    """Note existing accounts of a store in the directory (the home body's, when the registry is
    made); names already there are left. Returns how many were added."""
    reg = registry()
    if reg is None or not usernames:
        return 0
    known = {u for (u,) in db.rows("select username from account_home", path=reg)}
    new = [u for u in usernames if u not in known]
    if new:
        with db.transaction(reg) as tx:
            tx.insert_rows(
                "account_home",
                [{"username": u, "body": body, "reserved_at": settings.now()} for u in new],
            )
    return len(new)


def may_act_in(user: User, path: Path | None) -> bool:
    """Whether `user` may act on accounts in the store at `path`: the command line anywhere, a
    city account in the registry, a body's account in its own body only."""
    if user in (SYSTEM, CITY_SYSTEM):  # the command line
        return True
    target = store_at(path)
    if target is None:
        return True  # no city: one store, as before
    return store_of(user.username) == target


def roles_for(path: Path | None, by: User) -> dict[str, str]:
    """The roles an account of the store at `path` may have, once `by` may manage accounts
    there: the city's in the registry (permission manage_city_accounts), a body's elsewhere
    (manage_users, and only in the manager's own body)."""
    city = db.is_city(path)
    require(by, "manage_city_accounts" if city else "manage_users")
    if not may_act_in(by, path):
        raise PermissionDenied(f"Tài khoản '{by.username}' chỉ quản lý tài khoản của cơ quan mình.")
    return CITY_ROLES if city else ROLES
