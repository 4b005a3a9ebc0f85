"""The status matrix as test cases: who each case runs as, what it sends, what it asserts.

The success case runs as the least privileged actor the endpoint admits (without a token when
the endpoint is public) and asserts the body: it matches the documented response, it is the
resource the path names, the fields sent come back. The 403 case runs as the most privileged
actor that lacks exactly the checked permission; the 404 case as the least privileged one its
system roles admit; the 400 cases send each path parameter malformed and, for a body, one that
is not an object, one without each required field and one with a field of the wrong type; the
413 case a body one byte too large. Cases that need the app layer (success, 304, 404) are
pending — xfail(strict=True) — while the app function is the generated stub, and so is any case
that sends a value scaffold cannot know valid: its reason says what to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scaffold.artifacts.context import PlanContext
from scaffold.artifacts.handler import body_fields
from scaffold.artifacts.samples import (
    body_items,
    display,
    invalid_value,
    refused_value,
    wrong_value,
)
from scaffold.model.endpoint import HttpMethod, case_names
from scaffold.model.fields import Field
from scaffold.model.permissions import Actor, Scope, forbidden_actor, not_found_actor, success_actor
from scaffold.model.statuses import CHECK_HELPERS
from scaffold.naming import to_snake
from scaffold.scan.handler import Handler
from scaffold.text.render import py_str


@dataclass
class Case:
    function: str
    status: int
    client: str
    args: list[str]
    #: statements before the call
    setup: list[str] = field(default_factory=list)
    #: the name the call's data is bound to (`_` when nothing reads it)
    result: str = "_"
    #: statements after the status check
    asserts: list[str] = field(default_factory=list)
    logout: bool = False
    etag: bool = False
    xfail: str | None = None

    @property
    def check(self) -> str:
        return CHECK_HELPERS[self.status]


@dataclass
class Matrix:
    cases: list[Case]
    #: what the plan should say: no actor for a case, a guess it made
    notes: list[str] = field(default_factory=list)

    @property
    def uses_fresh_ids(self) -> bool:
        return any("new_id()" in line for case in self.cases for line in [*case.args, *case.setup])


def build_matrix(ctx: PlanContext, stub: bool, app_function: str) -> Matrix:
    return _Builder(ctx, stub, app_function).build()


def written_handler(ctx: PlanContext) -> Handler | None:
    """The endpoint's handler, when it is written already (`check --fix`)."""
    endpoint = ctx.endpoint
    routes = ctx.inventory.routes_for(endpoint.method.value, endpoint.path)
    return ctx.inventory.handler_of(routes[0]) if routes else None


def scope_of(ctx: PlanContext) -> Scope | None:
    """Where the permission is checked: where the handler checks it, when it is written
    already (`check --fix`), else where a generated handler does."""
    permissions = ctx.layout.permissions
    handler = written_handler(ctx)
    if handler is not None and handler.permission_check is not None:
        check, param = handler.permission_check
        if check == permissions.check:
            return None
        scope = permissions.scope_checked_by(check, param)
        if scope is not None:
            return scope
    return permissions.scope_for(ctx.endpoint.path_params)


class _Builder:
    def __init__(self, ctx: PlanContext, stub: bool, app_function: str) -> None:
        self.ctx = ctx
        self.endpoint = endpoint = ctx.endpoint
        self.layout = layout = ctx.layout
        self.fields = body_fields(ctx)
        self.stub = stub
        self.app_function = app_function
        permissions = layout.permissions
        scope = self.scope()
        # Bound to a name: a test reads `client.x(...)` as a call of the driver.
        anonymous = Actor("anonymous", "client", (), setup=(f"client = {layout.anonymous}",))
        if endpoint.is_public:
            self.success: Actor | None = anonymous
        else:
            self.success = success_actor(permissions, layout.actors, endpoint.permission, scope)
        self.forbidden = forbidden_actor(permissions, layout.actors, endpoint.permission, scope)
        self.not_found = (
            anonymous if endpoint.is_public else not_found_actor(permissions, layout.actors, endpoint.permission, scope)
        )
        # Query parameters only where a handler is written already: the Context refuses the
        # ill-typed ones it reads; a generated handler validates no other.
        queries = endpoint.validated_query if self.written_handler() is not None else ()
        validated = (*endpoint.validated_params, *queries)
        self.names = case_names(endpoint.name, endpoint.statuses(), validated, self.fields, body=endpoint.has_body)
        self.notes: list[str] = []
        self.field_args = self.fields_as_arguments()

    def written_handler(self) -> Handler | None:
        return written_handler(self.ctx)

    def scope(self) -> Scope | None:
        return scope_of(self.ctx)

    # -- values ---------------------------------------------------------------------------

    def params(self, actor: Actor | None, replaced: dict[str, str] | None = None) -> tuple[list[str], list[str], list[str]]:
        """(argument per path parameter, setup lines, what is unknown) as `actor` calls, with
        the parameters of `replaced` given those values instead."""
        args, setup, unknown = [], [], []
        for param in self.endpoint.path_params:
            given = (replaced or {}).get(param)
            given = given or (actor.params if actor else {}).get(param) or self.layout.fixtures.get(param)
            if given is not None:
                args.append(given)
                continue
            # A resource no fixture provides: one fresh id per test, bound to a name so that
            # a case calling twice (the Etag) asks for the same resource both times.
            if param.endswith("_id"):
                setup.append(f"{param} = new_id()")
                args.append(param)
                unknown.append(f"create the {param.removesuffix('_id')} this test reads")
            else:
                args.append(py_str(param.replace("_", "-")))
                unknown.append(f"make `{param}` name an existing resource")
        return args, setup, unknown

    def body(self, actor: Actor | None, args: list[str]) -> tuple[dict[str, str], list[str]]:
        """A valid body as `actor` sends it with the path arguments `args`: a field named like a
        path parameter repeats it; an id, the actor's own resource or a fixture's."""
        ids = {name: code for name, code in self.layout.fixtures.items() if name.endswith("_id")}
        given = {
            **ids,
            **(actor.params if actor else {}),
            **self.layout.values,
            **dict(zip(self.endpoint.path_params, args)),
        }
        return body_items(self.fields, given)

    # -- cases ----------------------------------------------------------------------------

    def build(self) -> Matrix:
        cases: list[Case] = []
        for function, status in self.names.items():
            case = self.case(function, status)
            if case is not None:
                cases.append(case)
        return Matrix(cases, self.notes)

    def case(self, function: str, status: int) -> Case | None:
        endpoint = self.endpoint
        if status == 401:
            args, setup, _ = self.params(self.success)
            if endpoint.has_body:
                setup.append(f"body = {display(self.body(self.success, args)[0])}")
                args += self.body_args()
            return Case(function, 401, "th.client", args, setup, logout=True)
        actor = {403: self.forbidden, 404: self.not_found}.get(status, self.success)
        if actor is None:
            what = "forbidden" if status == 403 else "admitted"
            self.notes.append(
                f"no actor of [[tests.actors]] is {what} for {status}: {function} is not written"
            )
            return None
        replaced = self.replaced(function, status)
        if replaced is None:
            return None
        args, setup, unknown = self.params(actor, replaced)
        setup = list(actor.setup) + setup
        if status == 404:
            # The missing resource, bound once (a body field may name it again): a fresh id, or
            # a fresh name of the shape a name has.
            missing = endpoint.path_params[-1]
            setup.append(f"{missing} = new_id()" if missing.endswith("_id") else f'{missing} = "n" + new_id()[:11]')
        body, body_unknown = self.body(actor, args) if endpoint.has_body else ({}, [])
        needs_app = status in (304, 404) or 200 <= status < 300
        if endpoint.has_body:
            if not self.expressible(function):
                self.notes.append(f"{function} is not written: the driver method takes the body's fields one by one")
                return None
            setup.append(f"body = {self.bad_body(function, body)}")
            args += self.body_args()
        query = self.bad_query(function)
        case = Case(function, status, actor.client, args + query, setup)
        if status == 304:
            case.etag = True
            case.result = self.noun()
        elif 200 <= status < 300:
            self.success_asserts(case, body)
        reasons = ([f"implement {self.app_function}"] if self.stub and needs_app else [])
        if needs_app:
            reasons += unknown + body_unknown
        case.xfail = ", then ".join(reasons) if reasons else None
        return case

    def replaced(self, function: str, status: int) -> dict[str, str] | None:
        """The path parameters the case named `function` sends otherwise than valid: one
        malformed (a 400), the resource missing (a 404: None when the path names none)."""
        prefix = f"test_{self.endpoint.name}_bad_"
        if status == 400 and function.startswith(prefix) and function[len(prefix) :] in self.endpoint.path_params:
            param = function[len(prefix) :]
            return {param: '"junk"' if param.endswith("_id") else '"junk!"'}
        if status == 404:
            params = self.endpoint.path_params
            return {params[-1]: params[-1]} if params else None
        return {}

    def fields_as_arguments(self) -> list[str] | None:
        """The body's fields a driver method written already (`check --fix`) takes one by one,
        in its order; None when it takes the body whole (as a generated one does)."""
        endpoint = self.endpoint
        driver = self.ctx.inventory.driver_named(endpoint.name)
        if driver is None or not endpoint.has_body:
            return None
        taken = {*endpoint.path_params, *(q.name for q in endpoint.query), "etag"}
        rest = [p for p in driver.params if p not in taken]
        fields = {f.name for f in self.fields}
        if any(p in driver.mappings for p in rest) or (len(rest) == 1 and rest[0] not in fields):
            return None  # the body, whatever its argument is called
        return [p for p in rest if p in fields]

    def bad_query(self, function: str) -> list[str]:
        """The keyword argument of a 400 case that sends a query parameter malformed."""
        prefix = f"test_{self.endpoint.name}_bad_"
        for field in self.endpoint.query:
            if function == prefix + field.name:
                return [f"{field.name}={invalid_value(field)}"]
        return []

    def body_args(self) -> list[str]:
        """How the call passes the body: whole, or field by field as the driver takes it."""
        if self.field_args is None:
            return ["body"]
        return [f"body[{py_str(name)}]" for name in self.field_args]

    def expressible(self, function: str) -> bool:
        """Whether the driver method can send the body the case named `function` needs: one of
        another shape (not an object, a field left out) or a field it does not pass, only if it
        takes the body whole."""
        if self.field_args is None:
            return True
        test = f"test_{self.endpoint.name}"
        if function == f"{test}_body_not_object" or function.startswith(f"{test}_missing_"):
            return False
        wrong = [f.name for f in self.fields if function in (f"{test}_wrong_{f.name}_type", f"{test}_bad_{f.name}")]
        if wrong:
            return wrong[0] in self.field_args
        if function == f"{test}_too_large":
            return self.large_field() is not None
        return True

    def large_field(self) -> str | None:
        """The string field a 413 case makes too large (`padding` when the body has none)."""
        passed = self.field_args if self.field_args is not None else [f.name for f in self.fields]
        strings = [f.name for f in self.fields if f.type == "string" and f.name in passed]
        if strings:
            return strings[0]
        return "padding" if self.field_args is None else None

    def bad_body(self, function: str, valid: dict[str, str]) -> str:
        """The body of the case named `function`: valid, or malformed as its name says."""
        test = f"test_{self.endpoint.name}"
        if function == f"{test}_body_not_object":
            return "[]"
        for f in self.fields:
            if function == f"{test}_missing_{f.name}":
                return display({name: code for name, code in valid.items() if name != f.name})
            if function == f"{test}_wrong_{f.name}_type":
                return display({**valid, f.name: wrong_value(f)})
        for f in self.fields:
            if function == f"{test}_bad_{f.name}":
                return display({**valid, f.name: refused_value(f)})
        if function == f"{test}_too_large":
            name = self.large_field()
            assert name is not None
            limit = self.layout.body_limit.rpartition(".")[2]
            return display({**valid, name: f'"x" * {limit}'})
        return display(valid)

    def noun(self) -> str:
        schema = self.endpoint.response_schema
        if self.endpoint.response_list:
            return "items"
        return to_snake(schema) if schema and schema != "StatusOK" else "result"

    def success_asserts(self, case: Case, body: dict[str, str]) -> None:
        """The body is the documented one, the resource the path names, the fields sent."""
        endpoint = self.endpoint
        if case.status == 204:
            return
        case.result = self.noun()
        case.asserts.append(f"check_documented({case.result}, resp, {py_str(endpoint.operation_id)})")
        properties = self.ctx.components.schema_properties.get(endpoint.response_schema or "", frozenset())
        if endpoint.response_list or not properties:
            return
        # The resource the path names: a property of its name, else the last id is its own.
        ids = [(i, p) for i, p in enumerate(endpoint.path_params) if p.endswith("_id")]
        named = [(i, p) for i, p in enumerate(endpoint.path_params) if p in properties]
        if named:
            case.asserts += [f"assert {case.result}[{py_str(p)}] == {case.args[i]}" for i, p in named]
        elif "id" in properties and ids and endpoint.method is not HttpMethod.POST:
            index, _ = ids[-1]
            case.asserts.append(f"assert {case.result}[\"id\"] == {case.args[index]}")
        sent = [f for f in self.fields if f.name in properties and f.name in body and _echoed(f)]
        if sent and endpoint.has_body:
            got = ", ".join(f"{case.result}[{py_str(f.name)}]" for f in sent)
            want = ", ".join(f"body[{py_str(f.name)}]" for f in sent)
            if len(sent) == 1:
                case.asserts.append(f"assert {got} == {want}")
            else:
                case.asserts.append(f"assert ({got}) == ({want})")


def _echoed(field: Field) -> bool:
    """A field the resource keeps as sent (a password or a secret is never sent back)."""
    return "password" not in field.name and "secret" not in field.name
