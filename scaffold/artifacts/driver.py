"""Checklist item 3, the driver: the Client4 method in its resource's section, built on the
route helpers (adding those a new resource needs), and its removal."""

from __future__ import annotations

import ast
import re

from scaffold.artifacts.context import PlanContext
from scaffold.artifacts.removal import Removal, neighbours
from scaffold.errors import RepoLayoutError
from scaffold.model.endpoint import Endpoint, HttpMethod
from scaffold.naming import singular
from scaffold.scan.driver import DriverMethod, RouteHelper
from scaffold.scan.facts import shape
from scaffold.text.python import FUNCTIONS, Source, first_line, indented, last_line
from scaffold.text.render import py_str

_SECTION = re.compile(r"^#\s*(.+?)\s+Section\s*$")


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/") if path.strip("/") else []


def best_helper(helpers: list[RouteHelper], path: str) -> RouteHelper | None:
    """The route helper covering the most leading segments of `path` (params by position)."""
    target = _segments(shape(path))
    best: RouteHelper | None = None
    for helper in helpers:
        segments = _segments(shape(helper.path))
        if segments and target[: len(segments)] == segments:
            if best is None or len(segments) > len(_segments(best.path)):
                best = helper
    return best


def url_expression(endpoint: Endpoint, helper: RouteHelper | None) -> str:
    """`self.user_route(user_id)` or `f"{self.user_route(user_id)}/sessions"`."""
    segments = _segments(endpoint.path)
    covered = len(_segments(helper.path)) if helper else 0
    params_in_helper = [s[1:-1] for s in segments[:covered] if s.startswith("{")]
    rest = "".join("/" + s for s in segments[covered:])
    if helper is None:
        return f'f"{rest}"' if "{" in rest else py_str(rest)
    call = f"self.{helper.name}({', '.join(params_in_helper)})"
    return f'f"{{{call}}}{rest}"' if rest else call


def new_helpers(ctx: PlanContext, existing: frozenset[str] | None = None) -> list[tuple[str, list[str], str, str]]:
    """Route helpers for a path no helper starts: `widgets_route()`, `widget_route(widget_id)`.

    Returns (name, params, expression, path) for each helper to add; `existing` are the helper
    names already there (default: the driver's).
    """
    segments = _segments(ctx.endpoint.path)
    if existing is None:
        existing = frozenset(h.name for h in ctx.inventory.route_helpers)
    collection = segments[0]
    if collection.startswith("{"):
        return []
    base = re.sub(r"[^a-z0-9_]", "_", collection)
    plans: list[tuple[str, list[str], str, str]] = []
    name = f"{base}_route"
    if name in existing:
        return []
    plans.append((name, [], py_str("/" + collection), "/" + collection))
    if len(segments) > 1 and segments[1].startswith("{"):
        param = segments[1][1:-1]
        item = f"{singular(base)}_route"
        if item != name and item not in existing:
            plans.append((item, [param], f'f"{{self.{name}()}}/{{{param}}}"', f"/{collection}/{{{param}}}"))
    return plans


def plan_driver(ctx: PlanContext) -> None:
    endpoint, layout = ctx.endpoint, ctx.layout
    path = layout.driver
    source = Source.parse(ctx.workspace.read(path), path)
    cls = _driver_class(source, ctx)
    helpers = list(ctx.inventory.route_helpers)
    added = new_helpers(ctx)
    if added:
        body = source.block(cls)
        last_helper = max(
            (i for i, s in enumerate(body) if isinstance(s, FUNCTIONS) and s.name.endswith("_route")),
            default=len(body) - 1,
        )
        indent, unit = source.indent_of(body[last_helper]), source.unit_of(cls)
        code = ""
        for name, params, expression, helper_path in added:
            rendered = ctx.renderer.render_code(
                "route_helper.py.jinja",
                line_length=ctx.layout.line_length,
                depth=1,
                name=name,
                params=params,
                expression=expression,
            )
            code += "\n" + indented(rendered.strip("\n") + "\n", indent, unit)
            helpers.append(RouteHelper(name, tuple(params), helper_path, None))
        ctx.workspace.write(path, source.insert_after(source.end_of(body[last_helper]), code))
        source = Source.parse(ctx.workspace.read(path), path)
        cls = _driver_class(source, ctx)
    method = render_method(ctx, best_helper(helpers, endpoint.path)).strip("\n") + "\n"
    ctx.workspace.write(path, _place_in_section(source, cls, endpoint.section, method))


def _driver_class(source: Source, ctx: PlanContext) -> ast.ClassDef:
    cls = source.top_level(ast.ClassDef, ctx.layout.driver_class)
    if not isinstance(cls, ast.ClassDef):
        raise RepoLayoutError(
            f"no class {ctx.layout.driver_class} in {source.path}",
            hint="fix [server] driver_class in scaffold.toml",
            path=source.path,
        )
    return cls


def render_method(ctx: PlanContext, helper: RouteHelper | None) -> str:
    """The Client4 method, at column 0, its URL built on `helper`."""
    endpoint = ctx.endpoint
    args = [f"{p}: str" for p in endpoint.path_params]
    call_args = [url_expression(endpoint, helper)]
    if endpoint.has_body:
        args.append("body: dict[str, Any]")
        call_args.append("body")
    for field in endpoint.query:
        args.append(f"{field.name}: {field.python_type} | None = None")
    if endpoint.etag:
        args.append('etag: str = ""')
        call_args.append("etag=etag")
    if endpoint.query:
        # Only the parameters the caller gave: an empty value is not "no value" to the server.
        items = ", ".join(f"{py_str(f.name)}: {f.name}" for f in endpoint.query)
        call_args.append(f"params={{k: v for k, v in {{{items}}}.items() if v is not None}}")
    summary = endpoint.summary.rstrip(".") + "."
    docstring_text = f"{endpoint.name}: {summary}"
    if '"' in docstring_text or "\\" in docstring_text or not docstring_text.isprintable():
        docstring = py_str(docstring_text)
    else:
        docstring = f'"""{docstring_text}"""'
    return ctx.renderer.render_code(
        "driver_method.py.jinja",
        line_length=ctx.layout.line_length,
        depth=1,
        name=endpoint.name,
        args=args,
        docstring=docstring,
        verb=endpoint.method.value.lower() if endpoint.method is not HttpMethod.GET else "get",
        call_args=call_args,
    )


def _section_of(comments: list[str]) -> str | None:
    for comment in comments:
        match = _SECTION.match(comment)
        if match:
            return match.group(1)
    return None


def _place_in_section(source: Source, cls: ast.ClassDef, section: str, method: str) -> str:
    """The module with `method` after the last member of `# <section> Section` of the class;
    a new section goes at the class's end."""
    body = source.block(cls)
    header = source.header_end(cls)
    sections = [_section_of(source.comments_before(body, i, header)) for i in range(len(body))]
    indent, unit = source.indent_of(body[0]), source.unit_of(cls)
    start = next((i for i, name in enumerate(sections) if name == section), None)
    if start is None:
        code = f"\n{indent}# {section} Section\n\n" + indented(method, indent, unit)
        return source.insert_after(source.end_of(body[-1]), code)
    end = next((i for i in range(start + 1, len(body)) if sections[i] is not None), len(body))
    return source.insert_after(source.end_of(body[end - 1]), "\n" + indented(method, indent, unit))


def remove_driver(removal: Removal, driver: DriverMethod) -> None:
    ctx, name, location = removal.ctx, driver.name, driver.location
    path = ctx.layout.driver
    source = Source.parse(ctx.workspace.read(path), path)
    cls = source.top_level(ast.ClassDef, ctx.layout.driver_class)
    if not isinstance(cls, ast.ClassDef):
        return
    body = source.block(cls)
    position = next((i for i, s in enumerate(body) if isinstance(s, FUNCTIONS) and s.name == name), None)
    if position is None:
        return
    helpers = list(ctx.inventory.route_helpers)
    expected = render_method(ctx, best_helper(helpers, ctx.endpoint.path))
    if not removal.accept("driver", location, expected, source.bare(body[position])):
        return
    header = source.header_end(cls)
    first, last = source.region(body, position, header)
    following = position + 1 < len(body) and not source.comments_before(body, position + 1, header)
    if following and source.comments_before(body, position, header):
        # The section comment rides on a section's first method: hand it to the next one,
        # in place of the lines that led that one.
        first, last = first_line(body[position]), first_line(body[position + 1]) - 1
    removal.cut(path, source, body[position], first, last, near=neighbours(body, body[position]))
    # What `add` would create for this path if no helper existed: compared by name only.
    candidates = {name for name, _, _, _ in new_helpers(ctx, existing=frozenset())}
    # The class as the cut leaves it, read off the lines: the driver is parsed again only
    # where a helper is left unused (a tenth of the time of a removal's own planning).
    left = "".join(source.lines[first_line(cls) - 1 : first - 1] + source.lines[last : last_line(cls)])
    if any(_unused(s, candidates, left) for i, s in enumerate(body) if i != position):
        _drop_unused_helpers(removal, path, candidates)


def _unused(statement: ast.stmt, candidates: set[str], text: str) -> bool:
    """Whether `statement` is one of the route helpers `candidates` that `text` (its class)
    never calls."""
    return isinstance(statement, FUNCTIONS) and statement.name in candidates and f"self.{statement.name}(" not in text


def _drop_unused_helpers(removal: Removal, path: str, candidates: set[str]) -> None:
    """Route helpers scaffold adds for a new resource go when nothing uses them any more."""
    ctx = removal.ctx
    while True:
        source = Source.parse(ctx.workspace.read(path), path)
        cls = source.top_level(ast.ClassDef, ctx.layout.driver_class)
        assert isinstance(cls, ast.ClassDef)
        body = source.block(cls)
        text = source.segment(cls)
        unused = next((i for i, s in enumerate(body) if _unused(s, candidates, text)), None)
        if unused is None:
            return
        first, last = source.region(body, unused, source.header_end(cls))
        removal.cut(path, source, body[unused], first, last)
