"""Checklist item 2, the handler: every function of a resource module that takes `c` (what it
validates, which permission it checks, what it reads and answers, which app function it
calls), the app functions themselves, and the Context's bare `require_*` helpers."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from scaffold.model.statuses import SUCCESS_STATUSES
from scaffold.scan.facts import Location
from scaffold.scan.route import RawRoute, raw_route
from scaffold.text.python import attr_chain, const_str, parse_python, walk


@dataclass(frozen=True)
class Handler:
    name: str
    module: str
    location: Location
    validates: tuple[str, ...]  # path parameters checked by c.require_*
    permissions: tuple[str, ...]  # names passed to c.set_permission_error
    etag: bool
    reads_body: bool
    app_calls: tuple[tuple[str, str], ...]  # (module alias, function)
    #: `c.params.<name>` read by the handler (path parameters and query parameters alike)
    params_read: tuple[str, ...] = ()
    #: the success status the handler writes (`c.json(x, status=201)`, `c.status_ok()`), when
    #: it is a literal
    success: int | None = None
    #: (name, OpenAPI type, required) of the fields `c.require_fields(...)` checks
    body_fields: tuple[tuple[str, str, bool], ...] = ()
    #: the App method that checks the permission (`session_has_permission_to_team`), and the
    #: path parameter or body field that names the resource it checks on (None: the system)
    permission_check: tuple[str, str | None] | None = None
    #: what `c.require_values(body, …)` checks of each field: (field, keyword, value), e.g.
    #: `("name", "lengths", (1, 64))`; None when the handler does not call it
    value_checks: tuple[tuple[str, str, Any], ...] | None = None



@dataclass(frozen=True)
class AppFunction:
    module: str
    name: str
    location: Location
    stub: bool



def handlers_facts(text: str, path: str) -> tuple[tuple[RawRoute, ...], tuple[Handler, ...]]:
    """The route lines of `init_*` and every handler (a function taking `c`) of a module."""
    module = parse_python(text, path)
    aliases = _import_aliases(module)
    routes: list[RawRoute] = []
    handlers: list[Handler] = []
    for node in module.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        if node.name.startswith("init_"):
            routes += [r for r in (raw_route(s) for s in node.body) if r is not None]
            continue
        handler = _handler_of(node, path, aliases)
        if handler is not None:
            handlers.append(handler)
    return tuple(routes), tuple(handlers)


def _import_aliases(module: ast.Module) -> dict[str, str]:
    """Local name → dotted module, for `from a.b import c as d` and `import a.b as d`."""
    aliases: dict[str, str] = {}
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for name in node.names:
                aliases[name.asname or name.name] = f"{node.module}.{name.name}"
        elif isinstance(node, ast.Import):
            for name in node.names:
                aliases[name.asname or name.name.split(".")[0]] = name.name
    return aliases


def _handler_of(node: ast.FunctionDef, path: str, aliases: dict[str, str]) -> Handler | None:
    if not node.args.args or node.args.args[0].arg != "c":
        return None
    validates: list[str] = []
    permissions: list[str] = []
    permission_check: tuple[str, str | None] | None = None
    params_read: list[str] = []
    etag = reads_body = False
    success: int | None = None
    body_fields: list[tuple[str, str, bool]] = []
    value_checks: tuple[tuple[str, str, Any], ...] | None = None
    app_calls: list[tuple[str, str]] = []
    for child in walk(node):
        if isinstance(child, ast.Attribute):
            owner = child.value  # c.params.<name>
            if (
                isinstance(owner, ast.Attribute)
                and owner.attr == "params"
                and isinstance(owner.value, ast.Name)
                and owner.value.id == "c"
            ):
                params_read.append(child.attr)
            continue
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "Response":
            # `Response(status_code=204)`: an answer without a body
            code = next((k.value for k in child.keywords if k.arg == "status_code"), None)
            value = code.value if isinstance(code, ast.Constant) else None
            if success is None and isinstance(value, int) and value in SUCCESS_STATUSES:
                success = value
            continue
        if not isinstance(child, ast.Call) or not isinstance(child.func, ast.Attribute):
            continue
        attr = child.func.attr
        if attr == "require_id" and child.args:
            name = const_str(child.args[0])
            if name:
                validates.append(name)
        elif attr == "require_values":
            value_checks = (*(value_checks or ()), *_value_checks(child))
        elif attr.startswith("require_") and attr not in ("require_fields",):
            validates.append(attr[len("require_") :])
        elif attr.startswith("session_has_permission") and _attr_chain_is(child.func.value, ["c", "app"]):
            permission_check = permission_check or (attr, _resource_named(child))
        elif attr == "set_permission_error":
            permissions += [s for s in (const_str(a) for a in child.args) if s]
            permissions += [a.attr.lower() for a in child.args if isinstance(a, ast.Attribute)]
        elif attr == "handle_etag":
            etag = True
        elif attr in ("json_object", "json_body", "json_list"):
            reads_body = True
        elif (
            attr in ("json", "status_ok")
            and attr_chain(child.func.value) == ["c"]
            and success is None
        ):
            status = next((k.value for k in child.keywords if k.arg == "status"), None)
            if status is None:
                success = 200
            elif isinstance(status, ast.Constant) and isinstance(status.value, int):
                success = status.value
        elif attr == "require_fields":
            body_fields += _required_fields(child)
        elif isinstance(child.func.value, ast.Name) and child.func.value.id in aliases:
            app_calls.append((aliases[child.func.value.id], attr))
    return Handler(
        name=node.name,
        module=path,
        location=Location(path, node.lineno),
        validates=tuple(validates),
        permissions=tuple(dict.fromkeys(permissions)),
        permission_check=permission_check,
        etag=etag,
        reads_body=reads_body,
        app_calls=tuple(app_calls),
        params_read=tuple(dict.fromkeys(params_read)),
        success=success,
        body_fields=tuple(body_fields),
        value_checks=value_checks,
    )


def _attr_chain_is(node: ast.AST, chain: list[str]) -> bool:
    return attr_chain(node) == chain


def _resource_named(call: ast.Call) -> str | None:
    """The parameter or field a permission check's resource argument reads: `c.params.team_id`
    or `body["team_id"]` → `team_id` (None for a system check, which names none)."""
    if len(call.args) < 2:
        return None
    argument = call.args[1]
    if isinstance(argument, ast.Attribute) and attr_chain(argument.value) == ["c", "params"]:
        return argument.attr
    if isinstance(argument, ast.Subscript):
        return const_str(argument.slice)
    return None


_PYTHON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}


def _required_fields(call: ast.Call) -> list[tuple[str, str, bool]]:
    """`c.require_fields(body, {"name": str}, optional={"purpose": str})` → typed fields."""
    tables = [(call.args[1], True)] if len(call.args) > 1 else []
    tables += [
        (k.value, k.arg == "required") for k in call.keywords if k.arg in ("required", "optional")
    ]
    fields = []
    for table, required in tables:
        if not isinstance(table, ast.Dict):
            continue
        for key, value in zip(table.keys, table.values):
            name = const_str(key)
            kind = _PYTHON_TYPES.get(value.id) if isinstance(value, ast.Name) else None
            if name and kind:
                fields.append((name, kind, required))
    return fields


def _value_checks(call: ast.Call) -> list[tuple[str, str, Any]]:
    """`c.require_values(body, lengths={"name": (1, 64)})` → `[("name", "lengths", (1, 64))]`:
    the literals as Python reads them (a table that is not a literal is left out)."""
    checks = []
    for keyword in call.keywords:
        if keyword.arg is None or not isinstance(keyword.value, ast.Dict):
            continue
        for key, value in zip(keyword.value.keys, keyword.value.values):
            name = const_str(key)
            try:
                checked = ast.literal_eval(value)
            except ValueError:
                continue
            if name is not None:
                checks.append((name, keyword.arg, checked))
    return checks


def app_facts(text: str, path: str) -> list[AppFunction]:
    tree = parse_python(text, path)
    return [
        AppFunction(path, node.name, Location(path, node.lineno), is_stub(node))
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    ]


def context_facts(text: str, path: str) -> frozenset[str]:
    """The Context's helpers that take no argument (`require_user_id`, ...).

    Generated handlers call `c.require_<param>()` bare; a helper such as
    `require_id(name)` or `require_fields(body, ...)` must not be mistaken for one.
    """
    tree = parse_python(text, path)
    return frozenset(
        node.name
        for node in walk(tree)
        if isinstance(node, ast.FunctionDef)
        and len(node.args.args) == 1
        and not node.args.kwonlyargs
        and node.args.vararg is None
    )


def is_stub(function: ast.FunctionDef) -> bool:
    """True for the generated stub: a body that only raises AppError.not_implemented(...)."""
    body = [
        s
        for s in function.body
        if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    return (
        len(body) == 1
        and isinstance(body[0], ast.Raise)
        and isinstance(body[0].exc, ast.Call)
        and attr_chain(body[0].exc.func)[-1:] == ["not_implemented"]
    )
