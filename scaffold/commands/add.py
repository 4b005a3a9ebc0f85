"""`scaffold endpoint add`: plan all five artifacts of an endpoint as one change set."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from scaffold.artifacts.context import PlanContext, plan_context
from scaffold.artifacts.docs import plan_docs
from scaffold.artifacts.driver import plan_driver
from scaffold.artifacts.handler import app_is_stub, plan_app_function, plan_handler
from scaffold.artifacts.route import plan_route
from scaffold.artifacts.tests import plan_tests
from scaffold.errors import ConflictError, UsageError
from scaffold.model.changes import ChangeSet
from scaffold.model.endpoint import ARTIFACTS, Endpoint, distinct_operation_id
from scaffold.model.layout import RepoLayout
from scaffold.model.options import check_api_prefix
from scaffold.naming import to_snake
from scaffold.repo.runner import format_changes
from scaffold.repo.workspace import Workspace
from scaffold.scan.catalog import Catalog, EndpointRecord, catalog, parts_of
from scaffold.scan.facts import Location
from scaffold.scan.scanner import Inventory, scan


@dataclass(frozen=True)
class AddPlan:
    endpoint: Endpoint
    changes: ChangeSet
    #: where each artifact stood before the plan (None: missing, so planned)
    existing: dict[str, Location | None]


def add_endpoint(
    layout: RepoLayout,
    endpoint: Endpoint,
    *,
    only: Iterable[str] = ARTIFACTS,
    fill: bool = False,
    inventory: Inventory | None = None,
    rename: bool = False,
) -> AddPlan:
    """`endpoint add`: the plan, its Python passed through the repo's own formatter if it has one."""
    plan = plan_add(layout, endpoint, only=only, fill=fill, inventory=inventory, rename=rename)
    return replace(plan, changes=format_changes(layout, plan.changes))


def existing_artifacts(endpoint: Endpoint, layout: RepoLayout, joined: Catalog) -> dict[str, Location | None]:
    """Where each of the five artifacts of `endpoint` already stands, if anywhere."""
    handlers_module = layout.handlers_module(endpoint.resource)
    parts = parts_of(joined, endpoint.method.value, endpoint.path, endpoint.name, handlers_module)
    return parts.locations()


def plan_add(
    layout: RepoLayout,
    endpoint: Endpoint,
    *,
    only: Iterable[str] = ARTIFACTS,
    fill: bool = False,
    inventory: Inventory | None = None,
    workspace: Workspace | None = None,
    rename: bool = False,
) -> AddPlan:
    """Plan the artifacts of `endpoint` that the repo lacks; refuse if any exists unless `fill`.
    With `rename` (its name was derived, not said), a name another endpoint has is made distinct."""
    selected = set(only)
    unknown = selected - set(ARTIFACTS)
    if unknown:
        raise UsageError(
            f"--only: unknown artifact {sorted(unknown)[0]!r}",
            hint=f"choose from {', '.join(ARTIFACTS)}",
        )
    # Only a new endpoint is refused: one the repo has already can still be listed and removed.
    check_api_prefix(endpoint.path, endpoint.prefix)
    inventory = inventory or scan(layout)
    notes: list[str] = []
    joined = catalog(inventory, layout)
    if joined.find(endpoint.method.value, endpoint.path) is None:
        endpoint = _own_name(endpoint, joined, rename, notes)
    existing = existing_artifacts(endpoint, layout, joined)
    present = {name: where for name, where in existing.items() if where is not None}
    if present and not fill:
        where = "; ".join(f"{name} at {location}" for name, location in present.items())
        raise ConflictError(
            f"{endpoint.method.value} {endpoint.full_path} already exists: {where}",
            hint="use --fill to add only what is missing, or `scaffold endpoint remove` first",
        )
    ctx = plan_context(layout, workspace or Workspace(layout.root), inventory, endpoint)
    todo = [name for name in ARTIFACTS if name in selected and name not in present]
    notes += _plan(ctx, todo, route_exists=existing["route"] is not None)
    return AddPlan(endpoint, ctx.workspace.change_set(notes), existing)


def _own_name(endpoint: Endpoint, joined: Catalog, rename: bool, notes: list[str]) -> Endpoint:
    """The endpoint under a name no other endpoint has: its own, or (`rename`) the distinct
    one its path gives; else refused, saying which endpoint has the name."""
    taker = name_holder(joined, endpoint.name)
    if taker is None:
        return endpoint
    other = distinct_operation_id(endpoint.method, endpoint.path, endpoint.operation_id, taker.path)
    if rename and other is not None and name_holder(joined, to_snake(other)) is None:
        notes.append(
            f"{endpoint.operation_id} is the name of {taker.method} {taker.full_path}: "
            f"this endpoint is named {other} (say --name to choose another)"
        )
        return replace(endpoint, operation_id=other)
    hint = f"choose another with --name, e.g. --name {other}" if other else "choose another with --name"
    raise ConflictError(
        f"the name {endpoint.operation_id} is taken by {taker.method} {taker.full_path} ({taker.anchor})",
        hint=hint,
    )


def name_holder(joined: Catalog, name: str) -> EndpointRecord | None:
    """The endpoint whose artifacts are called `name` (snake_case): by its route's handler, its
    doc's operationId or its driver method."""
    for record in joined.endpoints:
        names = {record.name, record.operation_id, record.driver.name if record.driver else None}
        if name in {to_snake(n) for n in names if n}:
            return record
    return None


def _plan(ctx: PlanContext, todo: list[str], *, route_exists: bool) -> list[str]:
    """Plan each artifact in `todo`; return what the plan should say."""
    notes = []
    endpoint = ctx.endpoint
    if endpoint.response_list and endpoint.response_schema is None and "docs" in todo:
        notes.append(
            f"{endpoint.path} ends in a plural noun: documented as a list (say --response Name or Name[])"
        )
    if "docs" in todo:
        plan_docs(ctx)
    after = None
    if "route" in todo:
        after = plan_route(ctx)
    stub = app_is_stub(ctx)
    if "handler" in todo:
        if "route" not in todo and not route_exists:
            # A handler without a route line needs its module; the route planner makes it.
            after = plan_route(ctx)
        plan_handler(ctx, after)
        stub = plan_app_function(ctx)
    if "driver" in todo:
        plan_driver(ctx)
    if "tests" in todo:
        notes += plan_tests(ctx, stub)
    return notes
