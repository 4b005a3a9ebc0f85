"""Edits of scaffold.toml that keep its comments and layout (tomlkit round-trip)."""

from __future__ import annotations

import tomlkit
from tomlkit.items import Array, Table

from scaffold.model.layout import TagLayout


def add_fragment(text: str, name: str, last: str) -> str:
    """Add `name` to [docs] build just before `last` (the definitions), or at the end."""
    document = tomlkit.parse(text)
    build = document["docs"]["build"]  # type: ignore[index,unused-ignore]
    assert isinstance(build, Array)
    position = len(build) - 1 if len(build) and build[-1] == last else len(build)
    build.insert(position, name)
    return tomlkit.dumps(document)


def remove_fragment(text: str, name: str) -> str:
    document = tomlkit.parse(text)
    build = document["docs"]["build"]  # type: ignore[index,unused-ignore]
    assert isinstance(build, Array)
    build.remove(name)
    return tomlkit.dumps(document)


def add_tag_table(text: str, tag: TagLayout) -> str:
    """Add a [tags.<name>] table for a tag that scaffold created."""
    document = tomlkit.parse(text)
    tags = document.get("tags")
    if tags is None:
        tags = tomlkit.table(is_super_table=True)
        document.add("tags", tags)
    table = tomlkit.table()
    table.add("resource", tag.resource)
    table.add("section", tag.section)
    table.add("paths", list(tag.paths))
    assert isinstance(tags, Table)
    tags.add(tag.name, table)
    return tomlkit.dumps(document)


def remove_tag_table(text: str, name: str) -> str:
    document = tomlkit.parse(text)
    tags = document["tags"]
    assert isinstance(tags, Table)
    tags.remove(name)
    return tomlkit.dumps(document)
