"""THE locator of spec problems: every OpenAPI problem of the merged spec, at its fragment:line.

The checks (`spec.openapi`) speak of paths into the merged document; a contributor edits a
fragment. Each problem is placed at the key its path names — the stray key itself, the `$ref`
that points to nothing — through the merged spec's line map. `validate` raises them all at
once (`SpecInvalid`); `problems` returns them, and `judge_fragments` the verdict they make.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import yaml

from scaffold.errors import ValidationError
from scaffold.spec.issue import Issue, pointer
from scaffold.spec.merge import (
    MergedSpec,
    key_node_at,
    mapping_value,
    merge,
    operation_id_nodes,
    raise_twice,
    shorten,
)

#: More problems than this are one problem to fix first, not a list to read.
MAX_PROBLEMS = 50

_HINT = "fix the operation in this fragment; `scaffold docs build` shows the merged result"


@dataclass(frozen=True)
class SpecProblem:
    message: str
    path: str | None
    line: int | None
    hint: str | None = None
    #: which check found it (see `scaffold.spec.issue.Issue.check`), where one did
    check: str | None = None

    @classmethod
    def of(cls, err: ValidationError) -> SpecProblem:
        """The problem an error raised by a merge (a YAML error, a key defined twice) is."""
        return cls(err.message, str(err.path) if err.path else None, err.line, err.hint)

    def error(self) -> ValidationError:
        return ValidationError(self.message, hint=self.hint, path=self.path, line=self.line)


class SpecInvalid(ValidationError):
    """The merged spec does not validate: the first problem is the message, `problems` holds
    them all (up to MAX_PROBLEMS), each at its fragment:line."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        first = problems[0]
        # Said on the one line an error gets, for a command line that prints only that.
        more = f" (and {len(problems) - 1} more: `scaffold check` lists them all)" if len(problems) > 1 else ""
        super().__init__(first.message + more, hint=first.hint, path=first.path, line=first.line)
        self.problems = problems


Fragments = list[tuple[str, str]]


def problems(
    merged: MergedSpec, *, only: set[str] | None = None, limit: int = MAX_PROBLEMS
) -> list[SpecProblem]:
    """Every OpenAPI problem of the merged document (up to `limit`), each at its key.

    With `only`, the path items of other fragments are left out of the checked document:
    they were not changed (a planned edit validates what it touches).
    """
    from scaffold.spec.openapi import document_issues

    document = merged.data if only is None else _restricted(merged, only)
    try:
        issues = document_issues(document, limit=limit)
    except RecursionError:
        # A chain of $refs deeper than Python's stack: one problem, at the top.
        return [
            SpecProblem(
                "the merged spec cannot be validated: its $refs nest too deep",
                merged.fragments[0].path if merged.fragments else None,
                None,
                "look for very long chains of schemas that refer to each other",
            )
        ]
    return [located(merged, issue) for issue in issues]


def located(merged: MergedSpec, issue: Issue) -> SpecProblem:
    """An issue as a problem at its fragment:line (and the first one's, for a repeat)."""
    fragment, line = merged.locate_node(key_node_at(merged.root, list(issue.at)))
    message = issue.message
    if issue.first is not None:
        first_fragment, first_line = merged.locate_node(key_node_at(merged.root, list(issue.first)))
        message = f"{message}: first at {first_fragment}:{first_line}"
    elif not issue.message.startswith("$ref"):
        message = f"invalid OpenAPI at {pointer(issue.at)}: {shorten(message)}"
    return SpecProblem(message, fragment, line, issue.hint or _HINT, issue.check)


def validate(merged: MergedSpec, *, only: set[str] | None = None) -> None:
    """Raise every problem of the merged document at once (`SpecInvalid`), located.

    Duplicate operationIds are checked across the whole document, whatever `only` says.
    """
    if only is not None:
        _check_duplicate_operation_ids(merged)
    found = problems(merged, only=only)
    if found:
        raise SpecInvalid(found)


def validate_change(
    after: MergedSpec, before: MergedSpec | None, *, only: set[str] | None = None
) -> int:
    """Raise the problems `after` has that `before` had not (`SpecInvalid`): a change to a spec
    that was already invalid answers for what it breaks, not for what it found broken. Returns
    how many problems it leaves as they were."""
    if only is not None:
        _check_duplicate_operation_ids(after)
    found = problems(after, only=only)
    if not found:
        return 0
    # Compared by fragment and message, not line: an edit above a problem moves it.
    known = Counter(_identity(p) for p in problems(before, only=only)) if before is not None else Counter()
    new = []
    for problem in found:
        if known[_identity(problem)] > 0:
            known[_identity(problem)] -= 1
        else:
            new.append(problem)
    if new:
        raise SpecInvalid(new)
    return len(found)


def _identity(problem: SpecProblem) -> tuple[str | None, str, str | None]:
    return problem.path, problem.message, problem.check


@dataclass(frozen=True)
class SpecVerdict:
    """What the merged fragments are found to be: their problems (none: valid), and how many
    paths and operations they hold. Kept in the cache by the fragments' content, for `check`
    and `docs build` alike."""

    problems: tuple[SpecProblem, ...]
    paths: int = 0
    operations: int = 0

    @classmethod
    def of(cls, merged: MergedSpec, found: list[SpecProblem]) -> SpecVerdict:
        return cls(tuple(found), *merged.counts())


def judge_fragments(fragments: Fragments) -> SpecVerdict:
    """Merge the fragments as `docs build` does and find every OpenAPI problem, located."""
    merged = merge_or_verdict(fragments)
    return merged if isinstance(merged, SpecVerdict) else SpecVerdict.of(merged, problems(merged))


def merge_or_verdict(fragments: Fragments) -> MergedSpec | SpecVerdict:
    """The merge of the fragments, or the verdict the error of a merge that fails makes."""
    try:
        return merge(fragments)
    except ValidationError as err:
        return SpecVerdict((SpecProblem.of(err),))


def _restricted(merged: MergedSpec, fragments: set[str]) -> dict[str, Any]:
    """The document with only the path items that come from `fragments`."""
    paths_node = mapping_value(merged.root, "paths")
    paths = merged.data.get("paths") or {}
    kept = {}
    if isinstance(paths_node, yaml.MappingNode) and isinstance(paths, dict):
        for key_node, _ in paths_node.value:
            if merged.locate_node(key_node)[0] in fragments and key_node.value in paths:
                kept[key_node.value] = paths[key_node.value]
    return {**merged.data, "paths": kept}


def _check_duplicate_operation_ids(merged: MergedSpec) -> None:
    # Read from the nodes: the data may hold only the path items a change touched.
    first: dict[str, yaml.Node] = {}
    for node in operation_id_nodes(merged.root):
        if node.value in first:
            raise_twice(merged, f"operationId {node.value} is used twice", first[node.value], node)
        first[node.value] = node
