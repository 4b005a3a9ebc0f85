"""Python as text and `ast`: repo modules parsed, and edited as text at `ast` positions.

libcst takes about a second to parse a 9,000-line driver and half a second to print it back;
`ast` finds the same positions in a few hundredths of a second. New code is rendered and
formatted on its own, as ever, then inserted between existing lines: every other byte of the
module stays as it was, because it is never parsed into nodes and printed again.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from scaffold.errors import RepoLayoutError

#: One line and its end, as Python counts lines (\r\n, \r or \n); the last may have no end.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def appended_code(before: str | None, after: str) -> str | None:
    """What `after` adds at the end of `before`, on the lines it has there (blank lines stand
    for those of `before`), where `after` is `before` and more; else None."""
    if not before or not before.endswith("\n") or not after.startswith(before):
        return None
    # Python ends a line at \r\n, \r or \n
    lines = before.count("\n") + before.count("\r") - before.count("\r\n")
    return "\n" * lines + after[len(before) :]


def parse_python(text: str, path: str) -> ast.Module:
    """The `ast` of a repo module; a syntax error is the user's to fix, located."""
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as err:
        raise RepoLayoutError(
            f"Python syntax error: {err.msg}",
            hint="fix the module so that it parses",
            path=path,
            line=err.lineno,
        ) from None


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under `node` (itself first) in `ast.walk`'s order, less the expression
    contexts (`Load`, `Store`: a third of the nodes, and no scanner asks for one).

    Twice as fast as `ast.walk`, whose generator per node is most of a scan's walking time:
    the fields that hold nodes are looked up once per node class.
    """
    todo = deque([node])
    pop, push, extend = todo.popleft, todo.append, todo.extend
    fields_of, node_type = _NODE_FIELDS, ast.AST
    while todo:
        current = pop()
        kind = type(current)
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = tuple(name for name in kind._fields if name != "ctx")
        for name in fields:
            value = getattr(current, name, None)
            if type(value) is list:
                extend(item for item in value if isinstance(item, node_type))
            elif isinstance(value, node_type):
                push(value)
        yield current


#: node class → the names of its fields, less `ctx` (see `walk`)
_NODE_FIELDS: dict[type, tuple[str, ...]] = {}


def const_str(node: ast.AST | None) -> str | None:
    """The value of a string literal, else None."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def attr_chain(node: ast.AST) -> list[str]:
    """`api.routes.user.handle` → ['api', 'routes', 'user', 'handle']."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return list(reversed(parts))


def split_lines(text: str) -> list[str]:
    """The lines of `text` with their ends; line N (1-based, as `ast` counts) is [N - 1]."""
    return _LINE.findall(text)


@dataclass(frozen=True)
class Source:
    """A module's text, its lines and its `ast` tree."""

    text: str
    path: str
    lines: list[str]
    tree: ast.Module
    #: the first line the tree covers (`parse_from`: the statements above it are not in it)
    start: int = 1

    @classmethod
    def parse(cls, text: str, path: str) -> Source:
        return cls(text, path, split_lines(text), parse_python(text, path))

    @classmethod
    def parse_from(cls, text: str, path: str, line: int) -> Source:
        """The module, with the tree of its top-level statements from `line` on alone: for a
        module known to parse whole, one of whose top-level statements starts on `line` (its
        decorators aside). The 15,000 lines above the tests a removal cuts are not parsed
        again. A part that does not parse alone has the whole module parsed, to say why."""
        lines = split_lines(text)
        try:
            tree = ast.parse("".join(lines[line - 1 :]), filename=path)
        except SyntaxError:
            return cls.parse(text, path)
        ast.increment_lineno(tree, line - 1)
        return cls(text, path, lines, tree, line)

    @property
    def newline(self) -> str:
        """The module's line end (its first one), for the lines inserted."""
        return next((end for end in map(_line_end, self.lines) if end), "\n")

    def top_level(self, kind: type | tuple[type, ...], name: str) -> ast.stmt | None:
        """The top-level function or class called `name`."""
        return next(
            (n for n in self.tree.body if isinstance(n, kind) and getattr(n, "name", None) == name),
            None,
        )

    def block(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[ast.stmt]:
        """The statements of a function's or class's body, which must be indented to take more."""
        if not self._on_own_line(node.body[0]):
            raise RepoLayoutError(
                f"{node.name} is written on one line",
                hint="give it an indented body so that statements can be added to it",
                path=self.path,
                line=node.lineno,
            )
        return node.body

    def segment(self, node: ast.stmt) -> str:
        """The lines of a statement, from its first (decorators included) to its last."""
        return "".join(self.lines[first_line(node) - 1 : last_line(node)])

    def indent_of(self, node: ast.stmt) -> str:
        """The whitespace before a statement's first line."""
        return _indent(self.lines[first_line(node) - 1])

    def unit_of(self, node: ast.stmt) -> str:
        """One level of indentation, as the body of `node` has it (four spaces if it has none)."""
        body = getattr(node, "body", None)
        outer = self.indent_of(node)
        inner = self.indent_of(body[0]) if body else ""
        return inner[len(outer) :] if inner.startswith(outer) and inner != outer else "    "

    def end_of(self, node: ast.stmt) -> int:
        """The last line a statement owns: its own last line and, for a compound statement, the
        lines after it that are indented as its body is — comments, or spaces only — for they
        close that body (libcst's block footer)."""
        end = last_line(node)
        body: list[ast.stmt] = getattr(node, "body", None) or []
        if not body or not self._on_own_line(body[0]):
            return end
        inner = self.indent_of(body[0])
        for number in range(end + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if not line.strip("\r\n"):
                continue  # an empty line: the body's only if a line of the body follows
            if line.lstrip(" \t\f").startswith(("#", "\r", "\n")) and _indent(line).startswith(inner):
                end = number
                continue
            break
        return end

    def _on_own_line(self, node: ast.stmt) -> bool:
        """Whether a statement begins its line (a body written after `:` does not)."""
        line = self.lines[first_line(node) - 1]
        return line.lstrip().startswith("@") or not line.encode()[: node.col_offset].strip()

    def header_end(self, node: ast.stmt) -> int:
        """The last line of a compound statement's header (a signature may span lines)."""
        body: list[ast.stmt] = getattr(node, "body")  # noqa: B009 (any compound statement)
        line = first_line(body[0]) - 1
        while line > node.lineno and (not self.lines[line - 1].strip() or self.lines[line - 1].lstrip().startswith("#")):
            line -= 1
        return line

    def region(self, body: list[ast.stmt], index: int, header: int) -> tuple[int, int]:
        """The lines `body[index]` owns, the blank lines and comments that lead it included
        (libcst's leading lines): after the statement before it, or after `header`."""
        start = self.end_of(body[index - 1]) + 1 if index > 0 else header + 1
        return start, self.end_of(body[index])

    def comments_before(self, body: list[ast.stmt], index: int, header: int) -> list[str]:
        """The comment lines that lead `body[index]` (see `region`)."""
        start, _ = self.region(body, index, header)
        lines = self.lines[start - 1 : first_line(body[index]) - 1]
        return [line.strip() for line in lines if line.lstrip().startswith("#")]

    def bare(self, node: ast.stmt) -> str:
        """A statement's code as a template renders it: without the lines that lead it, at
        column 0, four spaces a level and "\n" line ends (the inverse of `indented`)."""
        code = "".join(line.rstrip("\r\n") + "\n" for line in self.lines[first_line(node) - 1 : self.end_of(node)])
        prefix, unit = self.indent_of(node), self.unit_of(node)
        if not prefix and unit == "    ":
            return code
        literal = _string_continuations(code)
        out = []
        for number, line in enumerate(code.splitlines(keepends=True), start=1):
            if number not in literal and line.startswith(prefix):
                line = line[len(prefix) :]
                levels = 0
                while line.startswith(unit, levels * len(unit)):
                    levels += 1
                line = "    " * levels + line[levels * len(unit) :]
            out.append(line)
        return "".join(out)

    def without(self, cuts: dict[tuple[int, int], str]) -> str:
        """The text with each span of lines (first, last: 1-based, inclusive; the spans apart)
        replaced by its text."""
        lines = list(self.lines)
        unended = bool(lines) and not _line_end(lines[-1])
        for (first, last), replacement in sorted(cuts.items(), reverse=True):
            lines[first - 1 : last] = [replacement]
        text = "".join(lines)
        if unended and any(last == len(self.lines) for _, last in cuts):
            # The module ended without a line end, and so it does again (see `insert_after`).
            text = text.removesuffix(_line_end(text))
        return text

    def insert_after(self, line: int, code: str) -> str:
        """The text with `code` (whole lines, each ended) inserted after line `line`."""
        lines = list(self.lines)
        newline = self.newline
        code = code.replace("\n", newline) if newline != "\n" else code
        if line == len(lines) and lines and not _line_end(lines[-1]):
            # The module ends without a line end: the old last line gets one, the new one not.
            lines[-1] += newline
            code = code.removesuffix(newline)
        lines[line:line] = [code]
        return "".join(lines)


def append_code(text: str, code: str) -> str:
    """A module's text with `code` (whole lines) at its end, after two blank lines, its lines
    ended as the module ends its own."""
    newline = next((end for end in map(_line_end, split_lines(text)) if end), "\n")
    code = code.lstrip("\n")
    code = code.replace("\n", newline) if newline != "\n" else code
    return text.rstrip("\r\n") + newline * 3 + code


#: what libcst's FunctionDef covers: a definition, async or not
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def first_line(node: ast.stmt) -> int:
    """A statement's first line: its first decorator's, if it has any."""
    decorators: list[ast.expr] = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def last_line(node: ast.stmt) -> int:
    """A statement's last line: its body's last, for a compound statement."""
    return node.end_lineno or node.lineno


def names_in(node: ast.AST) -> set[str]:
    """The names a piece of code reads or binds."""
    return {n.id for n in walk(node) if isinstance(n, ast.Name)}


def indented(code: str, prefix: str, unit: str) -> str:
    """Rendered code (black's four spaces a level) indented by `prefix`, a block's indent, its
    levels written with `unit` (the module's own: tabs, two spaces, four…).

    Lines inside a string that spans lines are left alone: indenting them would change the
    string.
    """
    literal = _string_continuations(code)
    out = []
    for number, line in enumerate(code.splitlines(keepends=True), start=1):
        if number in literal or not line.strip():
            out.append(line)
            continue
        body = line.lstrip(" ")
        levels, extra = divmod(len(line) - len(body), 4)
        out.append(prefix + unit * levels + " " * extra + body)
    return "".join(out)


def _line_end(line: str) -> str:
    return next((end for end in ("\r\n", "\r", "\n") if line.endswith(end)), "")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t\f"))]


def _string_continuations(code: str) -> set[int]:
    """The lines (1-based) that continue a token begun on an earlier line: a string's inside."""
    rows: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.start[0] < token.end[0] and token.type not in (tokenize.NL, tokenize.NEWLINE):
                rows.update(range(token.start[0] + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass  # code that does not tokenize is refused by the syntax check of the plan
    return rows
