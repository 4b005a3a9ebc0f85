"""One tag of the docs and what implements it, as scaffold.toml's `[tags.<key>]` tables say.

A tag's display name, its fragment and its module are separate things: `data retention` is
documented in `dataretention.yaml` and implemented in `data_retention`. What a table does not
say is derived from the name here, or read from the docs by `scaffold.scan.tags`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scaffold.model.reader import TableReader
from scaffold.naming import fragment_name, is_snake_identifier, module_name, to_pascal


@dataclass(frozen=True)
class TagLayout:
    """One documentation tag, the fragment its path items live in, and the Python resource
    that implements it: `data retention` → `dataretention.yaml` → `data_retention`."""

    #: the tag as the docs write it (`users`, `data retention`, `OAuth`)
    name: str
    #: the module stem of the resource: `user` for the tag `users`
    resource: str
    #: the driver section title: `User` for `# User Section`
    section: str
    #: path prefixes (without the API prefix) that belong to this tag
    paths: tuple[str, ...] = ()
    #: False for a tag derived from a path or read from the docs rather than from scaffold.toml
    configured: bool = True
    #: the file, in [docs] source, that holds its path items (default: from the name)
    fragment: str = ""
    #: the key of its `[tags.<key>]` table (default: the name)
    key: str = ""
    #: scaffold.toml gives the name itself (`name = "..."`), not only as the table's key
    named: bool = False

    def __post_init__(self) -> None:
        if not self.fragment:
            object.__setattr__(self, "fragment", fragment_name(self.name))
        if not self.key:
            object.__setattr__(self, "key", self.name)


def parse_tags(reader: TableReader, tables: dict[str, Any]) -> dict[str, TagLayout]:
    """`[tags.<key>]`: each tag's name, fragment, resource, driver section and path prefixes."""
    tags: dict[str, TagLayout] = {}
    for key, table in tables.items():
        where = f"tags.{key}"
        if not isinstance(table, dict):
            raise reader.error("tags", key, f"[tags.{key}] must be a table")
        name = reader.string(table, where, "name", default=key)
        problem = tag_name_problem(name)
        if problem:
            raise reader.error(where, "name" if "name" in table else "", f"tag {name!r} {problem}")
        resource = reader.string(table, where, "resource", default=module_name(name)[0] or "")
        if not is_snake_identifier(resource):
            raise reader.error(
                where, "resource" if "resource" in table else "",
                f"resource {resource!r} is not a snake_case identifier",
            )
        fragment = reader.string(table, where, "fragment", default=fragment_name(name))
        if "/" in fragment or "\\" in fragment or not fragment.endswith((".yaml", ".yml")):
            raise reader.error(where, "fragment", f"fragment {fragment!r} must be a .yaml file name in [docs] source")
        tags[key] = TagLayout(
            name=name,
            resource=resource,
            section=reader.string(table, where, "section", default=to_pascal(resource)),
            paths=tuple(reader.string_list(table, where, "paths", default=[])),
            fragment=fragment,
            key=key,
            named="name" in table,
        )
    return tags


def tag_name_problem(name: str) -> str | None:
    """Why `name` cannot be a tag (None when it can): any one line of text, as the docs show it."""
    if not name.strip():
        return "is empty"
    if name != name.strip() or any(not c.isprintable() for c in name):
        return "must be one line of text without leading or trailing spaces"
    if len(name) > 100:
        return "is longer than 100 characters"
    return None
