"""Checklist item 3, the driver: the methods of the driver class, each with its HTTP verb and
its URL evaluated symbolically through the route helpers, and the `# X Section` it sits in."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from scaffold.errors import RepoLayoutError
from scaffold.scan.facts import Location
from scaffold.text.python import attr_chain, parse_python, walk


@dataclass(frozen=True)
class DriverMethod:
    name: str
    method: str
    path: str | None  # None when the URL could not be resolved statically
    section: str | None
    location: Location
    #: the names of its arguments, in order (`self` aside)
    params: tuple[str, ...] = ()
    #: the arguments annotated as a mapping (a JSON object: the body)
    mappings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RouteHelper:
    name: str
    params: tuple[str, ...]
    path: str
    location: Location | None  # None for a helper planned but not yet written



_SECTION = re.compile(r"^\s*#\s*(.+?)\s+Section\s*$")


def driver_facts(
    text: str, path: str, class_name: str
) -> tuple[list[DriverMethod], list[RouteHelper], dict[str, Location]]:
    """The driver class's methods (verb and symbolic URL), route helpers and sections."""
    tree = parse_python(text, path)
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None)
    if cls is None:
        raise RepoLayoutError(
            f"no class {class_name} in {path}",
            hint="fix [server] driver_class in scaffold.toml",
            path=path,
        )
    # Sections are comments, which `ast` drops: read them from the lines.
    sections: list[tuple[int, str]] = []
    section_lines: dict[str, Location] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SECTION.match(line)
        if match and cls.lineno <= number <= (cls.end_lineno or number):
            sections.append((number, match.group(1)))
            section_lines[match.group(1)] = Location(path, number)
    methods = [n for n in cls.body if isinstance(n, ast.FunctionDef)]
    # A route helper builds a URL; a method that calls the API is a driver method, whatever its name.
    helpers = {m.name: m for m in methods if m.name.endswith("_route") and _api_call(m) is None}
    resolved: dict[str, tuple[tuple[str, ...], str]] = {}

    def helper_path(name: str, depth: int = 0) -> tuple[tuple[str, ...], str] | None:
        if name in resolved:
            return resolved[name]
        node = helpers.get(name)
        if (
            node is None
            or depth > 10
            or len(node.body) != 1
            or not isinstance(node.body[0], ast.Return)
        ):
            return None
        params = tuple(a.arg for a in node.args.args[1:])
        value = _url_of(node.body[0].value, {p: "{" + p + "}" for p in params}, helper_path, depth)
        if value is None:
            return None
        resolved[name] = (params, value)
        return resolved[name]

    route_helpers = []
    for name, node in helpers.items():
        found = helper_path(name)
        if found:
            route_helpers.append(RouteHelper(name, found[0], found[1], Location(path, node.lineno)))
    driver_methods = []
    for node in methods:
        if node.name in helpers or node.name.startswith("_"):
            continue
        call = _api_call(node)
        if call is None:
            continue
        verb, url = call
        args = {a.arg: "{" + a.arg + "}" for a in node.args.args[1:]}
        url_path = _url_of(url, args, helper_path, 0)
        section = next((title for line, title in reversed(sections) if line < node.lineno), None)
        driver_methods.append(
            DriverMethod(
                node.name,
                verb,
                url_path,
                section,
                Location(path, node.lineno),
                tuple(a.arg for a in [*node.args.args[1:], *node.args.kwonlyargs]),
                tuple(a.arg for a in node.args.args[1:] if _is_mapping(a.annotation)),
            )
        )
    return driver_methods, route_helpers, section_lines


def _is_mapping(annotation: ast.expr | None) -> bool:
    """`dict[str, Any]`, `Mapping[str, Any]`…: an argument that takes a JSON object."""
    if annotation is None:
        return False
    # The name before any `[`: read off a dotted name, the common case (unparsing each of a
    # driver's 700 annotations took a tenth of its facts' time); any other expression by its
    # text, as it always was.
    base = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    if _dotted(base):
        name = base.attr if isinstance(base, ast.Attribute) else base.id  # type: ignore[attr-defined]
    else:
        name = ast.unparse(annotation).split("[", 1)[0].rsplit(".", 1)[-1]
    return name in ("dict", "Dict", "Mapping", "MutableMapping")


def _dotted(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _api_call(function: ast.FunctionDef) -> tuple[str, ast.expr] | None:
    for child in walk(function):
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr.startswith("do_api_")
            and child.args
        ):
            return child.func.attr[len("do_api_") :].upper(), child.args[0]
    return None


def _url_of(
    node: ast.expr | None,
    names: dict[str, str],
    helper: Callable[[str, int], tuple[tuple[str, ...], str] | None],
    depth: int,
) -> str | None:
    """Evaluate a URL expression of the driver symbolically: params become `{name}`."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            part = _url_of(
                value.value if isinstance(value, ast.FormattedValue) else value,
                names,
                helper,
                depth,
            )
            if part is None:
                return None
            parts.append(part)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = (
            _url_of(node.left, names, helper, depth),
            _url_of(node.right, names, helper, depth),
        )
        return left + right if left is not None and right is not None else None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and attr_chain(node.func)[:1] == ["self"]
    ):
        found = helper(node.func.attr, depth + 1)
        if found is None:
            return None
        params, template = found
        for param, arg in zip(params, node.args):
            argument = _url_of(arg, names, helper, depth)
            if argument is None:
                return None
            template = template.replace("{" + param + "}", argument)
        return template
    return None
