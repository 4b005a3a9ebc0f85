"""A new tag's containers: its fragment in the build list, its `[tags.<tag>]` table, its entry
under the introduction's `tags:`; and their removal once the fragment is empty again."""

from __future__ import annotations

import yaml

from scaffold.artifacts.removal import Removal
from scaffold.model.endpoint import Endpoint
from scaffold.model.layout import CONFIG_NAME, RepoLayout
from scaffold.naming import humanize
from scaffold.repo.workspace import Workspace
from scaffold.text.toml import add_fragment, add_tag_table, remove_fragment, remove_tag_table
from scaffold.text.yaml import compose, entries, insert_lines, scalar


def add_tag(endpoint: Endpoint, layout: RepoLayout, workspace: Workspace) -> None:
    """Register a new tag: the build list and [tags.<tag>] in scaffold.toml, and the intro's tags."""
    config = CONFIG_NAME
    text = workspace.read(config)
    name = f"{endpoint.tag}.yaml"
    text = add_fragment(text, name, layout.build[-1])
    if endpoint.tag not in layout.tags:
        text = add_tag_table(text, layout.tag(endpoint.tag))
    workspace.write(config, text)
    _declare_tag(endpoint, layout, workspace)


def _declare_tag(endpoint: Endpoint, layout: RepoLayout, workspace: Workspace) -> None:
    """List the new tag under the introduction's top-level `tags:`, where it has one."""
    intro = layout.fragment_path(layout.build[0])
    text = workspace.read(intro)
    root = compose(text, intro)
    if not isinstance(root, yaml.MappingNode):
        return
    lines = text.splitlines()
    for entry in entries(root, lines):
        if entry.key == "tags" and isinstance(entry.node, yaml.SequenceNode) and entry.node.value:
            first = entry.node.value[0]
            column = first.start_mark.column  # the column of `name:` after `- `
            block = (
                " " * (column - 2) + f"- name: {scalar(endpoint.tag)}\n"
                + " " * column + f"description: {scalar(humanize(endpoint.resource) + ' operations.', column)}\n"
            )
            workspace.write(intro, insert_lines(text, entry.end, block))
            return


def remove_empty_fragment(removal: Removal) -> None:
    """A fragment the removal left empty goes, with its build-list entry, table and tag."""
    ctx = removal.ctx
    layout = ctx.workspace.layout()
    for name in layout.build:
        path = layout.fragment_path(name)
        text = ctx.workspace.read_or_none(path)
        if text is None or text.strip() or ctx.workspace.original(path) == text:
            continue
        ctx.workspace.write(path, None)
        config = remove_fragment(ctx.workspace.read(CONFIG_NAME), name)
        tag = name.removesuffix(".yaml")
        if tag in layout.tags:
            config = remove_tag_table(config, tag)
        ctx.workspace.write(CONFIG_NAME, config)
        _undeclare_tag(ctx.workspace, layout, tag)


def _undeclare_tag(workspace: Workspace, layout: RepoLayout, tag: str) -> None:
    """Take the tag out of the introduction's `tags:` (the inverse of `_declare_tag`)."""
    intro = layout.fragment_path(layout.build[0])
    text = workspace.read(intro)
    root = compose(text, intro)
    if not isinstance(root, yaml.MappingNode):
        return
    plain = text.splitlines()
    for entry in entries(root, plain):
        if entry.key != "tags" or not isinstance(entry.node, yaml.SequenceNode):
            continue
        items = entry.node.value
        for i, item in enumerate(items):
            fields = {k.value: v for k, v in item.value} if isinstance(item, yaml.MappingNode) else {}
            if getattr(fields.get("name"), "value", None) == tag:
                start = item.start_mark.line
                end = items[i + 1].start_mark.line if i + 1 < len(items) else entry.end
                lines = text.splitlines(keepends=True)
                del lines[start:end]
                workspace.write(intro, "".join(lines))
                return
