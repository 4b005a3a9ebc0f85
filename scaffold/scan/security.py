"""Reads the security table (`[tests.security]`): the request the security cases send for each
operation, and which operations are public or still pending.

The table is a module of the repo's tests: a function returning a dict literal of operationId →
request (`"GetUser": Req("GET", "/users/{user_id}", ...)`), and tuples of operationIds naming
every operation, the public ones and the pending ones (their app function not written yet).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from scaffold.model.security import SecurityLayout
from scaffold.scan.facts import Location
from scaffold.text.python import const_str, parse_python, walk


@dataclass(frozen=True)
class TableEntry:
    """One operation's request in the table."""

    name: str
    method: str
    path: str
    location: Location


@dataclass(frozen=True)
class SecurityTable:
    path: str
    security: SecurityLayout
    entries: dict[str, TableEntry] = field(default_factory=dict)
    #: tuple name → the operationIds it lists (`PUBLIC`, `OPERATIONS`, `PENDING`)
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)


    def listed(self, name: str) -> bool:
        """Whether operation `name` has its request and is named among the operations."""
        names = (*self.lists.get(self.security.operations, ()), *self.lists.get(self.security.public, ()))
        return name in self.entries and name in names

    def pending(self, name: str) -> bool:
        return name in self.lists.get(self.security.pending, ())


def security_facts(path: str, text: str, security: SecurityLayout) -> SecurityTable:
    """The table in the module at `path` (empty when it holds none)."""
    tree = parse_python(text, path)
    entries: dict[str, TableEntry] = {}
    lists: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == security.function:
            entries = _entries(node, path)
        target = _assigned(node)
        if target in security.lists and isinstance(node, (ast.Assign, ast.AnnAssign)):
            lists[target] = _names(node.value)
    return SecurityTable(path, security, entries, lists)


def _assigned(node: ast.stmt) -> str | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    return None


def _names(value: ast.expr | None) -> tuple[str, ...]:
    """The string constants of a tuple display (`*OTHER` entries aside)."""
    if not isinstance(value, (ast.Tuple, ast.List)):
        return ()
    return tuple(s for s in (const_str(e) for e in value.elts) if s is not None)


def _entries(function: ast.FunctionDef, path: str) -> dict[str, TableEntry]:
    returned = next((n.value for n in walk(function) if isinstance(n, ast.Return)), None)
    if not isinstance(returned, ast.Dict):
        return {}
    entries = {}
    for key, value in zip(returned.keys, returned.values):
        name = const_str(key)
        if name is None or key is None or not isinstance(value, ast.Call) or len(value.args) < 2:
            continue
        method, template = const_str(value.args[0]), const_str(value.args[1])
        if method is None or template is None:
            continue
        entries[name] = TableEntry(name, method.upper(), template, Location(path, key.lineno))
    return entries
