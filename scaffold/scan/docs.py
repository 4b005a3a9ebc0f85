"""Checklist item 1, the docs: every operation of a fragment, read from libyaml's nodes.

Nodes are composed, and only the small parts scaffold reads are constructed into Python
values (an operation's parameters and body schema); each operation keeps the line of its
method key, so findings point at the fragment a contributor edits.

A fragment is read on its own (its facts are cached by its text), but its parameters and
fields may `$ref` the shared components of another fragment: `resolve_docs` turns them into
fields once every fragment is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from scaffold.model.fields import Field, field_from_schema
from scaffold.scan.facts import Location, under_prefix
from scaffold.scan.tag_groups import TagFacts, tag_facts
from scaffold.text.yaml import compose, node_data

HTTP_METHODS = ("get", "post", "put", "patch", "delete")

_PERMISSION_NAME = re.compile(r"`([a-z][a-z0-9_]*)`")


@dataclass(frozen=True)
class DocOperation:
    method: str
    path: str  # without the API prefix
    operation_id: str | None
    statuses: tuple[int, ...]
    permissions: tuple[str, ...]  # named in the `##### Permissions` section
    public: bool  # `security: []`
    tag: str | None
    location: Location
    #: where `operationId:` is written (the operation's line when it is missing)
    operation_id_line: int = 0
    summary: str | None = None
    #: the description without its `##### Permissions` section
    description: str | None = None
    #: the parameters declared `in: path`
    path_params: tuple[str, ...] = ()
    #: the parameters declared `in: query`, with their constraints
    query: tuple[Field, ...] = ()
    has_body: bool = False
    #: the `$ref`'d schema of the JSON body, or the typed properties of an inline one
    body_schema: str | None = None
    body_fields: tuple[Field, ...] = ()
    #: the typed properties of the `$ref`'d schema of the body (`body_schema`)
    schema_fields: tuple[Field, ...] = ()
    #: the schema the success response `$ref`s (directly or as the items of an array)
    response_schema: str | None = None
    #: the success response is an array
    response_list: bool = False
    #: the operation's `parameters` and body schema as written (`$ref`s unresolved)
    raw_parameters: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    raw_body: Any = field(default=None, compare=False, repr=False)
    #: False for a path written without the API prefix (`/files/{file_id}/public`)
    prefixed: bool = True
    #: every tag of the operation, and the line of each
    tags: tuple[tuple[str, int], ...] = ()
    #: the text of the `##### Permissions` section (None without one)
    permissions_text: str | None = None
    #: where `description:` and `responses:` are written (the operation's line when missing)
    description_line: int = 0
    responses_line: int = 0
    #: each documented status code and the line of its key
    status_lines: tuple[tuple[int, int], ...] = ()

    def at(self, line: int) -> Location:
        """A location in this operation's fragment."""
        return Location(self.location.path, line)


@dataclass(frozen=True)
class DocFacts:
    """What one fragment holds: its operations, the components it defines, its tags."""

    operations: list[DocOperation]
    #: `components/parameters` and `components/schemas` of the fragment, as data
    parameters: dict[str, Any]
    schemas: dict[str, Any]
    #: the `tags:` and `x-tagGroups:` it declares (the introduction's)
    tags: TagFacts = field(default_factory=TagFacts)
    #: the names of `components/responses`
    responses: tuple[str, ...] = ()


def docs_facts(text: str, fragment: str, prefix: str) -> DocFacts:
    """Every operation of one fragment (paths relative to the API prefix), and its components."""
    root = compose(text, fragment)
    if not isinstance(root, yaml.MappingNode):
        return DocFacts([], {}, {})
    operations = []
    for key_node, item in root.value:
        key = str(key_node.value)
        if not key.startswith("/") or not isinstance(item, yaml.MappingNode):
            continue
        below = under_prefix(key, prefix)
        prefixed, relative = below is not None, below or key
        for method_node, operation in item.value:
            if method_node.value in HTTP_METHODS and isinstance(operation, yaml.MappingNode):
                found = _doc_operation(method_node.value, relative, operation, fragment, method_node)
                operations.append(found if prefixed else replace(found, prefixed=False))
    components = _mapping(_mapping(root).get("components"))
    return DocFacts(
        operations,
        _data(components.get("parameters")),
        _data(components.get("schemas")),
        tag_facts(root, fragment),
        tuple(_mapping(components.get("responses"))),
    )


def resolve_docs(
    operations: list[DocOperation], parameters: dict[str, Any], schemas: dict[str, Any], id_schema: str
) -> list[DocOperation]:
    """The operations with their parameters and body fields read through the `$ref`s to the
    shared components (`id_schema` names the schema of ids)."""
    return [_resolved(op, parameters, schemas, id_schema) for op in operations]


def _resolved(
    op: DocOperation, parameters: dict[str, Any], schemas: dict[str, Any], id_schema: str
) -> DocOperation:
    path_params: list[str] = []
    query: list[Field] = []
    for item in op.raw_parameters:
        parameter = _followed(item, parameters)
        name, where = parameter.get("name"), parameter.get("in")
        if not isinstance(name, str):
            continue
        if where == "path":
            path_params.append(name)
        elif where == "query":
            required = parameter.get("required") is True
            schema = parameter["schema"] if isinstance(parameter.get("schema"), dict) else {}
            found = field_from_schema(name, schema, required, schemas, id_schema)
            query.append(found or Field(name, "string", required))
    body = op.raw_body if isinstance(op.raw_body, dict) else {}
    named = _followed(body, schemas) if "$ref" in body else {}
    return replace(
        op,
        path_params=tuple(path_params),
        query=tuple(query),
        body_fields=_properties(body, schemas, id_schema),
        schema_fields=_properties(named, schemas, id_schema),
    )


def _properties(schema: dict[str, Any], schemas: dict[str, Any], id_schema: str) -> tuple[Field, ...]:
    """The typed fields of an object schema's properties."""
    fields: list[Field] = []
    if isinstance(schema.get("properties"), dict):
        listed = schema.get("required")
        required_names = set(listed) if isinstance(listed, list) else set()
        for name, prop in schema["properties"].items():
            if isinstance(name, str) and isinstance(prop, dict):
                found = field_from_schema(name, prop, name in required_names, schemas, id_schema)
                if found is not None:
                    fields.append(found)
    return tuple(fields)


def _followed(item: Any, components: dict[str, Any]) -> dict[str, Any]:
    """A parameter, or the component its `$ref` names."""
    if isinstance(item, dict) and isinstance(item.get("$ref"), str):
        target = components.get(item["$ref"].rsplit("/", 1)[-1])
        return target if isinstance(target, dict) else {}
    return item if isinstance(item, dict) else {}


def _data(node: yaml.Node | None) -> Any:
    """A node as Python values (`{}` when it holds none, or cannot be built)."""
    if node is None:
        return {}
    try:
        return node_data(node)
    except (yaml.YAMLError, ValueError, TypeError):
        return {}  # an explicit tag that does not fit: the spec check says where


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    return {}


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _doc_operation(
    method: str, path: str, node: yaml.MappingNode, fragment: str, key: yaml.Node
) -> DocOperation:
    fields = _mapping(node)
    operation_id = fields.get("operationId")
    responses = _mapping(fields.get("responses"))
    statuses = tuple(sorted(int(code) for code in responses if str(code).isdigit()))
    text = _scalar(fields.get("description")) or ""
    permissions: tuple[str, ...] = ()
    if "##### Permissions" in text:
        permissions = tuple(_PERMISSION_NAME.findall(text.split("##### Permissions", 1)[1]))
    security = fields.get("security")
    public = isinstance(security, yaml.SequenceNode) and not security.value
    tags = fields.get("tags")
    named = (
        tuple((str(t.value), t.start_mark.line + 1) for t in tags.value if isinstance(t, yaml.ScalarNode))
        if isinstance(tags, yaml.SequenceNode)
        else ()
    )
    parameters = fields.get("parameters")
    raw_parameters = _data(parameters) if isinstance(parameters, yaml.SequenceNode) else []
    body = _mapping(fields.get("requestBody"))
    body_schema = _json_schema(body)
    raw_body = _data(_mapping(_mapping(body.get("content")).get("application/json")).get("schema"))
    success = next((code for code in statuses if 200 <= code < 300), None)
    response = _json_schema(_mapping(responses.get(str(success)))) if success else None
    response_list = response is not None and _scalar(response.get("type")) == "array"
    if response is not None and "items" in response:
        response = _mapping(response.get("items"))
    description = text.split("##### Permissions", 1)[0].strip() or None
    line = key.start_mark.line + 1
    keys = {str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    codes = responses_node.value if isinstance(responses_node := fields.get("responses"), yaml.MappingNode) else []
    return DocOperation(
        method=method.upper(),
        path=path,
        operation_id=str(operation_id.value) if isinstance(operation_id, yaml.ScalarNode) else None,
        statuses=statuses,
        permissions=permissions,
        public=public,
        tag=named[0][0] if named else None,
        location=Location(fragment, line),
        operation_id_line=operation_id.start_mark.line + 1 if operation_id is not None else line,
        summary=_scalar(fields.get("summary")),
        description=description,
        has_body=bool(body),
        body_schema=_ref_name(body_schema),
        response_schema=_ref_name(response),
        response_list=response_list,
        raw_parameters=tuple(raw_parameters) if isinstance(raw_parameters, list) else (),
        raw_body=raw_body or None,
        tags=named,
        permissions_text=text.split("##### Permissions", 1)[1] if "##### Permissions" in text else None,
        description_line=keys.get("description", line),
        responses_line=keys.get("responses", line),
        status_lines=tuple(
            (int(k.value), k.start_mark.line + 1) for k, _ in codes if str(k.value).isdigit()
        ),
    )


def _json_schema(holder: dict[str, yaml.Node]) -> dict[str, yaml.Node] | None:
    """The `content: application/json: schema:` mapping of a request body or a response."""
    media = _mapping(_mapping(holder.get("content")).get("application/json"))
    schema = media.get("schema")
    return _mapping(schema) if isinstance(schema, yaml.MappingNode) else None


def _ref_name(schema: dict[str, yaml.Node] | None) -> str | None:
    ref = _scalar(schema.get("$ref")) if schema else None
    return ref.rsplit("/", 1)[-1] if ref and ref.startswith("#/components/schemas/") else None
