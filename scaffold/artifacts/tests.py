"""Checklist item 4: the status-code matrix of DESIGN §5, one test function per case.

Cases that pass before any business logic exists (400, 401, 403) pass at once; cases that
need the app layer (success, 404, 304) are real tests marked xfail(strict=True) while the app
function is still the generated stub, so they start to fail — loudly — once it is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scaffold.artifacts.context import PlanContext
from scaffold.artifacts.server import body_fields, validated_params
from scaffold.endpoint import Field
from scaffold.imports import dotted, import_source
from scaffold.inventory import matching_files
from scaffold.pyedit import add_imports
from scaffold.render import py_str

CHECKS = {
    200: "check_ok_status",
    201: "check_created_status",
    202: "check_accepted_status",
    204: "check_no_content_status",
    400: "check_bad_request_status",
    401: "check_unauthorized_status",
    403: "check_forbidden_status",
    404: "check_not_found_status",
}

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
            CHECKS.get(endpoint.status, "check_ok_status"),
            endpoint.status,
            xfail=pending,
            setup=setup,
        )
    ]
    if 304 in statuses:
        cases.append(Case(f"{test}_etag", success_client, valid, status=304, etag=True, xfail=pending, setup=setup))
    if 400 in statuses:
        checked = validated_params(ctx)
        if checked:
            bad = [
                ('"junk"' if p.endswith("_id") else '"junk!"') if p == checked[0] else v
                for p, v in zip(params, valid)
            ]
            used = [line for line in setup if line.split(" = ")[0] in bad]
            cases.append(Case(f"{test}_bad_request", "client", bad + body, CHECKS[400], 400, setup=used))
        elif endpoint.has_body:
            # A body missing its required fields, or not an object at all.
            bad_body = "{}" if any(f.required for f in fields) else "[]"
            cases.append(Case(f"{test}_bad_request", "client", valid + [bad_body], CHECKS[400], 400, setup=setup))
    if 401 in statuses:
        cases.append(Case(f"{test}_unauthorized", "client", valid + body, CHECKS[401], 401, logout=True, setup=setup))
    if 403 in statuses:
        cases.append(Case(f"{test}_forbidden", "guest_client", valid + body, CHECKS[403], 403, setup=setup))
    if 404 in statuses and params:
        missing = valid[:-1] + ["new_id()"]
        used = [line for line in setup if line.split(" = ")[0] in missing]
        not_found = f"implement {app_function}" if stub else None
        cases.append(
            Case(f"{test}_not_found", "system_admin_client", missing + body, CHECKS[404], 404, xfail=not_found, setup=used)
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
