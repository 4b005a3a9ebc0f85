"""One problem of an OpenAPI document, placed at the key that causes it.

The checks speak of paths into the document (keys and sequence indexes); the merged spec turns
a path into a fragment and line. `at` is the offending key itself — the stray `body:`, the
`$ref` that points to nothing — while `reported` is where the reference validator would put
the same problem (its instance path), so the two can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """A problem, where it is, and what to do about it."""

    #: which check found it: "structure", "value", "ref", "tag", "parameter", "path-parameter",
    #: "operation-id", "schema", "default" or "required"
    check: str
    message: str
    #: the offending key (or sequence item) in the document
    at: Path
    #: where the reference validator reports it: the instance path of a structure error, the
    #: Schema Object of a schema or default problem; () where it names no place
    reported: Path = ()
    hint: str | None = None
    #: for "defined twice": where the first one is
    first: Path | None = None


def pointer(path: Path) -> str:
    """A path as a JSON pointer (`#/paths/~1users/get/body`), as OpenAPI tools print it."""
    return "#" + "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)
