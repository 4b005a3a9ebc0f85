"""The URL a Go driver method requests, evaluated symbolically from its source.

`fmt.Sprintf(c.usersRoute()+"/%v", userId) + query` evaluates to the parts
`"/users", "/", {userId}, <query>`: literals where the code has them, a hole for each value only
known at run time (a parameter, or anything the evaluator does not follow). The driver's route
helpers (`c.userRoute(id)`) are followed into their own bodies, locals into their first
definition, and the query string is dropped: the path is what the route is matched on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tree_sitter import Node

from scaffold.scan.go.syntax import call_parts, names, string_value, text


@dataclass(frozen=True)
class Hole:
    """A value known only at run time: a parameter of the method (named), or anything else."""

    name: str | None = None


Part = str | Hole
Value = tuple[Part, ...]

#: How deep helpers may call helpers (and locals name locals) before the evaluator gives up.
_MAX_DEPTH = 12


@dataclass
class Scope:
    """What a method's body binds: its parameters' values and its locals' first definitions."""

    receiver: str
    params: dict[str, Value]
    locals: dict[str, Node] = field(default_factory=dict)
    depth: int = 0


#: The value a `c.helper(args)` call returns, or None when `helper` is not a URL helper.
HelperCall = Callable[[str, list[Value], int], "Value | None"]


@dataclass
class Evaluator:
    """Evaluates the expressions of one driver file; `helper` follows `c.helper(...)` calls."""

    helper: HelperCall
    #: the driver's URL fields and what each stands for (`APIURL` → `/api/v4`)
    bases: dict[str, str]

    def value(self, node: Node | None, scope: Scope) -> Value:
        if node is None or scope.depth > _MAX_DEPTH:
            return (Hole(),)
        kind = node.type
        literal = string_value(node)
        if literal is not None:
            return (literal,)
        if kind == "parenthesized_expression" and node.named_children:
            return self.value(node.named_children[0], scope)
        if kind == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
            left = self.value(node.child_by_field_name("left"), scope)
            return left + self.value(node.child_by_field_name("right"), scope)
        if kind == "identifier":
            return self._name(text(node), scope)
        if kind == "selector_expression":
            chain = names(node)
            if len(chain) == 2 and chain[0] == scope.receiver and chain[1] in self.bases:
                return (self.bases[chain[1]],)
            return (Hole(chain[-1] if chain else None),)
        if kind == "call_expression":
            return self._call(node, scope)
        return (Hole(),)

    def _name(self, name: str, scope: Scope) -> Value:
        if name in scope.params:
            return scope.params[name]
        if name in scope.locals:
            definition = scope.locals[name]
            inner = Scope(scope.receiver, scope.params, scope.locals, scope.depth + 1)
            return self.value(definition, inner)
        return (Hole(name),)  # a package constant (`Me`) or a value bound in a way not followed

    def _call(self, node: Node, scope: Scope) -> Value:
        chain, args = call_parts(node)
        if chain == ["fmt", "Sprintf"] and args:
            values = [self.value(a, scope) for a in args[1:]]
            return sprintf(self.value(args[0], scope), values)
        if chain == ["url", "Parse"] and args:  # then `.String()`, with a query added
            return self.value(args[0], scope)
        function = node.child_by_field_name("function")
        if (
            function is not None
            and function.type == "selector_expression"
            and not args
            and text(function.child_by_field_name("field")) == "String"
        ):
            return self.value(function.child_by_field_name("operand"), scope)
        if len(chain) == 2 and chain[0] == scope.receiver:
            found = self.helper(chain[1], [self.value(a, scope) for a in args], scope.depth + 1)
            if found is not None:
                return found
        return (Hole(),)


def sprintf(template: Value, args: list[Value]) -> Value:
    """`fmt.Sprintf` over parts: each verb of a literal part takes the next argument's parts."""
    out: list[Part] = []
    remaining = iter(args)
    for part in template:
        if isinstance(part, Hole):
            out.append(part)
            continue
        index, literal = 0, ""
        while index < len(part):
            char = part[index]
            if char != "%":
                literal += char
                index += 1
                continue
            if part[index + 1 : index + 2] == "%":
                literal, index = literal + "%", index + 2
                continue
            index += 1
            while index < len(part) and not part[index].isalpha():
                index += 1  # flags, width, precision
            index += 1  # the verb itself
            out += [literal] if literal else []
            literal = ""
            out += next(remaining, (Hole(),))
        out += [literal] if literal else []
    return tuple(out)


def path_of(value: Value) -> str | None:
    """The path a URL value requests, without its query: holes as `{name}` (`{}` if unnamed).
    None when it does not start with a literal `/`, as a URL passed in whole does not."""
    text_parts: list[str] = []
    for part in value:
        if isinstance(part, Hole):
            text_parts.append("{" + (part.name or "") + "}")
            continue
        head, query, _ = part.partition("?")
        text_parts.append(head)
        if query:
            break
    path = "".join(text_parts)
    return path if path.startswith("/") else None
