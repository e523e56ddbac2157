"""Signing in anywhere in the city (issue 34), beside auth.authenticate: the username alone says
which store holds the account (directory.store_of: a body's database, or the city registry for
Sở Nội vụ and the city administrator), and authenticate() runs there unchanged, with the same
one answer, timing and throttling (an unknown name is looked for in the home body, so it costs
one password check like any other).

A signed-in browser's cookie names the store with the token: `<BODY>~<token>` for a body other
than the home body, `city~<token>` for the registry, and a bare token for the home body, so every
cookie made before issue 34 still signs in to the Office.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker import settings
from tracker.accounts import auth, directory
from tracker.accounts.directory import Store
from tracker.roles import User

CITY_COOKIE = "city"  # lower case: a body's code is upper case (tracker/city/bodies.py)
SEPARATOR = "~"  # never in a token (URL-safe base64)


@dataclass(frozen=True)
class SignedIn:
    user: User
    store: Store

    @property
    def path(self) -> Path:
        """The database every call for this user passes as `path` (its body's, or the registry)."""
        return self.store.path


def sign_in(
    username: str, password: str, client: str | None = None, device: str | None = None
) -> SignedIn:
    """auth.authenticate() in the store that holds `username`; raises auth.login_error() as it."""
    name = auth.login_name(username)
    store = directory.store_of(name)
    user = auth.authenticate(name, password, path=store.path, client=client, device=device)
    return SignedIn(user, store)


def cookie_value(store: Store, token: str) -> str:
    """The sign-in cookie's value for a session of `store`."""
    if store.is_city:
        return f"{CITY_COOKIE}{SEPARATOR}{token}"
    if store.body == settings.HOME_BODY:
        return token
    return f"{store.body}{SEPARATOR}{token}"


def cookie_store(value: str) -> tuple[Store, str] | None:
    """The store and token a cookie names; None when it names a store that does not exist."""
    prefix, separator, token = value.partition(SEPARATOR)
    if not separator:
        return directory.home(), value
    if prefix == CITY_COOKIE:
        reg = directory.registry()
        return (Store(None, reg), token) if reg is not None else None
    if prefix == settings.HOME_BODY or not settings.BODY_CODE_PATTERN.match(prefix):
        return None  # the home body's cookie has no prefix; anything else is no body's code
    path = settings.body_db_path(prefix)
    return (Store(prefix, path), token) if path.exists() else None
