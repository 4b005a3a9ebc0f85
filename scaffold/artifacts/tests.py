"""Checklist item 4: the status-code matrix of DESIGN §5, one test function per case.

Cases that pass before any business logic exists (400, 401, 403) pass at once; cases that
need the app layer (success, 404, 304) are real tests marked xfail(strict=True) while the app
function is still the generated stub, so they start to fail — loudly — once it is written.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from scaffold.artifacts.context import PlanContext
from scaffold.artifacts.handler import body_fields, validated_params
from scaffold.artifacts.removal import Removal
from scaffold.model.endpoint import Field
from scaffold.model.statuses import CASE_SUFFIXES, CHECK_HELPERS
from scaffold.naming import dotted
from scaffold.repo.files import matching_files
from scaffold.text.cst import add_imports
from scaffold.text.imports import import_source
from scaffold.text.python import FUNCTIONS, Source
from scaffold.text.render import py_str

_SAMPLES = {"string": None, "integer": "1", "number": "1.5", "boolean": "True"}


@dataclass
class Case:
    function: str
    client: str
    args: list[str]
    check: str = ""
    status: int = 0
    logout: bool = False
    etag: bool = False
    xfail: str | None = None
    #: statements before the call: ids of resources no fixture provides
    setup: list[str] = field(default_factory=list)


def valid_value(ctx: PlanContext, name: str) -> str:
    if name in ctx.layout.fixtures:
        return ctx.layout.fixtures[name]
    return "new_id()" if name.endswith("_id") else py_str(name.replace("_", "-"))


def sample_body(ctx: PlanContext, fields: tuple[Field, ...]) -> str:
    items = []
    for f in fields:
        value = _SAMPLES[f.type] or (valid_value(ctx, f.name) if f.name.endswith("_id") else py_str(f.name))
        items.append(f"{py_str(f.name)}: {value}")
    return "{" + ", ".join(items) + "}"


def build_cases(ctx: PlanContext, stub: bool, app_function: str) -> list[Case]:
    endpoint = ctx.endpoint
    name = endpoint.name
    params = list(endpoint.path_params)
    values = [valid_value(ctx, p) for p in params]
    # A resource no fixture provides gets one fresh id per test, bound to a name so that a
    # case calling twice (the Etag) asks for the same resource both times.
    setup = [f"{p} = {v}" for p, v in zip(params, values) if v == "new_id()"]
    valid = [p if v == "new_id()" else v for p, v in zip(params, values)]
    fields = body_fields(ctx)
    body = [sample_body(ctx, fields)] if endpoint.has_body else []
    pending = f"implement {app_function}" if stub else None
    if pending and setup:
        created = ", ".join(p.removesuffix("_id") for p in params if f"{p} = new_id()" in setup)
        pending += f", then create the {created} this test reads"
    statuses = endpoint.statuses()
    success_client = "system_admin_client" if endpoint.permission else "client"
    test = f"test_{name}"
    cases = [
        Case(
            test,
            success_client,
            valid + body,
            CHECK_HELPERS.get(endpoint.status, "check_ok_status"),
            endpoint.status,
            xfail=pending,
            setup=setup,
        )
    ]
    if 304 in statuses:
        cases.append(Case(test + CASE_SUFFIXES[304], success_client, valid, status=304, etag=True, xfail=pending, setup=setup))
    if 400 in statuses:
        checked = validated_params(ctx)
        if checked:
            bad = [
                ('"junk"' if p.endswith("_id") else '"junk!"') if p == checked[0] else v
                for p, v in zip(params, valid)
            ]
            used = [line for line in setup if line.split(" = ")[0] in bad]
            cases.append(Case(test + CASE_SUFFIXES[400], "client", bad + body, CHECK_HELPERS[400], 400, setup=used))
        elif endpoint.has_body:
            # A body missing its required fields, or not an object at all.
            bad_body = "{}" if any(f.required for f in fields) else "[]"
            cases.append(Case(test + CASE_SUFFIXES[400], "client", valid + [bad_body], CHECK_HELPERS[400], 400, setup=setup))
    if 401 in statuses:
        cases.append(Case(test + CASE_SUFFIXES[401], "client", valid + body, CHECK_HELPERS[401], 401, logout=True, setup=setup))
    if 403 in statuses:
        cases.append(Case(test + CASE_SUFFIXES[403], "guest_client", valid + body, CHECK_HELPERS[403], 403, setup=setup))
    if 404 in statuses and params:
        missing = valid[:-1] + ["new_id()"]
        used = [line for line in setup if line.split(" = ")[0] in missing]
        not_found = f"implement {app_function}" if stub else None
        cases.append(
            Case(test + CASE_SUFFIXES[404], "system_admin_client", missing + body, CHECK_HELPERS[404], 404, xfail=not_found, setup=used)
        )
    return cases


def render_cases(ctx: PlanContext, stub: bool) -> tuple[list[Case], str]:
    """The matrix's cases and their code (test functions at column 0)."""
    endpoint, layout = ctx.endpoint, ctx.layout
    app_function = f"{dotted(layout.app_module(endpoint.resource))}.{endpoint.name}"
    cases = build_cases(ctx, stub, app_function)
    code = ctx.renderer.render_code("tests.py.jinja", line_length=layout.line_length, name=endpoint.name, cases=cases)
    return cases, code


def plan_tests(ctx: PlanContext, stub: bool) -> None:
    endpoint, layout = ctx.endpoint, ctx.layout
    path = layout.tests_module(endpoint.resource)
    cases, formatted = render_cases(ctx, stub)
    siblings = [ctx.workspace.read_or_none(p) for p, _ in matching_files(layout, layout.tests)]
    helpers = import_source(siblings, "TestHelper") or dotted(layout.tests_module("apitestlib")).replace("_test", "")
    text = ctx.workspace.read_or_none(path)
    if text is None:
        text = ctx.renderer.render("tests_module.py.jinja", helpers=helpers)
    text = text.rstrip("\n") + "\n\n\n" + formatted.lstrip("\n")
    check_source = import_source(siblings, "check_ok_status") or helpers
    needed = {case.check for case in cases if case.check} | {"check_etag" for case in cases if case.etag}
    imports: list[tuple[str, str | None, str | None]] = [(check_source, name, None) for name in sorted(needed)]
    imports.append((helpers, "TestHelper", None))
    if any("new_id()" in arg for case in cases for arg in [*case.args, *case.setup]):
        imports.append((import_source(siblings, "new_id") or "server.model.ids", "new_id", None))
    if any(case.xfail for case in cases):
        imports.append(("pytest", None, None))
    text = add_imports(text, path, imports, local=layout.local_packages, line_length=layout.line_length)
    ctx.workspace.write(path, text)


def remove_tests(removal: Removal, driver_method: str) -> None:
    ctx = removal.ctx
    cases = [
        t
        for t in ctx.inventory.tests_calling(driver_method)
        if t.checks and all(check.driver_method == driver_method for check in t.checks)
    ]
    if not cases:
        return
    generated: dict[str, set[str]] = {}
    for stub in (True, False):
        _, code = render_cases(ctx, stub)
        rendered = Source.parse(code, "<generated tests>")
        for statement in rendered.tree.body:
            if isinstance(statement, FUNCTIONS):
                generated.setdefault(statement.name, set()).add(rendered.bare(statement))
    by_file: dict[str, list[str]] = {}
    for case in cases:
        by_file.setdefault(case.location.path, []).append(case.name)
    for path, names in by_file.items():
        source = Source.parse(ctx.workspace.read(path), path)
        functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for statement in source.tree.body:
            if isinstance(statement, FUNCTIONS):
                functions.setdefault(statement.name, statement)  # the first of two alike
        cut = []
        for node in (functions[name] for name in names if name in functions):
            actual = source.bare(node)
            location = next(c.location for c in cases if c.name == node.name)
            options = generated.get(node.name, set())
            expected = actual if actual in options else min(options, default="")
            if removal.accept("tests", location, expected, actual):
                cut.append(node)
        if cut:
            removal.cut_top_level(path, source, *cut)
