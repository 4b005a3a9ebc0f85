"""Checklist item 4, the tests: the status-code matrix of DESIGN §5, one test function per
case (see `scaffold.artifacts.cases`), placed after the module's tests and imported as its
siblings import; and their removal.

Cases that pass before any business logic exists (400, 401, 403, 413) pass at once; cases that
need the app layer (success, 404, 304) are real tests marked xfail(strict=True) while the app
function is still the generated stub, so they start to fail — loudly — once it is written.
"""

from __future__ import annotations

import ast

from scaffold.artifacts.cases import Matrix, build_matrix
from scaffold.artifacts.context import PlanContext
from scaffold.artifacts.handler import app_is_stub
from scaffold.artifacts.removal import Removal
from scaffold.naming import dotted
from scaffold.repo.files import matching_files
from scaffold.repo.workspace import Workspace
from scaffold.text.head import add_imports, drop_unused_imports
from scaffold.text.imports import import_source
from scaffold.text.python import FUNCTIONS, Source, append_code, attr_chain


def render_cases(ctx: PlanContext, stub: bool) -> tuple[Matrix, str]:
    """The matrix and its code (test functions at column 0)."""
    endpoint, layout = ctx.endpoint, ctx.layout
    app_function = f"{dotted(layout.app_module(endpoint.resource))}.{endpoint.name}"
    matrix = build_matrix(ctx, stub, app_function)
    code = ctx.renderer.render_code(
        "tests.py.jinja", line_length=layout.line_length, name=endpoint.name, cases=matrix.cases
    )
    return matrix, code


def plan_tests(ctx: PlanContext, stub: bool) -> list[str]:
    """Append the matrix to the resource's test module; return what the plan should say."""
    endpoint, layout = ctx.endpoint, ctx.layout
    path = layout.tests_module(endpoint.resource)
    matrix, formatted = render_cases(ctx, stub)
    siblings = [ctx.workspace.read_or_none(p) for p, _ in matching_files(layout, layout.tests)]
    helpers = import_source(siblings, "TestHelper") or dotted(layout.tests_module("apitestlib")).replace("_test", "")
    text = ctx.workspace.read_or_none(path)
    if text is None:
        text = ctx.renderer.render("tests_module.py.jinja", helpers=helpers)
    text = append_code(text, formatted)
    text = add_imports(text, path, _imports(ctx, matrix, siblings, helpers), local=layout.local_packages, line_length=layout.line_length)
    ctx.workspace.write(path, text)
    return matrix.notes


def _imports(
    ctx: PlanContext, matrix: Matrix, siblings: list[str | None], helpers: str
) -> list[tuple[str, str | None, str | None]]:
    """What the matrix's code uses, imported from where the sibling test modules import it."""
    cases = matrix.cases
    check_source = import_source(siblings, "check_ok_status") or helpers
    needed = {case.check for case in cases if not case.etag} | {"check_etag" for case in cases if case.etag}
    if any("check_documented(" in line for case in cases for line in case.asserts):
        needed.add("check_documented")
    imports: list[tuple[str, str | None, str | None]] = [(check_source, name, None) for name in sorted(needed)]
    imports.append((helpers, "TestHelper", None))
    if matrix.uses_fresh_ids:
        imports.append((import_source(siblings, "new_id") or "server.model.ids", "new_id", None))
    module, _, limit = ctx.layout.body_limit.rpartition(".")
    if any(f"* {limit}" in line for case in cases for line in case.setup):
        imports.append((import_source(siblings, limit) or module, limit, None))
    if any(case.xfail for case in cases):
        imports.append(("pytest", None, None))
    return imports


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
    # As generated: with the marks of the pending cases, or — once the app function is written —
    # also without them (a finished endpoint).
    stub = app_is_stub(ctx)
    for pending in (True,) if stub else (True, False):
        _, code = render_cases(ctx, pending)
        rendered = Source.parse(code, "<generated tests>")
        for statement in rendered.tree.body:
            if isinstance(statement, FUNCTIONS):
                generated.setdefault(statement.name, set()).add(rendered.bare(statement))
    by_file: dict[str, list[str]] = {}
    for case in cases:
        by_file.setdefault(case.location.path, []).append(case.name)
    for path, names in by_file.items():
        source = _module_of(ctx, path, names)
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


#: How many tests before those cut the tree of a test module starts: enough that the names
#: tests of their kind use are seen used (their imports then stay without a symbol table).
TESTS_BEFORE = 50


def _module_of(ctx: PlanContext, path: str, names: list[str]) -> Source:
    """The test module the tests `names` are cut from, its tree from a few tests before the
    first of them on: the module parsed whole when the repo was scanned (the facts of its
    tests are of its text), and parsing all 16,000 lines again was a fifth of a removal."""
    text = ctx.workspace.read(path)
    tests = sorted((t for t in ctx.inventory.tests if t.location.path == path), key=lambda t: t.location.line)
    first = min(t.location.line for t in tests if t.name in names)
    before = [t for t in tests if t.location.line < first][-TESTS_BEFORE:]
    if ctx.workspace.changed(path) or not before:
        return Source.parse(text, path)
    anchor = before[0].location.line
    source = Source.parse_from(text, path, anchor)
    # Where the scan's lines are not the text's, or a name is defined above the part parsed
    # (the first of two alike is the one cut), the module is parsed whole.
    above = "".join(source.lines[: anchor - 1])
    if not source.lines[anchor - 1].startswith(f"def {before[0].name}(") or any(f"def {name}(" in above for name in names):
        return Source.parse(text, path)
    return source


def drop_xfail_marks(workspace: Workspace, line_length: int, path: str, names: set[str]) -> None:
    """Finish the tests `names` of the module at `path`: their xfail marks go, and the import of
    pytest with the last of them."""
    source = Source.parse(workspace.read(path), path)
    cuts: dict[tuple[int, int], str] = {}
    for node in source.tree.body:
        if isinstance(node, FUNCTIONS) and node.name in names:
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if attr_chain(target)[-2:] == ["mark", "xfail"]:
                    cuts[(decorator.lineno, decorator.end_lineno or decorator.lineno)] = ""
    if cuts:
        workspace.write(path, drop_unused_imports(source.without(cuts), {"pytest"}, line_length))
