"""Where the repo's security cases keep their table of operations (`[tests.security]`).

The security cases (tokens, other users' resources, SQL metacharacters, oversized and malformed
bodies) run over every operation of a table: one request per operation, and tuples naming every
operation, the public ones and the pending ones. The table is part of an endpoint's tests: `add`
writes its row, `remove` takes it out, `check` finds an operation missing from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scaffold.model.reader import TableReader


@dataclass(frozen=True)
class SecurityLayout:
    #: the module holding the table
    table: str
    #: the module of the cases that read it (run to finish a pending operation)
    cases: str
    #: the function returning operationId → request
    function: str = "operations"
    #: the tuples of operationIds: every operation, the public ones, the pending ones
    operations: str = "OPERATIONS"
    public: str = "PUBLIC"
    pending: str = "PENDING"
    #: the request's class
    request: str = "Req"
    #: the actor the cases send requests as, and the one whose token a request marked admin sends
    actor: str = "owner"
    admin: str = "admin"

    @property
    def lists(self) -> tuple[str, str, str]:
        return (self.operations, self.public, self.pending)


def parse_security(reader: TableReader, tests: dict[str, Any], actors: set[str]) -> SecurityLayout | None:
    """`[tests.security]`, or None when the repo has no table (the item is then not checked)."""
    table = reader.table(tests, "tests.security", required=False)
    if not table:
        return None
    name = "tests.security"
    for key, default in (("actor", "owner"), ("admin", "admin")):
        if table.get(key, default) not in actors:
            raise reader.error(name, key, f"[{name}] {key} must name one of [[tests.actors]]")
    return SecurityLayout(
        table=reader.repo_path(table, name, "table"),
        cases=reader.repo_path(table, name, "cases"),
        function=reader.string(table, name, "function", default="operations"),
        operations=reader.string(table, name, "operations", default="OPERATIONS"),
        public=reader.string(table, name, "public", default="PUBLIC"),
        pending=reader.string(table, name, "pending", default="PENDING"),
        request=reader.string(table, name, "request", default="Req"),
        actor=reader.string(table, name, "actor", default="owner"),
        admin=reader.string(table, name, "admin", default="admin"),
    )
