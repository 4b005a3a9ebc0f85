"""How a doc fragment writes what scaffold adds to it, read from the fragment itself.

New text follows its neighbours: descriptions folded (`>`, a paragraph a line) or literal
(`|`), with or without a blank line before `##### Permissions`; path items set apart by a
blank line or not. Where a fragment shows nothing either way, the reference's own style.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from scaffold.text.yaml import compose


@dataclass(frozen=True)
class FragmentStyle:
    """How a fragment writes what scaffold adds to it: as most of its own operations do."""

    #: descriptions folded (`>`, a paragraph a line) rather than literal (`|`)
    folded: bool = False
    #: a literal description has a blank line before `##### Permissions`
    spaced: bool = False
    #: a blank line sets each path item apart from the one before
    blank_between: bool = True


def fragment_style(text: str | None, path: str, skip: int | None = None) -> FragmentStyle:
    """The style of the fragment `text`, leaving out the operation at 0-based line `skip`
    (the one being removed); the reference's own where the fragment shows none."""
    root = compose(text, path) if text else None
    if not isinstance(root, yaml.MappingNode):
        return FragmentStyle()
    lines = text.splitlines() if text else []
    items = [(k, v) for k, v in root.value if isinstance(v, yaml.MappingNode)]
    apart = [not lines[k.start_mark.line - 1].strip() for k, _ in items[1:] if k.start_mark.line > 0]
    styles: list[str] = []
    for _, item in items:
        for method, operation in item.value:
            if method.start_mark.line == skip or not isinstance(operation, yaml.MappingNode):
                continue
            description = next((v for k, v in operation.value if k.value == "description"), None)
            if isinstance(description, yaml.ScalarNode) and description.style in ("|", ">"):
                spaced = "\n\n##### Permissions" in description.value
                styles.append(">" if description.style == ">" else "|+" if spaced else "|")
    folded = styles.count(">") > len(styles) - styles.count(">")
    return FragmentStyle(
        folded=folded,
        spaced=not folded and styles.count("|+") > styles.count("|"),
        blank_between=not apart or 2 * sum(apart) >= len(apart),
    )
