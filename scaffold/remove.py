"""`scaffold endpoint remove`: take every artifact of an endpoint out again, as one change set.

A part is removed only while it is still what scaffold generates for the endpoint (rebuilt
from its doc operation); a part edited by hand since is reported with its diff and the whole
removal is refused, unless forced. The containers scaffold made for the endpoint — a fragment,
a resource module, a driver section, a test file, an app module — go too once they are empty,
with their build-list entry, `[tags.*]` table and `init_` registration, so that `add` followed
by `remove` leaves the repo byte-identical.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field

import libcst as cst
import yaml

from scaffold.add import components_of
from scaffold.artifacts.context import PlanContext
from scaffold.artifacts.docs import render_operation
from scaffold.artifacts.driver import best_helper, new_helpers, render_method
from scaffold.artifacts.server import (
    app_module_alias,
    render_app_function,
    render_handler,
    render_route,
)
from scaffold.artifacts.tests import render_cases
from scaffold.changes import ChangeSet, Workspace
from scaffold.config import CONFIG_NAME, RepoLayout, parse_layout
from scaffold.derive import TRUST_REQUESTER_WRAPPER, options_from_doc
from scaffold.endpoint import Endpoint, EndpointOptions, parse_endpoint, parse_method, parse_path
from scaffold.errors import UsageError
from scaffold.inventory import Inventory, Location, Route, scan
from scaffold.pyedit import (
    asname_of,
    code_of,
    format_code,
    parse_module,
    split_head,
    statements_of,
    top_level_function,
)
from scaffold.render import Renderer
from scaffold.spec import merge, read_fragments
from scaffold.splice import FUNCTIONS, Source, first_line, names_in
from scaffold.tomledit import remove_fragment, remove_tag
from scaffold.yamltext import compose, entries


@dataclass(frozen=True)
class EditedPart:
    """A part that differs from what scaffold generates: kept unless forced."""

    artifact: str
    location: Location
    diff: str


@dataclass
class RemovePlan:
    endpoint: Endpoint
    changes: ChangeSet
    removed: dict[str, list[Location]] = field(default_factory=dict)
    edited: list[EditedPart] = field(default_factory=list)
    #: parts left in place on purpose (an app function that is no longer the stub)
    kept: list[str] = field(default_factory=list)


def plan_remove(
    layout: RepoLayout,
    method: str,
    path: str,
    *,
    force: bool = False,
    inventory: Inventory | None = None,
) -> RemovePlan:
    """Plan the removal of every artifact of METHOD PATH."""
    http_method = parse_method(method).value
    clean = parse_path(path, layout.docs_prefix)
    inventory = inventory or scan(layout)
    docs = [d for d in inventory.docs_for(http_method, clean) if d.path == clean] or inventory.docs_for(http_method, clean)
    routes = inventory.routes_for(http_method, clean)
    drivers = inventory.driver_for(http_method, clean)
    if not (docs or routes or drivers):
        raise UsageError(
            f"no endpoint {http_method} {layout.docs_prefix}{clean} in this repo",
            hint="run `scaffold endpoint list` to see the endpoints",
        )
    route = routes[0] if routes else None
    if docs:
        options = options_from_doc(docs[0])
        if route is not None and route.wrapper == TRUST_REQUESTER_WRAPPER:
            options.auth = "trust-requester"  # the doc alone cannot tell it from "session"
        endpoint = parse_endpoint(http_method, clean, options, layout)
    else:
        name = route.handler if route else drivers[0].name
        auth = {"api_handler": "public", "api_session_required_trust_requester": "trust-requester"}.get(
            route.wrapper if route else "", "session"
        )
        endpoint = parse_endpoint(http_method, clean, EndpointOptions(name=name, auth=auth), layout)
    workspace = Workspace(layout.root)
    components = components_of(merge(read_fragments(layout, workspace.read_or_none), only="components"))
    ctx = PlanContext(layout, workspace, Renderer(layout.root), inventory, components, endpoint)
    plan = RemovePlan(endpoint, ChangeSet())
    remover = _Remover(ctx, plan, force)
    if docs:
        remover.docs(docs[0].location)
    if route is not None:
        remover.route(route)
    handler = inventory.handler_of(route) if route else None
    if handler is not None:
        remover.handler(handler.name, handler.module, handler.location)
    remover.app_function()
    driver = drivers[0] if drivers else inventory.driver_named(endpoint.name)
    if driver is not None:
        remover.driver(driver.name, driver.location)
    remover.tests(driver.name if driver else endpoint.name)
    remover.containers()
    plan.changes = workspace.change_set()
    return plan


def _diff(expected: str, actual: str, path: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"generated/{path}",
            tofile=f"current/{path}",
        )
    )


class _Remover:
    def __init__(self, ctx: PlanContext, plan: RemovePlan, force: bool) -> None:
        self.ctx = ctx
        self.plan = plan
        self.force = force
        self.layout = ctx.layout
        self.workspace = ctx.workspace
        self.endpoint = ctx.endpoint
        #: names the removed code used, per module: imports of them may have become unused
        self.used: dict[str, set[str]] = {}

    def _accept(self, artifact: str, location: Location, expected: str, actual: str) -> bool:
        """True when the part may go: it is what scaffold generates, or removal is forced."""
        if expected == actual or self.force:
            self.plan.removed.setdefault(artifact, []).append(location)
            return True
        self.plan.edited.append(EditedPart(artifact, location, _diff(expected, actual, location.path)))
        return False

    # Docs --------------------------------------------------------------------------------

    def docs(self, location: Location) -> None:
        fragment = location.path
        text = self.workspace.read(fragment)
        lines = text.splitlines(keepends=True)
        root = compose(text, fragment)
        assert isinstance(root, yaml.MappingNode)
        plain = text.splitlines()
        for item in entries(root, plain):
            operations = entries(item.node, plain, item.end) if isinstance(item.node, yaml.MappingNode) else []
            for operation in operations:
                if operation.start + 1 != location.line:
                    continue
                actual = "".join(line[operation.indent :] if line.strip() else line for line in lines[operation.start : operation.end])
                expected = render_operation(self.endpoint, self.ctx.components, self.ctx.renderer)
                if not self._accept("docs", location, expected, actual):
                    return
                if len(operations) > 1:
                    del lines[operation.start : operation.end]
                else:
                    start = item.start - 1 if item.start > 0 and not lines[item.start - 1].strip() else item.start
                    del lines[start : item.end]
                self.workspace.write(fragment, "".join(lines))
                return

    # Route, handler, app function ---------------------------------------------------------

    def route(self, route: Route) -> None:
        source = Source.parse(self.workspace.read(route.module), route.module)
        function = source.top_level(FUNCTIONS, f"init_{self.endpoint.resource}") or next(
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
        expected = " ".join(render_route(self.ctx).split())
        actual = " ".join(source.bare(body[position]).split())
        if not self._accept("route", route.location, expected, actual):
            return
        first, last = source.region(body, position, source.header_end(function))
        # A body left empty gets a `pass`, as the statement's own indentation.
        rest = "" if len(body) > 1 else source.indent_of(body[position]) + "pass" + source.newline
        self._cut(route.module, source, body[position], first, last, rest)

    def handler(self, name: str, path: str, location: Location) -> None:
        source = Source.parse(self.workspace.read(path), path)
        node = source.top_level(FUNCTIONS, name)
        if node is None:
            return
        _, _, alias = app_module_alias(self.ctx, source.text)
        expected = render_handler(self.ctx, alias or f"{self.endpoint.resource}_app")
        if self._accept("handler", location, expected, source.bare(node)):
            self._cut_top_level(path, source, node)

    def app_function(self) -> None:
        path = self.layout.app_module(self.endpoint.resource)
        function = self.ctx.inventory.app_functions.get((path, self.endpoint.name))
        if function is None:
            return
        if not function.stub:
            self.plan.kept.append(f"{function.location}: {self.endpoint.name} is implemented, so it stays")
            return
        source = Source.parse(self.workspace.read(path), path)
        node = source.top_level(FUNCTIONS, self.endpoint.name)
        if node is not None and self._accept("handler", function.location, render_app_function(self.ctx), source.bare(node)):
            self._cut_top_level(path, source, node)

    # Driver -----------------------------------------------------------------------------

    def driver(self, name: str, location: Location) -> None:
        path = self.layout.driver
        source = Source.parse(self.workspace.read(path), path)
        cls = source.top_level(ast.ClassDef, self.layout.driver_class)
        if not isinstance(cls, ast.ClassDef):
            return
        body = source.block(cls)
        position = next((i for i, s in enumerate(body) if isinstance(s, FUNCTIONS) and s.name == name), None)
        if position is None:
            return
        helpers = list(self.ctx.inventory.route_helpers)
        expected = render_method(self.ctx, best_helper(helpers, self.endpoint.path))
        if not self._accept("driver", location, expected, source.bare(body[position])):
            return
        header = source.header_end(cls)
        first, last = source.region(body, position, header)
        following = position + 1 < len(body) and not source.comments_before(body, position + 1, header)
        if following and source.comments_before(body, position, header):
            # The section comment rides on a section's first method: hand it to the next one,
            # in place of the lines that led that one.
            first, last = first_line(body[position]), first_line(body[position + 1]) - 1
        self._cut(path, source, body[position], first, last)
        self._drop_unused_helpers(path)

    def _drop_unused_helpers(self, path: str) -> None:
        """Route helpers scaffold adds for a new resource go when nothing uses them any more."""
        # What `add` would create for this path if no helper existed: compared by name only.
        candidates = {name for name, _, _, _ in new_helpers(self.ctx, existing=frozenset())}
        while True:
            source = Source.parse(self.workspace.read(path), path)
            cls = source.top_level(ast.ClassDef, self.layout.driver_class)
            assert isinstance(cls, ast.ClassDef)
            body = source.block(cls)
            text = source.segment(cls)
            unused = next(
                (
                    i
                    for i, s in enumerate(body)
                    if isinstance(s, FUNCTIONS) and s.name in candidates and f"self.{s.name}(" not in text
                ),
                None,
            )
            if unused is None:
                return
            first, last = source.region(body, unused, source.header_end(cls))
            self._cut(path, source, body[unused], first, last)

    # Tests ------------------------------------------------------------------------------

    def tests(self, driver_method: str) -> None:
        cases = [
            t
            for t in self.ctx.inventory.tests_calling(driver_method)
            if t.checks and all(check.driver_method == driver_method for check in t.checks)
        ]
        if not cases:
            return
        generated: dict[str, set[str]] = {}
        for stub in (True, False):
            _, code = render_cases(self.ctx, stub)
            rendered = Source.parse(code, "<generated tests>")
            for statement in rendered.tree.body:
                if isinstance(statement, FUNCTIONS):
                    generated.setdefault(statement.name, set()).add(rendered.bare(statement))
        by_file: dict[str, list[str]] = {}
        for case in cases:
            by_file.setdefault(case.location.path, []).append(case.name)
        for path, names in by_file.items():
            source = Source.parse(self.workspace.read(path), path)
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
                if self._accept("tests", location, expected, actual):
                    cut.append(node)
            if cut:
                self._cut_top_level(path, source, *cut)

    # Shared mechanics -------------------------------------------------------------------

    def _cut(self, path: str, source: Source, node: ast.stmt, first: int, last: int, rest: str = "") -> None:
        """Write `path` without lines `first`..`last` (which hold `node`), `rest` in their place."""
        self.used.setdefault(path, set()).update(names_in(node))
        self.workspace.write(path, source.without({(first, last): rest}))

    def _cut_top_level(self, path: str, source: Source, *nodes: ast.stmt) -> None:
        """Remove top-level statements, each with the lines that lead it."""
        body = source.tree.body
        cuts = {}
        for node in nodes:
            index = body.index(node)
            # The lines leading a module's first statement are the module's header: they stay.
            span = (first_line(node), source.end_of(node)) if index == 0 else source.region(body, index, 0)
            cuts[span] = ""
            self.used.setdefault(path, set()).update(names_in(node))
        self.workspace.write(path, source.without(cuts))

    def containers(self) -> None:
        """Drop imports nothing uses any more, then the files and entries left empty."""
        for path, names in self.used.items():
            text = self.workspace.read_or_none(path)
            if text is not None:
                self.workspace.write(path, _drop_unused_imports(text, names, self.layout.line_length))
        self._empty_resource_module()
        for path in (self.layout.app_module(self.endpoint.resource), self.layout.tests_module(self.endpoint.resource)):
            text = self.workspace.read_or_none(path)
            if text is not None and self.workspace.original(path) != text and _only_imports(text):
                self.workspace.write(path, None)
        self._empty_fragment()

    def _empty_resource_module(self) -> None:
        path = self.layout.handlers_module(self.endpoint.resource)
        text = self.workspace.read_or_none(path)
        name = f"init_{self.endpoint.resource}"
        if text is None or self.workspace.original(path) == text:
            return
        source = Source.parse(text, path)
        if any(isinstance(s, (*FUNCTIONS, ast.ClassDef)) and s.name != name for s in source.tree.body):
            return  # other definitions are left: the common case, told without libcst
        module = parse_module(text, path)
        index = top_level_function(module, name)
        if index is None:
            return
        init = module.body[index]
        assert isinstance(init, cst.FunctionDef)
        others = [s for s in module.body if isinstance(s, cst.FunctionDef | cst.ClassDef) and s is not init]
        if others or [code_of(s).strip() for s in statements_of(init)] != ["pass"]:
            return
        self.workspace.write(path, None)
        routes_path = self.layout.routes
        routes = parse_module(self.workspace.read(routes_path), routes_path)
        for i, statement in enumerate(routes.body):
            if isinstance(statement, cst.FunctionDef):
                block = statements_of(statement)
                kept = [s for s in block if code_of(s).strip() != f"{name}(api)"]
                if len(kept) != len(block):
                    routes = routes.with_changes(
                        body=[*routes.body[:i], statement.with_changes(body=statement.body.with_changes(body=kept)), *routes.body[i + 1 :]]
                    )
        self.workspace.write(routes_path, _drop_unused_imports(routes.code, {name}, self.layout.line_length))

    def _empty_fragment(self) -> None:
        layout = parse_layout(self.layout.root, self.workspace.read(CONFIG_NAME))
        for name in layout.build:
            path = layout.fragment_path(name)
            text = self.workspace.read_or_none(path)
            if text is None or text.strip() or self.workspace.original(path) == text:
                continue
            self.workspace.write(path, None)
            config = remove_fragment(self.workspace.read(CONFIG_NAME), name)
            tag = name.removesuffix(".yaml")
            if tag in layout.tags:
                config = remove_tag(config, tag)
            self.workspace.write(CONFIG_NAME, config)
            self._undeclare_tag(layout, tag)

    def _undeclare_tag(self, layout: RepoLayout, tag: str) -> None:
        intro = layout.fragment_path(layout.build[0])
        text = self.workspace.read(intro)
        root = compose(text, intro)
        if not isinstance(root, yaml.MappingNode):
            return
        plain = text.splitlines()
        for entry in entries(root, plain):
            if entry.key != "tags" or not isinstance(entry.node, yaml.SequenceNode):
                continue
            items = entry.node.value
            for i, item in enumerate(items):
                fields = {k.value: v for k, v in item.value} if isinstance(item, yaml.MappingNode) else {}
                if getattr(fields.get("name"), "value", None) == tag:
                    start = item.start_mark.line
                    end = items[i + 1].start_mark.line if i + 1 < len(items) else entry.end
                    lines = text.splitlines(keepends=True)
                    del lines[start:end]
                    self.workspace.write(intro, "".join(lines))
                    return


def _only_imports(text: str) -> bool:
    """A module with nothing left but its docstring and imports."""
    _, rest = split_head(text)
    if rest.strip():
        return False  # a definition is left (told without parsing a big module)
    tree = ast.parse(text)
    return all(
        isinstance(node, ast.Import | ast.ImportFrom)
        or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        for node in tree.body
    )


def _drop_unused_imports(text: str, candidates: set[str], line_length: int) -> str:
    """Remove imports of `candidates` that nothing in the module uses any more."""
    # Every use of a name, `name.attr` included, is a Name node.
    unused = candidates - names_in(ast.parse(text))
    if not unused:
        return text
    # Imports are added to a module's head: they are taken out of it too, and the rest of a
    # 50,000-line test module is neither parsed nor printed again.
    text, rest = split_head(text)
    module = cst.parse_module(text)
    body = list(module.body)
    index = 0
    while index < len(body):
        statement = body[index]
        node = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and statement.body else None
        if isinstance(node, cst.Import | cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
            names = [
                (alias, asname_of(alias) or code_of(alias.name))
                for alias in node.names
            ]
            keep = [alias for alias, local in names if local.split(".")[0] not in unused]
            if not keep:
                removed = body.pop(index)
                following = body[index] if index < len(body) else None
                if following is not None and removed.leading_lines and not following.leading_lines:
                    body[index] = following.with_changes(leading_lines=removed.leading_lines)
                continue
            if len(keep) != len(names):
                parts = [code_of(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)).strip().rstrip(",") for alias in keep]
                source = code_of(node.module) if isinstance(node, cst.ImportFrom) and node.module else ""
                code = f"from {source} import {', '.join(parts)}\n"
                replacement = cst.parse_statement(format_code(code, line_length))
                body[index] = replacement.with_changes(leading_lines=statement.leading_lines)
        index += 1
    return module.with_changes(body=body).code + rest

