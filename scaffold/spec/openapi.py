"""Every problem of an OpenAPI document, as openapi-spec-validator would judge it, fast.

Two passes, in the reference's order: the structure against the official schema (compiled),
then the checks the reference adds (a walk over plain data). Values JSON has no word for —
a response code written `200:` (a number, to YAML), a date — make the compiled validator
refuse the document outright, so they are found and reported at their keys, and both passes
run over a copy where they are text.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from scaffold.spec.issue import Issue, Path
from scaffold.spec.schema_checks import checks_for
from scaffold.spec.schemas import schema_version
from scaffold.spec.semantics import Walk
from scaffold.spec.structure import structure_issues

#: How many frames the walk may stack (schemas inside schemas, chains of $refs), wherever it
#: is called from: a spec too deep to walk is so for every command, in every process.
WALK_FRAMES = 900


def document_issues(document: dict[str, Any], *, limit: int, every_ref: bool = True) -> list[Issue]:
    """The first `limit` problems of `document`: structure first, then the rest. Without
    `every_ref`, only the `$ref`s the checks follow are (another process follows the rest).
    Raises RecursionError for a document too deep to walk in WALK_FRAMES frames."""
    version = schema_version(document.get("openapi", ""))
    found: list[Issue] = []
    try:
        found = list(islice(structure_issues(document, version), limit))
    except ValueError:
        found, document = _not_json(document, version, limit)
    if len(found) < limit:
        with _frames(WALK_FRAMES):
            found += Walk(document, checks_for(version, document)).run(every_ref=every_ref)
    return found[:limit]


@contextmanager
def _frames(count: int) -> Iterator[None]:
    """Room for `count` more frames above this one, not what the recursion limit leaves."""
    depth, frame = 0, sys._getframe()
    while frame.f_back is not None:
        depth, frame = depth + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + count)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def _not_json(
    document: dict[str, Any], version: str, limit: int
) -> tuple[list[Issue], dict[str, Any]]:
    """The values the validator cannot read, the structure of the document with them as text,
    and that document."""
    odd = list(_odd_values(document, ()))
    fatal = [
        (path, what)
        for path, what in odd
        if _refused(_as_text(document, [p for p, _ in odd if p != path]), version)
    ] or odd
    issues = [Issue("value", what, path, hint=_remedy(what)) for path, what in fatal]
    if not fatal:
        issues.append(
            Issue(
                "value",
                "the spec holds a value the validator cannot read",
                (),
                hint="write it as JSON text",
            )
        )
    clean = _as_text(document, [path for path, _ in odd])
    try:
        issues += islice(structure_issues(clean, version), limit)
    except ValueError:  # something else it cannot read: what was found stands
        pass
    return issues, clean


def _refused(document: Any, version: str) -> bool:
    try:
        for _ in structure_issues(document, version):
            pass
    except ValueError:
        return True
    return False


def _odd_values(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                yield (*path, key), f"the key {key!r} is a {_kind(key)}, and OpenAPI keys are text"
            elif not _unicode(key):
                yield (
                    (*path, key),
                    f"the key {key!r} is not valid Unicode (a lone surrogate escape)",
                )
            yield from _odd_values(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _odd_values(item, (*path, index))
    elif isinstance(value, str):
        if not _unicode(value):
            yield path, f"{value!r} is not valid Unicode (a lone surrogate escape)"
    elif not isinstance(value, (int, float, bool)) and value is not None:
        shown = value.isoformat() if isinstance(value, datetime.date) else repr(value)
        yield path, f"{shown} is a {_kind(value)}, which JSON cannot hold"


def _unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return "date"
    return type(value).__name__


def _remedy(what: str) -> str:
    if "Unicode" in what:
        return "remove the \\uD800-style escape: YAML allows it, JSON does not"
    return 'quote it, e.g. "200": or "2024-01-01"'


def _as_text(document: Any, paths: list[Path]) -> Any:
    """A copy of `document` with the keys or values at `paths` turned to text."""
    targets = set(paths)

    def convert(value: Any, path: Path) -> Any:
        if isinstance(value, dict):
            result = {}
            for key, item in value.items():
                where = (*path, key)
                name = _text(key) if where in targets else key
                result[name] = convert(item, where)
            return result
        if isinstance(value, list):
            return [convert(item, (*path, i)) for i, item in enumerate(value)]
        if (
            path in targets
            and (isinstance(value, str) or not isinstance(value, (int, float, bool)))
            and value is not None
        ):
            return _text(value)
        return value

    return convert(document, ())


def _text(value: Any) -> str:
    return str(value).encode("utf-8", "replace").decode("utf-8")
