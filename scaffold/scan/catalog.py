"""THE join of the five artifacts: one record per METHOD + path, from the inventory.

`endpoint add`, `endpoint remove`, `endpoint list`, `check` and `checklist` all read these
records. An endpoint is keyed by its
method and path shape (parameter names erased), so a route and a doc operation that name a
parameter differently still meet — and `check` reports the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from scaffold.model.endpoint import is_action
from scaffold.model.layout import Auth, RepoLayout
from scaffold.model.statuses import default_success, status_matrix
from scaffold.naming import to_pascal, to_snake
from scaffold.scan.docs import DocOperation
from scaffold.scan.driver import DriverMethod
from scaffold.scan.facts import Location, params_of, shape
from scaffold.scan.handler import AppFunction, Handler
from scaffold.scan.route import Route
from scaffold.scan.scanner import Inventory
from scaffold.scan.tests import TestCase

METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")

State = Literal["done", "pending", "missing"]


@dataclass(frozen=True)
class Case:
    """One status code of an endpoint and the tests that assert it."""

    status: int
    #: done: a test asserts it; pending: only xfail tests do; missing: no test does
    state: State
    tests: tuple[TestCase, ...] = ()

    @property
    def location(self) -> Location | None:
        return self.tests[0].location if self.tests else None


@dataclass
class EndpointRecord:
    """Everything the repo has for one METHOD + path."""

    method: str
    path: str  # without the API prefix; parameter names as the route (else the doc) writes them
    prefix: str
    route: Route | None = None
    #: the auth the route's wrapper gives it (None without a route)
    route_auth: Auth | None = None
    handler: Handler | None = None
    doc: DocOperation | None = None
    driver: DriverMethod | None = None
    app_function: AppFunction | None = None
    #: the tests that assert a status of a response of the endpoint's driver methods
    tests: tuple[TestCase, ...] = ()
    #: the status codes the route and handler can answer (DESIGN §5), empty without a route
    required: tuple[int, ...] = ()
    #: every code that is required, documented or asserted, and how the tests cover it
    cases: dict[int, Case] = field(default_factory=dict)

    @property
    def full_path(self) -> str:
        return self.prefix + self.path

    @property
    def key(self) -> str:
        """`GET /api/v4/users/{}`: stable across renames of path parameters."""
        return f"{self.method} {self.prefix}{shape(self.path)}"

    @property
    def operation_id(self) -> str | None:
        if self.doc is not None and self.doc.operation_id:
            return self.doc.operation_id
        return to_pascal(self.name) if self.name else None

    @property
    def name(self) -> str | None:
        """The snake_case name that ties the artifacts (handler, driver, tests)."""
        if self.route is not None:
            return self.route.handler
        if self.doc is not None and self.doc.operation_id:
            return to_snake(self.doc.operation_id)
        return self.driver.name if self.driver else None

    @property
    def driver_name(self) -> str | None:
        return self.driver.name if self.driver else self.name

    @property
    def public(self) -> bool:
        if self.route_auth is not None:
            return self.route_auth is Auth.PUBLIC
        return self.doc is not None and (self.doc.public or 401 not in self.doc.statuses)

    def artifacts(self) -> dict[str, Location | None]:
        return {
            "docs": self.doc.location if self.doc else None,
            "route": self.route.location if self.route else None,
            "handler": self.handler.location if self.handler else None,
            "driver": self.driver.location if self.driver else None,
            "tests": self.tests[0].location if self.tests else None,
        }

    def state(self, artifact: str) -> State:
        """done, missing, or (tests only) pending while a case is asserted only by xfail tests."""
        if self.artifacts()[artifact] is None:
            return "missing"
        if artifact == "tests" and any(c.state == "pending" for c in self.cases.values()):
            return "pending"
        return "done"

    @property
    def anchor(self) -> Location:
        """Where a finding about this endpoint as a whole points: its route, else its doc."""
        if self.route is not None:
            return self.route.location
        if self.doc is not None:
            return self.doc.location
        assert self.driver is not None, "a record has a route, a doc or a driver"
        return self.driver.location


@dataclass
class Catalog:
    """Every endpoint of a repo, and the driver methods that belong to none."""

    endpoints: list[EndpointRecord]
    #: driver methods whose METHOD + path no route or doc operation has
    orphan_drivers: list[DriverMethod]
    #: what the catalog was joined from
    inventory: Inventory

    #: (METHOD, path shape) → the record
    index: dict[tuple[str, str], EndpointRecord] = field(default_factory=dict)

    def find(self, method: str, path: str) -> EndpointRecord | None:
        if not self.index:
            self.index = {(e.method, shape(e.path)): e for e in self.endpoints}
        return self.index.get((method.upper(), shape(path)))


@dataclass(frozen=True)
class Parts:
    """Where each artifact of one endpoint stands: through its catalog record and, for a part
    that no route or path ties to it (a handler not registered, a driver method whose URL the
    scan cannot follow), by the endpoint's name."""

    doc: DocOperation | None
    route: Route | None
    handler: Handler | None
    driver: DriverMethod | None
    #: the tests that call the driver method
    tests: tuple[TestCase, ...]

    def locations(self) -> dict[str, Location | None]:
        return {
            "docs": self.doc.location if self.doc else None,
            "route": self.route.location if self.route else None,
            "handler": self.handler.location if self.handler else None,
            "driver": self.driver.location if self.driver else None,
            "tests": self.tests[0].location if self.tests else None,
        }


def parts_of(joined: Catalog, method: str, path: str, name: str, handlers_module: str) -> Parts:
    """The parts of METHOD PATH, whose artifacts are named `name` (see `Parts`)."""
    inventory = joined.inventory
    record = joined.find(method, path)
    handler = record.handler if record is not None else None
    if handler is None:
        handler = inventory.handlers.get((handlers_module, name))
    driver = record.driver if record is not None else None
    if driver is None:
        key = (method.upper(), shape(path))
        driver = next((d for d in joined.orphan_drivers if (d.method, shape(d.path or "")) == key), None)
    driver = driver or inventory.driver_named(name)
    return Parts(
        doc=record.doc if record is not None else None,
        route=record.route if record is not None else None,
        handler=handler,
        driver=driver,
        tests=tuple(inventory.tests_calling(driver.name if driver else name)),
    )


def catalog(inventory: Inventory, layout: RepoLayout, *, coverage: bool = True) -> Catalog:
    """Join routes, handlers, docs, driver methods and tests into one record per endpoint.

    Without `coverage`, no record has its required statuses, its tests or its cases (they
    stay empty): adding or removing an endpoint needs none, and ranking every test of every
    endpoint is a third of the join."""
    records: dict[tuple[str, str], EndpointRecord] = {}

    def record(method: str, path: str, prefix: str = layout.docs_prefix) -> EndpointRecord:
        key = (method, shape(path))
        if key not in records:
            records[key] = EndpointRecord(method, path, prefix)
        return records[key]

    for route in inventory.routes:
        entry = record(route.method, route.path)
        if entry.route is None:
            entry.route = route
            entry.route_auth = layout.auth_of(route.wrapper)
            entry.handler = inventory.handler_of(route)
    for doc in inventory.docs:
        # A path documented outside the API prefix (`/files/{file_id}/public`) is listed as written.
        entry = record(doc.method, doc.path, layout.docs_prefix if doc.prefixed else "")
        if entry.doc is None:
            entry.doc = doc
    drivers_by_key: dict[tuple[str, str], list[DriverMethod]] = {}
    for driver in inventory.driver_methods:
        if driver.path is not None:
            drivers_by_key.setdefault((driver.method, shape(driver.path)), []).append(driver)
    # Names compared in snake_case: Go's handler `getUser` names the driver's `GetUser`.
    by_name = {to_snake(d.name): d for d in inventory.driver_methods}
    claimed: set[str] = set()
    for key, entry in records.items():
        candidates = drivers_by_key.get(key, [])
        name = to_snake(entry.name) if entry.name else None
        named = next((d for d in candidates if to_snake(d.name) == name), None)
        if named is None and name in by_name and by_name[name].path is None:
            named = by_name[name]  # its URL is built in a way the scan cannot follow
        entry.driver = named or (candidates[0] if candidates else None)
        if entry.driver is not None:
            claimed.add(entry.driver.name)
    orphans = [
        d
        for d in inventory.driver_methods
        if d.name not in claimed and d.path is not None and (d.method, shape(d.path)) not in records
    ]
    checks = _checks_by_driver(inventory) if coverage else {}
    for key, entry in records.items():
        if entry.name and entry.handler is not None:
            for module, function in entry.handler.app_calls:
                path = module.replace(".", "/") + ".py"
                if function == entry.name and (path, function) in inventory.app_functions:
                    entry.app_function = inventory.app_functions[(path, function)]
        # Every driver method that requests the endpoint tests it (`GetMe` and `GetUser` both
        # request GET /users/{user_id}), the one that names it first.
        if coverage:
            drivers = [entry.driver_name or "", *(d.name for d in drivers_by_key.get(key, []))]
            _cover(entry, _asserted(checks, drivers), limited=bool(layout.body_limit))
    ordered = sorted(records.values(), key=_order)
    return Catalog(ordered, orphans, inventory, records)


def _order(entry: EndpointRecord) -> tuple[str, int]:
    rank = METHOD_ORDER.index(entry.method) if entry.method in METHOD_ORDER else len(METHOD_ORDER)
    return shape(entry.path), rank


def _checks_by_driver(inventory: Inventory) -> dict[str, dict[int, list[TestCase]]]:
    found: dict[str, dict[int, list[TestCase]]] = {}
    for test in inventory.tests:
        for check in test.checks:
            tests = found.setdefault(check.driver_method, {}).setdefault(check.status, [])
            if test not in tests:
                tests.append(test)
    return found


def _asserted(
    checks: dict[str, dict[int, list[TestCase]]], drivers: list[str]
) -> dict[int, list[TestCase]]:
    """The tests asserting each status of a response of any of `drivers`."""
    asserted: dict[int, list[TestCase]] = {}
    for driver in dict.fromkeys(drivers):
        for status, tests in checks.get(driver, {}).items():
            found = asserted.setdefault(status, [])
            found += [t for t in tests if t not in found]
    return asserted


def required_statuses(entry: EndpointRecord, *, limited: bool = True) -> tuple[int, ...]:
    """The codes the route and its handler can be seen to answer: the status matrix read from
    the code (413 for a body, where the server limits bodies: `limited`). A 400 for the path
    when it holds an id, or the handler validates a parameter; any other parameter is taken as
    it comes. A 404 comes from the app layer, which the code does not show: the doc says it."""
    route, handler = entry.route, entry.handler
    if route is None:
        return ()
    params = any(p.endswith("_id") for p in params_of(route.path))
    success = handler.success if handler is not None and handler.success is not None else None
    if success is None and entry.doc is not None:
        success = next((code for code in entry.doc.statuses if 200 <= code < 300), None)
    reads_body = handler is not None and handler.reads_body
    return status_matrix(
        success=success or default_success(route.method, action=is_action(route.method, route.path)),
        validates_input=params or (handler is not None and bool(handler.validates)) or reads_body,
        public=entry.route_auth is Auth.PUBLIC,
        permission=handler is not None and bool(handler.permissions),
        names_resource=False,
        etag=handler is not None and handler.etag,
        body=reads_body and limited,
    )


def _cover(entry: EndpointRecord, asserted: dict[int, list[TestCase]], *, limited: bool) -> None:
    entry.required = required_statuses(entry, limited=limited)
    # The endpoint's own tests (`test_<name>`, `test_<name>_<case>`) first, then the others.
    own = f"test_{to_snake(entry.name or '')}"

    def rank(test: TestCase) -> tuple[bool, str, int]:
        name = to_snake(test.name)  # Go's `TestGetUser` is `test_get_user`
        mine = name == own or name.startswith(own + "_")
        return not mine, test.location.path, test.location.line

    # Each test once (the same object stands under each status it asserts), ranked once.
    unique = {id(t): t for tests in asserted.values() for t in tests}
    ranks = {key: rank(test) for key, test in unique.items()}

    def ranked(test: TestCase) -> tuple[bool, str, int]:
        return ranks[id(test)]

    entry.tests = tuple(sorted(unique.values(), key=ranked))
    documented = entry.doc.statuses if entry.doc is not None else ()
    for status in sorted({*entry.required, *documented, *asserted}):
        tests = tuple(sorted(asserted.get(status, ()), key=ranked))
        if any(not t.xfail for t in tests):
            state: State = "done"
        elif tests:
            state = "pending"
        else:
            state = "missing"
        entry.cases[status] = Case(status, state, tests)
