"""`[go]` of scaffold.toml: how the code of a Go server is read, with Mattermost's names as
the defaults — so a scaffold.toml at the root of Mattermost's monorepo needs none of it.

Where the artifacts live is `[server]`, as for a Python server; this table holds what only Go
code needs: the struct whose fields are the sub-routers, the wrappers beyond `[server.wrappers]`,
the test helpers that assert a status, the names the tests give their clients, and what the
driver's base URLs stand for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scaffold.errors import RepoLayoutError

#: A wrapper whose routes are served only on the local socket, outside the documented API.
LOCAL = "local"

DEFAULT_STATUS_CHECKS = {
    "CheckOKStatus": 200,
    "CheckCreatedStatus": 201,
    "CheckAcceptedStatus": 202,
    "CheckNoContentStatus": 204,
    "CheckEtag": 304,
    "CheckNotModifiedStatus": 304,
    "CheckBadRequestStatus": 400,
    "CheckUnauthorizedStatus": 401,
    "CheckForbiddenStatus": 403,
    "CheckNotFoundStatus": 404,
    "CheckRequestEntityTooLargeStatus": 413,
    "CheckInternalErrorStatus": 500,
    "CheckNotImplementedStatus": 501,
    "CheckServiceUnavailableStatus": 503,
}

#: Wrappers besides the three of `[server.wrappers]`; any other one needs a session.
DEFAULT_WRAPPERS = {"APIHandlerTrustRequester": "public", "APILocal": LOCAL}


@dataclass(frozen=True)
class GoLayout:
    """How scaffold reads a Go server's routes, driver and tests."""

    #: the struct type whose fields are the sub-routers, each commented with its full prefix
    registry: str = "Routes"
    #: the functions (and methods) that register routes are named with this prefix (`InitUser`)
    init_prefix: str = "Init"
    #: wrapper → the auth it gives ("public", "session", "trust-requester") or "local"
    wrappers: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_WRAPPERS))
    #: test helper → the status it asserts of the response, its last argument
    status_checks: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_STATUS_CHECKS))
    #: glob patterns of the names a test holds a driver in (besides parameters of its type)
    clients: tuple[str, ...] = ("*Client", "*client", "*Client[0-9]", "*client[0-9]")
    #: the driver's URL fields and the path each stands for (`c.APIURL + url`)
    driver_urls: dict[str, str] = field(default_factory=lambda: {"APIURL": "/api/v4", "URL": ""})

    @property
    def local_wrappers(self) -> frozenset[str]:
        return frozenset(name for name, auth in self.wrappers.items() if auth == LOCAL)

    def check_helper(self, status: int) -> str | None:
        """The helper that asserts `status` (the first configured, when several do)."""
        return next((name for name, code in self.status_checks.items() if code == status), None)

    def fingerprint(self, *parts: str) -> str:
        """A short key of the settings a reader depends on (a cache keys facts by it)."""
        settings = repr([getattr(self, part) for part in parts])
        return hashlib.blake2b(settings.encode(), digest_size=6).hexdigest()


def parse_go_layout(
    table: dict[str, Any], error: Callable[[str, str, str], RepoLayoutError], auths: tuple[str, ...]
) -> GoLayout:
    """The `[go]` table (possibly empty) → GoLayout; `error(table, key, message)` locates a mistake."""
    defaults = GoLayout()
    known = {"registry", "init_prefix", "wrappers", "status_checks", "clients", "driver_urls"}
    for key in table:
        if key not in known:
            raise error("go", key, f"[go] has no setting {key!r} (known: {', '.join(sorted(known))})")
    wrappers = _table(table, "wrappers", defaults.wrappers, str, error)
    for name, auth in wrappers.items():
        if auth not in (*auths, LOCAL):
            raise error(
                "go.wrappers", name, f"[go.wrappers] {name} must be one of {', '.join((*auths, LOCAL))}"
            )
    checks = _table(table, "status_checks", defaults.status_checks, int, error)
    for name, status in checks.items():
        if not 100 <= status <= 599:
            raise error("go.status_checks", name, f"[go.status_checks] {name} must be an HTTP status")
    clients = table.get("clients", list(defaults.clients))
    if not isinstance(clients, list) or not all(isinstance(c, str) and c for c in clients):
        raise error("go", "clients", "[go] clients must be a list of name patterns")
    return GoLayout(
        registry=_name(table, "registry", defaults.registry, error),
        init_prefix=_name(table, "init_prefix", defaults.init_prefix, error),
        wrappers=wrappers,
        status_checks=checks,
        clients=tuple(clients),
        driver_urls=_table(table, "driver_urls", defaults.driver_urls, str, error),
    )


def _name(
    table: dict[str, Any], key: str, default: str, error: Callable[[str, str, str], RepoLayoutError]
) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.isidentifier():
        raise error("go", key, f"[go] {key} must be a Go identifier")
    return value


def _table(
    table: dict[str, Any],
    key: str,
    default: dict[str, Any],
    kind: type,
    error: Callable[[str, str, str], RepoLayoutError],
) -> dict[str, Any]:
    """A `[go.<key>]` table of Go names to values of one type: the defaults, then the repo's."""
    given = table.get(key, {})
    if not isinstance(given, dict):
        raise error("go", key, f"[go] {key} must be a table")
    for name, value in given.items():
        if not name.isidentifier() or not isinstance(value, kind) or isinstance(value, bool):
            raise error(f"go.{key}", name, f"[go.{key}] {name} must be a Go name set to a {kind.__name__}")
    return {**default, **given}
