"""Checklist item 2, the handler: in the five steps (validate, permission, app call, Etag,
response), with the 501 stub of the app function it calls while the app has none; and their
removal."""

from __future__ import annotations

import ast

from scaffold.artifacts.context import PlanContext
from scaffold.artifacts.removal import Removal, neighbours
from scaffold.errors import ConflictError
from scaffold.model.endpoint import Endpoint, HttpMethod
from scaffold.model.fields import Field, value_checks
from scaffold.naming import dotted, humanize
from scaffold.repo.files import matching_files
from scaffold.scan.handler import Handler, is_stub
from scaffold.text.head import add_imports
from scaffold.text.imports import import_source, module_alias
from scaffold.text.python import FUNCTIONS, Source, append_code, indented
from scaffold.text.render import py_str


def value_arguments(fields: tuple[Field, ...]) -> list[str]:
    """The keyword arguments of `c.require_values(body, …)`: what the doc states of each field
    beyond its type, no more and no less (see `value_checks`)."""
    by_kind: dict[str, list[str]] = {}
    for field in fields:
        for kind, value in value_checks(field).items():
            by_kind.setdefault(kind, []).append(f"{py_str(field.name)}: {_literal(value)}")
    return [f"{kind}={{{', '.join(items)}}}" for kind, items in by_kind.items()]


def _literal(value: object) -> str:
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, tuple):
        items = [_literal(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return repr(value)


def validations(ctx: PlanContext) -> list[str]:
    """The chained c.require_* calls that validate the path parameters."""
    return [
        f"require_{param}()" if f"require_{param}" in ctx.inventory.context_helpers else f"require_id({py_str(param)})"
        for param in ctx.endpoint.validated_params
    ]


def permission_check(ctx: PlanContext) -> str:
    """The App method call that checks the permission in the narrowest scope the path names."""
    endpoint, permissions = ctx.endpoint, ctx.layout.permissions
    permission = py_str(endpoint.permission or "")
    scope = permissions.scope_for(endpoint.path_params)
    if scope is not None:
        return f"c.app.{scope.check}(c.session, c.params.{scope.param}, {permission})"
    return f"c.app.{permissions.check}(c.session, {permission})"


def body_fields(ctx: PlanContext) -> tuple[Field, ...]:
    """The fields a handler checks: from --body, or the named schema's properties."""
    endpoint = ctx.endpoint
    if endpoint.body_fields:
        return endpoint.body_fields
    if endpoint.body_schema:
        return ctx.components.schema_fields.get(endpoint.body_schema, ())
    return ()


def returns_value(endpoint: Endpoint) -> bool:
    """A DELETE or an action answers {"status": "OK"} unless it names a response schema; a 204
    answers nothing at all."""
    if endpoint.status == 204:
        return False
    if endpoint.response_schema is not None:
        return True
    return not (endpoint.method is HttpMethod.DELETE or endpoint.is_action)


def app_module_alias(ctx: PlanContext, handlers: Source) -> tuple[str, str, str | None]:
    """(package, module, local alias or None) of the app module as the handlers module imports it."""
    package, _, app_name = dotted(ctx.layout.app_module(ctx.endpoint.resource)).rpartition(".")
    return package, app_name, module_alias(handlers.tree, package, app_name)


def render_handler(ctx: PlanContext, alias: str) -> str:
    """The handler in the five steps, calling the app module under `alias`."""
    endpoint, layout = ctx.endpoint, ctx.layout
    fields = body_fields(ctx)
    return ctx.renderer.render_code(
        "handler.py.jinja",
        line_length=layout.line_length,
        name=endpoint.name,
        validations=validations(ctx),
        body=endpoint.has_body,
        required_fields=[f for f in fields if f.required],
        optional_fields=[f for f in fields if not f.required],
        value_arguments=value_arguments(fields),
        permission=endpoint.permission,
        permission_check=permission_check(ctx),
        app_alias=alias,
        app_args=["c.app"]
        + [f"c.params.{p}" for p in endpoint.path_params]
        + (["body"] if endpoint.has_body else [])
        + [f"c.params.{q.name}" for q in endpoint.query],
        returns_value=returns_value(endpoint),
        etag=endpoint.etag,
        etag_name=humanize(endpoint.name).title(),
        status=endpoint.status,
    )


def plan_handler(ctx: PlanContext, after: str | None) -> None:
    endpoint, layout = ctx.endpoint, ctx.layout
    path = layout.handlers_module(endpoint.resource)
    source = Source.parse(ctx.workspace.read(path), path)
    package, app_name, alias = app_module_alias(ctx, source)
    imports = []
    if alias is None:
        alias = f"{endpoint.resource}_app"
        imports.append((package, app_name, alias))
    code = render_handler(ctx, alias).strip("\n") + "\n"
    taken = source.top_level((*FUNCTIONS, ast.ClassDef), endpoint.name)
    if taken is not None:
        # Never a second definition: the module's own would be shadowed, and every later
        # `check --fix` would add another.
        raise ConflictError(
            f"{endpoint.name} is defined already, and no route serves it as the handler of "
            f"{endpoint.method.value} {endpoint.full_path}",
            hint="register it for the route, rename it, or choose another name with --name",
            path=path,
            line=taken.lineno,
        )
    anchor = source.top_level(FUNCTIONS, after) if after else None
    if anchor is None and source.tree.body:
        anchor = source.tree.body[-1]
    position = source.end_of(anchor) if anchor is not None else len(source.lines)
    # Indented as the module's functions are (a module indented with tabs gets tabs).
    function = next((s for s in source.tree.body if isinstance(s, FUNCTIONS)), None)
    unit = source.unit_of(function) if function is not None else "    "
    text = source.insert_after(position, "\n\n" + indented(code, "", unit))
    if imports:
        text = add_imports(text, path, imports, local=layout.local_packages, line_length=layout.line_length)
    ctx.workspace.write(path, text)


def render_app_function(ctx: PlanContext) -> str:
    """The 501 stub of the app function the handler calls."""
    endpoint, layout = ctx.endpoint, ctx.layout
    params = [{"name": p, "type": "str"} for p in endpoint.path_params]
    if endpoint.has_body:
        params.append({"name": "body", "type": "dict[str, Any]"})
    params += [{"name": q.name, "type": "str"} for q in endpoint.query]
    return ctx.renderer.render_code(
        "app_function.py.jinja",
        line_length=layout.line_length,
        name=endpoint.name,
        params=params,
        method=endpoint.method.value,
        path=endpoint.full_path,
        where=f"{dotted(layout.app_module(endpoint.resource))}.{endpoint.name}",
    )


def plan_app_function(ctx: PlanContext) -> bool:
    """Add the 501 stub the handler calls unless the app has the function; True while it is a stub."""
    endpoint, layout = ctx.endpoint, ctx.layout
    path = layout.app_module(endpoint.resource)
    text = ctx.workspace.read_or_none(path)
    if text is not None:
        for node in ast.parse(text).body:
            if isinstance(node, ast.FunctionDef) and node.name == endpoint.name:
                return is_stub(node)
    if text is None:
        siblings = [ctx.workspace.read_or_none(p) for p, _ in matching_files(layout, layout.app)]
        imports = {
            name: import_source(siblings, name) or default
            for name, default in (("App", "server.app.app"), ("AppError", "server.model.app_error"))
        }
        text = ctx.renderer.render("app_module.py.jinja", resource=endpoint.resource, imports=imports)
    stub = render_app_function(ctx)
    text = append_code(text, stub.rstrip("\n") + "\n")
    text = add_imports(text, path, [("typing", "Any", None)], local=layout.local_packages, line_length=layout.line_length)
    ctx.workspace.write(path, text)
    return True


def app_is_stub(ctx: PlanContext) -> bool:
    """Whether the app function the tests exercise is still missing or the 501 stub."""
    key = (ctx.layout.app_module(ctx.endpoint.resource), ctx.endpoint.name)
    function = ctx.inventory.app_functions.get(key)
    return function is None or function.stub


def remove_handler(removal: Removal, handler: Handler) -> None:
    ctx, path = removal.ctx, handler.module
    source = Source.parse(ctx.workspace.read(path), path)
    node = source.top_level(FUNCTIONS, handler.name)
    if node is None:
        return
    _, _, alias = app_module_alias(ctx, source)
    expected = render_handler(ctx, alias or f"{ctx.endpoint.resource}_app")
    if removal.accept("handler", handler.location, expected, source.bare(node)):
        removal.cut_top_level(path, source, node, near=neighbours(source.tree.body, node))


def remove_app_function(removal: Removal) -> None:
    ctx = removal.ctx
    path = ctx.layout.app_module(ctx.endpoint.resource)
    function = ctx.inventory.app_functions.get((path, ctx.endpoint.name))
    if function is None:
        return
    if not function.stub:
        removal.kept.append(f"{function.location}: {ctx.endpoint.name} is implemented, so it stays")
        return
    source = Source.parse(ctx.workspace.read(path), path)
    node = source.top_level(FUNCTIONS, ctx.endpoint.name)
    if node is not None and removal.accept("handler", function.location, render_app_function(ctx), source.bare(node)):
        removal.cut_top_level(path, source, node, near=neighbours(source.tree.body, node))
