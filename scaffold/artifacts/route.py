"""Checklist item 2, the route: its line in `init_<resource>()`, beside its siblings on the same
sub-router (a new resource gets its module, registered in the routes module), and its removal."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from scaffold.artifacts.context import PlanContext
from scaffold.artifacts.removal import Removal
from scaffold.errors import RepoLayoutError
from scaffold.naming import dotted
from scaffold.scan.route import Route
from scaffold.text.head import drop_unused_imports
from scaffold.text.python import FUNCTIONS, Source, indented

if TYPE_CHECKING:
    import libcst as cst

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
        wrapper=ctx.layout.wrapper(endpoint.auth),
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
    after = source.end_of(statements[anchor])
    if not (same_router or routes) and isinstance(statements[-1], (ast.Return, ast.Raise)):
        # Never after the function's last word: a route there is never registered.
        after = source.end_of(statements[-2]) if len(statements) > 1 else source.header_end(function)
    code = indented(line + "\n", source.indent_of(statements[anchor]), source.unit_of(function))
    ctx.workspace.write(path, source.insert_after(after, code))
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
    # libcst only here, where a new resource changes the routes module: most adds never do.
    import libcst as cst

    from scaffold.text.cst import (
        add_import,
        code_of,
        insert_in_function,
        parse_module,
        parse_snippet,
        statements_of,
    )
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


def remove_route(removal: Removal, route: Route) -> None:
    ctx = removal.ctx
    source = Source.parse(ctx.workspace.read(route.module), route.module)
    function = source.top_level(FUNCTIONS, f"init_{ctx.endpoint.resource}") or next(
        s for s in source.tree.body if isinstance(s, FUNCTIONS) and s.name.startswith("init_")
    )
    assert isinstance(function, FUNCTIONS)
    body = source.block(function)
    position = next(
        (
            i
            for i, s in enumerate(body)
            if f"({route.handler})" in source.segment(s) and f'"{route.method}"' in source.segment(s)
        ),
        None,
    )
    if position is None:
        return
    expected = " ".join(render_route(ctx).split())
    actual = " ".join(source.bare(body[position]).split())
    if not removal.accept("route", route.location, expected, actual):
        return
    first, last = source.region(body, position, source.header_end(function))
    # A body left empty gets a `pass`, as the statement's own indentation.
    rest = "" if len(body) > 1 else source.indent_of(body[position]) + "pass" + source.newline
    removal.cut(route.module, source, body[position], first, last, rest)


def remove_empty_module(removal: Removal) -> None:
    ctx = removal.ctx
    path = ctx.layout.handlers_module(ctx.endpoint.resource)
    text = ctx.workspace.read_or_none(path)
    name = f"init_{ctx.endpoint.resource}"
    if text is None or ctx.workspace.original(path) == text:
        return
    source = Source.parse(text, path)
    if any(isinstance(s, (*FUNCTIONS, ast.ClassDef)) and s.name != name for s in source.tree.body):
        return  # other definitions are left: the common case, told without libcst
    import libcst as cst

    from scaffold.text.cst import code_of, parse_module, statements_of, top_level_function

    module = parse_module(text, path)
    index = top_level_function(module, name)
    if index is None:
        return
    init = module.body[index]
    assert isinstance(init, cst.FunctionDef)
    others = [s for s in module.body if isinstance(s, cst.FunctionDef | cst.ClassDef) and s is not init]
    if others or [code_of(s).strip() for s in statements_of(init)] != ["pass"]:
        return
    ctx.workspace.write(path, None)
    routes_path = ctx.layout.routes
    routes = parse_module(ctx.workspace.read(routes_path), routes_path)
    for i, statement in enumerate(routes.body):
        if isinstance(statement, cst.FunctionDef):
            block = statements_of(statement)
            kept = [s for s in block if code_of(s).strip() != f"{name}(api)"]
            if len(kept) != len(block):
                routes = routes.with_changes(
                    body=[*routes.body[:i], statement.with_changes(body=statement.body.with_changes(body=kept)), *routes.body[i + 1 :]]
                )
    ctx.workspace.write(routes_path, drop_unused_imports(routes.code, {name}, ctx.layout.line_length))
