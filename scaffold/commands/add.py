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
from scaffold.model.endpoint import ARTIFACTS, Endpoint
from scaffold.model.layout import RepoLayout
from scaffold.repo.runner import format_changes
from scaffold.repo.workspace import Workspace
from scaffold.scan.catalog import catalog, parts_of
from scaffold.scan.facts import Location
from scaffold.scan.scanner import Inventory, scan


@dataclass(frozen=True)
class AddPlan:
    endpoint: Endpoint
    changes: ChangeSet
    #: where each artifact stood before the plan (None: missing, so planned)
    existing: dict[str, Location | None]
    #: the artifacts planned, in checklist order
    planned: tuple[str, ...] = ()
    #: True when the app function the handler calls is the 501 stub (its cases are pending)
    stub: bool = False


def add_endpoint(
    layout: RepoLayout,
    endpoint: Endpoint,
    *,
    only: Iterable[str] = ARTIFACTS,
    fill: bool = False,
    inventory: Inventory | None = None,
) -> AddPlan:
    """`endpoint add`: the plan, its Python passed through the repo's own formatter if it has one."""
    plan = plan_add(layout, endpoint, only=only, fill=fill, inventory=inventory)
    return replace(plan, changes=format_changes(layout, plan.changes))


def existing_artifacts(endpoint: Endpoint, layout: RepoLayout, inventory: Inventory) -> dict[str, Location | None]:
    """Where each of the five artifacts of `endpoint` already stands, if anywhere."""
    joined = catalog(inventory, layout)
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
) -> AddPlan:
    """Plan the artifacts of `endpoint` that the repo lacks; refuse if any exists unless `fill`."""
    selected = set(only)
    unknown = selected - set(ARTIFACTS)
    if unknown:
        raise UsageError(
            f"--only: unknown artifact {sorted(unknown)[0]!r}",
            hint=f"choose from {', '.join(ARTIFACTS)}",
        )
    inventory = inventory or scan(layout)
    existing = existing_artifacts(endpoint, layout, inventory)
    present = {name: where for name, where in existing.items() if where is not None}
    if present and not fill:
        where = "; ".join(f"{name} at {location}" for name, location in present.items())
        raise ConflictError(
            f"{endpoint.method.value} {endpoint.full_path} already exists: {where}",
            hint="use --fill to add only what is missing, or `scaffold endpoint remove` first",
        )
    ctx = plan_context(layout, workspace or Workspace(layout.root), inventory, endpoint)
    todo = [name for name in ARTIFACTS if name in selected and name not in present]
    notes, stub = _plan(ctx, todo, route_exists=existing["route"] is not None)
    return AddPlan(endpoint, ctx.workspace.change_set(notes), existing, tuple(todo), stub)


def _plan(ctx: PlanContext, todo: list[str], *, route_exists: bool) -> tuple[list[str], bool]:
    """Plan each artifact in `todo`; return what the plan should say, and whether the app
    function is the stub."""
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
    return notes, stub
