"""Python edits with libcst: insert statements, functions and methods; add imports.

libcst keeps every byte it was not asked to change, so the rest of a module — comments,
blank lines, quoting — comes out exactly as it went in. New code is rendered from a template,
parsed, and placed as nodes; a parse failure is reported against the template, not the repo.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence

import libcst as cst

from scaffold.errors import RepoLayoutError
from scaffold.text.format import format_code
from scaffold.text.import_order import import_order


@functools.lru_cache(maxsize=8)
def parse_module(text: str, path: str) -> cst.Module:
    """Parse a module; the same text is parsed once per process (libcst trees are immutable)."""
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as err:
        raise RepoLayoutError(
            f"Python syntax error: {err.message}",
            hint="fix the module so that it parses, then run the command again",
            path=path,
            line=err.raw_line,
        ) from None


def parse_snippet(code: str) -> list[cst.BaseStatement]:
    """The statements of rendered template code (a bug in a template is an error here)."""
    try:
        return list(cst.parse_module(code).body)
    except cst.ParserSyntaxError as err:
        raise RepoLayoutError(
            f"a template rendered code that does not parse: {err.message}",
            hint="fix the overriding template in .scaffold/templates",
            line=err.raw_line,
        ) from None


def statements_of(node: cst.FunctionDef | cst.ClassDef) -> list[cst.BaseStatement]:
    """The statements of a function's or class's indented body."""
    if not isinstance(node.body, cst.IndentedBlock):
        raise RepoLayoutError(
            f"{node.name.value} is written on one line",
            hint="give it an indented body so that statements can be added to it",
        )
    return list(node.body.body)


def top_level_function(module: cst.Module, name: str) -> int | None:
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return index
    return None


def insert_in_function(
    module: cst.Module,
    function_index: int,
    statement: cst.BaseStatement,
    after: Callable[[cst.BaseStatement], bool],
) -> cst.Module:
    """Insert `statement` in a top-level function's body, after the last statement matching
    `after` (or at the end of the body)."""
    function = module.body[function_index]
    assert isinstance(function, cst.FunctionDef)
    block = function.body
    assert isinstance(block, cst.IndentedBlock)
    body = list(block.body)
    matching = [i for i, s in enumerate(body) if after(s)]
    position = matching[-1] + 1 if matching else len(body)
    body.insert(position, statement)
    new_function = function.with_changes(body=block.with_changes(body=body))
    module_body = list(module.body)
    module_body[function_index] = new_function
    return module.with_changes(body=module_body)


def add_import(
    module: cst.Module,
    from_module: str,
    obj: str | None,
    asname: str | None = None,
    *,
    local: frozenset[str] = frozenset(),
    line_length: int = 100,
) -> cst.Module:
    """Add `from from_module import obj [as asname]` (or `import from_module`) unless present.

    A name joins an existing `from from_module import ...`; a new statement goes at the end of
    its isort group (future, standard library, third party, this repo), so the imports stay
    sorted as they were.
    """
    if obj is not None:
        merged = _merge_from_import(module, from_module, obj, asname, line_length)
        if merged is not None:
            return merged
    if _imports(module, from_module, obj, asname):
        return module
    if obj is None:
        code = f"import {from_module}" + (f" as {asname}" if asname else "")
    else:
        code = f"from {from_module} import {obj}" + (f" as {asname}" if asname else "")
    statement = cst.parse_statement(code + "\n")
    group = _group(from_module, local)
    imports = [
        (i, _group(_statement_module(s), local))
        for i, s in enumerate(module.body)
        if _statement_module(s) is not None
    ]
    same = [i for i, g in imports if g == group]
    before = [i for i, g in imports if g < group]
    if same:
        # Within the group, before the first statement that sorts after ours.
        later = [i for i in same if _sort_key(_statement_module(module.body[i]) or "") > _sort_key(from_module)]
        position = later[0] if later else same[-1] + 1
        if later and position == same[0]:
            # Taking the first place of the group: inherit its leading blank line.
            first = module.body[position]
            statement = statement.with_changes(leading_lines=first.leading_lines)
            module = module.with_changes(
                body=[*module.body[:position], first.with_changes(leading_lines=[]), *module.body[position + 1 :]]
            )
    elif before:
        position = before[-1] + 1
        statement = statement.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
    elif imports or module.body:
        # A new first group: before the first import, else after the docstring.
        position = imports[0][0] if imports else int(_is_docstring(module.body[0]))
        if position < len(module.body):
            # The blank lines that led the next statement lead this one; its comments stay.
            following = module.body[position]
            lead = list(following.leading_lines)
            blanks = next((i for i, line in enumerate(lead) if line.comment is not None), len(lead))
            statement = statement.with_changes(leading_lines=lead[:blanks])
            module = module.with_changes(
                body=[
                    *module.body[:position],
                    following.with_changes(leading_lines=[cst.EmptyLine(indent=False), *lead[blanks:]]),
                    *module.body[position + 1 :],
                ]
            )
        else:
            statement = statement.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
    else:
        position = 0
        module = module.with_changes(has_trailing_newline=True)  # an empty module gets a line
    body = list(module.body)
    body.insert(position, statement)
    return module.with_changes(body=body)


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def _merge_from_import(
    module: cst.Module, from_module: str, obj: str, asname: str | None, line_length: int
) -> cst.Module | None:
    """Add a name to an existing `from from_module import ...`; None when there is none."""
    for index, statement in enumerate(module.body):
        if not (isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.ImportFrom)):
            continue
        node = statement.body[0]
        if node.relative or _dotted(node.module) != from_module or isinstance(node.names, cst.ImportStar):
            continue
        names = [
            (_dotted(alias.name) or "", asname_of(alias))
            for alias in node.names
        ]
        if (obj, asname) in names:
            return module
        keys = [import_order(name) for name, _ in names]
        if keys == sorted(keys):
            position = sum(1 for key in keys if key < import_order(obj))
        else:
            position = len(names)
        names.insert(position, (obj, asname))
        parts = [name + (f" as {alias}" if alias else "") for name, alias in names]
        if "\n" in code_of(node):  # written one name a line (leading comments aside)
            code = f"from {from_module} import (\n" + "".join(f"    {part},\n" for part in parts) + ")\n"
        else:
            code = f"from {from_module} import {', '.join(parts)}\n"
        replacement = cst.parse_statement(format_code(code, line_length))
        replacement = replacement.with_changes(leading_lines=statement.leading_lines)
        body = list(module.body)
        body[index] = replacement
        return module.with_changes(body=body)
    return None


def asname_of(alias: cst.ImportAlias) -> str | None:
    """The `as` name of an import alias, if it has one."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def _dotted(node: cst.BaseExpression | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def _statement_module(statement: cst.BaseStatement) -> str | None:
    if not isinstance(statement, cst.SimpleStatementLine) or not statement.body:
        return None
    node = statement.body[0]
    if isinstance(node, cst.ImportFrom):
        return "." if node.relative else _dotted(node.module)
    if isinstance(node, cst.Import):
        return _dotted(node.names[0].name)
    return None


def _imports(module: cst.Module, from_module: str, obj: str | None, asname: str | None) -> bool:
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine) or not statement.body:
            continue
        node = statement.body[0]
        if obj is None and isinstance(node, cst.Import):
            for alias in node.names:
                if _dotted(alias.name) == from_module and (
                    asname_of(alias) == asname
                ):
                    return True
    return False


def _group(module: str | None, local: frozenset[str]) -> int:
    if module is None:
        return 9
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    if top in sys.stdlib_module_names:
        return 1
    if top in local or module.startswith("."):
        return 3
    return 2


def _sort_key(module: str) -> str:
    return module.lower()


def code_of(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def add_imports(
    head: str,
    rest: str,
    path: str,
    imports: Sequence[tuple[str, str | None, str | None]],
    *,
    local: frozenset[str],
    line_length: int,
) -> str:
    """The module `head + rest` (`scaffold.text.head.split_head`) with each (module, name,
    alias) import added to its head (see `add_import`)."""
    try:
        module = cst.parse_module(head)
    except cst.ParserSyntaxError:
        head, rest = head + rest, ""
        module = parse_module(head, path)
    for from_module, name, alias in imports:
        module = add_import(module, from_module, name, alias, local=local, line_length=line_length)
    return module.code + rest


def drop_imports(head: str, rest: str, unused: set[str], line_length: int) -> str:
    """Remove the imports of `unused` (names nothing in the module uses any more; see
    `scaffold.text.head.drop_unused_imports`)."""
    module = cst.parse_module(head)
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
                if isinstance(node, cst.ImportFrom):
                    source = "." * len(node.relative) + (code_of(node.module) if node.module else "")
                    code = f"from {source} import {', '.join(parts)}\n"
                else:
                    code = f"import {', '.join(parts)}\n"
                replacement = cst.parse_statement(format_code(code, line_length))
                body[index] = replacement.with_changes(leading_lines=statement.leading_lines)
        index += 1
    return module.with_changes(body=body).code + rest
