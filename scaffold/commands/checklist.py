"""`scaffold checklist METHOD PATH`: the five items of DESIGN §1 for one endpoint.

Each item is done, missing or pending, says where it stands (file:line) and what completes it:
the view a newcomer keeps open while working on an endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scaffold.commands.audit import audit
from scaffold.commands.check import scan_repo
from scaffold.commands.derive import add_command, endpoint_of
from scaffold.errors import ScaffoldError
from scaffold.model.dialect import Dialect
from scaffold.model.findings import Finding
from scaffold.model.layout import RepoLayout
from scaffold.model.options import EndpointOptions, parse_endpoint, parse_method, parse_path
from scaffold.repo.cache import CheckCache
from scaffold.scan.catalog import EndpointRecord, State
from scaffold.scan.facts import Location
from scaffold.scan.scanner import Inventory
from scaffold.scan.security import SecurityTable

#: The findings that belong to each item.
_ITEM_RULES = {
    1: (
        "undocumented-route",
        "method-mismatch",
        "path-params-mismatch",
        "doc-status-mismatch",
        "operation-id",
        "missing-summary",
        "missing-tag",
        "missing-permissions",
        "unauthorized-response",
        "public-unauthorized",
        "forbidden-response",
    ),
    2: ("stale-doc",),
    3: ("missing-driver",),
    4: ("missing-tests", "missing-status-case", "pending-status-case", "missing-security-case", "pending-security-case"),
}


@dataclass
class Item:
    number: int
    title: str
    state: State
    location: Location | None = None
    #: what completes the item: a command, or the edit to make
    command: str | None = None
    details: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Checklist:
    method: str
    path: str  # with the API prefix
    operation_id: str | None
    items: list[Item]

    @property
    def complete(self) -> bool:
        return all(item.state == "done" for item in self.items)


def build_checklist(
    layout: RepoLayout, method: str, path: str, *, use_cache: bool = True
) -> Checklist:
    http_method = parse_method(method).value
    clean = parse_path(path, layout.docs_prefix)
    cache = CheckCache(layout.root, enabled=use_cache)
    scanned = scan_repo(layout, cache, validate_spec=False)
    cache.save()
    record = scanned.catalog.find(http_method, clean)
    if record is None:
        return _new_endpoint(layout, http_method, clean)
    findings = [f for f in audit(scanned.catalog, layout) if f.endpoint == record.key]
    return _items(record, findings, layout, scanned.catalog.inventory)


def _new_endpoint(layout: RepoLayout, method: str, path: str) -> Checklist:
    endpoint = parse_endpoint(method, path, EndpointOptions(), layout)
    writes = layout.generates or layout.docs_only
    command = add_command(endpoint, layout, fill=False) if writes else None
    titles = {1: _TITLES[1]} if layout.docs_only else _TITLES
    items = [Item(number, title, "missing", None, command) for number, title in titles.items()]
    return Checklist(method, endpoint.full_path, endpoint.operation_id, items)


_TITLES = {
    1: "Document it",
    2: "Declare the route and implement the handler",
    3: "Add the driver method",
    4: "Write the tests",
    5: "One reviewable change",
}


def _items(
    record: EndpointRecord, findings: list[Finding], layout: RepoLayout, inventory: Inventory
) -> Checklist:
    try:
        fill = add_command(endpoint_of(record, layout, inventory.param_validators), layout) if layout.generates else None
    except ScaffoldError:
        fill = None
    attached = {n: [f for f in findings if f.rule in rules] for n, rules in _ITEM_RULES.items()}
    documented = _item(
        1, "done" if record.doc else "missing", record.doc.location if record.doc else None, fill, attached[1]
    )
    if layout.docs_only:  # a repo of docs alone: its one item
        return Checklist(record.method, record.full_path, record.operation_id, [documented])
    items = [
        documented,
        _route_item(record, fill, attached[2]),
        _item(
            3,
            "done" if record.driver else "missing",
            record.driver.location if record.driver else None,
            fill,
            attached[3],
        ),
        _tests_item(record, fill, attached[4], layout.dialect, inventory.security),
    ]
    items.append(_change_item(record, items, fill))
    return Checklist(record.method, record.full_path, record.operation_id, items)


def _item(
    number: int, state: State, location: Location | None, fill: str | None, findings: list[Finding]
) -> Item:
    errors = [f for f in findings if f.severity == "error"]
    if state == "done" and errors:
        state = "missing"
    elif state == "done" and findings:
        state = "pending"
    command = fill if state == "missing" and not errors else (findings[0].fix if findings else None)
    return Item(
        number, _TITLES[number], state, location, command, [f.message for f in findings], findings
    )


def _route_item(record: EndpointRecord, fill: str | None, findings: list[Finding]) -> Item:
    state: State = "done" if record.route and record.handler else "missing"
    item = _item(2, state, record.route.location if record.route else None, fill, findings)
    if record.handler is not None:
        item.details.insert(0, f"handler {record.handler.name} at {record.handler.location}")
    app = record.app_function
    if app is not None and app.stub:
        item.details.append(f"{app.name} at {app.location} is still the generated 501 stub")
        if item.state == "done":
            item.state = "pending"
            item.command = f"implement {app.name} in {app.module}"
    return item


def _tests_item(
    record: EndpointRecord, fill: str | None, findings: list[Finding], dialect: Dialect, security: SecurityTable | None
) -> Item:
    item = _item(
        4,
        "done" if record.tests else "missing",
        record.tests[0].location if record.tests else None,
        fill,
        findings,
    )
    lines = []
    for status, case in sorted(record.cases.items()):
        if case.tests:
            # Every test of a pending case: each carries a mark to drop.
            shown = [t for t in case.tests if t.xfail] if case.state == "pending" else case.tests[:1]
            lines += [f"{status}: {case.state} — {test.name} at {test.location}" for test in shown]
        elif status in record.required:
            lines.append(f"{status}: missing — no test asserts {dialect.assertion(status)}")
    name = record.operation_id
    if security is not None and name is not None and security.listed(name):
        state = "pending" if security.pending(name) else "done"
        lines.append(f"security cases: {state} — {name} at {security.entries[name].location}")
    listed = ("missing-tests", "missing-security-case", "pending-security-case")
    item.details = lines + [f.message for f in findings if f.rule in listed]
    return item


def _change_item(record: EndpointRecord, items: list[Item], fill: str | None) -> Item:
    states = {item.state for item in items}
    state: State = (
        "missing" if "missing" in states else "pending" if "pending" in states else "done"
    )
    summary = [f"{record.method} {record.full_path} ({record.operation_id}):"]
    summary += [
        f"{name}: {where}" if where else f"{name}: missing"
        for name, where in record.artifacts().items()
    ]
    command = fill if state == "missing" else None
    if state == "pending":
        command = "finish the pending items above, then run `scaffold check`"
    return Item(5, _TITLES[5], state, None, command, summary)
