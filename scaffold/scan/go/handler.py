"""Checklist item 2, the handler, in Go: every function of a resource file that takes the
request Context first (`getUser(c *Context, w http.ResponseWriter, r *http.Request)`), with
what it validates, which permission it checks, whether it reads a body or answers 304, and
the success status it writes.
"""

from __future__ import annotations

from tree_sitter import Node

from scaffold.naming import to_snake
from scaffold.scan.facts import Location
from scaffold.scan.go.route import registrations
from scaffold.scan.go.syntax import function_name, line, matches, names, parameters, parse_go, text
from scaffold.scan.handler import Handler
from scaffold.scan.route import RawRoute

#: net/http's names of the success statuses a handler may write.
SUCCESS_STATUSES = {
    "StatusOK": 200,
    "StatusCreated": 201,
    "StatusAccepted": 202,
    "StatusNonAuthoritativeInfo": 203,
    "StatusNoContent": 204,
    "StatusResetContent": 205,
    "StatusPartialContent": 206,
}

# Filtered by the query engine: a handler's body has thousands of nodes, a few of them matter.
_USES = """
(call_expression function: (selector_expression field: (field_identifier) @name)
  (#match? @name "^(Require.+|SetPermissionError|HandleEtag|WriteHeader)$")) @call
(selector_expression operand: (identifier) field: (field_identifier) @body (#eq? @body "Body")) @selector
(selector_expression operand: (selector_expression field: (field_identifier) @params (#eq? @params "Params"))
  field: (field_identifier)) @selector
"""


def handlers_facts(
    text_: str, path: str, init_prefix: str
) -> tuple[tuple[RawRoute, ...], tuple[Handler, ...]]:
    """The routes registered in a file's Init functions, and its handlers."""
    tree = parse_go(text_, path)
    handlers = []
    for function in tree.root_node.named_children:
        if function.type != "function_declaration":
            continue
        params = parameters(function)
        if len(params) >= 3 and params[0][1].lstrip("*").split(".")[-1] == "Context":
            handlers.append(_handler(function, path, params[0][0], params[2][0]))
    return tuple(registrations(tree, init_prefix)), tuple(handlers)


def _handler(function: Node, path: str, context: str, request: str) -> Handler:
    validates: list[str] = []
    permissions: list[str] = []
    params_read: list[str] = []
    etag = reads_body = False
    success: int | None = None
    body = function.child_by_field_name("body")
    uses = matches(_USES, body) if body is not None else []
    for use in uses:
        if "call" not in use:
            continue
        call, method = use["call"], text(use["name"])
        receiver = _root(call.child_by_field_name("function"))
        if receiver == context and method.startswith("Require") and len(method) > len("Require"):
            validates.append(to_snake(method[len("Require") :]))
        elif receiver == context and method == "SetPermissionError":
            permissions += _permissions(call)
        elif receiver == context and method == "HandleEtag":
            etag = True
        elif method == "WriteHeader" and success is None:
            success = _success(call)
    for use in uses:
        chain = names(use["selector"]) if "selector" in use else []
        if chain == [request, "Body"]:
            reads_body = True
        elif len(chain) == 3 and chain[:2] == [context, "Params"]:
            params_read.append(to_snake(chain[2]))
    return Handler(
        name=function_name(function),
        module=path,
        location=Location(path, line(function)),
        validates=tuple(dict.fromkeys(validates)),
        permissions=tuple(dict.fromkeys(permissions)),
        etag=etag,
        reads_body=reads_body,
        app_calls=(),  # the app layer is read only to write Python
        params_read=tuple(dict.fromkeys(params_read)),
        # net/http answers 200 unless the handler writes another status first
        success=success or 200,
    )


def _root(node: Node | None) -> str | None:
    """The name a chain of calls and selectors starts from: `c.RequireUserId().RequireTeamId` → c."""
    while node is not None and node.type in ("selector_expression", "call_expression"):
        node = node.child_by_field_name(
            "operand" if node.type == "selector_expression" else "function"
        )
    return text(node) if node is not None and node.type == "identifier" else None


def _permissions(call: Node) -> list[str]:
    """`c.SetPermissionError(model.PermissionManageSystem)` → ['manage_system']."""
    arguments = call.child_by_field_name("arguments")
    found = []
    for argument in arguments.named_children if arguments else []:
        chain = names(argument)
        if len(chain) == 2 and chain[1].startswith("Permission") and chain[1] != "Permission":
            found.append(to_snake(chain[1][len("Permission") :]))
    return found


def _success(call: Node) -> int | None:
    """The status of `w.WriteHeader(http.StatusCreated)` when it is a success, else None."""
    arguments = call.child_by_field_name("arguments")
    argument = arguments.named_children[0] if arguments and arguments.named_children else None
    if argument is None:
        return None
    chain = names(argument)
    if len(chain) == 2 and chain[0] == "http":
        return SUCCESS_STATUSES.get(chain[1])
    if argument.type == "int_literal" and text(argument).isdigit():
        status = int(text(argument))
        return status if 200 <= status < 300 else None
    return None
