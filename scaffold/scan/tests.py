"""Checklist item 4, the tests: each test function, the driver methods it calls, and the
status it asserts of each response (`check_*_status(resp)` after `resp = client.x(...)`)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import NamedTuple

from scaffold.model.statuses import STATUS_OF_CHECK
from scaffold.scan.facts import Location
from scaffold.text.python import attr_chain, const_str, parse_python


class StatusCheck(NamedTuple):
    driver_method: str
    status: int
    location: Location


class TestCase(NamedTuple):
    """One test function (a named tuple: see `scaffold.scan.facts.Location`)."""

    name: str
    location: Location
    driver_calls: tuple[str, ...]
    checks: tuple[StatusCheck, ...]
    xfail: bool
    xfail_reason: str | None



def tests_facts(text: str, path: str) -> list[TestCase]:
    tree = parse_python(text, path)
    return [
        _test_case(node, path)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]


def tests_facts_after_cuts(before: str, after: str, kept: list[TestCase]) -> list[TestCase] | None:
    """The facts of a test module that only lost whole top-level statements, from `kept`, the
    facts of its text `before`: each test that is left is the same text on other lines, and
    its facts come from its own function alone. None where the `def` lines of `before` are not
    exactly those of its tests (a name defined twice, one in a string), or the tests of
    `after` are not those of `before` less some: the module must then be read."""
    old = _test_defs(before)
    index = {name: i for i, (name, _) in enumerate(old)}
    if old != [(case.name, case.location.line) for case in kept] or len(index) != len(old):
        return None
    facts: list[TestCase] = []
    last = -1
    for name, line in _test_defs(after):
        i = index.get(name, -1)
        if i <= last:
            return None
        last = i
        facts.append(_moved(kept[i], line - kept[i].location.line))
    return facts


#: The header of a test function at the start of a line, as the top level has one.
_TEST_DEF = re.compile(r"^def[ \t]+(test_\w*)[ \t]*\(", re.MULTILINE)


def _test_defs(text: str) -> list[tuple[str, int]]:
    """(name, line) of each `def test_…(` that starts a line, lines counted at each line feed
    (a lone carriage return, a line end to Python, puts the tests after it on other lines
    than their facts have)."""
    found, line, position = [], 1, 0
    for match in _TEST_DEF.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        found.append((match.group(1), line))
    return found


def _moved(case: TestCase, lines: int) -> TestCase:
    """`case`, its function `lines` further down (a thousand of them: built, not `replace`d)."""
    if not lines:
        return case
    checks = tuple(
        StatusCheck(check.driver_method, check.status, Location(check.location.path, check.location.line + lines))
        for check in case.checks
    )
    location = Location(case.location.path, case.location.line + lines)
    return TestCase(case.name, location, case.driver_calls, checks, case.xfail, case.xfail_reason)


def _test_case(node: ast.FunctionDef, path: str) -> TestCase:
    produced_by: dict[str, str] = {}  # response variable → the driver method that returned it
    calls: list[str] = []
    checks: list[StatusCheck] = []
    # Statement by statement, in order, so `resp` is the response of the latest call. A test
    # is a few flat statements; only the rare other one is walked node by node.
    for statement in _statements(node.body):
        value = statement.value if isinstance(statement, (ast.Assign, ast.Expr)) else None
        if not isinstance(value, ast.Call):
            calls += [m for m in map(_driver_call, _calls_in(statement)) if m is not None]
            continue
        method = _driver_call(value)
        if method is not None:
            calls.append(method)
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                for name in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(name, ast.Name):
                        if method is not None:
                            produced_by[name.id] = method
                        else:
                            produced_by.pop(name.id, None)
            continue
        check = value.func.id if isinstance(value.func, ast.Name) else None
        if check in STATUS_OF_CHECK and value.args:
            response = value.args[-1]
            if isinstance(response, ast.Name) and response.id in produced_by:
                status = STATUS_OF_CHECK[check]
                checks.append(
                    StatusCheck(produced_by[response.id], status, Location(path, value.lineno))
                )
    xfail, reason = False, None
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if attr_chain(target)[-2:] == ["mark", "xfail"]:
            xfail = True
            if isinstance(decorator, ast.Call):
                reason = next(
                    (const_str(k.value) for k in decorator.keywords if k.arg == "reason"), None
                )
    return TestCase(
        node.name,
        Location(path, node.lineno),
        tuple(dict.fromkeys(calls)),
        tuple(checks),
        xfail,
        reason,
    )


_COMPOUND_BODIES = ("body", "orelse", "finalbody", "handlers")
_SIMPLE = (ast.Assign, ast.Expr, ast.AnnAssign, ast.AugAssign, ast.Assert, ast.Return, ast.Pass)


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The simple statements of a block in order, those inside if/for/with/try included."""
    for statement in body:
        if isinstance(statement, _SIMPLE):
            yield statement
            continue
        blocks = [getattr(statement, name, None) for name in _COMPOUND_BODIES]
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or not any(
            blocks
        ):
            yield statement
            continue
        yield statement  # its own header (a test, an iterable, a context manager)
        for block in blocks:
            for item in block or ():
                yield from _statements(item.body if isinstance(item, ast.ExceptHandler) else [item])


def _calls_in(statement: ast.stmt) -> Iterator[ast.Call]:
    """The calls of a statement outside its nested blocks (those are visited on their own)."""
    nested = {id(s) for name in _COMPOUND_BODIES for s in getattr(statement, name, None) or ()}
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if id(child) not in nested)


def _driver_call(call: ast.Call) -> str | None:
    """`th.client.get_user(...)` or `client.get_user(...)` → `get_user`."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None  # most calls of a test are `check_*(resp)`: decided without a chain
    owner = func.value
    if isinstance(owner, ast.Name):
        return func.attr if "client" in owner.id else None
    if isinstance(owner, ast.Attribute) and "client" in owner.attr:
        return func.attr
    chain = attr_chain(func)
    return chain[-1] if len(chain) >= 3 and chain[0] == "th" else None
