"""The rules of `scaffold check`: the catalog of endpoints in, findings out.

Each finding names its rule, where to look (file:line of the thing to change), what is wrong
and the command (or the edit) that fixes it. One cause gives one finding: a route line deleted
is a stale doc, not also an orphan driver method and untested cases.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence

from scaffold.config import RepoLayout
from scaffold.derive import add_command, endpoint_of
from scaffold.endpoints import PUBLIC_WRAPPER, Catalog, EndpointRecord
from scaffold.errors import ScaffoldError
from scaffold.findings import RULES, Finding
from scaffold.inventory import DriverMethod, Location, TestCase, params_of, shape
from scaffold.naming import to_pascal, to_snake
from scaffold.speccheck import SpecProblem

#: The test a generated matrix names for each status (`test_<name><suffix>`).
CASE_SUFFIXES = {
    304: "_etag",
    400: "_bad_request",
    401: "_unauthorized",
    403: "_forbidden",
    404: "_not_found",
}
CHECK_HELPERS = {
    200: "check_ok_status",
    201: "check_created_status",
    202: "check_accepted_status",
    204: "check_no_content_status",
    304: "check_etag",
    400: "check_bad_request_status",
    401: "check_unauthorized_status",
    403: "check_forbidden_status",
    404: "check_not_found_status",
}
_PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def audit(
    catalog: Catalog,
    layout: RepoLayout,
    *,
    spec_problems: Sequence[SpecProblem] = (),
    strict: bool = False,
) -> list[Finding]:
    """Every finding of the repo, ordered by file and line."""
    findings = list(_Auditor(catalog, layout, strict).run())
    return ordered(findings + spec_findings(spec_problems, layout))


def ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path, f.line, f.rule, f.key))


def spec_findings(problems: Sequence[SpecProblem], layout: RepoLayout) -> list[Finding]:
    return [_invalid_spec(problem, layout) for problem in problems]


def _invalid_spec(problem: SpecProblem, layout: RepoLayout) -> Finding:
    path = problem.path or layout.fragment_path(layout.build[0])
    if path.startswith(str(layout.root) + "/"):
        path = path[len(str(layout.root)) + 1 :]
    return Finding(
        "invalid-spec",
        "error",
        path,
        problem.line or 1,
        problem.message,
        problem.hint or "fix the spec, then run `scaffold docs build`",
        f"{path}#{problem.message}",
    )


class _Auditor:
    def __init__(self, catalog: Catalog, layout: RepoLayout, strict: bool) -> None:
        self.catalog = catalog
        self.layout = layout
        self.strict = strict
        self.driver_class = layout.driver_class
        self.test_names = {t.name for t in catalog.inventory.tests}

    def run(self) -> Iterator[Finding]:
        yield from self._pairing()
        for record in self.catalog.endpoints:
            if record.route is not None:
                yield from self._driver_and_tests(record)
            if record.route is not None and record.doc is not None:
                yield from self._params(record)
                yield from self._doc_statuses(record)
        yield from self._operation_ids()
        yield from self._orphans()

    # -- helpers --------------------------------------------------------------------------

    def finding(
        self, rule: str, at: Location, message: str, fix: str, key: str, *, fixable: bool = False
    ) -> Finding:
        severity = RULES[rule].severity
        if rule == "pending-status-case" and self.strict:
            severity = "error"
        return Finding(rule, severity, at.path, at.line, message, fix, key, fixable)

    def add_fix(self, record: EndpointRecord) -> str | None:
        """The `endpoint add … --fill` line for the record, when its facts make an Endpoint."""
        try:
            return add_command(endpoint_of(record, self.layout), self.layout)
        except ScaffoldError:
            return None

    def label(self, record: EndpointRecord) -> str:
        return f"{record.method} {record.full_path}"

    # -- route vs doc ---------------------------------------------------------------------

    def _pairing(self) -> Iterator[Finding]:
        groups: dict[str, list[EndpointRecord]] = {}
        for record in self.catalog.endpoints:
            groups.setdefault(shape(record.path), []).append(record)
        stale = [r for r in self.catalog.endpoints if r.doc is not None and r.route is None]
        for records in groups.values():
            routes = [r for r in records if r.route is not None and r.doc is None]
            docs = [r for r in records if r.doc is not None and r.route is None]
            for route_record, doc_record in zip(routes, docs):
                yield self._method_mismatch(route_record, doc_record)
            for record in routes[len(docs) :]:
                yield self._undocumented(record, stale)
            for record in docs[len(routes) :]:
                yield self._stale(record)

    def _method_mismatch(self, route_record: EndpointRecord, doc_record: EndpointRecord) -> Finding:
        route, doc = route_record.route, doc_record.doc
        assert route is not None and doc is not None
        return self.finding(
            "method-mismatch",
            doc.location,
            f"the doc documents {doc.method} {doc_record.full_path} but the route ({route.location}) "
            f"registers {route.method}",
            f"change `{doc.method.lower()}:` to `{route.method.lower()}:` in {doc.location} "
            f"(or the route's method, if the doc is right)",
            f"{route_record.key}|{doc.method}",
        )

    def _undocumented(self, record: EndpointRecord, stale: list[EndpointRecord]) -> Finding:
        route = record.route
        assert route is not None
        message = f"{self.label(record)} is registered ({route.location}) but not documented"
        near = difflib.get_close_matches(
            self.label(record), [self.label(s) for s in stale], n=1, cutoff=0.8
        )
        if near:
            twin = next(s for s in stale if self.label(s) == near[0])
            assert twin.doc is not None
            message += f"; did you mean {near[0]} ({twin.doc.location})?"
        fix = (
            self.add_fix(record)
            or f"document it in {self.layout.fragment_path(self._fragment(record))}"
        )
        return self.finding(
            "undocumented-route", route.location, message, fix, record.key, fixable=True
        )

    def _fragment(self, record: EndpointRecord) -> str:
        return f"{self.layout.tag_for_path(record.path)}.yaml"

    def _stale(self, record: EndpointRecord) -> Finding:
        doc = record.doc
        assert doc is not None
        message = f"{self.label(record)} is documented but no route serves it"
        name = record.name
        handler = next(
            (h for (_, h_name), h in self.catalog.inventory.handlers.items() if h_name == name),
            None,
        )
        if handler is not None:
            message += f"; handler {handler.name} ({handler.location}) is not registered in an init_ function"
        fix = self.add_fix(record)
        if fix is None:
            return self.finding(
                "stale-doc",
                doc.location,
                message,
                f"remove the operation at {doc.location}",
                record.key,
            )
        return self.finding(
            "stale-doc",
            doc.location,
            message + " (remove the operation if the endpoint is gone)",
            fix,
            record.key,
            fixable=True,
        )

    def _params(self, record: EndpointRecord) -> Iterator[Finding]:
        route, doc, handler = record.route, record.doc, record.handler
        assert route is not None and doc is not None
        route_params, doc_params = params_of(route.path), params_of(doc.path)
        if route_params != doc_params:
            yield self.finding(
                "path-params-mismatch",
                doc.location,
                f"{record.method} {record.prefix}{doc.path} names its parameters {', '.join(doc_params)} "
                f"but the route ({route.location}) names them {', '.join(route_params)}",
                f"rename the path to {record.prefix}{route.path} in {doc.location} (and its `in: path` parameters)",
                record.key,
            )
        if handler is not None:
            extra = [
                p
                for p in handler.validates
                if p not in route_params and f"{p}_id" not in route_params
            ]
            if extra:
                yield self.finding(
                    "path-params-mismatch",
                    handler.location,
                    f"handler {handler.name} validates {', '.join(extra)}, which {record.full_path} "
                    "does not have",
                    f"remove c.require_{extra[0]}() from {handler.name}, or add the parameter to the route",
                    f"{record.key}|handler",
                )

    # -- driver and tests -----------------------------------------------------------------

    def _driver_and_tests(self, record: EndpointRecord) -> Iterator[Finding]:
        missing = [s for s in record.required if record.cases[s].state == "missing"]
        # Building the fix command parses an endpoint: only for records that need one.
        fix = self.add_fix(record) if record.driver is None or not record.tests or missing else None
        if record.driver is None:
            yield self.finding(
                "missing-driver",
                record.anchor,
                f"{self.label(record)} has no {self.driver_class} method (expected "
                f"{self.driver_class}.{record.name} in {self.layout.driver})",
                fix or f"add {self.driver_class}.{record.name} to {self.layout.driver}",
                record.key,
                fixable=fix is not None,
            )
        if not record.tests:
            collides = self._generated_tests_exist(record)
            yield self.finding(
                "missing-tests",
                record.anchor,
                f"no test asserts a status of {self.driver_class}.{record.driver_name} for {self.label(record)}",
                fix
                if fix and not collides
                else f"write test_{record.name}* cases in {self._tests_module(record)}",
                record.key,
                fixable=fix is not None and not collides,
            )
            return
        # Cases asserted only in passing by other tests: the generated matrix gives the
        # endpoint tests of its own, unless their names are taken (then they are hand-written).
        matrix = None if self._generated_tests_exist(record) else fix
        for status in missing:
            yield self._missing_case(record, status, matrix)
        for status, case in sorted(record.cases.items()):
            if case.state == "pending" and (
                status in record.required or status in self._documented(record)
            ):
                yield self._pending_case(record, status, case.tests)

    def _documented(self, record: EndpointRecord) -> tuple[int, ...]:
        return record.doc.statuses if record.doc is not None else ()

    def _tests_module(self, record: EndpointRecord) -> str:
        assert record.route is not None
        head, _, tail = self.layout.handlers.partition("{resource}")
        resource = record.route.module[len(head) : len(record.route.module) - len(tail)]
        return self.layout.tests_module(resource)

    def _generated_tests_exist(self, record: EndpointRecord) -> bool:
        base = f"test_{record.name}"
        return any(base + suffix in self.test_names for suffix in ("", *CASE_SUFFIXES.values()))

    def _missing_case(self, record: EndpointRecord, status: int, matrix: str | None) -> Finding:
        name = f"test_{record.name}{CASE_SUFFIXES.get(status, '')}"
        test = next((t for t in self.catalog.inventory.tests if t.name == name), None)
        at = test.location if test is not None else record.tests[0].location
        helper = CHECK_HELPERS.get(status, f"a check of {status}")
        where = f"{name} no longer asserts it" if test is not None else "no test asserts it"
        return self.finding(
            "missing-status-case",
            at,
            f"{self.label(record)} can answer {status} ({self._why(record, status)}) but {where}",
            matrix
            or f"assert {helper}(resp) on {self.driver_class}.{record.driver_name}(...) in {name}",
            f"{record.key}#{status}",
            fixable=matrix is not None,
        )

    def _why(self, record: EndpointRecord, status: int) -> str:
        route, handler = record.route, record.handler
        assert route is not None
        if status == 401:
            return f"its wrapper {route.wrapper} needs a session"
        if status == 403 and handler is not None and handler.permissions:
            return f"{handler.name} calls set_permission_error({handler.permissions[0]!r})"
        if status == 404:
            return "its path names a resource"
        if status == 304:
            return "its handler calls handle_etag"
        if status == 400:
            if params_of(route.path):
                return "its path has parameters"
            return "its handler validates its input"
        return "its success status"

    def _pending_case(
        self, record: EndpointRecord, status: int, tests: tuple[TestCase, ...]
    ) -> Finding:
        test = tests[0]
        reason = test.xfail_reason or "make the case pass"
        return self.finding(
            "pending-status-case",
            test.location,
            f"{self.label(record)}: {status} is asserted only by xfail test {test.name} ({reason})",
            f"{reason}, then remove the xfail mark from {test.name}",
            f"{record.key}#{status}",
        )

    # -- doc responses --------------------------------------------------------------------

    def _doc_statuses(self, record: EndpointRecord) -> Iterator[Finding]:
        doc, route = record.doc, record.route
        assert doc is not None and route is not None
        missing = [code for code in record.required if code not in doc.statuses]
        if missing:
            reasons = "; ".join(f"{code}: {self._why(record, code)}" for code in missing)
            codes = ", ".join(map(str, missing))
            yield self.finding(
                "doc-status-mismatch",
                doc.location,
                f"the doc of {self.label(record)} does not list {codes} ({reasons})",
                f"add the responses {codes} to the operation at {doc.location}",
                f"{record.key}#unlisted:{codes}",
            )
        for code in doc.statuses:
            case = record.cases.get(code)
            if code in record.required or (case is not None and case.state != "missing"):
                continue
            if code == 401 and route.wrapper == PUBLIC_WRAPPER:
                message = (
                    f"the doc of {self.label(record)} lists 401 but the route is public ({PUBLIC_WRAPPER}) "
                    "and no test asserts it"
                )
            else:
                message = f"the doc of {self.label(record)} lists {code} but no test asserts it"
            yield self.finding(
                "doc-status-mismatch",
                doc.location,
                message,
                f"remove the response {code} from the operation at {doc.location}, or add a test asserting it",
                f"{record.key}#untested:{code}",
            )
        for code, case in sorted(record.cases.items()):
            if code not in doc.statuses and case.state != "missing" and code not in record.required:
                test = case.tests[0]
                yield self.finding(
                    "doc-status-mismatch",
                    doc.location,
                    f"{test.name} ({test.location}) asserts {code} for {self.label(record)}, "
                    "which the doc does not list",
                    f"add the response {code} to the operation at {doc.location}",
                    f"{record.key}#undocumented:{code}",
                )

    # -- operation ids --------------------------------------------------------------------

    def _operation_ids(self) -> Iterator[Finding]:
        first: dict[str, Location] = {}
        # In document order, so "first" is the one the merged spec has first.
        for doc in self.catalog.inventory.docs:
            record = self.catalog.find(doc.method, doc.path)
            if record is None or record.doc is not doc:
                continue  # a second operation for the same METHOD + path: the spec check says so
            at = Location(doc.location.path, doc.operation_id_line)
            if not doc.operation_id:
                expected = to_pascal(record.route.handler) if record.route else "a PascalCase name"
                yield self.finding(
                    "operation-id",
                    doc.location,
                    f"{self.label(record)} has no operationId",
                    f"add `operationId: {expected}` to the operation at {doc.location}",
                    f"{record.key}#missing",
                )
                continue
            if doc.operation_id in first:
                yield self.finding(
                    "operation-id",
                    at,
                    f"operationId {doc.operation_id} is used twice: first at {first[doc.operation_id]}",
                    "rename one of them (an operationId names one operation)",
                    f"{record.key}#duplicate",
                )
            else:
                first[doc.operation_id] = at
            if not _PASCAL.match(doc.operation_id):
                yield self.finding(
                    "operation-id",
                    at,
                    f"operationId {doc.operation_id} is not PascalCase",
                    f"rename it to {to_pascal(to_snake(doc.operation_id))}",
                    f"{record.key}#case",
                )
            elif record.route is not None and to_snake(doc.operation_id) != record.route.handler:
                handler = record.route.handler
                where = record.handler.location if record.handler else record.route.location
                yield self.finding(
                    "operation-id",
                    at,
                    f"operationId {doc.operation_id} does not match handler {handler} ({where}): "
                    f"one name ties the artifacts",
                    f"rename the operationId to {to_pascal(handler)}, or the handler to "
                    f"{to_snake(doc.operation_id)}",
                    f"{record.key}#name",
                )

    # -- the driver -----------------------------------------------------------------------

    def _orphans(self) -> Iterator[Finding]:
        for driver in self.catalog.orphan_drivers:
            yield self._orphan(driver)

    def _orphan(self, driver: DriverMethod) -> Finding:
        assert driver.path is not None
        full = self.layout.docs_prefix + driver.path
        return self.finding(
            "orphan-driver",
            driver.location,
            f"{self.driver_class}.{driver.name} calls {driver.method} {full}, which no route serves",
            f"remove {self.driver_class}.{driver.name}, or add its endpoint: scaffold endpoint add "
            f"{driver.method} {full} --name {to_pascal(driver.name)}",
            f"{driver.method} {self.layout.docs_prefix}{shape(driver.path)}|{driver.name}",
        )
