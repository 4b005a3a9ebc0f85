"""The rules of the docs as a whole: every tag declared and in a tag group, every fragment of
the docs source in the build list."""

from __future__ import annotations

from collections.abc import Iterator

from scaffold.commands.rules.base import RuleBase
from scaffold.model.findings import Finding
from scaffold.scan.facts import Location


class TagRules(RuleBase):
    def _tags(self) -> Iterator[Finding]:
        inventory = self.catalog.inventory
        facts = inventory.doc_tags
        declared = dict(reversed(facts.declared))  # the first declaration of each
        used: dict[str, list[Location]] = {}
        for doc in inventory.docs:
            for name, line in doc.tags:
                used.setdefault(name, []).append(doc.at(line))
        introduction = self.layout.fragment_path(self.layout.build[0])
        for name, sites in used.items():
            if name not in declared:
                count = _operations(len(sites))
                yield self.finding(
                    "undeclared-tag",
                    sites[0],
                    f"tag {name!r} ({count}) is not declared in `tags:`: it has no description",
                    f"add `- name: {name}` with a `description:` to `tags:` in {introduction}",
                    f"tag:{name}#undeclared",
                )
        if facts.groups_at is None:
            return  # without groups, every tag is shown
        grouped = set(facts.grouped)
        # An operation shows under each of its tags that is in a group, and is hidden when
        # none is: said once, of its first tag.
        hidden: dict[str, int] = {}
        for doc in inventory.docs:
            if doc.tags and not any(name in grouped for name, _ in doc.tags):
                hidden[doc.tags[0][0]] = hidden.get(doc.tags[0][0], 0) + 1
        for name in dict.fromkeys([*declared, *hidden]):
            if name in grouped:
                continue
            at = declared.get(name) or used[name][0]
            what = (
                f"Redoc hides {_operations(hidden[name])} tagged {name!r} and nothing grouped"
                if name in hidden
                else "Redoc hides it"
            )
            yield self.finding(
                "ungrouped-tag",
                at,
                f"tag {name!r} is in no group of `x-tagGroups` ({facts.groups_at}): {what}",
                f"add `- {name}` to the `tags` of a group under `x-tagGroups` at {facts.groups_at}",
                f"tag:{name}#ungrouped",
            )

    def _unbuilt(self) -> Iterator[Finding]:
        for path in self.catalog.inventory.unbuilt_fragments:
            yield self.finding(
                "unbuilt-fragment",
                Location(path, 1),
                f"{path} is not in the build list: the merged spec leaves it out",
                f"add {path.rsplit('/', 1)[-1]!r} to [docs] build in scaffold.toml before the "
                "definitions (and to the build that publishes the spec), or delete the file",
                f"fragment:{path}",
            )


def _operations(count: int) -> str:
    return f"{count} operation{'s' if count != 1 else ''}"
