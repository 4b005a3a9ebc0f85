"""The rules that hold each route to its driver method, its tests and its documented statuses."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from scaffold.commands.rules.base import RuleBase
from scaffold.model.findings import Finding
from scaffold.model.layout import Auth
from scaffold.model.statuses import CASE_SUFFIXES
from scaffold.naming import to_pascal
from scaffold.scan.catalog import EndpointRecord
from scaffold.scan.driver import DriverMethod
from scaffold.scan.facts import params_of, shape
from scaffold.scan.tests import TestCase


class CoverageRules(RuleBase):
    # -- driver and tests -----------------------------------------------------------------

    def _expected(self, record: EndpointRecord) -> list[int]:
        """The codes tests must assert: what the code answers, and what the doc promises where
        the code cannot show it — a 404 (the app layer answers it) and a 400 for a query
        parameter the doc constrains (the Context refuses it as it reads it)."""
        documented = set(self._documented(record))
        promised = set()
        if record.route is not None and params_of(record.route.path):
            promised |= {404} & documented
        if record.doc is not None and any(f.validated for f in record.doc.query):
            promised |= {400} & documented
        return sorted(set(record.required) | promised)

    def _driver_and_tests(self, record: EndpointRecord) -> Iterator[Finding]:
        missing = [s for s in self._expected(record) if record.cases[s].state == "missing"]
        # Building the fix command parses an endpoint: only for records that need one.
        fix = self.add_fix(record) if record.driver is None or not record.tests or missing else None
        if record.driver is None:
            yield self.finding(
                "missing-driver",
                record.anchor,
                f"{self.label(record)} has no {self.driver_class} method (expected "
                f"{self.driver_class}.{self.dialect.driver(record.name or '')} in {self.layout.driver})",
                fix or f"add {self.driver_class}.{self.dialect.driver(record.name or '')} to {self.layout.driver}",
                record.key,
                fixable=fix is not None,
            )
        if not record.tests:
            collides = self._generated_tests_exist(record)
            yield self.finding(
                "missing-tests",
                record.anchor,
                f"no test asserts a status of {self.driver_class}.{self.driver_name(record)} for {self.label(record)}",
                fix
                if fix and not collides
                else f"write {self.dialect.tests_to_write(record.name or '')} in {self._tests_module(record)}",
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
        """Whether a test already has a name the generated matrix would give (see `case_names`)."""
        base = f"test_{record.name}"
        fixed = {base, f"{base}_body_not_object", *(base + suffix for suffix in CASE_SUFFIXES.values())}
        varying = tuple(f"{base}_{kind}_" for kind in ("bad", "missing", "wrong"))
        # Only the names that start with `base` can be one: found by bisection, not by reading
        # every test's name for every endpoint (6,500 × 460 on a Mattermost-sized repo).
        names, index = self.test_names, bisect.bisect_left(self.test_names, base)
        while index < len(names) and names[index].startswith(base):
            if names[index] in fixed or names[index].startswith(varying):
                return True
            index += 1
        return False

    def _missing_case(self, record: EndpointRecord, status: int, matrix: str | None) -> Finding:
        name = self.dialect.test(record.name or "", status)
        test = next((t for t in self.catalog.inventory.tests if t.name == name), None)
        if test is None and not self.dialect.tests_per_case:
            test = record.tests[0]  # a Go test holds every case: the one testing the endpoint
            name = test.name
        at = test.location if test is not None else record.tests[0].location
        assertion = self.dialect.assertion(status)
        # A generated case test that asserts nothing any more was edited; a Go test is no case's own.
        edited = test is not None and self.dialect.tests_per_case
        where = f"{name} no longer asserts it" if edited else "no test asserts it"
        return self.finding(
            "missing-status-case",
            at,
            f"{self.label(record)} can answer {status} ({self.why(record, status)}) but {where}",
            matrix
            or f"assert {assertion} on {self.driver_class}.{self.driver_name(record)}(...) in {name}",
            f"{record.key}#{status}",
            fixable=matrix is not None,
        )

    def _pending_case(
        self, record: EndpointRecord, status: int, tests: tuple[TestCase, ...]
    ) -> Finding:
        test = tests[0]
        reason = test.xfail_reason or "make the case pass"
        written = record.app_function is not None and not record.app_function.stub
        finish = "run `scaffold check --fix`: it runs the pending tests and drops the marks of those that pass"
        return self.finding(
            "pending-status-case",
            test.location,
            f"{self.label(record)}: {status} is asserted only by xfail test {test.name} ({reason})",
            finish[0].upper() + finish[1:] if written else f"{reason}, then {finish}",
            f"{record.key}#{status}",
            fixable=written,
        )

    # -- doc responses --------------------------------------------------------------------

    def _doc_statuses(self, record: EndpointRecord) -> Iterator[Finding]:
        doc, route = record.doc, record.route
        assert doc is not None and route is not None
        missing = [code for code in record.required if code not in doc.statuses]
        if missing:
            reasons = "; ".join(f"{code}: {self.why(record, code)}" for code in missing)
            codes = ", ".join(map(str, missing))
            yield self.finding(
                "doc-status-mismatch",
                doc.location,
                f"the doc of {self.label(record)} does not list {codes} ({reasons})",
                f"add the responses {codes} to the operation at {doc.location}",
                f"{record.key}#unlisted:{codes}",
                # An error response is written in place (`check --fix`); a success one has a body.
                fixable=self.layout.generates and all(code >= 300 for code in missing),
            )
        expected = self._expected(record)
        for code in doc.statuses:
            case = record.cases.get(code)
            if code in expected or (case is not None and case.state != "missing"):
                continue
            if code == 401 and record.route_auth is Auth.PUBLIC:
                message = (
                    f"the doc of {self.label(record)} lists 401 but the route is public ({route.wrapper}) "
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
                    fixable=self.layout.generates and code >= 300,
                )

    # -- the driver -----------------------------------------------------------------------

    def _orphans(self) -> Iterator[Finding]:
        for driver in self.catalog.orphan_drivers:
            yield self._orphan(driver)

    def _orphan(self, driver: DriverMethod) -> Finding:
        assert driver.path is not None
        full = self.layout.docs_prefix + driver.path
        fix = f"remove {self.driver_class}.{driver.name}, or add its endpoint: " + (
            f"scaffold endpoint add {driver.method} {full} --name {to_pascal(driver.name)}"
            if self.layout.generates
            else f"register {driver.method} {full} in {self.dialect.route_functions}"
        )
        return self.finding(
            "orphan-driver",
            driver.location,
            f"{self.driver_class}.{driver.name} calls {driver.method} {full}, which no route serves",
            fix,
            f"{driver.method} {self.layout.docs_prefix}{shape(driver.path)}|{driver.name}",
        )
