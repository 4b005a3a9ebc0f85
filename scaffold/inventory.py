"""A fast, read-only scan of a repo: every route, doc operation, driver method and test case.

Nothing of the target code is imported: Python is read with the stdlib `ast`, YAML is composed
with libyaml (nodes only, never constructed), so a repo the size of Mattermost's scans in about
the time it takes to parse it. `add`, `list`, `check` and `checklist` all read this one view.

Each file is read on its own into its *facts* (a pure function of its path and text), and the
facts are joined afterwards: so a cache can hand back the facts of a file whose text it has
seen before, and only changed files are parsed again (see `scaffold.cache`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Protocol, TypeVar

import yaml

from scaffold.config import RepoLayout
from scaffold.errors import RepoLayoutError
from scaffold.sources import Reader, disk_reader, handler_modules

# Re-exported: the planners and the reports find files through the inventory.
from scaffold.sources import matching_files as matching_files  # noqa: PLC0414
from scaffold.sources import source_files as source_files  # noqa: PLC0414
from scaffold.yamltext import compose

HTTP_METHODS = ("get", "post", "put", "patch", "delete")

#: `check_*` helpers of the tests and the status each asserts.
CHECK_STATUSES = {
    "check_ok_status": 200,
    "check_created_status": 201,
    "check_accepted_status": 202,
    "check_no_content_status": 204,
    "check_etag": 304,
    "check_not_modified_status": 304,
    "check_bad_request_status": 400,
    "check_unauthorized_status": 401,
    "check_forbidden_status": 403,
    "check_not_found_status": 404,
    "check_request_entity_too_large_status": 413,
    "check_not_implemented_status": 501,
}

_PERMISSION_NAME = re.compile(r"`([a-z][a-z0-9_]*)`")


@dataclass(frozen=True)
class Location:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def shape(path: str) -> str:
    """A path with its parameter names erased: `/users/{user_id}` → `/users/{}`."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def params_of(path: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\{([^}]*)\}", path))


@dataclass(frozen=True)
class Route:
    method: str  # upper case
    path: str  # without the API prefix
    router: str
    suffix: str
    wrapper: str
    handler: str
    module: str  # repo-relative path of the handlers module
    location: Location


@dataclass(frozen=True)
class Handler:
    name: str
    module: str
    location: Location
    validates: tuple[str, ...]  # path parameters checked by c.require_*
    permissions: tuple[str, ...]  # names passed to c.set_permission_error
    etag: bool
    reads_body: bool
    app_calls: tuple[tuple[str, str], ...]  # (module alias, function)
    #: `c.params.<name>` read by the handler (path parameters and query parameters alike)
    params_read: tuple[str, ...] = ()
    #: the success status the handler writes (`c.json(x, status=201)`, `c.status_ok()`), when
    #: it is a literal
    success: int | None = None
    #: (name, OpenAPI type, required) of the fields `c.require_fields(...)` checks
    body_fields: tuple[tuple[str, str, bool], ...] = ()


@dataclass(frozen=True)
class DocOperation:
    method: str
    path: str  # without the API prefix
    operation_id: str | None
    statuses: tuple[int, ...]
    permissions: tuple[str, ...]  # named in the `##### Permissions` section
    public: bool  # `security: []`
    tag: str | None
    location: Location
    #: the composed YAML of the operation; None when the facts came from the cache
    node: yaml.Node | None = field(default=None, compare=False, repr=False)
    #: where `operationId:` is written (the operation's line when it is missing)
    operation_id_line: int = 0
    summary: str | None = None
    #: the description without its `##### Permissions` section
    description: str | None = None
    #: the parameters declared `in: path`
    path_params: tuple[str, ...] = ()
    #: (name, OpenAPI type, required) of the parameters declared `in: query`
    query: tuple[tuple[str, str, bool], ...] = ()
    has_body: bool = False
    #: the `$ref`'d schema of the JSON body, or the typed properties of an inline one
    body_schema: str | None = None
    body_fields: tuple[tuple[str, str, bool], ...] = ()
    #: the schema the success response `$ref`s (directly or as the items of an array)
    response_schema: str | None = None


@dataclass(frozen=True)
class DriverMethod:
    name: str
    method: str
    path: str | None  # None when the URL could not be resolved statically
    section: str | None
    location: Location


@dataclass(frozen=True)
class RouteHelper:
    name: str
    params: tuple[str, ...]
    path: str
    location: Location | None  # None for a helper planned but not yet written


@dataclass(frozen=True)
class StatusCheck:
    driver_method: str
    status: int
    location: Location


@dataclass(frozen=True)
class TestCase:
    name: str
    location: Location
    driver_calls: tuple[str, ...]
    checks: tuple[StatusCheck, ...]
    xfail: bool
    xfail_reason: str | None


@dataclass(frozen=True)
class AppFunction:
    module: str
    name: str
    location: Location
    stub: bool


@dataclass
class Inventory:
    """What exists in a repo, artifact by artifact."""

    routers: dict[str, str] = field(default_factory=dict)  # name → full path (with prefix)
    routes: list[Route] = field(default_factory=list)
    handlers: dict[tuple[str, str], Handler] = field(default_factory=dict)  # (module, name)
    docs: list[DocOperation] = field(default_factory=list)
    driver_methods: list[DriverMethod] = field(default_factory=list)
    route_helpers: list[RouteHelper] = field(default_factory=list)
    driver_sections: dict[str, Location] = field(default_factory=dict)
    tests: list[TestCase] = field(default_factory=list)
    app_functions: dict[tuple[str, str], AppFunction] = field(default_factory=dict)
    context_helpers: frozenset[str] = frozenset()
    init_calls: tuple[str, ...] = ()
    #: every file the scan read, in the order it read them (for reports and caches)
    files: tuple[str, ...] = ()

    def routes_for(self, method: str, path: str) -> list[Route]:
        return [r for r in self.routes if r.method == method and shape(r.path) == shape(path)]

    def docs_for(self, method: str, path: str) -> list[DocOperation]:
        return [d for d in self.docs if d.method == method and shape(d.path) == shape(path)]

    def driver_for(self, method: str, path: str) -> list[DriverMethod]:
        return [
            d
            for d in self.driver_methods
            if d.method == method and d.path and shape(d.path) == shape(path)
        ]

    def driver_named(self, name: str) -> DriverMethod | None:
        return next((d for d in self.driver_methods if d.name == name), None)

    def tests_calling(self, driver_method: str) -> list[TestCase]:
        return [t for t in self.tests if driver_method in t.driver_calls]

    def tests_asserting(self, driver_method: str) -> list[TestCase]:
        """The tests that assert a status of a response of `driver_method`."""
        return [t for t in self.tests if any(c.driver_method == driver_method for c in t.checks)]

    def handler_of(self, route: Route) -> Handler | None:
        return self.handlers.get((route.module, route.handler))


# ---------------------------------------------------------------------------------------------
# Scanning


_T = TypeVar("_T")


class FactsMemo(Protocol):
    """Returns the facts of one file: `compute()`, or what it returned before for the same text.

    `kind` names the fact extractor and every setting it depends on, so equal (kind, text)
    always give equal facts.
    """

    def __call__(self, kind: str, path: str, text: str, compute: Callable[[], _T]) -> _T: ...


def _no_memo(kind: str, path: str, text: str, compute: Callable[[], _T]) -> _T:
    return compute()


class TextMemo:
    """A FactsMemo in memory: scans of texts seen before in this process parse nothing again."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], object] = {}

    def __call__(self, kind: str, path: str, text: str, compute: Callable[[], _T]) -> _T:
        key = (kind, path, text)
        if key not in self._seen:
            self._seen[key] = compute()
        return self._seen[key]  # type: ignore[return-value]


def scan(
    layout: RepoLayout, read: Reader | None = None, memo: FactsMemo | None = None
) -> Inventory:
    """Scan the repo (or the texts `read` returns, e.g. a Workspace with planned edits)."""
    scanner = _Scanner(layout, read or disk_reader(layout.root), memo or _no_memo)
    return scanner.run()


@dataclass
class _Scanner:
    layout: RepoLayout
    read: Reader
    memo: FactsMemo
    inventory: Inventory = field(default_factory=Inventory)
    files: list[str] = field(default_factory=list)

    def text(self, path: str) -> str | None:
        text = self.read(path)
        if text is not None:
            self.files.append(path)
        return text

    def run(self) -> Inventory:
        self._routes()
        self._docs()
        self._driver()
        self._tests()
        self._app()
        context = self.text(self.layout.context)
        if context is not None:
            compute = partial(context_facts, context, self.layout.context)
            self.inventory.context_helpers = self.memo(
                "context", self.layout.context, context, compute
            )
        self.inventory.files = tuple(self.files)
        return self.inventory

    def _routes(self) -> None:
        layout, inventory = self.layout, self.inventory
        text = self.text(layout.routes)
        if text is None:
            raise RepoLayoutError(
                f"{layout.routes} does not exist",
                hint="fix [server] routes in scaffold.toml",
                path=layout.config_path,
            )
        routers, init_calls = self.memo(
            "routers", layout.routes, text, partial(routes_facts, text, layout.routes)
        )
        inventory.routers = dict(routers)
        inventory.init_calls = init_calls
        prefix = layout.docs_prefix
        for path in handler_modules(layout):
            module_text = self.text(path)
            if module_text is None:
                continue
            raw_routes, handlers = self.memo(
                "handlers", path, module_text, partial(handlers_facts, module_text, path)
            )
            for raw in raw_routes:
                route = raw.resolve(inventory.routers, prefix, path)
                if route is not None:
                    inventory.routes.append(route)
            for handler in handlers:
                inventory.handlers[(path, handler.name)] = handler

    def _docs(self) -> None:
        layout = self.layout
        for name in layout.build:
            fragment = layout.fragment_path(name)
            text = self.text(fragment)
            if text is None:
                raise RepoLayoutError(
                    f"the build list names {name}, which does not exist",
                    hint=f"create {fragment} or remove it from [docs] build",
                    path=layout.config_path,
                )
            compute = partial(docs_facts, text, fragment, layout.docs_prefix)
            self.inventory.docs += self.memo(f"docs:{layout.docs_prefix}", fragment, text, compute)

    def _driver(self) -> None:
        layout = self.layout
        text = self.text(layout.driver)
        if text is None:
            raise RepoLayoutError(
                f"{layout.driver} does not exist",
                hint="fix [server] driver in scaffold.toml",
                path=layout.config_path,
            )
        compute = partial(driver_facts, text, layout.driver, layout.driver_class)
        methods, helpers, sections = self.memo(
            f"driver:{layout.driver_class}", layout.driver, text, compute
        )
        self.inventory.driver_methods += methods
        self.inventory.route_helpers += helpers
        self.inventory.driver_sections.update(sections)

    def _tests(self) -> None:
        for path, _ in matching_files(self.layout, self.layout.tests):
            text = self.text(path)
            if text is not None:
                self.inventory.tests += self.memo(
                    "tests", path, text, partial(tests_facts, text, path)
                )

    def _app(self) -> None:
        for path, _ in matching_files(self.layout, self.layout.app):
            text = self.text(path)
            if text is not None:
                for function in self.memo("app", path, text, partial(app_facts, text, path)):
                    self.inventory.app_functions[(path, function.name)] = function


def parse_python(text: str, path: str) -> ast.Module:
    """The `ast` of a repo module; a syntax error is the user's to fix, located."""
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as err:
        raise RepoLayoutError(
            f"Python syntax error: {err.msg}",
            hint="fix the module so that it parses",
            path=path,
            line=err.lineno,
        ) from None


def _const_str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _attr_chain(node: ast.AST) -> list[str]:
    """`api.routes.user.handle` → ['api', 'routes', 'user', 'handle']."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return list(reversed(parts))


# ---------------------------------------------------------------------------------------------
# Routes and handlers


def routes_facts(text: str, path: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The sub-routers of the routes module (name → full prefix) and its init_* calls."""
    tree = parse_python(text, path)
    routers: dict[str, str] = {}
    for node in ast.walk(tree):
        # self.user = self.users.prefix("/{user_id}")  or  root.prefix("/api/v4")
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.value, ast.Call)
        ):
            continue
        target = _attr_chain(node.targets[0])
        func = _attr_chain(node.value.func)
        suffix = _const_str(node.value.args[0]) if node.value.args else None
        if (
            len(target) == 2
            and target[0] == "self"
            and func
            and func[-1] == "prefix"
            and suffix is not None
        ):
            parent = func[-2] if len(func) >= 3 and func[0] == "self" else None
            routers[target[1]] = (routers.get(parent, "") if parent else "") + suffix
    init_calls = tuple(
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("init_")
    )
    return routers, init_calls


@dataclass(frozen=True)
class RawRoute:
    """A route line as written: its sub-router is resolved to a path once all are known."""

    router: str
    suffix: str
    method: str
    wrapper: str
    handler: str
    line: int

    def resolve(self, routers: dict[str, str], prefix: str, module: str) -> Route | None:
        if self.router not in routers:
            return None
        full = routers[self.router] + self.suffix
        relative = full[len(prefix) :] if full.startswith(prefix + "/") else full
        return Route(
            method=self.method,
            path=relative,
            router=self.router,
            suffix=self.suffix,
            wrapper=self.wrapper,
            handler=self.handler,
            module=module,
            location=Location(module, self.line),
        )


def handlers_facts(text: str, path: str) -> tuple[tuple[RawRoute, ...], tuple[Handler, ...]]:
    """The route lines of `init_*` and every handler (a function taking `c`) of a module."""
    module = parse_python(text, path)
    aliases = _import_aliases(module)
    routes: list[RawRoute] = []
    handlers: list[Handler] = []
    for node in module.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        if node.name.startswith("init_"):
            routes += [r for r in (_raw_route(s) for s in node.body) if r is not None]
            continue
        handler = _handler_of(node, path, aliases)
        if handler is not None:
            handlers.append(handler)
    return tuple(routes), tuple(handlers)


def _raw_route(statement: ast.stmt) -> RawRoute | None:
    # api.routes.<router>.handle("<suffix>", api.<wrapper>(<handler>), "<METHOD>")
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    call = statement.value
    chain = _attr_chain(call.func)
    if len(chain) < 3 or chain[-1] != "handle" or len(call.args) != 3:
        return None
    suffix = _const_str(call.args[0])
    method = _const_str(call.args[2])
    wrapped = call.args[1]
    if suffix is None or method is None or not isinstance(wrapped, ast.Call):
        return None
    wrapper_chain = _attr_chain(wrapped.func)
    handler = wrapped.args[0] if wrapped.args else None
    if not wrapper_chain or not isinstance(handler, ast.Name):
        return None
    return RawRoute(
        chain[-2], suffix, method.upper(), wrapper_chain[-1], handler.id, statement.lineno
    )


def _import_aliases(module: ast.Module) -> dict[str, str]:
    """Local name → dotted module, for `from a.b import c as d` and `import a.b as d`."""
    aliases: dict[str, str] = {}
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for name in node.names:
                aliases[name.asname or name.name] = f"{node.module}.{name.name}"
        elif isinstance(node, ast.Import):
            for name in node.names:
                aliases[name.asname or name.name.split(".")[0]] = name.name
    return aliases


def _handler_of(node: ast.FunctionDef, path: str, aliases: dict[str, str]) -> Handler | None:
    if not node.args.args or node.args.args[0].arg != "c":
        return None
    validates: list[str] = []
    permissions: list[str] = []
    params_read: list[str] = []
    etag = reads_body = False
    success: int | None = None
    body_fields: list[tuple[str, str, bool]] = []
    app_calls: list[tuple[str, str]] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute):
            owner = child.value  # c.params.<name>
            if (
                isinstance(owner, ast.Attribute)
                and owner.attr == "params"
                and isinstance(owner.value, ast.Name)
                and owner.value.id == "c"
            ):
                params_read.append(child.attr)
            continue
        if not isinstance(child, ast.Call) or not isinstance(child.func, ast.Attribute):
            continue
        attr = child.func.attr
        if attr == "require_id" and child.args:
            name = _const_str(child.args[0])
            if name:
                validates.append(name)
        elif attr.startswith("require_") and attr not in ("require_fields",):
            validates.append(attr[len("require_") :])
        elif attr == "set_permission_error":
            permissions += [s for s in (_const_str(a) for a in child.args) if s]
            permissions += [a.attr.lower() for a in child.args if isinstance(a, ast.Attribute)]
        elif attr == "handle_etag":
            etag = True
        elif attr in ("json_object", "json_body", "json_list"):
            reads_body = True
        elif (
            attr in ("json", "status_ok")
            and _attr_chain(child.func.value) == ["c"]
            and success is None
        ):
            status = next((k.value for k in child.keywords if k.arg == "status"), None)
            if status is None:
                success = 200
            elif isinstance(status, ast.Constant) and isinstance(status.value, int):
                success = status.value
        elif attr == "require_fields":
            body_fields += _required_fields(child)
        elif isinstance(child.func.value, ast.Name) and child.func.value.id in aliases:
            app_calls.append((aliases[child.func.value.id], attr))
    return Handler(
        name=node.name,
        module=path,
        location=Location(path, node.lineno),
        validates=tuple(validates),
        permissions=tuple(dict.fromkeys(permissions)),
        etag=etag,
        reads_body=reads_body,
        app_calls=tuple(app_calls),
        params_read=tuple(dict.fromkeys(params_read)),
        success=success,
        body_fields=tuple(body_fields),
    )


_PYTHON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}


def _required_fields(call: ast.Call) -> list[tuple[str, str, bool]]:
    """`c.require_fields(body, {"name": str}, optional={"purpose": str})` → typed fields."""
    tables = [(call.args[1], True)] if len(call.args) > 1 else []
    tables += [
        (k.value, k.arg == "required") for k in call.keywords if k.arg in ("required", "optional")
    ]
    fields = []
    for table, required in tables:
        if not isinstance(table, ast.Dict):
            continue
        for key, value in zip(table.keys, table.values):
            name = _const_str(key)
            kind = _PYTHON_TYPES.get(value.id) if isinstance(value, ast.Name) else None
            if name and kind:
                fields.append((name, kind, required))
    return fields


# ---------------------------------------------------------------------------------------------
# Doc operations


def docs_facts(text: str, fragment: str, prefix: str) -> list[DocOperation]:
    """Every operation of one fragment, with the paths relative to the API prefix."""
    root = compose(text, fragment)
    if not isinstance(root, yaml.MappingNode):
        return []
    operations = []
    for key_node, item in root.value:
        key = str(key_node.value)
        if not key.startswith("/") or not isinstance(item, yaml.MappingNode):
            continue
        relative = key[len(prefix) :] if key.startswith(prefix + "/") else key
        for method_node, operation in item.value:
            if method_node.value in HTTP_METHODS and isinstance(operation, yaml.MappingNode):
                operations.append(
                    _doc_operation(method_node.value, relative, operation, fragment, method_node)
                )
    return operations


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    return {}


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _doc_operation(
    method: str, path: str, node: yaml.MappingNode, fragment: str, key: yaml.Node
) -> DocOperation:
    fields = _mapping(node)
    operation_id = fields.get("operationId")
    responses = _mapping(fields.get("responses"))
    statuses = tuple(sorted(int(code) for code in responses if str(code).isdigit()))
    text = _scalar(fields.get("description")) or ""
    permissions: tuple[str, ...] = ()
    if "##### Permissions" in text:
        permissions = tuple(_PERMISSION_NAME.findall(text.split("##### Permissions", 1)[1]))
    security = fields.get("security")
    public = isinstance(security, yaml.SequenceNode) and not security.value
    tags = fields.get("tags")
    tag = (
        str(tags.value[0].value)
        if isinstance(tags, yaml.SequenceNode)
        and tags.value
        and isinstance(tags.value[0], yaml.ScalarNode)
        else None
    )
    path_params: list[str] = []
    query: list[tuple[str, str, bool]] = []
    parameters = fields.get("parameters")
    if isinstance(parameters, yaml.SequenceNode):
        for parameter in parameters.value:
            values = _mapping(parameter)
            where, name = _scalar(values.get("in")), _scalar(values.get("name"))
            if name and where == "path":
                path_params.append(name)
            elif name and where == "query":
                kind = _scalar(_mapping(values.get("schema")).get("type")) or "string"
                query.append((name, kind, _scalar(values.get("required")) == "true"))
    body = _mapping(fields.get("requestBody"))
    body_schema = _json_schema(body)
    body_fields: list[tuple[str, str, bool]] = []
    if body_schema is not None and "properties" in body_schema:
        required = body_schema.get("required")
        names = (
            {_scalar(n) for n in required.value}
            if isinstance(required, yaml.SequenceNode)
            else set()
        )
        for field_name, prop in _mapping(body_schema.get("properties")).items():
            prop_type = _scalar(_mapping(prop).get("type"))
            if prop_type:
                body_fields.append((field_name, prop_type, field_name in names))
    success = next((code for code in statuses if 200 <= code < 300), None)
    response = _json_schema(_mapping(responses.get(str(success)))) if success else None
    if response is not None and "items" in response:
        response = _mapping(response.get("items"))
    description = text.split("##### Permissions", 1)[0].strip() or None
    line = key.start_mark.line + 1
    return DocOperation(
        method=method.upper(),
        path=path,
        operation_id=str(operation_id.value) if isinstance(operation_id, yaml.ScalarNode) else None,
        statuses=statuses,
        permissions=permissions,
        public=public,
        tag=tag,
        location=Location(fragment, line),
        node=node,
        operation_id_line=operation_id.start_mark.line + 1 if operation_id is not None else line,
        summary=_scalar(fields.get("summary")),
        description=description,
        path_params=tuple(path_params),
        query=tuple(query),
        has_body=bool(body),
        body_schema=_ref_name(body_schema),
        body_fields=tuple(body_fields),
        response_schema=_ref_name(response),
    )


def _json_schema(holder: dict[str, yaml.Node]) -> dict[str, yaml.Node] | None:
    """The `content: application/json: schema:` mapping of a request body or a response."""
    media = _mapping(_mapping(holder.get("content")).get("application/json"))
    schema = media.get("schema")
    return _mapping(schema) if isinstance(schema, yaml.MappingNode) else None


def _ref_name(schema: dict[str, yaml.Node] | None) -> str | None:
    ref = _scalar(schema.get("$ref")) if schema else None
    return ref.rsplit("/", 1)[-1] if ref and ref.startswith("#/components/schemas/") else None


# ---------------------------------------------------------------------------------------------
# The driver


_SECTION = re.compile(r"^\s*#\s*(.+?)\s+Section\s*$")


def driver_facts(
    text: str, path: str, class_name: str
) -> tuple[list[DriverMethod], list[RouteHelper], dict[str, Location]]:
    """The driver class's methods (verb and symbolic URL), route helpers and sections."""
    tree = parse_python(text, path)
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None)
    if cls is None:
        raise RepoLayoutError(
            f"no class {class_name} in {path}",
            hint="fix [server] driver_class in scaffold.toml",
            path=path,
        )
    # Sections are comments, which `ast` drops: read them from the lines.
    sections: list[tuple[int, str]] = []
    section_lines: dict[str, Location] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SECTION.match(line)
        if match and cls.lineno <= number <= (cls.end_lineno or number):
            sections.append((number, match.group(1)))
            section_lines[match.group(1)] = Location(path, number)
    methods = [n for n in cls.body if isinstance(n, ast.FunctionDef)]
    helpers = {m.name: m for m in methods if m.name.endswith("_route")}
    resolved: dict[str, tuple[tuple[str, ...], str]] = {}

    def helper_path(name: str, depth: int = 0) -> tuple[tuple[str, ...], str] | None:
        if name in resolved:
            return resolved[name]
        node = helpers.get(name)
        if (
            node is None
            or depth > 10
            or len(node.body) != 1
            or not isinstance(node.body[0], ast.Return)
        ):
            return None
        params = tuple(a.arg for a in node.args.args[1:])
        value = _url_of(node.body[0].value, {p: "{" + p + "}" for p in params}, helper_path, depth)
        if value is None:
            return None
        resolved[name] = (params, value)
        return resolved[name]

    route_helpers = []
    for name, node in helpers.items():
        found = helper_path(name)
        if found:
            route_helpers.append(RouteHelper(name, found[0], found[1], Location(path, node.lineno)))
    driver_methods = []
    for node in methods:
        if node.name in helpers or node.name.startswith("_"):
            continue
        call = _api_call(node)
        if call is None:
            continue
        verb, url = call
        args = {a.arg: "{" + a.arg + "}" for a in node.args.args[1:]}
        url_path = _url_of(url, args, helper_path, 0)
        section = next((title for line, title in reversed(sections) if line < node.lineno), None)
        driver_methods.append(
            DriverMethod(node.name, verb, url_path, section, Location(path, node.lineno))
        )
    return driver_methods, route_helpers, section_lines


def _api_call(function: ast.FunctionDef) -> tuple[str, ast.expr] | None:
    for child in ast.walk(function):
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr.startswith("do_api_")
            and child.args
        ):
            return child.func.attr[len("do_api_") :].upper(), child.args[0]
    return None


def _url_of(
    node: ast.expr | None,
    names: dict[str, str],
    helper: Callable[[str, int], tuple[tuple[str, ...], str] | None],
    depth: int,
) -> str | None:
    """Evaluate a URL expression of the driver symbolically: params become `{name}`."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            part = _url_of(
                value.value if isinstance(value, ast.FormattedValue) else value,
                names,
                helper,
                depth,
            )
            if part is None:
                return None
            parts.append(part)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = (
            _url_of(node.left, names, helper, depth),
            _url_of(node.right, names, helper, depth),
        )
        return left + right if left is not None and right is not None else None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and _attr_chain(node.func)[:1] == ["self"]
    ):
        found = helper(node.func.attr, depth + 1)
        if found is None:
            return None
        params, template = found
        for param, arg in zip(params, node.args):
            argument = _url_of(arg, names, helper, depth)
            if argument is None:
                return None
            template = template.replace("{" + param + "}", argument)
        return template
    return None


# ---------------------------------------------------------------------------------------------
# Tests, app functions, the context


def tests_facts(text: str, path: str) -> list[TestCase]:
    tree = parse_python(text, path)
    return [
        _test_case(node, path)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]


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
        if check in CHECK_STATUSES and value.args:
            response = value.args[-1]
            if isinstance(response, ast.Name) and response.id in produced_by:
                status = CHECK_STATUSES[check]
                checks.append(
                    StatusCheck(produced_by[response.id], status, Location(path, value.lineno))
                )
    xfail, reason = False, None
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if _attr_chain(target)[-2:] == ["mark", "xfail"]:
            xfail = True
            if isinstance(decorator, ast.Call):
                reason = next(
                    (_const_str(k.value) for k in decorator.keywords if k.arg == "reason"), None
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
    chain = _attr_chain(func)
    return chain[-1] if len(chain) >= 3 and chain[0] == "th" else None


def app_facts(text: str, path: str) -> list[AppFunction]:
    tree = parse_python(text, path)
    return [
        AppFunction(path, node.name, Location(path, node.lineno), is_stub(node))
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    ]


def context_facts(text: str, path: str) -> frozenset[str]:
    """The Context's helpers that take no argument (`require_user_id`, ...).

    Generated handlers call `c.require_<param>()` bare; a helper such as
    `require_id(name)` or `require_fields(body, ...)` must not be mistaken for one.
    """
    tree = parse_python(text, path)
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and len(node.args.args) == 1
        and not node.args.kwonlyargs
        and node.args.vararg is None
    )


def is_stub(function: ast.FunctionDef) -> bool:
    """True for the generated stub: a body that only raises AppError.not_implemented(...)."""
    body = [
        s
        for s in function.body
        if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    return (
        len(body) == 1
        and isinstance(body[0], ast.Raise)
        and isinstance(body[0].exc, ast.Call)
        and _attr_chain(body[0].exc.func)[-1:] == ["not_implemented"]
    )


def strip_nodes(operations: list[DocOperation]) -> list[DocOperation]:
    """The operations without their YAML nodes (large, and only `check --fix` reads them)."""
    return [replace(op, node=None) for op in operations]
