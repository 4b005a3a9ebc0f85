"""The tags a spec declares (`tags:`) and how it groups them (`x-tagGroups:`), with their lines.

Read from the composed nodes of the fragment that holds them (the introduction): an
operation's tag that is not declared has no description, and Redoc hides a tag that is in
no group once the spec has groups at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from scaffold.scan.facts import Location


@dataclass(frozen=True)
class TagFacts:
    #: each tag of `tags:` and where its name is written
    declared: tuple[tuple[str, Location], ...] = ()
    #: the tags `x-tagGroups:` names, and where that key is (None: the fragment has none)
    grouped: tuple[str, ...] = ()
    groups_at: Location | None = None


def tag_facts(root: yaml.MappingNode, fragment: str) -> TagFacts:
    """The `tags:` and `x-tagGroups:` of a fragment's root mapping."""
    declared: list[tuple[str, Location]] = []
    grouped: list[str] = []
    groups_at = None
    for key, value in root.value:
        if key.value == "tags" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                name = _value(item, "name")
                if isinstance(name, yaml.ScalarNode):
                    declared.append((str(name.value), Location(fragment, name.start_mark.line + 1)))
        elif key.value == "x-tagGroups":
            groups_at = Location(fragment, key.start_mark.line + 1)
            groups = value.value if isinstance(value, yaml.SequenceNode) else []
            for group in groups:
                members = _value(group, "tags")
                if isinstance(members, yaml.SequenceNode):
                    grouped += [str(m.value) for m in members.value if isinstance(m, yaml.ScalarNode)]
    return TagFacts(tuple(declared), tuple(grouped), groups_at)


def _value(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
