"""The structure of an OpenAPI document, by the official OpenAPI JSON Schema, compiled.

This is the first half of what openapi-spec-validator checks, with the same compiled schema and
the same library, so it finds the same errors at the same instance paths. What it adds is
aim: an error the schema reports on a whole object is placed at the key that causes it — the
stray key of an `additionalProperties` error, the failing key inside the one branch of a
`oneOf` that the object meant to be (a Response rather than a Reference when it has no `$ref`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs

from scaffold.spec.issue import Issue, Path
from scaffold.spec.schemas import document_validator

_Kind = jsonschema_rs.ValidationErrorKind
_STRAY_HINT = "remove it, or name it x-… to keep it as an extension"
_REPEAT_HINT = "remove one of them"
_HINT = "fix this key of the fragment; `scaffold docs build` shows the merged result"


def structure_issues(document: Any, version: str) -> Iterator[Issue]:
    """Every error of `document` against the OpenAPI `version` schema, each at its key.

    Raises ValueError for values the validator cannot read (keys that are not strings, dates);
    the caller places those itself.
    """
    for error in document_validator(version).iter_errors(document):
        yield from _aimed(error, keyed(document, error.instance_path), document)


def _aimed(error: Any, reported: Path, document: Any) -> Iterator[Issue]:
    kind = error.kind
    at = keyed(document, error.instance_path)
    if isinstance(kind, _Kind.AdditionalProperties):
        for name in kind.unexpected:
            yield Issue("structure", f"unexpected key {name!r}", (*at, name), reported, _STRAY_HINT)
        return
    if isinstance(kind, _Kind.UniqueItems):
        items = _value_at(document, at)
        for index in _repeats(items if isinstance(items, list) else []):
            yield Issue(
                "structure",
                "this item repeats an earlier one",
                (*at, index),
                reported,
                _REPEAT_HINT,
            )
        return
    if isinstance(kind, _Kind.Required):
        yield Issue("structure", f"missing required key {kind.property!r}", at, reported, _HINT)
        return
    if isinstance(kind, (_Kind.OneOfNotValid, _Kind.AnyOf)) and kind.context:
        branch = _meant(kind.context, _value_at(document, at))
        if branch is not None:
            for inner in branch:
                yield from _aimed(inner, reported, document)
            return
    yield Issue("structure", error.message, at, reported, _HINT)


def _meant(branches: list[list[Any]], value: Any) -> list[Any] | None:
    """The branch of a `oneOf`/`anyOf` the value was written as, if one stands out.

    OpenAPI's alternatives are mostly "a Reference Object or the object itself": a value with
    `$ref` meant the reference (the branch that does not refuse `$ref`), one without meant the
    other (a branch that does not ask for `$ref`). Among those, the branch with the fewest
    errors is the likeliest intent.
    """
    has_ref = isinstance(value, dict) and "$ref" in value
    unlike = _refuses_ref if has_ref else _wants_ref
    candidates = [b for b in branches if b and not unlike(b)] or [b for b in branches if b]
    return min(candidates, key=len) if candidates else None


def _wants_ref(branch: list[Any]) -> bool:
    return any(isinstance(e.kind, _Kind.Required) and e.kind.property == "$ref" for e in branch)


def _refuses_ref(branch: list[Any]) -> bool:
    return any(
        isinstance(e.kind, _Kind.AdditionalProperties) and "$ref" in e.kind.unexpected
        for e in branch
    )


def _repeats(items: list[Any]) -> list[int]:
    """The indexes of items equal to an earlier one (at least one, to be placed somewhere)."""
    seen: list[Any] = []
    repeats = []
    for index, item in enumerate(items):
        if item in seen:
            repeats.append(index)
        seen.append(item)
    return repeats


def keyed(document: Any, path: Any) -> Path:
    """`path` with the document's own keys: the validator reports a key that looks like a
    number ("200") as a number."""
    keys: list[str | int] = []
    value = document
    for part in path:
        if isinstance(value, dict) and part not in value and str(part) in value:
            part = str(part)
        keys.append(part)
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            value = None
    return tuple(keys)


def _value_at(document: Any, path: Path) -> Any:
    value = document
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value
