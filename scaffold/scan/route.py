"""Checklist item 2, the route: the sub-routers of the routes module and the route lines of
each `init_<resource>()`, read with the stdlib `ast`."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from scaffold.scan.facts import Location, under_prefix
from scaffold.text.python import attr_chain, const_str, parse_python, walk


@dataclass(frozen=True)
class Route:
    method: str  # upper case
    path: str  # without the API prefix
    router: str
    suffix: str
    wrapper: str
    handler: str
    module: str  # repo-relative path of the handlers module
    location: Location



def routes_facts(text: str, path: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The sub-routers of the routes module (name → full prefix) and its init_* calls."""
    tree = parse_python(text, path)
    routers: dict[str, str] = {}
    for node in walk(tree):
        # self.user = self.users.prefix("/{user_id}")  or  root.prefix("/api/v4")
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.value, ast.Call)
        ):
            continue
        target = attr_chain(node.targets[0])
        func = attr_chain(node.value.func)
        suffix = const_str(node.value.args[0]) if node.value.args else None
        if (
            len(target) == 2
            and target[0] == "self"
            and func
            and func[-1] == "prefix"
            and suffix is not None
        ):
            parent = func[-2] if len(func) >= 3 and func[0] == "self" else None
            routers[target[1]] = (routers.get(parent, "") if parent else "") + suffix
    init_calls = tuple(
        node.func.id
        for node in walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("init_")
    )
    return routers, init_calls


@dataclass(frozen=True)
class RawRoute:
    """A route line as written: its sub-router is resolved to a path once all are known."""

    router: str
    suffix: str
    method: str
    wrapper: str
    handler: str
    line: int

    def resolve(self, routers: dict[str, str], prefix: str, module: str) -> Route | None:
        if self.router not in routers:
            return None
        full = routers[self.router] + self.suffix
        return Route(
            method=self.method,
            path=under_prefix(full, prefix) or full,
            router=self.router,
            suffix=self.suffix,
            wrapper=self.wrapper,
            handler=self.handler,
            module=module,
            location=Location(module, self.line),
        )


def raw_route(statement: ast.stmt) -> RawRoute | None:
    # api.routes.<router>.handle("<suffix>", api.<wrapper>(<handler>), "<METHOD>")
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    call = statement.value
    chain = attr_chain(call.func)
    if len(chain) < 3 or chain[-1] != "handle" or len(call.args) != 3:
        return None
    suffix = const_str(call.args[0])
    method = const_str(call.args[2])
    wrapped = call.args[1]
    if suffix is None or method is None or not isinstance(wrapped, ast.Call):
        return None
    wrapper_chain = attr_chain(wrapped.func)
    handler = wrapped.args[0] if wrapped.args else None
    if not wrapper_chain or not isinstance(handler, ast.Name):
        return None
    return RawRoute(
        chain[-2], suffix, method.upper(), wrapper_chain[-1], handler.id, statement.lineno
    )
