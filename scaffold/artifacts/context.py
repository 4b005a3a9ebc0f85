"""What every planner of one `add` or `remove` shares: the repo, its scan, the templates and
the names the spec's components define."""

from __future__ import annotations

from dataclasses import dataclass, field

from scaffold.model.endpoint import FIELD_TYPES, Endpoint, Field
from scaffold.model.layout import RepoLayout
from scaffold.repo.workspace import Workspace
from scaffold.scan.scanner import Inventory
from scaffold.spec.merge import MergedSpec, merge, read_fragments
from scaffold.text.render import Renderer


@dataclass(frozen=True)
class Components:
    """The names of components/responses and components/schemas the merged spec defines."""

    responses: frozenset[str] = field(default_factory=frozenset)
    schemas: frozenset[str] = field(default_factory=frozenset)
    #: the typed properties of each object schema, for handlers that check a named body
    schema_fields: dict[str, tuple[Field, ...]] = field(default_factory=dict)


@dataclass
class PlanContext:
    layout: RepoLayout
    workspace: Workspace
    renderer: Renderer
    inventory: Inventory
    components: Components
    endpoint: Endpoint


def plan_context(layout: RepoLayout, workspace: Workspace, inventory: Inventory, endpoint: Endpoint) -> PlanContext:
    """The context of planning `endpoint` on `workspace`."""
    merged = merge(read_fragments(layout, workspace.read_or_none), only="components")
    return PlanContext(layout, workspace, Renderer(layout.root), inventory, components_of(merged), endpoint)


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
