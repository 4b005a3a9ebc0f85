"""Checklist item 2: the route line in init_<resource>(), the handler, and its app function."""

from __future__ import annotations

import ast
import re

import libcst as cst

from scaffold.artifacts.context import PlanContext
from scaffold.endpoint import Auth, Endpoint, Field, HttpMethod
from scaffold.errors import RepoLayoutError
from scaffold.imports import dotted, import_source, module_alias
from scaffold.inventory import is_stub, matching_files
from scaffold.naming import humanize
from scaffold.pyedit import (
    add_import,
    add_imports,
    code_of,
    insert_in_function,
    parse_module,
    parse_snippet,
    statements_of,
)
from scaffold.render import py_str
from scaffold.splice import FUNCTIONS, Source, indented

WRAPPERS = {
    Auth.SESSION: "api_session_required",
    Auth.PUBLIC: "api_handler",
    Auth.TRUST_REQUESTER: "api_session_required_trust_requester",
}

_HANDLER_OF_ROUTE = re.compile(r"\.handle\([^,]*,\s*api\.\w+\((\w+)\)")


def choose_router(ctx: PlanContext) -> tuple[str, str]:
    """The sub-router with the longest prefix of the path, and the suffix left for the route."""
    full = ctx.endpoint.full_path
    best: str | None = None
    for name, prefix in ctx.inventory.routers.items():
        if full == prefix or full.startswith(prefix + "/"):
            if best is None or len(prefix) > len(ctx.inventory.routers[best]):
                best = name
    if best is None:
        raise RepoLayoutError(
            f"no sub-router in {ctx.layout.routes} serves {full}",
            hint=f"add one for {ctx.endpoint.prefix} to Routes",
            path=ctx.layout.routes,
        )
    return best, full[len(ctx.inventory.routers[best]) :]


def render_route(ctx: PlanContext) -> str:
    """The route line of the endpoint, as `init_<resource>()` holds it."""
    endpoint = ctx.endpoint
    router, suffix = choose_router(ctx)
    return ctx.renderer.render_code(
        "route.py.jinja",
        line_length=ctx.layout.line_length,
        depth=1,
        router=router,
        suffix=suffix,
        wrapper=WRAPPERS[endpoint.auth],
        name=endpoint.name,
        method=endpoint.method.value,
    ).strip()


def plan_route(ctx: PlanContext) -> str | None:
    """Add the route line; return the handler registered just before it (to place ours after)."""
    endpoint = ctx.endpoint
    router, _ = choose_router(ctx)
    line = render_route(ctx)
    path = ctx.layout.handlers_module(endpoint.resource)
    text = ctx.workspace.read_or_none(path)
    if text is None:
        _create_handlers_module(ctx, path, line)
        return None
    source = Source.parse(text, path)
    function = source.top_level(FUNCTIONS, f"init_{endpoint.resource}")
    if not isinstance(function, FUNCTIONS):
        raise RepoLayoutError(
            f"no init_{endpoint.resource}() in {path}",
            hint=f"add `def init_{endpoint.resource}(api: API) -> None:` or fix [tags.{endpoint.tag}] resource",
            path=path,
        )
    statements = source.block(function)
    codes = [source.segment(s).strip() for s in statements]
    same_router = [i for i, code in enumerate(codes) if code.startswith(f"api.routes.{router}.")]
    routes = [i for i, code in enumerate(codes) if ".handle(" in code]
    anchor = (same_router or routes or [len(statements) - 1])[-1]
    code = indented(line + "\n", source.indent_of(statements[anchor]), source.unit_of(function))
    ctx.workspace.write(path, source.insert_after(source.end_of(statements[anchor]), code))
    if not (same_router or routes):
        return None
    match = _HANDLER_OF_ROUTE.search(codes[anchor])
    return match.group(1) if match else None


def _create_handlers_module(ctx: PlanContext, path: str, route_line: str) -> None:
    endpoint, layout = ctx.endpoint, ctx.layout
    app_package = dotted(layout.app_module(endpoint.resource)).rpartition(".")[0]
    text = ctx.renderer.render(
        "handlers_module.py.jinja",
        resource=endpoint.resource,
        app_package=app_package,
        context_module=dotted(layout.context),
        routes_module=dotted(layout.routes),
        route_line=route_line,
    )
    ctx.workspace.write(path, text)
    _register_init(ctx, path)


def _register_init(ctx: PlanContext, handlers_path: str) -> None:
    """Import init_<resource> in the routes module and call it beside the other init_ calls."""
    routes_path = ctx.layout.routes
    name = f"init_{ctx.endpoint.resource}"
    module = parse_module(ctx.workspace.read(routes_path), routes_path)

    def is_init_call(statement: cst.BaseStatement) -> bool:
        return bool(re.match(r"init_\w+\(", code_of(statement).strip()))

    index = next(
        (
            i
            for i, s in enumerate(module.body)
            if isinstance(s, cst.FunctionDef) and any(is_init_call(x) for x in statements_of(s))
        ),
        None,
    )
    if index is None:
        raise RepoLayoutError(
            f"no function in {routes_path} calls the init_<resource>() functions",
            hint="call each init_<resource>(api) from one function, as init_api does",
            path=routes_path,
        )
    call = parse_snippet(f"{name}(api)\n")[0]
    module = insert_in_function(module, index, call, is_init_call)
    module = add_import(module, dotted(handlers_path), name, local=ctx.layout.local_packages, line_length=ctx.layout.line_length)
    ctx.workspace.write(routes_path, module.code)


def validations(ctx: PlanContext) -> list[str]:
    """The chained c.require_* calls that validate the path parameters."""
    calls = []
    for param in ctx.endpoint.path_params:
        if f"require_{param}" in ctx.inventory.context_helpers:
            calls.append(f"require_{param}()")
        elif param.endswith("_id"):
            calls.append(f"require_id({py_str(param)})")
    return calls


def validated_params(ctx: PlanContext) -> list[str]:
    return [
        p
        for p in ctx.endpoint.path_params
        if f"require_{p}" in ctx.inventory.context_helpers or p.endswith("_id")
    ]


def permission_check(endpoint: Endpoint) -> str:
    """The App method that checks the permission in the narrowest scope the path names."""
    params = endpoint.path_params
    permission = py_str(endpoint.permission or "")
    for param, method in (
        ("channel_id", "session_has_permission_to_channel"),
        ("post_id", "session_has_permission_to_channel_by_post"),
        ("team_id", "session_has_permission_to_team"),
        ("user_id", "session_has_permission_to_user"),
    ):
        if param in params:
            return f"c.app.{method}(c.session, c.params.{param}, {permission})"
    return f"c.app.session_has_permission_to(c.session, {permission})"


def body_fields(ctx: PlanContext) -> tuple[Field, ...]:
    """The fields a handler checks: from --body, or the named schema's properties."""
    endpoint = ctx.endpoint
    if endpoint.body_fields:
        return endpoint.body_fields
    if endpoint.body_schema:
        return ctx.components.schema_fields.get(endpoint.body_schema, ())
    return ()


def returns_value(endpoint: Endpoint) -> bool:
    """A DELETE answers {"status": "OK"} unless it names a response schema."""
    return not (endpoint.method is HttpMethod.DELETE and endpoint.response_schema is None)


def app_module_alias(ctx: PlanContext, module_code: str) -> tuple[str, str, str | None]:
    """(package, module, local alias or None) of the app module as the handlers module imports it."""
    package, _, app_name = dotted(ctx.layout.app_module(ctx.endpoint.resource)).rpartition(".")
    return package, app_name, module_alias(module_code, package, app_name)


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
        permission=endpoint.permission,
        permission_check=permission_check(endpoint),
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
    text = ctx.workspace.read(path)
    package, app_name, alias = app_module_alias(ctx, text)
    imports = []
    if alias is None:
        alias = f"{endpoint.resource}_app"
        imports.append((package, app_name, alias))
    code = render_handler(ctx, alias).strip("\n") + "\n"
    source = Source.parse(text, path)
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
    text = text.rstrip("\n") + "\n\n\n" + stub.rstrip("\n") + "\n"
    text = add_imports(text, path, [("typing", "Any", None)], local=layout.local_packages, line_length=layout.line_length)
    ctx.workspace.write(path, text)
    return True
