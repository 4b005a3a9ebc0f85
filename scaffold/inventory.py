"""A fast, read-only scan of a repo: every route, doc operation, driver method and test case.

Nothing of the target code is imported: Python is read with the stdlib `ast`, YAML is composed
with libyaml (nodes only, never constructed), so a repo the size of Mattermost's scans in about
the time it takes to parse it. `add`, `list`, `check` and `checklist` all read this one view.
"""

from __future__ import annotations

import ast
import glob
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scaffold.config import RepoLayout
from scaffold.errors import RepoLayoutError, ValidationError

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
    node: yaml.Node = field(compare=False, repr=False)


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

    def routes_for(self, method: str, path: str) -> list[Route]:
        return [r for r in self.routes if r.method == method and shape(r.path) == shape(path)]

    def docs_for(self, method: str, path: str) -> list[DocOperation]:
        return [d for d in self.docs if d.method == method and shape(d.path) == shape(path)]

    def driver_for(self, method: str, path: str) -> list[DriverMethod]:
        return [
            d for d in self.driver_methods if d.method == method and d.path and shape(d.path) == shape(path)
        ]

    def driver_named(self, name: str) -> DriverMethod | None:
        return next((d for d in self.driver_methods if d.name == name), None)

    def tests_calling(self, driver_method: str) -> list[TestCase]:
        return [t for t in self.tests if driver_method in t.driver_calls]

    def handler_of(self, route: Route) -> Handler | None:
        return self.handlers.get((route.module, route.handler))


# ---------------------------------------------------------------------------------------------
# Scanning


Reader = Callable[[str], "str | None"]


def scan(layout: RepoLayout, read: Reader | None = None) -> Inventory:
    """Scan the repo (or the texts `read` returns, e.g. a Workspace with planned edits)."""
    read = read or _disk_reader(layout.root)
    inventory = Inventory()
    _scan_routes(layout, read, inventory)
    _scan_docs(layout, read, inventory)
    _scan_driver(layout, read, inventory)
    _scan_tests(layout, read, inventory)
    _scan_app(layout, read, inventory)
    context = read(layout.context)
    if context is not None:
        tree = _parse(context, layout.context)
        inventory.context_helpers = frozenset(
            node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
        )
    return inventory


def _disk_reader(root: Path) -> Reader:
    def read(path: str) -> str | None:
        try:
            with open(root / path, encoding="utf-8", newline="") as handle:
                return handle.read()
        except (FileNotFoundError, IsADirectoryError):
            return None
        except UnicodeDecodeError:
            raise RepoLayoutError("not UTF-8 text", hint="save the file as UTF-8", path=path) from None

    return read


def matching_files(layout: RepoLayout, pattern: str) -> list[tuple[str, str]]:
    """(path, resource) of every file on disk matching a `{resource}` pattern."""
    head, _, tail = pattern.partition("{resource}")
    found = []
    # Joined as text: a Path would drop the trailing "/" of a head like "server/api4/".
    for match in sorted(glob.glob(glob.escape(f"{layout.root}/{head}") + "*" + glob.escape(tail))):
        relative = Path(match).relative_to(layout.root).as_posix()
        resource = relative[len(head) : len(relative) - len(tail)]
        if re.fullmatch(r"[a-z_][a-z0-9_]*", resource):
            found.append((relative, resource))
    return found


def _parse(text: str, path: str) -> ast.Module:
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


def _scan_routes(layout: RepoLayout, read: Reader, inventory: Inventory) -> None:
    text = read(layout.routes)
    if text is None:
        raise RepoLayoutError(
            f"{layout.routes} does not exist",
            hint="fix [server] routes in scaffold.toml",
            path=layout.config_path,
        )
    tree = _parse(text, layout.routes)
    routers: dict[str, str] = {}
    for node in ast.walk(tree):
        # self.user = self.users.prefix("/{user_id}")  or  root.prefix("/api/v4")
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call)):
            continue
        target = _attr_chain(node.targets[0])
        func = _attr_chain(node.value.func)
        suffix = _const_str(node.value.args[0]) if node.value.args else None
        if len(target) == 2 and target[0] == "self" and func and func[-1] == "prefix" and suffix is not None:
            parent = func[-2] if len(func) >= 3 and func[0] == "self" else None
            routers[target[1]] = (routers.get(parent, "") if parent else "") + suffix
    inventory.routers = routers
    inventory.init_calls = tuple(
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.startswith("init_")
    )
    for path, resource in matching_files(layout, layout.handlers):
        if path == layout.routes:
            continue
        module_text = read(path)
        if module_text is None:
            continue
        module = _parse(module_text, path)
        _scan_handlers_module(layout, path, module, inventory)


def _scan_handlers_module(layout: RepoLayout, path: str, module: ast.Module, inventory: Inventory) -> None:
    aliases = _import_aliases(module)
    for node in module.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        if node.name.startswith("init_"):
            for statement in node.body:
                route = _route_of(statement, layout, inventory.routers, path)
                if route is not None:
                    inventory.routes.append(route)
            continue
        handler = _handler_of(node, path, aliases)
        if handler is not None:
            inventory.handlers[(path, node.name)] = handler


def _route_of(statement: ast.stmt, layout: RepoLayout, routers: dict[str, str], path: str) -> Route | None:
    # api.routes.<router>.handle("<suffix>", api.<wrapper>(<handler>), "<METHOD>")
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    call = statement.value
    chain = _attr_chain(call.func)
    if len(chain) < 3 or chain[-1] != "handle" or len(call.args) != 3:
        return None
    router = chain[-2]
    suffix = _const_str(call.args[0])
    method = _const_str(call.args[2])
    wrapped = call.args[1]
    if suffix is None or method is None or router not in routers or not isinstance(wrapped, ast.Call):
        return None
    wrapper_chain = _attr_chain(wrapped.func)
    handler = wrapped.args[0] if wrapped.args else None
    if not wrapper_chain or not isinstance(handler, ast.Name):
        return None
    full = routers[router] + suffix
    prefix = layout.docs_prefix
    relative = full[len(prefix) :] if full.startswith(prefix + "/") else full
    return Route(
        method=method.upper(),
        path=relative,
        router=router,
        suffix=suffix,
        wrapper=wrapper_chain[-1],
        handler=handler.id,
        module=path,
        location=Location(path, statement.lineno),
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
    etag = reads_body = False
    app_calls: list[tuple[str, str]] = []
    for child in ast.walk(node):
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
    )


def _scan_docs(layout: RepoLayout, read: Reader, inventory: Inventory) -> None:
    for name in layout.build:
        fragment = layout.fragment_path(name)
        text = read(fragment)
        if text is None:
            raise RepoLayoutError(
                f"the build list names {name}, which does not exist",
                hint=f"create {fragment} or remove it from [docs] build",
                path=layout.config_path,
            )
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            raise ValidationError(
                f"YAML syntax error: {err.problem or err.context}",
                hint="fix the YAML of this fragment",
                path=fragment,
                line=mark.line + 1 if mark else None,
            ) from None
        if not isinstance(root, yaml.MappingNode):
            continue
        for key_node, item in root.value:
            key = str(key_node.value)
            if not key.startswith("/") or not isinstance(item, yaml.MappingNode):
                continue
            relative = key[len(layout.docs_prefix) :] if key.startswith(layout.docs_prefix + "/") else key
            for method_node, operation in item.value:
                if method_node.value in HTTP_METHODS and isinstance(operation, yaml.MappingNode):
                    inventory.docs.append(
                        _doc_operation(method_node.value, relative, operation, fragment, method_node)
                    )


def _mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    return {}


def _doc_operation(method: str, path: str, node: yaml.MappingNode, fragment: str, key: yaml.Node) -> DocOperation:
    fields = _mapping(node)
    operation_id = fields.get("operationId")
    responses = _mapping(fields.get("responses", yaml.MappingNode("", [])))
    statuses = tuple(sorted(int(code) for code in responses if str(code).isdigit()))
    description = fields.get("description")
    text = description.value if isinstance(description, yaml.ScalarNode) else ""
    permissions: tuple[str, ...] = ()
    if "##### Permissions" in text:
        permissions = tuple(_PERMISSION_NAME.findall(text.split("##### Permissions", 1)[1]))
    security = fields.get("security")
    public = isinstance(security, yaml.SequenceNode) and not security.value
    tags = fields.get("tags")
    tag = (
        str(tags.value[0].value)
        if isinstance(tags, yaml.SequenceNode) and tags.value and isinstance(tags.value[0], yaml.ScalarNode)
        else None
    )
    return DocOperation(
        method=method.upper(),
        path=path,
        operation_id=str(operation_id.value) if isinstance(operation_id, yaml.ScalarNode) else None,
        statuses=statuses,
        permissions=permissions,
        public=public,
        tag=tag,
        location=Location(fragment, key.start_mark.line + 1),
        node=node,
    )


_SECTION = re.compile(r"^\s*#\s*(.+?)\s+Section\s*$")


def _scan_driver(layout: RepoLayout, read: Reader, inventory: Inventory) -> None:
    text = read(layout.driver)
    if text is None:
        raise RepoLayoutError(
            f"{layout.driver} does not exist", hint="fix [server] driver in scaffold.toml", path=layout.config_path
        )
    tree = _parse(text, layout.driver)
    cls = next(
        (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == layout.driver_class), None
    )
    if cls is None:
        raise RepoLayoutError(
            f"no class {layout.driver_class} in {layout.driver}",
            hint="fix [server] driver_class in scaffold.toml",
            path=layout.driver,
        )
    # Sections are comments, which `ast` drops: read them from the lines.
    sections: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SECTION.match(line)
        if match and cls.lineno <= number <= (cls.end_lineno or number):
            sections.append((number, match.group(1)))
            inventory.driver_sections[match.group(1)] = Location(layout.driver, number)
    methods = [n for n in cls.body if isinstance(n, ast.FunctionDef)]
    helpers = {m.name: m for m in methods if m.name.endswith("_route")}
    resolved: dict[str, tuple[tuple[str, ...], str]] = {}

    def helper_path(name: str, depth: int = 0) -> tuple[tuple[str, ...], str] | None:
        if name in resolved:
            return resolved[name]
        node = helpers.get(name)
        if node is None or depth > 10 or len(node.body) != 1 or not isinstance(node.body[0], ast.Return):
            return None
        params = tuple(a.arg for a in node.args.args[1:])
        value = _url_of(node.body[0].value, {p: "{" + p + "}" for p in params}, helper_path, depth)
        if value is None:
            return None
        resolved[name] = (params, value)
        return resolved[name]

    for name, node in helpers.items():
        found = helper_path(name)
        if found:
            inventory.route_helpers.append(RouteHelper(name, found[0], found[1], Location(layout.driver, node.lineno)))
    for node in methods:
        if node.name in helpers or node.name.startswith("_"):
            continue
        call = _api_call(node)
        if call is None:
            continue
        verb, url = call
        args = {a.arg: "{" + a.arg + "}" for a in node.args.args[1:]}
        path = _url_of(url, args, helper_path, 0)
        section = next((title for line, title in reversed(sections) if line < node.lineno), None)
        inventory.driver_methods.append(
            DriverMethod(node.name, verb, path, section, Location(layout.driver, node.lineno))
        )


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
            part = _url_of(value.value if isinstance(value, ast.FormattedValue) else value, names, helper, depth)
            if part is None:
                return None
            parts.append(part)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _url_of(node.left, names, helper, depth), _url_of(node.right, names, helper, depth)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _attr_chain(node.func)[:1] == ["self"]:
        found = helper(node.func.attr, depth + 1)
        if found is None:
            return None
        params, template = found
        for param, arg in zip(params, node.args):
            value = _url_of(arg, names, helper, depth)
            if value is None:
                return None
            template = template.replace("{" + param + "}", value)
        return template
    return None


def _scan_tests(layout: RepoLayout, read: Reader, inventory: Inventory) -> None:
    for path, _ in matching_files(layout, layout.tests):
        text = read(path)
        if text is None:
            continue
        tree = _parse(text, path)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                inventory.tests.append(_test_case(node, path))


def _test_case(node: ast.FunctionDef, path: str) -> TestCase:
    produced_by: dict[str, str] = {}
    calls: list[str] = []
    checks: list[StatusCheck] = []
    for statement in _statements(node.body):
        for child in ast.walk(statement):
            if isinstance(child, ast.Assign) and isinstance(child.value, ast.Call):
                method = _driver_call(child.value)
                if method is None:
                    continue
                for target in child.targets:
                    names = target.elts if isinstance(target, ast.Tuple) else [target]
                    for name in names:
                        if isinstance(name, ast.Name):
                            produced_by[name.id] = method
            elif isinstance(child, ast.Call):
                method = _driver_call(child)
                if method is not None:
                    calls.append(method)
                name = child.func.id if isinstance(child.func, ast.Name) else None
                if name in CHECK_STATUSES and child.args:
                    response = child.args[-1]
                    if isinstance(response, ast.Name) and response.id in produced_by:
                        checks.append(
                            StatusCheck(produced_by[response.id], CHECK_STATUSES[name], Location(path, child.lineno))
                        )
    xfail, reason = False, None
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if _attr_chain(target)[-2:] == ["mark", "xfail"]:
            xfail = True
            if isinstance(decorator, ast.Call):
                reason = next((_const_str(k.value) for k in decorator.keywords if k.arg == "reason"), None)
    return TestCase(node.name, Location(path, node.lineno), tuple(dict.fromkeys(calls)), tuple(checks), xfail, reason)


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    yield from body


def _driver_call(call: ast.Call) -> str | None:
    """`th.client.get_user(...)` or `client.get_user(...)` → `get_user`."""
    chain = _attr_chain(call.func)
    if len(chain) >= 2 and ("client" in chain[-2] or chain[0] == "th" and len(chain) >= 3):
        return chain[-1]
    return None


def _scan_app(layout: RepoLayout, read: Reader, inventory: Inventory) -> None:
    for path, _ in matching_files(layout, layout.app):
        text = read(path)
        if text is None:
            continue
        tree = _parse(text, path)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                inventory.app_functions[(path, node.name)] = AppFunction(
                    path, node.name, Location(path, node.lineno), is_stub(node)
                )


def is_stub(function: ast.FunctionDef) -> bool:
    """True for the generated stub: a body that only raises AppError.not_implemented(...)."""
    body = [s for s in function.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return (
        len(body) == 1
        and isinstance(body[0], ast.Raise)
        and isinstance(body[0].exc, ast.Call)
        and _attr_chain(body[0].exc.func)[-1:] == ["not_implemented"]
    )
