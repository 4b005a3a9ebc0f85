"""Checklist item 1, the docs: every operation of a fragment, read from libyaml's nodes.

Nodes are composed, never constructed into Python values, and each operation keeps the line
of its method key, so findings point at the fragment a contributor edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from scaffold.model.fields import Field, field_from_schema
from scaffold.scan.facts import Location
from scaffold.text.yaml import compose

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
    #: the schema the success response `$ref`s (directly or as the items of an array)
    response_schema: str | None = None
    #: the success response is an array
    response_list: bool = False



def docs_facts(text: str, fragment: str, prefix: str, id_schema: str) -> list[DocOperation]:
    """Every operation of one fragment, with the paths relative to the API prefix (`id_schema`
    names the schema of ids, for fields that `$ref` it)."""
    root = compose(text, fragment)
    if not isinstance(root, yaml.MappingNode):
        return []
    operations = []
    for key_node, item in root.value:
        key = str(key_node.value)
        if not key.startswith("/") or not isinstance(item, yaml.MappingNode):
            continue
        relative = key[len(prefix) :] if key.startswith(prefix + "/") else key
        for method_node, operation in item.value:
            if method_node.value in HTTP_METHODS and isinstance(operation, yaml.MappingNode):
                operations.append(
                    _doc_operation(method_node.value, relative, operation, fragment, method_node, id_schema)
                )
    return operations


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    return {}


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _field(name: str, schema: yaml.Node | None, required: bool, id_schema: str) -> Field | None:
    """The field a parameter's or property's schema node describes."""
    if not isinstance(schema, yaml.MappingNode):
        return None
    try:
        data = yaml.constructor.SafeConstructor().construct_document(schema)
    except (yaml.YAMLError, ValueError, TypeError):
        return None  # an explicit tag that does not fit: the spec check says where
    return field_from_schema(name, data, required, {}, id_schema) if isinstance(data, dict) else None


def _doc_operation(
    method: str, path: str, node: yaml.MappingNode, fragment: str, key: yaml.Node, id_schema: str
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
    tag = (
        str(tags.value[0].value)
        if isinstance(tags, yaml.SequenceNode)
        and tags.value
        and isinstance(tags.value[0], yaml.ScalarNode)
        else None
    )
    path_params: list[str] = []
    query: list[Field] = []
    parameters = fields.get("parameters")
    if isinstance(parameters, yaml.SequenceNode):
        for parameter in parameters.value:
            values = _mapping(parameter)
            where, name = _scalar(values.get("in")), _scalar(values.get("name"))
            if name and where == "path":
                path_params.append(name)
            elif name and where == "query":
                required = _scalar(values.get("required")) == "true"
                field = _field(name, values.get("schema"), required, id_schema)
                query.append(field or Field(name, "string", required))
    body = _mapping(fields.get("requestBody"))
    body_schema = _json_schema(body)
    body_fields: list[Field] = []
    if body_schema is not None and "properties" in body_schema:
        required_node = body_schema.get("required")
        names = (
            {_scalar(n) for n in required_node.value}
            if isinstance(required_node, yaml.SequenceNode)
            else set()
        )
        for field_name, prop in _mapping(body_schema.get("properties")).items():
            found = _field(field_name, prop, field_name in names, id_schema)
            if found is not None:
                body_fields.append(found)
    success = next((code for code in statuses if 200 <= code < 300), None)
    response = _json_schema(_mapping(responses.get(str(success)))) if success else None
    response_list = response is not None and _scalar(response.get("type")) == "array"
    if response is not None and "items" in response:
        response = _mapping(response.get("items"))
    description = text.split("##### Permissions", 1)[0].strip() or None
    line = key.start_mark.line + 1
    return DocOperation(
        method=method.upper(),
        path=path,
        operation_id=str(operation_id.value) if isinstance(operation_id, yaml.ScalarNode) else None,
        statuses=statuses,
        permissions=permissions,
        public=public,
        tag=tag,
        location=Location(fragment, line),
        operation_id_line=operation_id.start_mark.line + 1 if operation_id is not None else line,
        summary=_scalar(fields.get("summary")),
        description=description,
        path_params=tuple(path_params),
        query=tuple(query),
        has_body=bool(body),
        body_schema=_ref_name(body_schema),
        body_fields=tuple(body_fields),
        response_schema=_ref_name(response),
        response_list=response_list,
    )


def _json_schema(holder: dict[str, yaml.Node]) -> dict[str, yaml.Node] | None:
    """The `content: application/json: schema:` mapping of a request body or a response."""
    media = _mapping(_mapping(holder.get("content")).get("application/json"))
    schema = media.get("schema")
    return _mapping(schema) if isinstance(schema, yaml.MappingNode) else None


def _ref_name(schema: dict[str, yaml.Node] | None) -> str | None:
    ref = _scalar(schema.get("$ref")) if schema else None
    return ref.rsplit("/", 1)[-1] if ref and ref.startswith("#/components/schemas/") else None
