"""THE locator of spec problems: OpenAPI validation, every problem mapped to its fragment:line.

The validator speaks of JSON paths in the merged document; a contributor edits a fragment. Each
problem is placed at the node its path leads to, through the merged spec's line map.
`docs build` and `add` stop at the first problem (`validate`); `check` lists them all
(`validate_fragments`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from typing import Any

import yaml

from scaffold.errors import ValidationError
from scaffold.spec.merge import MergedSpec, mapping_value, merge, node_at, raise_twice, shorten

#: More problems than this are one problem to fix first, not a list to read.
MAX_PROBLEMS = 50

_UNRESOLVED_PATH = re.compile(r"in '(/[^']*)'")
_HINT = "fix the operation in this fragment; `scaffold docs build` shows the merged result"


@dataclass(frozen=True)
class SpecProblem:
    message: str
    path: str | None
    line: int | None
    hint: str | None = None

    def error(self) -> ValidationError:
        return ValidationError(self.message, hint=self.hint, path=self.path, line=self.line)


Fragments = list[tuple[str, str]]


def problems(merged: MergedSpec, *, only: set[str] | None = None) -> list[SpecProblem]:
    """Every OpenAPI problem of the merged document (up to MAX_PROBLEMS), each located.

    With `only`, the path items of other fragments are left out of the validated document:
    they were not changed, and full validation costs about a second per 500 operations.
    """
    # Imported here: a third of a second, and only validation needs it (not a dry run's merge).
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from referencing.exceptions import Unresolvable

    version = str(merged.data.get("openapi", ""))
    validator = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    document = merged.data if only is None else _restricted(merged, only)
    try:
        errors = list(islice(validator(document).iter_errors(), MAX_PROBLEMS))
    except Unresolvable as err:
        # A missing pointer comes back without its "#".
        ref = str(err.ref) if not str(err.ref).startswith("/") else "#" + str(err.ref)
        fragment, line = merged.locate_node(_ref_node(merged.root, ref) or merged.root)
        return [
            SpecProblem(
                f"$ref {ref!r} points to nothing",
                fragment,
                line,
                "fix the $ref, or define what it names in the definitions fragment",
            )
        ]
    except (RecursionError, ValueError, TypeError) as err:
        # The validator gives up on some documents ($ref cycles, keys that are not strings).
        return [
            SpecProblem(
                f"the merged spec cannot be validated: {shorten(str(err))}",
                merged.fragments[0].path if merged.fragments else None,
                None,
                "look for $ref cycles, very deep schemas or keys that are not strings",
            )
        ]
    located = []
    for error in errors:
        where = list(getattr(error, "absolute_path", []) or [])
        match = _UNRESOLVED_PATH.search(error.message)
        if not where and match:
            where = ["paths", match.group(1)]
        fragment, line = merged.locate_node(node_at(merged.root, where))
        at = "/".join(str(p) for p in where) or "document"
        located.append(
            SpecProblem(f"invalid OpenAPI at {at}: {shorten(error.message)}", fragment, line, _HINT)
        )
    return located


def validate(merged: MergedSpec, *, only: set[str] | None = None) -> None:
    """Raise the first problem of the merged document, located (see `problems`).

    Duplicate operationIds are checked across the whole document, whatever `only` says.
    """
    _check_duplicate_operation_ids(merged)
    found = problems(merged, only=only)
    if found:
        raise found[0].error()


def validate_fragments(fragments: Fragments) -> list[SpecProblem]:
    """Merge the fragments as `docs build` does and list every OpenAPI problem, located.

    Duplicate operationIds are left to the `operation-id` rule of `check`, so they do not hide
    the problems behind them.
    """
    try:
        merged = merge(fragments)
    except ValidationError as err:
        return [SpecProblem(err.message, str(err.path) if err.path else None, err.line, err.hint)]
    return problems(merged)


def _ref_node(root: yaml.Node, ref: str) -> yaml.Node | None:
    """The first `$ref: <ref>` value in the document (the validator does not say where)."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == "$ref" and getattr(value_node, "value", None) == ref:
                    return value_node  # type: ignore[no-any-return]
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


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
    first: dict[str, yaml.Node] = {}
    for _, _, node, operation in merged.operations():
        operation_id = operation.get("operationId")
        if not isinstance(operation_id, str):
            continue
        id_node = mapping_value(node, "operationId") or node
        if operation_id in first:
            raise_twice(merged, f"operationId {operation_id} is used twice", first[operation_id], id_node)
        first[operation_id] = id_node
