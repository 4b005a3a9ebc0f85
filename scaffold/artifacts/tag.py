"""A new tag's containers: its fragment in the build lists (scaffold.toml's, and the Makefile's
where the docs have one), its `[tags.<name>]` table where the repo describes its tags in
tables, its entry under the introduction's `tags:` and in a group of `x-tagGroups`; and
their removal once the fragment is empty again.

The `tags:` entry is a whole new item, spliced in as text; the group's list is an existing
node, edited in place with ruamel.yaml (`scaffold.text.yamlnode`).
"""

from __future__ import annotations

import posixpath
from collections import Counter
from typing import Any

import yaml

from scaffold.artifacts.removal import Removal
from scaffold.model.endpoint import Endpoint
from scaffold.model.layout import CONFIG_NAME, RepoLayout
from scaffold.model.taglayout import TagLayout
from scaffold.naming import humanize
from scaffold.repo.workspace import Workspace
from scaffold.text.makefile import add_fragment_line, remove_fragment_line
from scaffold.text.toml import add_fragment, add_tag_table, remove_fragment, remove_tag_table
from scaffold.text.yaml import Entry, compose, entries, insert_lines, scalar
from scaffold.text.yamlnode import edit_node

GROUPS = "x-tagGroups"


def add_tag(endpoint: Endpoint, layout: RepoLayout, workspace: Workspace) -> None:
    """Register a new tag's fragment in the build lists, its table, and the intro's tag lists."""
    name = endpoint.fragment
    text = add_fragment(workspace.read(CONFIG_NAME), name, layout.build[-1])
    if layout.tags and not any(t.fragment == name for t in layout.tags.values()):
        first = endpoint.path.strip("/").split("/")[0]
        table = TagLayout(endpoint.tag, endpoint.resource, endpoint.section, (f"/{first}",))
        text = add_tag_table(text, table, fragment=name)
    workspace.write(CONFIG_NAME, text)
    if layout.makefile:
        makefile = workspace.read(layout.makefile)
        source = _source_from(layout)
        after = layout.build[-2] if len(layout.build) > 1 else layout.build[-1]
        workspace.write(layout.makefile, add_fragment_line(makefile, source, name, after, layout.makefile))
    intro = layout.fragment_path(layout.build[0])
    text = workspace.read(intro)
    declared = _declare(text, intro, endpoint)
    workspace.write(intro, _group(declared, intro, endpoint.tag, add=True))


def _source_from(layout: RepoLayout) -> str:
    """[docs] source relative to the Makefile's directory ("" when it is the same)."""
    relative = posixpath.relpath(layout.docs_source, posixpath.dirname(layout.makefile) or ".")
    return "" if relative == "." else relative


def _top(text: str, path: str) -> dict[str, Entry]:
    root = compose(text, path)
    if not isinstance(root, yaml.MappingNode):
        return {}
    return {entry.key: entry for entry in entries(root, text.splitlines())}


def _declare(text: str, intro: str, endpoint: Endpoint) -> str:
    """List the tag under the introduction's top-level `tags:`, where it has one."""
    entry = _top(text, intro).get("tags")
    if entry is None or not isinstance(entry.node, yaml.SequenceNode) or not entry.node.value:
        return text
    if endpoint.tag in _declared(entry.node):
        return text
    column = entry.node.value[0].start_mark.column  # the column of `name:` after `- `
    description = humanize(endpoint.resource or endpoint.tag.replace(" ", "_")) + " operations."
    block = (
        " " * (column - 2) + f"- name: {scalar(endpoint.tag)}\n"
        + " " * column + f"description: {scalar(description, column)}\n"
    )
    return insert_lines(text, entry.end, block)


def _declared(node: yaml.SequenceNode) -> list[str | None]:
    """The `name` of each item of the introduction's `tags:` (None for an item without one)."""
    names: list[str | None] = []
    for item in node.value:
        fields = {k.value: v for k, v in item.value} if isinstance(item, yaml.MappingNode) else {}
        value = fields.get("name")
        names.append(str(value.value) if isinstance(value, yaml.ScalarNode) else None)
    return names


def _group(text: str, intro: str, tag: str, *, add: bool) -> str:
    """Put the tag in (or take it out of) the group of `x-tagGroups` that holds most of the
    other path tags, where the introduction has groups."""
    entry = _top(text, intro).get(GROUPS)
    if entry is None:
        return text
    data = yaml.load("\n".join(text.splitlines()[entry.start : entry.end]), Loader=yaml.SafeLoader)
    groups = data.get(GROUPS) if isinstance(data, dict) else None
    if not isinstance(groups, list) or not groups:
        return text
    listed: list[list[Any]] = [
        g["tags"] if isinstance(g, dict) and isinstance(g.get("tags"), list) else [] for g in groups
    ]
    holding = [i for i, tags in enumerate(listed) if tag in tags]
    if add and holding or not add and not holding:
        return text
    declared = _declared_names(text, intro)
    scores = Counter({i: sum(t in declared for t in tags) for i, tags in enumerate(listed)})
    target = holding[0] if holding else max(range(len(groups)), key=lambda i: (scores[i], i))

    def change(node: Any) -> None:
        tags = node[GROUPS][target].setdefault("tags", [])
        if add:
            tags.append(tag)
        else:
            tags.remove(tag)

    return edit_node(text, entry.start, entry.end, change, intro)


def _declared_names(text: str, intro: str) -> set[str | None]:
    entry = _top(text, intro).get("tags")
    return set(_declared(entry.node)) if entry is not None and isinstance(entry.node, yaml.SequenceNode) else set()


def remove_empty_fragment(removal: Removal) -> None:
    """A fragment the removal left empty goes, with its build-list entries, table and tag."""
    ctx = removal.ctx
    layout = ctx.workspace.layout()
    for name in layout.build:
        path = layout.fragment_path(name)
        text = ctx.workspace.read_or_none(path)
        if text is None or text.strip() or ctx.workspace.original(path) == text:
            continue
        ctx.workspace.write(path, None)
        config = remove_fragment(ctx.workspace.read(CONFIG_NAME), name)
        table = next((t for t in layout.tags.values() if t.fragment == name), None)
        if table is not None:
            config = remove_tag_table(config, table.key)
        ctx.workspace.write(CONFIG_NAME, config)
        if layout.makefile:
            makefile = ctx.workspace.read(layout.makefile)
            ctx.workspace.write(layout.makefile, remove_fragment_line(makefile, _source_from(layout), name, layout.makefile))
        tag = ctx.endpoint.tag
        others = [d for d in ctx.inventory.docs if d.tag == tag and d.location.path != path]
        if not others:
            intro = layout.fragment_path(layout.build[0])
            text = _undeclare(ctx.workspace.read(intro), intro, tag)
            ctx.workspace.write(intro, _group(text, intro, tag, add=False))


def _undeclare(text: str, intro: str, tag: str) -> str:
    """Take the tag out of the introduction's `tags:` (the inverse of `_declare`)."""
    entry = _top(text, intro).get("tags")
    if entry is None or not isinstance(entry.node, yaml.SequenceNode):
        return text
    items = entry.node.value
    for i, name in enumerate(_declared(entry.node)):
        if name == tag:
            start = items[i].start_mark.line
            end = items[i + 1].start_mark.line if i + 1 < len(items) else entry.end
            lines = text.splitlines(keepends=True)
            del lines[start:end]
            return "".join(lines)
    return text

