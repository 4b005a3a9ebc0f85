"""`scaffold endpoint add`: plan all five artifacts of an endpoint as one change set."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scaffold.artifacts import ARTIFACTS
from scaffold.artifacts.context import PlanContext
from scaffold.artifacts.docs import Components, plan_docs
from scaffold.artifacts.driver import plan_driver
from scaffold.artifacts.server import plan_app_function, plan_handler, plan_route
from scaffold.artifacts.tests import plan_tests
from scaffold.changes import ChangeSet, Workspace
from scaffold.config import RepoLayout
from scaffold.endpoint import FIELD_TYPES, Endpoint, Field
from scaffold.errors import ConflictError, UsageError
from scaffold.inventory import Inventory, Location, scan
from scaffold.render import Renderer
from scaffold.spec import MergedSpec, merge, read_fragments


@dataclass(frozen=True)
class AddPlan:
    endpoint: Endpoint
    changes: ChangeSet
    #: where each artifact stood before the plan (None: missing, so planned)
    existing: dict[str, Location | None]


def existing_artifacts(endpoint: Endpoint, layout: RepoLayout, inventory: Inventory) -> dict[str, Location | None]:
    """Where each of the five artifacts of `endpoint` already stands, if anywhere."""
    method, path = endpoint.method.value, endpoint.path
    docs = inventory.docs_for(method, path)
    routes = inventory.routes_for(method, path)
    handler = inventory.handler_of(routes[0]) if routes else None
    if handler is None:
        handler = inventory.handlers.get((layout.handlers_module(endpoint.resource), endpoint.name))
    drivers = inventory.driver_for(method, path)
    driver = drivers[0] if drivers else inventory.driver_named(endpoint.name)
    driver_name = driver.name if driver else endpoint.name
    tests = inventory.tests_calling(driver_name)
    return {
        "docs": docs[0].location if docs else None,
        "route": routes[0].location if routes else None,
        "handler": handler.location if handler else None,
        "driver": driver.location if driver else None,
        "tests": tests[0].location if tests else None,
    }


def components_of(merged: MergedSpec) -> Components:
    components = merged.data.get("components") or {}
    schemas = components.get("schemas") or {}
    fields: dict[str, tuple[Field, ...]] = {}
    for name, schema in schemas.items():
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            required = set(schema.get("required") or [])
            fields[name] = tuple(
                Field(prop, spec["type"], prop in required)
                for prop, spec in schema["properties"].items()
                if isinstance(spec, dict) and spec.get("type") in FIELD_TYPES
            )
    return Components(
        responses=frozenset(components.get("responses") or {}),
        schemas=frozenset(schemas),
        schema_fields=fields,
    )


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
    workspace = workspace or Workspace(layout.root)
    merged = merge(read_fragments(layout, workspace.read_or_none), only="components")
    ctx = PlanContext(layout, workspace, Renderer(layout.root), inventory, components_of(merged), endpoint)
    todo = [name for name in ARTIFACTS if name in selected and name not in present]
    if "docs" in todo:
        plan_docs(endpoint, layout, workspace, ctx.renderer, ctx.components)
    after = None
    if "route" in todo:
        after = plan_route(ctx)
    stub = _app_is_stub(ctx)
    if "handler" in todo:
        if "route" not in todo and existing["route"] is None:
            # A handler without a route line needs its module; the route planner makes it.
            after = plan_route(ctx)
        plan_handler(ctx, after)
        stub = plan_app_function(ctx)
    if "driver" in todo:
        plan_driver(ctx)
    if "tests" in todo:
        plan_tests(ctx, stub)
    return AddPlan(endpoint, workspace.change_set(), existing)


def _app_is_stub(ctx: PlanContext) -> bool:
    """Whether the app function the tests exercise is still missing or the 501 stub."""
    function = ctx.inventory.app_functions.get((ctx.layout.app_module(ctx.endpoint.resource), ctx.endpoint.name))
    return function is None or function.stub

