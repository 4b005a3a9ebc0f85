"""What every rule reads — the catalog and the layout — and the helpers that make a finding."""

from __future__ import annotations

from scaffold.commands.derive import add_command, endpoint_of
from scaffold.errors import ScaffoldError
from scaffold.model.findings import RULES, Finding
from scaffold.model.layout import RepoLayout
from scaffold.scan.catalog import Catalog, EndpointRecord
from scaffold.scan.facts import Location, params_of


class RuleBase:
    """The catalog and layout every rule reads, and the helpers that make a finding."""

    def __init__(self, catalog: Catalog, layout: RepoLayout, strict: bool, only_docs: bool = False) -> None:
        self.catalog = catalog
        self.layout = layout
        self.strict = strict
        #: only the rules that read the docs alone: a repo without code, or `check --only docs`
        self.docs_alone = layout.docs_only or only_docs
        self.driver_class = layout.driver_class
        self.dialect = layout.dialect
        #: every test's name, sorted: the names that start alike stand together
        self.test_names = sorted({t.name for t in catalog.inventory.tests})

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
        if not self.layout.generates:
            return None  # scaffold writes Python only
        try:
            validators = self.catalog.inventory.param_validators
            return add_command(endpoint_of(record, self.layout, validators), self.layout)
        except ScaffoldError:
            return None

    def driver_name(self, record: EndpointRecord) -> str:
        """The endpoint's driver method: the one it has, else the one it should have."""
        return record.driver.name if record.driver else self.dialect.driver(record.name or "")

    def label(self, record: EndpointRecord) -> str:
        return f"{record.method} {record.full_path}"

    def why(self, record: EndpointRecord, status: int) -> str:
        route, handler = record.route, record.handler
        assert route is not None
        if status == 401:
            return f"its wrapper {route.wrapper} needs a session"
        if status == 403 and handler is not None and handler.permissions:
            return f"{handler.name} calls {self.dialect.permission_call}({handler.permissions[0]!r})"
        if status == 413:
            return "its handler reads a body"
        if status == 404:
            return "its doc lists it"
        if status == 304:
            return f"its handler calls {self.dialect.etag_call}"
        if status == 400:
            if any(p.endswith("_id") for p in params_of(route.path)):
                return "its path has an id parameter"
            return "its handler validates its input"
        return "its success status"
