"""Checklist item 1, the docs: the OpenAPI operation in its tag's fragment, beside its
siblings, and its removal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from scaffold.artifacts.context import Components, PlanContext
from scaffold.artifacts.removal import Removal
from scaffold.artifacts.tag import add_tag
from scaffold.errors import ConflictError, RepoLayoutError
from scaffold.model.endpoint import Endpoint, HttpMethod
from scaffold.model.fields import Field
from scaffold.model.layout import Auth, RepoLayout
from scaffold.naming import humanize, to_snake
from scaffold.repo.workspace import Workspace
from scaffold.scan.facts import Location, shared_prefix
from scaffold.text.render import Renderer
from scaffold.text.yaml import (
    Entry,
    compose,
    entries,
    indent_text,
    insert_lines,
    newline_of,
    quoted,
    scalar,
    with_newline,
)
from scaffold.text.yamlnode import edit_node
from scaffold.text.yamlstyle import FragmentStyle, fragment_style

# Operations of a path item are written in this order, as in Mattermost's fragments.
METHOD_ORDER = ("get", "post", "put", "patch", "delete")

# The shared error responses of definitions.yaml, by status code.
ERROR_RESPONSES = {
    304: "NotModified",
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    413: "TooLarge",
}

_ERROR_DESCRIPTIONS = {
    304: "Not modified: the Etag still matches",
    400: "Invalid or missing parameters in URL or request body",
    401: "No access token provided",
    403: "Do not have appropriate permissions",
    404: "Resource not found",
    413: "Content too large",
}


def find_path_item(
    layout: RepoLayout, workspace: Workspace, full_path: str
) -> tuple[str, Entry, list[Entry]] | None:
    """The fragment and entry of a documented path, with its operations, if any fragment has it."""
    for name in layout.build:
        fragment = layout.fragment_path(name)
        text = workspace.read_or_none(fragment)
        if text is None or full_path not in text:
            continue  # a fragment that never spells the path holds no item of it: not parsed
        root = compose(text, fragment)
        if not isinstance(root, yaml.MappingNode):
            continue
        lines = text.splitlines()
        for entry in entries(root, lines):
            if entry.key == full_path:
                operations = (
                    entries(entry.node, lines, entry.end) if isinstance(entry.node, yaml.MappingNode) else []
                )
                return fragment, entry, operations
    return None


def render_operation(
    endpoint: Endpoint,
    components: Components,
    renderer: Renderer,
    layout: RepoLayout,
    style: FragmentStyle = FragmentStyle(),
) -> str:
    """The operation's YAML at column 0 (`get:` first), written as its fragment writes its own."""
    ids = layout.id_schema if layout.id_schema in components.schemas else None
    # A path parameter the components share (`UserId`, `TeamId`) is referred to, as its
    # siblings do; any other is written out.
    parameters = [
        {"ref": components.parameters[("path", name)]}
        if ("path", name) in components.parameters
        else {
            "name": name,
            "location": "path",
            "description": _param_description(name),
            "required": True,
            "schema": field_schema(Field(name, "string", id=name.endswith("_id")), ids),
        }
        for name in endpoint.path_params
    ] + [
        {
            "name": f.name,
            "location": "query",
            "description": humanize(f.name) + ".",
            "required": f.required,
            "schema": field_schema(f, ids, components.formats),
        }
        for f in endpoint.query
    ]
    responses = []
    for code in endpoint.statuses():
        if code == endpoint.status:
            responses.append(
                {"code": code, "ref": None, "description": _success_description(endpoint),
                 "schema": _success_schema(endpoint, components)}
            )
        elif ERROR_RESPONSES[code] in components.responses:
            responses.append({"code": code, "ref": ERROR_RESPONSES[code]})
        else:
            responses.append({"code": code, "ref": None, "description": _ERROR_DESCRIPTIONS[code], "schema": None})
    if endpoint.body_schema and endpoint.body_schema not in components.schemas:
        raise _unknown_schema("--body", endpoint.body_schema, components)
    return renderer.render(
        "doc_operation.yaml.jinja",
        method=endpoint.method.value.lower(),
        tag=endpoint.tag,
        summary=endpoint.summary,
        description=description_text(endpoint, layout, spaced=style.spaced),
        folded_description=style.folded,
        operation_id=endpoint.operation_id,
        public=endpoint.is_public,
        parameters=parameters,
        body_schema=endpoint.body_schema,
        body_fields=[(f, field_schema(f, ids, components.formats)) for f in endpoint.body_fields],
        responses=responses,
    )


def field_schema(field: Field, ids: str | None, formats: Mapping[str, str] | None = None) -> list[str]:
    """The lines of a field's JSON schema (YAML at column 0): its type and constraints; a
    reference to the repo's own schema of an id or of a format (`email` → `Email`)."""
    if field.id and ids is not None:
        return [f"$ref: {quoted('#/components/schemas/' + ids)}"]
    shared = (formats or {}).get(field.format or "")
    if shared is not None and not field.enum and field.pattern is None and (field.min_length or 0) <= 1 and field.max_length is None:
        return [f"$ref: {quoted('#/components/schemas/' + shared)}"]
    lines = [f"type: {scalar(field.type)}"]
    if field.format:
        lines.append(f"format: {scalar(field.format)}")
    if field.enum:
        lines.append("enum:")
        lines += [f"  - {scalar(value, 4)}" for value in field.enum]
    if field.pattern:
        lines.append(f"pattern: {scalar(field.pattern)}")
    for key, value in (
        ("minLength", field.min_length),
        ("maxLength", field.max_length),
        ("minimum", field.minimum),
        ("maximum", field.maximum),
    ):
        if value is not None:
            lines.append(f"{key}: {int(value) if float(value).is_integer() else value}")
    return lines


def description_text(endpoint: Endpoint, layout: RepoLayout, *, spaced: bool = False) -> str:
    """The description, ending in the `##### Permissions` section that `check` reads."""
    gap = "\n\n" if spaced else "\n"
    return f"{endpoint.description}{gap}##### Permissions\n{permission_sentence(endpoint, layout)}\n"


def permission_sentence(endpoint: Endpoint, layout: RepoLayout) -> str:
    if endpoint.auth is Auth.PUBLIC:
        return "No permission required."
    if not endpoint.permission:
        return "Must be authenticated."
    named = f"`{endpoint.permission}`"
    scope = layout.permissions.scope_for(endpoint.path_params)
    if scope is None:
        return f"Must have {named} permission."
    noun = humanize(scope.param.removesuffix("_id")).lower()
    if scope.admits_owner and scope.param == "user_id":
        return f"Must be logged in as the {noun} or have the {named} permission."
    if scope.admits_owner:
        return f"Must own the {noun} or have {named} permission for it."
    return f"Must have {named} permission for the {noun}."


def plan_docs(ctx: PlanContext) -> None:
    """Add the endpoint's operation to its fragment (creating the fragment for a new tag)."""
    endpoint, workspace = ctx.endpoint, ctx.workspace
    # An earlier plan of the same change may have added a tag: read the layout as planned.
    layout = workspace.layout()
    method = endpoint.method.value.lower()
    found = find_path_item(layout, workspace, endpoint.full_path)
    fragment = found[0] if found is not None else layout.fragment_path(endpoint.fragment)
    existing = workspace.read_or_none(fragment)
    style = fragment_style(existing, fragment)
    operation = render_operation(endpoint, ctx.components, ctx.renderer, layout, style)
    if found is not None:
        fragment, item, operations = found
        if any(op.key == method for op in operations):
            raise ConflictError(
                f"{endpoint.method.value} {endpoint.full_path} is already documented",
                path=fragment,
                line=item.start + 1,
            )
        text = workspace.read(fragment)
        workspace.write(fragment, _insert_operation(text, item, operations, method, operation))
        return
    path_item = _path_key(endpoint.full_path) + ":\n" + indent_text(operation, 2)
    if existing is None:
        add_tag(endpoint, layout, workspace)
        workspace.write(fragment, indent_text(path_item, 2))
        return
    if endpoint.fragment not in layout.build:
        raise RepoLayoutError(
            f"{fragment} exists but is not in the build list",
            hint=f"add \"{endpoint.fragment}\" to [docs] build in scaffold.toml"
            + (f" and to {layout.makefile}" if layout.makefile else ""),
            path=layout.config_path,
        )
    workspace.write(fragment, _insert_path_item(existing, fragment, endpoint.full_path, path_item, style))


def add_responses(ctx: PlanContext, location: Location, codes: list[int]) -> None:
    """Add the error responses `codes` to the hand-written operation at `location`, inside its
    `responses` node (edited in place: the rest of the fragment stays byte for byte)."""
    fragment = location.path
    text = ctx.workspace.read(fragment)
    root = compose(text, fragment)
    lines = text.splitlines()
    operation = next(
        (
            op
            for item in (entries(root, lines) if isinstance(root, yaml.MappingNode) else [])
            if isinstance(item.node, yaml.MappingNode)
            for op in entries(item.node, lines, item.end)
            if op.start + 1 == location.line
        ),
        None,
    )
    keys = entries(operation.node, lines, operation.end) if operation and isinstance(operation.node, yaml.MappingNode) else []
    responses = next((key for key in keys if key.key == "responses"), None)
    if responses is None or not isinstance(responses.node, yaml.MappingNode):
        raise RepoLayoutError(
            "the operation has no responses to add to", hint="add them by hand", path=fragment, line=location.line
        )

    def change(data: Any) -> None:
        present = data["responses"]
        quoted = next((type(k) for k in present if isinstance(k, str)), str)
        reference = next((type(v["$ref"]) for v in present.values() if isinstance(v, dict) and "$ref" in v), str)
        for code in sorted(codes):
            if str(code) in present or code in present:
                continue
            shared = ERROR_RESPONSES.get(code)
            value = (
                {"$ref": reference(f"#/components/responses/{shared}")}
                if shared in ctx.components.responses
                else {"description": _ERROR_DESCRIPTIONS.get(code, "Error")}
            )
            after = [i for i, k in enumerate(present) if str(k).isdigit() and int(k) < code]
            present.insert(after[-1] + 1 if after else 0, quoted(str(code)), value)

    ctx.workspace.write(fragment, edit_node(text, responses.start, responses.end, change, fragment))


def _insert_operation(text: str, item: Entry, operations: list[Entry], method: str, operation: str) -> str:
    rank = METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)
    methods = [op for op in operations if op.key in METHOD_ORDER]
    later = [op for op in methods if METHOD_ORDER.index(op.key) > rank]
    indent = operations[0].indent if operations else item.indent + 2
    if later:
        at = later[0].start
    else:
        at = (methods[-1].end if methods else item.end)
    return insert_lines(text, at, indent_text(operation, indent))


def _insert_path_item(text: str, fragment: str, full_path: str, item: str, style: FragmentStyle) -> str:
    root = compose(text, fragment)
    lines = text.splitlines()
    items = entries(root, lines) if isinstance(root, yaml.MappingNode) else []
    separator = "\n" if style.blank_between else ""
    if not items:
        newline = newline_of(text)
        ended = "" if text.endswith("\n") or not text else newline
        return text + ended + (separator if text.strip() else "") + with_newline(indent_text(item, 2), newline)
    # Beside its closest sibling: the last path item sharing the most leading segments.
    segments = full_path.strip("/").split("/")
    best = max(
        range(len(items)),
        key=lambda i: (shared_prefix(segments, items[i].key.strip("/").split("/")), i),
    )
    sibling = items[best]
    return insert_lines(text, sibling.end, separator + indent_text(item, sibling.indent))


def _path_key(full_path: str) -> str:
    # Mattermost quotes path keys that hold a {param}; plain keys stay plain.
    return quoted(full_path) if "{" in full_path else scalar(full_path)


def _param_description(name: str) -> str:
    if name.endswith("_id"):
        return humanize(name[:-3]) + " GUID"
    return humanize(name)


def _success_description(endpoint: Endpoint) -> str:
    operation = endpoint.operation_id
    for verb, text in (("Get", "retrieval"), ("Create", "creation"), ("Update", "update"),
                       ("Patch", "patch"), ("Delete", "deletion")):
        if operation.startswith(verb) and len(operation) > len(verb):
            return f"{humanize(to_snake(operation[len(verb):]))} {text} successful"
    return f"{humanize(endpoint.name)} successful"


def _success_schema(endpoint: Endpoint, components: Components) -> dict[str, object] | None:
    if endpoint.status == 204:
        return None
    if endpoint.response_schema:
        if endpoint.response_schema not in components.schemas:
            raise _unknown_schema("--response", endpoint.response_schema, components)
        return {"ref": endpoint.response_schema, "array": endpoint.response_list}
    action = endpoint.method is HttpMethod.DELETE or (
        endpoint.method in (HttpMethod.POST, HttpMethod.PUT)
        and not endpoint.operation_id.startswith(("Create", "Update"))
    )
    if action and "StatusOK" in components.schemas:
        return {"ref": "StatusOK", "array": False}
    return {"ref": None, "array": endpoint.response_list}


def _unknown_schema(option: str, name: str, components: Components) -> RepoLayoutError:
    known = ", ".join(sorted(components.schemas)[:8])
    return RepoLayoutError(
        f"{option} {name}: no such schema in components/schemas",
        hint=f"define it in the definitions fragment first, or use one of: {known}",
    )


def remove_docs(removal: Removal, location: Location) -> None:
    """Take the operation at `location` out of its fragment, with its path item if it was alone."""
    ctx = removal.ctx
    fragment = location.path
    text = ctx.workspace.read(fragment)
    lines = text.splitlines(keepends=True)
    root = compose(text, fragment)
    assert isinstance(root, yaml.MappingNode)
    plain = text.splitlines()
    for item in entries(root, plain):
        operations = entries(item.node, plain, item.end) if isinstance(item.node, yaml.MappingNode) else []
        for operation in operations:
            if operation.start + 1 != location.line:
                continue
            actual = "".join(
                line[operation.indent :] if line.strip() else line for line in lines[operation.start : operation.end]
            ).replace("\r\n", "\n")
            style = fragment_style(text, fragment, skip=operation.start)
            expected = render_operation(ctx.endpoint, ctx.components, ctx.renderer, ctx.layout, style)
            if not removal.accept("docs", location, expected, actual):
                return
            if len(operations) > 1:
                del lines[operation.start : operation.end]
            else:
                start = item.start - 1 if item.start > 0 and not lines[item.start - 1].strip() else item.start
                del lines[start : item.end]
            ctx.workspace.write(fragment, "".join(lines))
            return
