"""The handler mutants the generated tests must catch, as edits of a handler's source.

Each mutant is the bug a case of the matrix exists for:

    no-permission      the permission check removed                          (403)
    everyone           the permission replaced by one every logged-in user holds (403)
    admin-only         the permission replaced by one only the admin holds     (success)
    empty-body         the success body replaced by {}                         (success)
    success-status     the success status changed                             (success)
    no-validation      the URL and body validation removed                    (400)

A mutant that does not apply to a handler (no permission check, nothing validated) is `None`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from scaffold.text.python import Source, attr_chain

MUTANTS = ("no-permission", "everyone", "admin-only", "empty-body", "success-status", "no-validation")


def mutate(text: str, handler: str, mutant: str, *, everyone: str, admin_only: str) -> str | None:
    """The module `text` with `mutant` applied to the function `handler`, or None."""
    source = Source.parse(text, "<handler>")
    function = source.top_level((ast.FunctionDef,), handler)
    assert isinstance(function, ast.FunctionDef), handler
    edits: dict[str, Callable[[], dict[tuple[int, int, int, int], str] | None]] = {
        "no-permission": lambda: _without_permission_check(function),
        "everyone": lambda: _permission_replaced(function, everyone),
        "admin-only": lambda: _permission_replaced(function, admin_only),
        "empty-body": lambda: _success_replaced(function, body=True),
        "success-status": lambda: _success_replaced(function, body=False),
        "no-validation": lambda: _without_validation(function),
    }
    spans = edits[mutant]()
    return None if not spans else _apply(source, spans)


Span = tuple[int, int, int, int]  # first line, first column, last line, end column (ast's)


def _apply(source: Source, spans: dict[Span, str]) -> str:
    lines = source.text.splitlines(keepends=True)
    for (line, col, end_line, end_col), replacement in sorted(spans.items(), reverse=True):
        head = lines[line - 1].encode()[:col].decode()
        tail = lines[end_line - 1].encode()[end_col:].decode()
        lines[line - 1 : end_line] = [head + replacement + tail]
    return "".join(lines)


def _span(node: ast.AST) -> Span:
    return (node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)  # type: ignore[attr-defined]


def _calls(node: ast.AST, name: str) -> list[ast.Call]:
    return [
        n for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr.startswith(name)
    ]


def _permission_if(function: ast.FunctionDef) -> ast.If | None:
    """The `if not <check>: c.set_permission_error(...)` of the handler."""
    return next(
        (s for s in ast.walk(function) if isinstance(s, ast.If) and _calls(ast.Module(body=s.body, type_ignores=[]), "set_permission_error")),
        None,
    )


def _without_permission_check(function: ast.FunctionDef) -> dict[Span, str] | None:
    statement = _permission_if(function)
    return None if statement is None else {_span(statement): "pass"}


def _permission_replaced(function: ast.FunctionDef, permission: str) -> dict[Span, str] | None:
    statement = _permission_if(function)
    if statement is None:
        return None
    spans: dict[Span, str] = {}
    for call in _calls(statement.test, "session_has_permission"):
        named = [a for a in call.args[1:] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if named:
            spans[_span(named[-1])] = repr(permission)
        else:  # the check's own default: pass the replacement after the resource
            spans[_span(call.args[-1])] = f"{ast.unparse(call.args[-1])}, {permission!r}"
    return spans or None


def _returns(function: ast.FunctionDef) -> list[ast.Return]:
    """The returns that write the success response (`c.json(...)`, `c.status_ok()`)."""
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            chain = attr_chain(node.value.func)
            if chain in (["c", "json"], ["c", "status_ok"]):
                found.append(node)
    return found


def _success_replaced(function: ast.FunctionDef, *, body: bool) -> dict[Span, str] | None:
    spans = {}
    for statement in _returns(function):
        call = statement.value
        assert isinstance(call, ast.Call)
        if attr_chain(call.func) == ["c", "status_ok"]:
            value, status = '{"status": "OK"}', 200
        else:
            value = ast.unparse(call.args[0]) if call.args else "None"
            given = next((k.value for k in call.keywords if k.arg == "status"), None)
            status = given.value if isinstance(given, ast.Constant) and isinstance(given.value, int) else 200
        if body:
            spans[_span(call)] = f"c.json({{}}, status={status})"
        else:
            spans[_span(call)] = f"c.json({value}, status={201 if status == 200 else 200})"
    return spans or None


def _without_validation(function: ast.FunctionDef) -> dict[Span, str] | None:
    """The `c.require_*()` calls, and the `if …: c.set_invalid_param(…)` checks, gone."""
    spans = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            if any(name.startswith("require_") for name in attr_chain(node.value.func)) or _calls(node, "require_"):
                spans[_span(node)] = "pass"
        elif isinstance(node, ast.If) and _calls(ast.Module(body=node.body, type_ignores=[]), "set_invalid_"):
            spans[_span(node)] = "pass"
    return spans or None
