"""Checklist item 3, the driver, in Go: the methods of the driver type (`func (c *Client4) ...`),
each with the HTTP verb and URL it requests, evaluated through the route helpers, and the
`// X Section` it sits in.

Which calls send a request is found, not configured: `http.NewRequest(WithContext)` sends one,
and so does every driver method that hands one of its parameters on as the URL of a call that
does — `DoAPIRequestReader(ctx, method, url, ...)`, then `DoAPIRequest`, then
`DoAPIGet(ctx, url, etag)` = `DoAPIRequest(ctx, http.MethodGet, c.APIURL+url, ...)`. Every other
method that calls one of them with a URL of its own is a driver method, and one that only calls
such a method (`Login` → `login`) requests what it does.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from tree_sitter import Node

from scaffold.errors import RepoLayoutError
from scaffold.scan.driver import DriverMethod, RouteHelper
from scaffold.scan.facts import Location, under_prefix
from scaffold.scan.go.syntax import (
    call_parts,
    function_name,
    line,
    matches,
    names,
    parameters,
    parse_go,
    string_value,
    text,
)
from scaffold.scan.go.urls import Evaluator, Hole, Scope, Value, path_of

_METHODS = """
(method_declaration receiver: (parameter_list (parameter_declaration name: (identifier) @receiver type: (_) @type))) @method
"""
_INSIDE = """
(call_expression) @call
(short_var_declaration left: (expression_list . (identifier) @local) right: (expression_list . (_) @definition .))
(var_spec name: (identifier) @local value: (expression_list . (_) @definition .))
(assignment_statement left: (expression_list . (identifier) @local .) right: (expression_list . (_) @definition .))
(return_statement (expression_list . (_) @returned .))
"""
_HTTP_VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Sender:
    """A call that sends a request: where its verb and URL are among its arguments."""

    verb: str | None  # the verb it always sends, else the index of the argument that holds it
    verb_index: int | None
    url_index: int
    base: str  # what it puts before the URL it is given (`c.APIURL` → "/api/v4")


#: The standard library's: `http.NewRequest(method, url, body)` and the one with a context.
BASE_SENDERS = {
    "http.NewRequest": Sender(None, 0, 1, ""),
    "http.NewRequestWithContext": Sender(None, 1, 2, ""),
}


@dataclass
class _Method:
    node: Node
    name: str
    receiver: str
    params: list[str]
    returns_string: bool
    calls: list[Node]
    locals: dict[str, Node]
    returned: list[Node]  # the expressions its return statements return, in order


def driver_facts(
    text_: str, path: str, class_name: str, bases: dict[str, str], prefix: str
) -> tuple[list[DriverMethod], list[RouteHelper], dict[str, Location]]:
    """The driver type's methods (verb and symbolic path), route helpers and sections."""
    tree = parse_go(text_, path)
    methods = _methods(tree.root_node, class_name)
    if not methods:
        raise RepoLayoutError(
            f"no methods of {class_name} in {path}",
            hint="fix [server] driver_class in scaffold.toml",
            path=path,
        )
    sections = _sections(tree.root_node, path)
    reader = _DriverReader(methods, bases)
    requests = reader.requests()
    driver_methods = []
    for name, sent in requests.items():
        if not name[:1].isupper():
            continue  # an unexported method is a helper of those that call it
        at = line(methods[name].node)
        section = next((title for row, title in reversed(sections) if row < at), None)
        for verb, value in sent:
            driver_methods.append(DriverMethod(name, verb, _api_path(value, prefix), section, Location(path, at)))
    helpers = []
    for name, method in methods.items():
        if method.returns_string and name.endswith("Route") and name not in requests:
            returned = reader.helper_value(name, [(Hole(p),) for p in method.params], 0)
            route = path_of(returned) if returned is not None else None
            if route is not None:
                helpers.append(RouteHelper(name, tuple(method.params), route, Location(path, line(method.node))))
    section_lines = {title: Location(path, row) for row, title in sections}
    return sorted(driver_methods, key=lambda d: d.location.line), helpers, section_lines


def _methods(root: Node, class_name: str) -> dict[str, _Method]:
    methods: dict[str, _Method] = {}
    for match in matches(_METHODS, root):
        if text(match["type"]).lstrip("*") != class_name:
            continue
        node = match["method"]
        result = text(node.child_by_field_name("result"))
        methods[function_name(node)] = _Method(
            node=node,
            name=function_name(node),
            receiver=text(match["receiver"]),
            params=[name for name, _ in parameters(node)],
            returns_string=result == "string",
            calls=[],
            locals={},
            returned=[],
        )
    # One query over the file, each node given to the method it is in.
    ordered = sorted(methods.values(), key=lambda m: m.node.start_byte)
    starts = [m.node.start_byte for m in ordered]
    # In document order: a local's value is its first definition, or its first assignment
    # after a bare `var query string` (later ones add to a query or pick another case).
    for match in sorted(matches(_INSIDE, root), key=lambda m: min(n.start_byte for n in m.values())):
        node = next(iter(match.values()))
        index = bisect_right(starts, node.start_byte) - 1
        if index < 0 or node.end_byte > ordered[index].node.end_byte:
            continue
        method = ordered[index]
        if "call" in match:
            method.calls.append(match["call"])
        elif "returned" in match:
            if _enclosing_function(match["returned"]) == method.node:
                method.returned.append(match["returned"])
        elif text(match["local"]) not in method.locals:
            method.locals[text(match["local"])] = match["definition"]
    for method in ordered:
        method.calls.sort(key=lambda n: n.start_byte)
    return methods


def _enclosing_function(node: Node) -> Node | None:
    """The function a node belongs to (a function literal is one of its own)."""
    parent = node.parent
    while parent is not None and parent.type not in ("method_declaration", "function_declaration", "func_literal"):
        parent = parent.parent
    return parent


def _sections(root: Node, path: str) -> list[tuple[int, str]]:
    """`// User Section` comments between declarations: (line, "User")."""
    found = []
    for node in root.named_children:
        if node.type != "comment":
            continue
        words = text(node).removeprefix("//").strip().split()
        if len(words) >= 2 and words[-1] in ("Section", "Sections"):
            found.append((line(node), " ".join(words[:-1])))
    return found


class _DriverReader:
    """Finds the senders, then what every other method requests."""

    def __init__(self, methods: dict[str, _Method], bases: dict[str, str]) -> None:
        self.methods = methods
        self.evaluator = Evaluator(self.helper_value, bases)
        self.bases = {"", *bases.values()}
        self.senders: dict[str, Sender] = dict(BASE_SENDERS)
        self._calls: dict[str, list[tuple[str, list[Node]]]] = {}

    def helper_value(self, name: str, args: list[Value], depth: int) -> Value | None:
        """What `c.<name>(args)` returns, for a method that returns a string."""
        method = self.methods.get(name)
        if method is None or not method.returns_string or not method.returned:
            return None
        params = {p: args[i] if i < len(args) else (Hole(p),) for i, p in enumerate(method.params)}
        scope = Scope(method.receiver, params, method.locals, depth)
        # The last return is the general case: earlier ones answer special cases.
        return self.evaluator.value(method.returned[-1], scope)

    def requests(self) -> dict[str, list[tuple[str, Value]]]:
        """Method → the (verb, URL) of each request it sends, for every method not a sender
        (one that follows or unfollows with PUT or DELETE as asked sends two)."""
        self._find_senders()
        direct: dict[str, list[tuple[str, Value]]] = {}
        for name, method in self.methods.items():
            if name not in self.senders:
                found = self._requests(method)
                if found:
                    direct[name] = found
        # A method that only calls another one requests what that one does.
        requested = dict(direct)
        for name, method in self.methods.items():
            if name in requested or name in self.senders:
                continue
            for callee, _ in self._callees(method):
                if callee in direct:
                    requested[name] = direct[callee]
                    break
        return requested

    def _find_senders(self) -> None:
        changed = True
        while changed:
            changed = False
            for name, method in self.methods.items():
                if name in self.senders:
                    continue
                sender = self._as_sender(method)
                if sender is not None:
                    self.senders[name] = sender
                    changed = True

    def _callees(self, method: _Method) -> list[tuple[str, list[Node]]]:
        """What a method calls, in order: `c.DoAPIGet` as DoAPIGet, `http.NewRequest` whole."""
        if method.name not in self._calls:
            found = []
            for call in method.calls:
                chain, args = call_parts(call)
                own = len(chain) == 2 and chain[0] == method.receiver
                found.append((chain[1] if own else ".".join(chain), args))
            self._calls[method.name] = found
        return self._calls[method.name]

    def _sends(self, method: _Method) -> list[tuple[Sender, list[Node]]]:
        """The calls of a method that send a request, in order, each with its arguments."""
        found = []
        for key, args in self._callees(method):
            sender = self.senders.get(key)
            if sender is not None and len(args) > sender.url_index:
                found.append((sender, args))
        return found

    def _scope(self, method: _Method) -> Scope:
        return Scope(method.receiver, {p: (Hole(p),) for p in method.params}, method.locals)

    def _as_sender(self, method: _Method) -> Sender | None:
        """A Sender when the method sends a URL it is given: `c.APIURL + url`."""
        sends = self._sends(method)
        if not sends:
            return None
        sender, args = sends[0]
        url = self.evaluator.value(args[sender.url_index], self._scope(method))
        if not url or not isinstance(url[-1], Hole) or url[-1].name not in method.params:
            return None
        # Only a base goes before a URL handed on whole: `c.APIURL + url`, not `"/users/" + id`.
        head = url[:-1]
        if not all(isinstance(part, str) for part in head) or "".join(map(str, head)) not in self.bases:
            return None
        verb, verb_index = sender.verb, None
        if verb is None and sender.verb_index is not None:
            argument = args[sender.verb_index]
            verb = _verb(argument)
            if verb is None and argument.type == "identifier" and text(argument) in method.params:
                verb_index = method.params.index(text(argument))
            elif verb is None:
                return None
        base = sender.base + "".join(part for part in url[:-1] if isinstance(part, str))
        return Sender(verb, verb_index, method.params.index(url[-1].name), base)

    def _requests(self, method: _Method) -> list[tuple[str, Value]]:
        found: list[tuple[str, Value]] = []
        for sender, args in self._sends(method):
            verb = sender.verb
            if verb is None and sender.verb_index is not None and len(args) > sender.verb_index:
                verb = _verb(args[sender.verb_index])
            url: Value = (sender.base, *self.evaluator.value(args[sender.url_index], self._scope(method)))
            if verb is not None and (verb, url) not in found:
                found.append((verb, url))
        return found


def _api_path(value: Value, prefix: str) -> str | None:
    """The path a request is matched to routes on, relative to the API prefix — or None when
    it cannot be: a URL outside the API (`c.URL + "/oauth/authorize"`, served by other code than
    the routes scaffold reads), or a segment that mixes run-time text with literal text
    (`"%ss"` of a type name: `/groups/{id}/{}s/...`). The catalog pairs such a method by name."""
    full = path_of(value)
    relative = under_prefix(full, prefix) if full is not None else None
    if relative is None:
        return None
    for segment in relative.split("/"):
        if "{" in segment and not (segment.startswith("{") and segment.endswith("}") and segment.count("{") == 1):
            return None
    return relative


def _verb(node: Node) -> str | None:
    """`"POST"` or `http.MethodPost` → POST."""
    value = string_value(node)
    chain = names(node)
    if value is None and len(chain) == 2 and chain[0] == "http" and chain[1].startswith("Method"):
        value = chain[1][len("Method") :]
    return value.upper() if value is not None and value.upper() in _HTTP_VERBS else None
