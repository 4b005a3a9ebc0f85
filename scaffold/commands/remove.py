"""`scaffold endpoint remove`: take every artifact of an endpoint out again, as one change set.

A part is removed only while it is still what scaffold generates for the endpoint (rebuilt
from what the repo has, docs first); a part edited by hand since is reported with its diff and
the whole removal is refused, unless forced. The containers scaffold made for the endpoint — a
fragment, a resource module, a driver section, a test file, an app module — go too once they
are empty, with their build-list entry, `[tags.*]` table and `init_` registration, so that
`add` followed by `remove` leaves the repo byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scaffold.artifacts.context import plan_context
from scaffold.artifacts.docs import remove_docs
from scaffold.artifacts.driver import remove_driver
from scaffold.artifacts.handler import remove_app_function, remove_handler
from scaffold.artifacts.removal import EditedPart, Removal
from scaffold.artifacts.route import remove_empty_module, remove_route
from scaffold.artifacts.security import remove_security
from scaffold.artifacts.tag import remove_empty_fragment
from scaffold.artifacts.tests import remove_tests
from scaffold.commands.derive import endpoint_of
from scaffold.commands.guards import SpecCheckAhead
from scaffold.errors import UsageError
from scaffold.model.changes import ChangeSet
from scaffold.model.endpoint import Endpoint
from scaffold.model.layout import RepoLayout
from scaffold.model.options import parse_method, parse_path
from scaffold.repo.workspace import Workspace
from scaffold.scan.catalog import EndpointRecord, catalog, parts_of
from scaffold.scan.driver import DriverMethod
from scaffold.scan.facts import Location, shape
from scaffold.scan.scanner import Inventory, scan
from scaffold.text.head import only_imports


@dataclass
class RemovePlan:
    endpoint: Endpoint
    changes: ChangeSet
    removed: dict[str, list[Location]] = field(default_factory=dict)
    edited: list[EditedPart] = field(default_factory=list)
    #: parts left in place on purpose (an app function that is no longer the stub)
    kept: list[str] = field(default_factory=list)


def plan_remove(
    layout: RepoLayout,
    method: str,
    path: str,
    *,
    force: bool = False,
    inventory: Inventory | None = None,
    begin: Callable[[SpecCheckAhead], None] | None = None,
) -> RemovePlan:
    """Plan the removal of every artifact of METHOD PATH. `begin`: given the spec check begun
    once the docs are planned, beside the planning of the code (where the spec is big)."""
    http_method = parse_method(method).value
    clean = parse_path(path, layout.docs_prefix)
    inventory = inventory or scan(layout)
    joined = catalog(inventory, layout, coverage=False)
    record = joined.find(http_method, clean) or _orphan_record(joined.orphan_drivers, http_method, clean, layout)
    if record is None:
        raise UsageError(
            f"no endpoint {http_method} {layout.docs_prefix}{clean} in this repo",
            hint="run `scaffold endpoint list` to see the endpoints",
        )
    endpoint = endpoint_of(record, layout, inventory.param_validators)
    parts = parts_of(joined, http_method, clean, endpoint.name, layout.handlers_module(endpoint.resource))
    removal = Removal(plan_context(layout, Workspace(layout.root), inventory, endpoint), force)
    if parts.doc is not None:
        remove_docs(removal, parts.doc.location)
    if begin is not None:
        SpecCheckAhead.begin_for(layout, removal.ctx.workspace.change_set(), begin)
    if parts.route is not None:
        remove_route(removal, parts.route)
        if parts.handler is not None:
            remove_handler(removal, parts.handler)
    remove_app_function(removal)
    if parts.driver is not None:
        remove_driver(removal, parts.driver)
    remove_tests(removal, parts.driver.name if parts.driver else endpoint.name)
    remove_security(removal)
    _remove_containers(removal)
    return RemovePlan(
        endpoint, removal.ctx.workspace.change_set(), removal.removed, removal.edited, removal.kept
    )


def _orphan_record(
    orphans: list[DriverMethod], method: str, path: str, layout: RepoLayout
) -> EndpointRecord | None:
    """A record of a driver method no route or doc has (its endpoint is otherwise gone)."""
    driver = next((d for d in orphans if d.method == method and shape(d.path or "") == shape(path)), None)
    if driver is None:
        return None
    return EndpointRecord(method, path, layout.docs_prefix, driver=driver)


def _remove_containers(removal: Removal) -> None:
    """Drop imports nothing uses any more, then the files and entries left empty."""
    ctx = removal.ctx
    removal.drop_unused_imports()
    remove_empty_module(removal)
    for path in (ctx.layout.app_module(ctx.endpoint.resource), ctx.layout.tests_module(ctx.endpoint.resource)):
        text = ctx.workspace.read_or_none(path)
        if text is not None and ctx.workspace.changed(path) and only_imports(text):
            ctx.workspace.write(path, None)
    remove_empty_fragment(removal)
