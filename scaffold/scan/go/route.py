"""Checklist item 2, the route, in Go: the sub-routers of the route registry and the
registrations of each `InitXxx()`, read with tree-sitter.

The registry is a struct of `*mux.Router` fields, each commented with its full prefix
(`User *mux.Router // 'api/v4/users/{user_id:[A-Za-z0-9]+}'`), built in `Init()` as
`api.BaseRoutes.User = api.BaseRoutes.Users.PathPrefix("/{user_id:...}").Subrouter()`. What the
code builds is what is served: a prefix comes from the code when it can be followed, and from the
field's comment otherwise (the roots, built from values outside the file).
"""

from __future__ import annotations

from tree_sitter import Node, Tree

from scaffold.scan.facts import Location, under_prefix
from scaffold.scan.go.syntax import (
    call_parts,
    captures,
    function_name,
    functions,
    line,
    matches,
    names,
    parse_go,
    string_value,
    text,
)
from scaffold.scan.go.template import documented_paths
from scaffold.scan.route import RawRoute, Route

#: The methods the docs can hold an operation for; HEAD comes with GET and is not documented.
DOCUMENTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

_FIELDS = """
(type_spec name: (type_identifier) @name type: (struct_type) @struct)
"""
_ASSIGNMENTS = """
(assignment_statement left: (expression_list . (_) @target .) right: (expression_list . (_) @value .))
"""
_CALLS = """
(call_expression function: (selector_expression field: (field_identifier) @method)) @call
"""


def registry_facts(text_: str, path: str, registry: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The sub-routers of the routes file (name → full prefix, as a mux template) and the
    `api.InitXxx()` calls that register the routes of each resource."""
    tree = parse_go(text_, path)
    commented, accessors = _registry_fields(tree, registry)
    routers: dict[str, str] = {}
    for match in matches(_ASSIGNMENTS, tree.root_node):
        target, value = match["target"], match["value"]
        chain = names(target)
        if len(chain) < 3 or chain[-2] not in accessors or chain[-1] in routers:
            continue
        prefix = _built_prefix(value, accessors, {**commented, **routers})
        if prefix is not None:
            routers[chain[-1]] = prefix
    init_calls = tuple(
        chain[-1]
        for chain in (names(call.child_by_field_name("function")) for call in _calls(tree))
        if len(chain) == 2 and chain[-1].startswith("Init")
    )
    return {**commented, **routers}, init_calls


def _registry_fields(tree: Tree, registry: str) -> tuple[dict[str, str], frozenset[str]]:
    """The registry's fields with the prefix their comment gives, and the fields (of any
    struct) that hold a registry: `BaseRoutes *Routes`."""
    commented: dict[str, str] = {}
    accessors: set[str] = set()
    for match in matches(_FIELDS, tree.root_node):
        name, struct = match["name"], match["struct"]
        fields = next((c for c in struct.named_children if c.type == "field_declaration_list"), None)
        for field in fields.named_children if fields else []:
            if field.type != "field_declaration":
                continue
            kind = text(field.child_by_field_name("type")).lstrip("*")
            field_names = [text(n) for n in field.children_by_field_name("name")]
            if kind in (registry, f"*{registry}"):
                accessors.update(field_names)
            if text(name) == registry:
                comment = _trailing_comment(field)
                for field_name in field_names:
                    if comment is not None:
                        commented[field_name] = comment
    return commented, frozenset(accessors)


def _trailing_comment(field: Node) -> str | None:
    """The prefix in the comment after a field on its line: `// 'api/v4/users'` → `/api/v4/users`."""
    comment = field.next_sibling
    if comment is None or comment.type != "comment" or comment.start_point.row != field.end_point.row:
        return None
    value = text(comment).removeprefix("//").strip()
    if len(value) < 2 or value[0] != "'" or value[-1] != "'":
        return None
    value = value[1:-1].strip("/")
    return "/" + value if value else ""


def _built_prefix(value: Node, accessors: frozenset[str], known: dict[str, str]) -> str | None:
    """`api.BaseRoutes.Users.PathPrefix("/x").Subrouter()` → the prefix of Users + "/x"."""
    function = value.child_by_field_name("function") if value.type == "call_expression" else None
    if function is None or function.type != "selector_expression":
        return None
    inner = function.child_by_field_name("operand")
    if text(function.child_by_field_name("field")) != "Subrouter" or inner is None or inner.type != "call_expression":
        return None
    chain, args = call_parts(inner)
    if len(chain) < 4 or chain[-1] != "PathPrefix" or chain[-3] not in accessors or len(args) != 1:
        return None
    suffix = string_value(args[0])
    parent = known.get(chain[-2])
    return parent + suffix if parent is not None and suffix is not None else None


def _calls(tree: Tree) -> list[Node]:
    return captures(_CALLS, tree.root_node).get("call", [])


def registrations(tree: Tree, init_prefix: str) -> list[RawRoute]:
    """Every route registered in a file's `InitXxx()` functions: one per documented method.

    `api.BaseRoutes.User.Handle("/image", api.APISessionRequired(getProfileImage)).Methods("GET")`
    → (User, "/image", GET, APISessionRequired, getProfileImage); a wrapper around a wrapper
    (`api.RateLimitedHandler(api.APIHandler(login), ...)`) registers the innermost one.
    """
    routes = []
    for function in functions(tree):
        if not function_name(function).startswith(init_prefix):
            continue
        body = function.child_by_field_name("body")
        for call in captures(_CALLS, body).get("call", []) if body else []:
            route = _registration(call)
            if route is not None:
                routes += route
    return routes


def _registration(call: Node) -> list[RawRoute] | None:
    chain, args = call_parts(call)
    if len(chain) < 3 or chain[-1] not in ("Handle", "HandleFunc") or len(args) != 2:
        return None
    suffix = string_value(args[0])
    wrapped = _wrapped(args[1])
    methods = _methods(call)
    if suffix is None or wrapped is None or not methods:
        return None
    wrapper, handler = wrapped
    return [RawRoute(chain[-2], suffix, method, wrapper, handler, line(call)) for method in methods]


def _wrapped(node: Node) -> tuple[str, str] | None:
    """(wrapper, handler) of `api.Wrapper(handler, options...)`, unwrapping wrappers of wrappers."""
    while node.type == "call_expression":
        chain, args = call_parts(node)
        if not chain or not args:
            return None
        if args[0].type == "identifier":
            return chain[-1], text(args[0])
        node = args[0]
    return None


def _methods(handle: Node) -> list[str]:
    """The documented methods of `.Methods("GET", "HEAD")` chained on a Handle call."""
    selector = handle.parent
    if selector is None or selector.type != "selector_expression":
        return []
    if text(selector.child_by_field_name("field")) != "Methods" or selector.parent is None:
        return []
    _, args = call_parts(selector.parent)
    methods = []
    for arg in args:
        value = string_value(arg)
        if value is None and names(arg)[:1] == ["http"]:  # http.MethodGet
            value = names(arg)[-1].removeprefix("Method")
        if value is not None and value.upper() in DOCUMENTED_METHODS:
            methods.append(value.upper())
    return methods


def resolve(
    raw: RawRoute, routers: dict[str, str], prefix: str, module: str
) -> list[Route]:
    """The routes a registration serves, their paths in documented form, relative to `prefix`."""
    if raw.router not in routers:
        return []
    template = routers[raw.router] + raw.suffix
    routes = []
    for full in documented_paths(template, module, raw.line):
        routes.append(
            Route(
                method=raw.method,
                path=under_prefix(full, prefix) or full,
                router=raw.router,
                suffix=raw.suffix,
                wrapper=raw.wrapper,
                handler=raw.handler,
                module=module,
                location=Location(module, raw.line),
            )
        )
    return routes
