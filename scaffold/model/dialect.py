"""How a server's language names the parts of an endpoint, for what `check` says about them.

One name ties an endpoint's artifacts, converted mechanically per language: operationId
`GetUser` is the handler `get_user`, `Client4.get_user` and `test_get_user*` in Python, and the
handler `getUser`, `Client4.GetUser` and `TestGetUser` in Go. Findings name the code a
contributor is to write in the words of the repo's own language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scaffold.model.statuses import CASE_SUFFIXES, CHECK_HELPERS
from scaffold.naming import to_pascal, to_snake


@dataclass(frozen=True)
class Dialect:
    """The Python words; `GoDialect` has Go's."""

    #: each case of the status matrix has a test of its own (`test_get_user_not_found`)
    tests_per_case: bool = True
    #: the call a handler checks a permission with, and the call that answers 304
    permission_call: str = "set_permission_error"
    etag_call: str = "handle_etag"
    #: the functions route lines are registered in
    route_functions: str = "an init_ function"

    def handler(self, operation_id: str) -> str:
        """The handler of an operationId: `GetUser` → `get_user`."""
        return to_snake(operation_id)

    def driver(self, name: str) -> str:
        """The driver method of an endpoint named (as its handler) `name`."""
        return to_snake(name)

    def test(self, name: str, status: int | None = None) -> str:
        """The test of an endpoint's case (its success case for None)."""
        suffix = CASE_SUFFIXES.get(status, "_bad_request" if status == 400 else "") if status else ""
        return f"test_{to_snake(name)}{suffix}"

    def tests_to_write(self, name: str) -> str:
        """The tests a contributor is to write for an endpoint without any."""
        return f"{self.test(name)}* cases"

    def assertion(self, status: int) -> str:
        """The call that asserts a status of a response `resp`."""
        return f"{CHECK_HELPERS.get(status, f'a check of {status}')}(resp)"

    def require(self, param: str) -> str:
        """The handler's call that validates a path parameter."""
        return f"c.require_{param}()"


@dataclass(frozen=True)
class GoDialect(Dialect):
    """Go's words, with the repo's own status helpers (`[go.status_checks]`)."""

    tests_per_case: bool = False
    permission_call: str = "c.SetPermissionError"
    etag_call: str = "c.HandleEtag"
    route_functions: str = "an Init function"
    #: status → the helper the tests assert it with
    helpers: dict[int, str] = field(default_factory=dict)

    def handler(self, operation_id: str) -> str:
        pascal = to_pascal(to_snake(operation_id))
        return pascal[:1].lower() + pascal[1:]

    def driver(self, name: str) -> str:
        return name[:1].upper() + name[1:]

    def test(self, name: str, status: int | None = None) -> str:
        return f"Test{self.driver(name)}"

    def tests_to_write(self, name: str) -> str:
        return f"{self.test(name)} (a t.Run for each case)"

    def assertion(self, status: int) -> str:
        helper = self.helpers.get(status)
        return f"{helper}(t, resp)" if helper else f"a check of {status} on resp"

    def require(self, param: str) -> str:
        return f"c.Require{to_pascal(param)}()"
