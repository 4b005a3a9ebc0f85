"""Go source as tree-sitter nodes: parsing a repo file, and reading literals and names off nodes.

tree-sitter answers every text with a tree, marking what it could not parse with ERROR and
MISSING nodes; a repo file with such a node is reported at its line, as a Python syntax error
is, rather than read half-way.
"""

from __future__ import annotations

import functools

import tree_sitter_go
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from scaffold.errors import RepoLayoutError

GO = Language(tree_sitter_go.language())

#: Go's one-character escapes in interpreted string literals (`\u`, `\x` and octal are numeric).
_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
}


def parse_go(text: str, path: str) -> Tree:
    """The tree of a repo's Go file; a syntax error is the user's to fix, located."""
    tree = _parser().parse(text.encode("utf-8"))
    if tree.root_node.has_error:
        broken = _first_error(tree.root_node)
        raise RepoLayoutError(
            "Go syntax error: "
            + (f"missing {broken.type}" if broken.is_missing else "unexpected text"),
            hint="fix the file so that it compiles",
            path=path,
            line=broken.start_point.row + 1,
        )
    return tree


@functools.cache
def _parser() -> Parser:
    return Parser(GO)


def _first_error(node: Node) -> Node:
    """The first ERROR or MISSING node under a node whose subtree has one."""
    for child in node.children:
        if child.type == "ERROR" or child.is_missing:
            return child
        if child.has_error:
            return _first_error(child)
    return node


@functools.cache
def query(source: str) -> Query:
    """A compiled query (compiled once per process: the same few run on every file)."""
    return Query(GO, source)


def captures(source: str, node: Node) -> dict[str, list[Node]]:
    """The nodes each capture of a query names under `node`, in document order."""
    found = QueryCursor(query(source)).captures(node)
    return {name: sorted(nodes, key=lambda n: n.start_byte) for name, nodes in found.items()}


def matches(source: str, node: Node) -> list[dict[str, Node]]:
    """Each match of a query under `node`: its captures, one node each, in document order."""
    found = QueryCursor(query(source)).matches(node)
    return [{name: nodes[0] for name, nodes in captured.items()} for _, captured in found]


def text(node: Node | None) -> str:
    return node.text.decode("utf-8") if node is not None and node.text is not None else ""


def line(node: Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_point.row + 1


def string_value(node: Node | None) -> str | None:
    """The value of a Go string literal (interpreted or raw), else None."""
    if node is None:
        return None
    if node.type == "raw_string_literal":
        # Carriage returns are discarded from raw strings (the Go spec).
        return text(node)[1:-1].replace("\r", "")
    if node.type != "interpreted_string_literal":
        return None
    parts = []
    for child in node.named_children:
        if child.type == "escape_sequence":
            parts.append(_unescape(text(child)))
        else:
            parts.append(text(child))
    return "".join(parts)


def _unescape(escape: str) -> str:
    kind = escape[1]
    if kind in _ESCAPES:
        return _ESCAPES[kind]
    if kind in "xuU":
        return chr(int(escape[2:], 16))  # noqa: FURB166 (the digits follow x, u or U)
    return chr(int(escape[1:], 8))  # \ooo: three octal digits


def names(node: Node | None) -> list[str]:
    """`api.BaseRoutes.User` → ['api', 'BaseRoutes', 'User']; [] for anything but names."""
    parts: list[str] = []
    while node is not None and node.type == "selector_expression":
        parts.append(text(node.child_by_field_name("field")))
        node = node.child_by_field_name("operand")
    if node is None or node.type not in ("identifier", "field_identifier"):
        return []
    parts.append(text(node))
    return list(reversed(parts))


def call_parts(call: Node) -> tuple[list[str], list[Node]]:
    """The name chain a call is made through, and its arguments: `c.Require(x)` → (['c', 'Require'], [x])."""
    arguments = call.child_by_field_name("arguments")
    args = [a for a in arguments.named_children if a.type != "comment"] if arguments else []
    return names(call.child_by_field_name("function")), args


def functions(tree: Tree) -> list[Node]:
    """The top-level functions and methods of a file."""
    return [
        n
        for n in tree.root_node.named_children
        if n.type in ("function_declaration", "method_declaration")
    ]


def function_name(function: Node) -> str:
    return text(function.child_by_field_name("name"))


def parameters(function: Node) -> list[tuple[str, str]]:
    """(name, type as written) of a function's parameters, `a, b string` as two."""
    declared = function.child_by_field_name("parameters")
    found = []
    for parameter in declared.named_children if declared else []:
        if parameter.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        kind = text(parameter.child_by_field_name("type"))
        for name in parameter.children_by_field_name("name"):
            found.append((text(name), kind))
    return found
