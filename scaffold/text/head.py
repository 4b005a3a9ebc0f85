"""A module's head — its docstring, imports and constants — read with the stdlib parser.

Imports go to a module's head and come out of it, and most edits change no import: the module
has it already, or still uses it. That is told here with the stdlib alone; only an edit that
changes the imports goes on to `scaffold.text.cst`, and only then is libcst loaded (a sixth of
a second).
"""

from __future__ import annotations

import ast
import re
import symtable
from collections.abc import Sequence

from scaffold.naming import spelt
from scaffold.text.format import format_code
from scaffold.text.import_order import import_order
from scaffold.text.python import names_in

#: How a line opens the body of a module: its first definition.
_BODY_START = ("def ", "async def ", "class ", "@", "if __name__")


def split_head(text: str) -> tuple[str, str]:
    """The module's head (docstring, imports, constants) and the rest, from its first
    top-level `def`/`class`/decorator on.

    Imports are added to the head alone, so a 50,000-line test module is not parsed and
    regenerated to add one name; libcst keeps the head's bytes as they were.
    """
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith(_BODY_START):
            # Blank lines and comments just above the first definition belong to it.
            start = number
            while start > 0 and (not lines[start - 1].strip() or lines[start - 1].startswith("#")):
                start -= 1
            head = "".join(lines[:start])
            try:
                ast.parse(head)
            except SyntaxError:
                break  # the line is inside a string, say: no head to split off
            return head, "".join(lines[start:])
    return text, ""


def head_edit_parses(before: str, after: str) -> bool:
    """`after` is `before` with another head, and that head parses: the rest of the module
    starts where a top-level statement did, so the whole parses as `before` did."""
    if after == before:
        return True
    _, rest = split_head(before)
    if not rest or not after.endswith(rest):
        return False
    try:
        ast.parse(after[: len(after) - len(rest)])
    except SyntaxError:
        return False
    return True


def present_imports(head: str) -> set[tuple[str, str | None, str | None]]:
    """The absolute (module, name, alias) imports at the top level of `head`, as `add_imports`
    names them (name None: `import module`); none when it does not parse."""
    try:
        tree = ast.parse(head)
    except SyntaxError:
        return set()
    present: set[tuple[str, str | None, str | None]] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            present |= {(node.module, alias.name, alias.asname) for alias in node.names}
        elif isinstance(node, ast.Import):
            present |= {(alias.name, None, alias.asname) for alias in node.names}
    return present


def only_imports(text: str) -> bool:
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


def add_imports(
    text: str,
    path: str,
    imports: Sequence[tuple[str, str | None, str | None]],
    *,
    local: frozenset[str],
    line_length: int,
) -> str:
    """`text` with each (module, name, alias) import added to its head, where it lacks it."""
    head, rest = split_head(text)
    present = present_imports(head)
    missing = [wanted for wanted in imports if wanted not in present]
    if not missing:
        return text
    merged = joined_imports(head, missing, line_length)
    if merged is not None:
        return merged + rest
    from scaffold.text import cst

    return cst.add_imports(head, rest, path, missing, local=local, line_length=line_length)


def joined_imports(
    head: str, imports: Sequence[tuple[str, str | None, str | None]], line_length: int
) -> str | None:
    """`head` with each `from module import name` joined to the `from module import ...` it
    has, written as `scaffold.text.cst.add_import` writes it (black's form, one name a line
    where the statement had its names on lines of their own); None where one needs a new
    statement, or the statement shares a line: then libcst places it (a sixth of a second to
    load, for the common case of one more name in a list)."""
    if "\r" in head:
        return None
    for module, name, alias in imports:
        if name is None:
            return None
        try:
            body = ast.parse(head).body
        except SyntaxError:
            return None
        found = next(
            (
                (index, node)
                for index, node in enumerate(body)
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == module
            ),
            None,
        )
        if found is None:
            return None
        index, statement = found
        first, last = statement.lineno, statement.end_lineno or statement.lineno
        shares = (index and (body[index - 1].end_lineno or 0) >= first) or (
            index + 1 < len(body) and body[index + 1].lineno <= last
        )
        if statement.col_offset or shares or any(a.name == "*" for a in statement.names):
            return None
        names = [(a.name, a.asname) for a in statement.names]
        keys = [import_order(n) for n, _ in names]
        position = sum(1 for key in keys if key < import_order(name)) if keys == sorted(keys) else len(names)
        names.insert(position, (name, alias))
        parts = [n + (f" as {a}" if a else "") for n, a in names]
        if last > first:
            code = f"from {module} import (\n" + "".join(f"    {part},\n" for part in parts) + ")\n"
        else:
            code = f"from {module} import {', '.join(parts)}\n"
        lines = head.splitlines(keepends=True)
        lines[first - 1 : last] = [format_code(code, line_length)]
        head = "".join(lines)
    return head


def drop_unused_imports(
    text: str, candidates: set[str], line_length: int, *, used: frozenset[str] | set[str] = frozenset()
) -> str:
    """Remove imports of `candidates` that nothing in the module uses any more; `used`: names
    the caller has seen the module still use."""
    head, rest = split_head(text)
    # Only what the head imports can go (a removed function's own name, its local variables
    # are not imported): the others are never looked for, and libcst is loaded only to drop.
    bound = _imported_names(head)
    unused = unused_names(text, (candidates if bound is None else candidates & bound) - used)
    if not unused:
        return text
    from scaffold.text import cst

    # Imports are added to a module's head: they are taken out of it too, and the rest of a
    # 50,000-line test module is neither parsed nor printed again.
    return cst.drop_imports(head, rest, unused, line_length)


def _imported_names(head: str) -> set[str] | None:
    """The names the top-level imports of `head` bind (`import a.b` binds `a`), relative
    ones too; None where the head does not parse (libcst then says why)."""
    try:
        tree = ast.parse(head)
    except SyntaxError:
        return None
    return {
        alias.asname or alias.name.partition(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }


def unused_names(text: str, candidates: set[str]) -> set[str]:
    """The `candidates` no code of the module uses: no Name node of its ast has them (every
    use of a name, `name.attr` included, is one).

    Walking the ast of a 16,000-line test module costs a quarter of a second; its symbol
    table, built in C, a third of that, and settles the common case: a name some scope
    references is used. Annotations are references too: symtable skips them under `from
    __future__ import annotations`, so it reads the module without that line. A name no scope
    references that the text never spells outside the head's import statements is unused; any
    other (spelt in a comment, a string, an attribute) is left to the ast.
    """
    if not candidates:
        return set()
    evaluated = _FUTURE_ANNOTATIONS.sub("pass", text)
    doubtful = candidates - _referenced(symtable.symtable(evaluated, "<module>", "exec"), candidates)
    if not doubtful:
        return set()
    head, rest = split_head(text)
    outside_imports = _without_imports(head) + rest
    written = {name for name in doubtful if spelt(name, outside_imports)}
    if not written:
        return doubtful
    return doubtful - (written & names_in(ast.parse(text)))


#: The future import that keeps annotations out of the symbol table (alone on its line).
_FUTURE_ANNOTATIONS = re.compile(r"^from __future__ import annotations[ \t]*(?=#|\r?$)", re.MULTILINE)


def _referenced(table: symtable.SymbolTable, names: set[str]) -> set[str]:
    """The `names` some scope of `table` reads or assigns."""
    found: set[str] = set()
    tables = [table]
    while tables:
        scope = tables.pop()
        for name in names - found:
            try:
                symbol = scope.lookup(name)
            except KeyError:
                continue
            if symbol.is_referenced() or symbol.is_assigned():
                found.add(name)
        tables.extend(scope.get_children())
    return found


def _without_imports(head: str) -> str:
    """The head with its top-level import statements blanked out, line for line."""
    lines = head.splitlines(keepends=True)
    for node in ast.parse(head).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for index in range(node.lineno - 1, node.end_lineno or node.lineno):
                lines[index] = "\n"
    return "".join(lines)
