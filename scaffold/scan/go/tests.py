"""Checklist item 4, the tests, in Go: each `TestXxx(t *testing.T)` (and each helper taking
the `t`), the driver methods it calls, and the status it asserts of each response — `CheckForbiddenStatus(t, resp)` after
`_, resp, err := th.Client.GetUser(...)` — sub-tests and helper closures included.

A driver is called through a client: a name the layout's patterns match (`th.Client`,
`th.SystemAdminClient`, `client`) or a parameter declared with the driver's type
(`func(t *testing.T, c *model.Client4)`), so `th.App.GetUser(...)` is not mistaken for one.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from tree_sitter import Node

from scaffold.scan.facts import Location
from scaffold.scan.go.syntax import function_name, line, matches, parameters, parse_go, text
from scaffold.scan.tests import StatusCheck, TestCase

_EVENTS = """
(short_var_declaration left: (expression_list) @left right: (expression_list) @right) @assign
(assignment_statement left: (expression_list) @left right: (expression_list) @right) @assign
(call_expression function: (selector_expression operand: (_) @receiver field: (field_identifier) @method)) @call
(call_expression function: (identifier) @check arguments: (argument_list (identifier) @response .)) @status
(parameter_declaration type: (_) @type) @typed
(var_spec type: (_) @type) @typed
"""
#: The capture that spans each kind of event, whose start orders them.
_OUTER = ("assign", "call", "status", "typed")


def tests_facts(
    text_: str, path: str, checks: dict[str, int], clients: tuple[str, ...], driver_type: str
) -> list[TestCase]:
    tree = parse_go(text_, path)
    return [
        _test_case(node, path, checks, clients, driver_type)
        for node in tree.root_node.named_children
        if node.type == "function_declaration" and _is_test(node)
    ]


def _is_test(function: Node) -> bool:
    """`func TestXxx(t *testing.T)`, as `go test` runs them, and the helpers they share that
    assert statuses themselves (`postAndCheck(t *testing.T, client *model.Client4, ...)`)."""
    name = function_name(function)
    kinds = [kind for _, kind in parameters(function)]
    if name.startswith("Test") and not name[4:5].islower():
        return kinds == ["*testing.T"]
    return any(kind in ("*testing.T", "testing.TB") for kind in kinds)


def _test_case(
    node: Node, path: str, checks: dict[str, int], clients: tuple[str, ...], driver_type: str
) -> TestCase:
    events = [(next(e[k] for k in _OUTER if k in e).start_byte, e) for e in matches(_EVENTS, node)]
    events.sort(key=lambda pair: pair[0])
    typed: set[str] = set()
    for _, event in events:
        if "typed" in event and text(event["type"]).split(".")[-1].lstrip("*") == driver_type:
            typed.update(text(n) for n in event["typed"].children_by_field_name("name"))
    named: dict[str, bool] = {}

    def client_name(name: str) -> bool:
        if name not in named:
            named[name] = any(fnmatchcase(name, p) for p in clients)
        return name in typed or named[name]

    def holds_client(node: Node | None) -> bool:
        """`th.Client`, `client`, or `th.CreateClient()`: an expression whose value is a driver."""
        if node is not None and node.type == "call_expression":
            node = node.child_by_field_name("function")  # a call that makes one
        if node is None:
            return False
        if node.type == "identifier":
            return client_name(text(node))
        if node.type == "selector_expression":
            return client_name(text(node.child_by_field_name("field")))
        return False

    def client_call(call: Node) -> str | None:
        """`th.Client.GetUser(...)` → GetUser, when the receiver holds a driver."""
        function = call.child_by_field_name("function")
        if function is None or function.type != "selector_expression":
            return None
        if not holds_client(function.child_by_field_name("operand")):
            return None
        return text(function.child_by_field_name("field"))

    produced_by: dict[str, str] = {}  # response variable → the driver method that returned it
    calls: list[str] = []
    found: list[StatusCheck] = []
    # In document order, so `resp` is the response of the latest call that assigned it.
    for _, event in events:
        if "assign" in event:
            values = event["right"].named_children
            method = client_call(values[0]) if len(values) == 1 and values[0].type == "call_expression" else None
            for target in event["left"].named_children:
                if target.type != "identifier" or text(target) == "_":
                    continue
                if method is None and len(values) == 1 and holds_client(values[0]):
                    typed.add(text(target))  # `c := th.Client`, `client2 := th.CreateClient()`
                if method is not None:
                    produced_by[text(target)] = method
                else:
                    produced_by.pop(text(target), None)
        elif "call" in event:
            if holds_client(event["receiver"]):
                calls.append(text(event["method"]))
        elif "status" in event:
            status = checks.get(text(event["check"]))
            response = produced_by.get(text(event["response"])) if status is not None else None
            if status is not None and response is not None:
                found.append(StatusCheck(response, status, Location(path, line(event["status"]))))
    return TestCase(
        function_name(node),
        Location(path, line(node)),
        tuple(dict.fromkeys(calls)),
        tuple(found),
        xfail=False,  # Go has no expected failures: a case is asserted or it is not
        xfail_reason=None,
    )
