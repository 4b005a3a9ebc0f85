"""What every planner of one `add` or `remove` shares: the repo, its scan, the templates and
the names the spec's components define."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scaffold.model.endpoint import Endpoint
from scaffold.model.fields import CHECKED_FORMATS, Field, field_from_schema
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
    #: the names of every property of each object schema
    schema_properties: dict[str, frozenset[str]] = field(default_factory=dict)
    #: the shared parameters of components/parameters, by (where, name): `("path", "user_id")`
    parameters: dict[tuple[str, str], str] = field(default_factory=dict)
    #: the string schemas that define a format for the repo (`email` → `Email`): a field of
    #: that format refers to it
    formats: dict[str, str] = field(default_factory=dict)


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
    fragments = read_fragments(layout, workspace.read_or_none)
    merged = merge(components_fragments(fragments) or fragments, only="components")
    components = components_of(merged, layout.id_schema)
    return PlanContext(layout, workspace, Renderer(layout.root), inventory, components, endpoint)


_TOP_LEVEL_COMPONENTS = re.compile(r"^components:", re.MULTILINE)
#: Blank and comment lines, then a line that opens at column 0.
_FIRST_LINE = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*(?=\S)")


def components_fragments(fragments: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The last fragment alone, where it alone holds the top-level `components` and reads as a
    document of its own (as Mattermost's definitions.yaml does): composing the whole spec to
    learn its components costs a sixth of a second on a large tree. None: merge them all."""
    holders = [fragment for fragment in fragments if _TOP_LEVEL_COMPONENTS.search(fragment[1])]
    if len(holders) != 1 or holders[0] is not fragments[-1]:
        return None
    return holders if _FIRST_LINE.match(holders[0][1].lstrip("\ufeff")) else None


def components_of(merged: MergedSpec, id_schema: str) -> Components:
    components = merged.data.get("components") or {}
    schemas = components.get("schemas") or {}
    fields: dict[str, tuple[Field, ...]] = {}
    properties: dict[str, frozenset[str]] = {}
    for name, schema in schemas.items():
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            required = set(schema.get("required") or [])
            typed = [
                field_from_schema(prop, spec, prop in required, schemas, id_schema)
                for prop, spec in schema["properties"].items()
                if isinstance(spec, dict)
            ]
            fields[name] = tuple(f for f in typed if f is not None)
            properties[name] = frozenset(schema["properties"])
    parameters = {
        (str(spec.get("in")), str(spec.get("name"))): key
        for key, spec in (components.get("parameters") or {}).items()
        if isinstance(spec, dict)
    }
    formats: dict[str, str] = {}
    for name, schema in schemas.items():
        if isinstance(schema, dict) and schema.get("type") == "string" and schema.get("format") in CHECKED_FORMATS:
            formats.setdefault(schema["format"], name)
    return Components(
        responses=frozenset(components.get("responses") or {}),
        schemas=frozenset(schemas),
        schema_fields=fields,
        schema_properties=properties,
        parameters=parameters,
        formats=formats,
    )
