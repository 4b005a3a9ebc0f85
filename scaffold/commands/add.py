"""`scaffold endpoint add`: plan all five artifacts of an endpoint as one change set."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from scaffold.artifacts.context import PlanContext, plan_context
from scaffold.artifacts.docs import plan_docs
from scaffold.artifacts.driver import plan_driver
from scaffold.artifacts.handler import app_is_stub, plan_app_function, plan_handler
from scaffold.artifacts.route import plan_route
from scaffold.artifacts.security import plan_security
from scaffold.artifacts.tests import plan_tests
from scaffold.commands.guards import SpecCheckAhead
from scaffold.errors import ConflictError, UsageError
from scaffold.model.changes import ChangeSet
from scaffold.model.endpoint import ARTIFACTS, Endpoint, distinct_operation_id
from scaffold.model.layout import RepoLayout
from scaffold.model.options import check_api_prefix, parse_path
from scaffold.naming import module_name, to_snake
from scaffold.repo.runner import format_changes
from scaffold.repo.workspace import Workspace
from scaffold.scan.catalog import Catalog, EndpointRecord, catalog, parts_of
from scaffold.scan.facts import Location
from scaffold.scan.scanner import Inventory, scan
from scaffold.scan.tags import Placement, TagIndex


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
    rename: bool = False,
    begin: Callable[[SpecCheckAhead], None] | None = None,
) -> AddPlan:
    """`endpoint add`: the plan, its Python passed through the repo's own formatter if it has one.
    `begin`: given the spec check begun while the code is planned (where the spec is big),
    which the caller collects with the guards, or cancels."""
    plan = plan_add(layout, endpoint, only=only, fill=fill, inventory=inventory, rename=rename, begin=begin)
    return replace(plan, changes=format_changes(layout, plan.changes))


def place(layout: RepoLayout, inventory: Inventory, path: str, tag: str | None) -> tuple[RepoLayout, Placement]:
    """The layout with every tag the docs use, and where PATH belongs (`--tag`, when given,
    decides its tag; the placement still tells how its parameters compare with its siblings')."""
    clean = parse_path(path, layout.docs_prefix)
    check_api_prefix(clean, layout.docs_prefix)  # before a tag is made of its first segment
    index = TagIndex(layout, inventory.docs)
    placement = index.place(clean)
    if tag is not None:
        placement = replace(placement, tag=index.layout.tag(tag), new=False, near=())
    return index.layout, placement


def refuse_guesses(placement: Placement, path: str, prefix: str) -> None:
    """Off a terminal, refuse what is most likely a typo rather than create structure from it:
    a parameter named almost as its siblings name it, a first segment close to an existing
    one that would start a new tag (say `--tag NAME` to create it)."""
    clean = parse_path(path, prefix)
    for mine, theirs in placement.params:
        fixed = clean.replace("{" + mine + "}", "{" + theirs + "}")
        raise UsageError(
            f"path parameter {{{mine}}}: the documented paths beside it call it {{{theirs}}}",
            hint=f"write {prefix}{fixed}",
        )
    if placement.new and placement.near:
        first = clean.strip("/").split("/")[0]
        near = " or ".join(f"/{name}" for name in placement.near)
        raise UsageError(
            f"{prefix}{clean} would start a new tag {placement.tag.name!r}: no documented path starts with /{first}; did you mean {near}?",
            hint=f"fix the path, or pass --tag {placement.tag.name} to create the tag",
        )


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
    begin: Callable[[SpecCheckAhead], None] | None = None,
) -> AddPlan:
    """Plan the artifacts of `endpoint` that the repo lacks; refuse if any exists unless `fill`.
    With `rename` (its name was derived, not said), a name another endpoint has is made distinct.
    `begin`: see `add_endpoint`."""
    selected = set(only)
    unknown = selected - set(ARTIFACTS)
    if unknown:
        raise UsageError(
            f"--only: unknown artifact {sorted(unknown)[0]!r}",
            hint=f"choose from {', '.join(ARTIFACTS)}",
        )
    if layout.docs_only:
        selected = _docs_alone(selected, set(only) != set(ARTIFACTS))
    # Only a new endpoint is refused: one the repo has already can still be listed and removed.
    check_api_prefix(endpoint.path, endpoint.prefix)
    inventory = inventory or scan(layout)
    notes: list[str] = []
    joined = catalog(inventory, layout, coverage=False)
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
    planned, stub = _plan(ctx, todo, route_exists=existing["route"] is not None, begin=begin)
    notes += planned
    if "tests" in selected:
        # Part of the tests, though tests written by hand may stand without it.
        notes += plan_security(ctx, app_is_stub(ctx))
    return AddPlan(endpoint, ctx.workspace.change_set(notes), existing, tuple(todo), stub)


def _docs_alone(selected: set[str], explicit: bool) -> set[str]:
    """A repo of docs alone gets its doc operation and nothing else."""
    if explicit and selected != {"docs"}:
        code = ", ".join(sorted(selected - {"docs"}))
        raise UsageError(
            f"--only {code}: this repo has docs alone (its scaffold.toml has no [server])",
            hint="leave out --only, or say --only docs",
        )
    return {"docs"}


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


def _plan(
    ctx: PlanContext, todo: list[str], *, route_exists: bool, begin: Callable[[SpecCheckAhead], None] | None
) -> tuple[list[str], bool]:
    """Plan each artifact in `todo`; return what the plan should say, and whether the app
    function is the stub. Once the docs are planned, the spec check is begun for `begin`."""
    notes = []
    endpoint = ctx.endpoint
    if endpoint.response_list and endpoint.response_schema is None and "docs" in todo:
        notes.append(
            f"{endpoint.path} ends in a plural noun: documented as a list (say --response Name or Name[])"
        )
    module, why = module_name(endpoint.tag)
    if why and module == endpoint.resource and ctx.workspace.original(ctx.layout.handlers_module(module)) is None:
        notes.append(f"tag {endpoint.tag!r}: its code goes in module {module} ({why})")
    if "docs" in todo:
        plan_docs(ctx)
    if begin is not None:
        SpecCheckAhead.begin_for(ctx.layout, ctx.workspace.change_set(), begin)
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
