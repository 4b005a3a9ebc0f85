"""The `$ref`s of an OpenAPI document, followed over plain data.

A `$ref` is read as the `referencing` library reads a local JSON pointer, followed wherever the
document is read, and reported at the `$ref` itself when it points to nothing or loops back —
once per place, however often the walk passes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from scaffold.spec.issue import Issue, Path

_REF_HINT = "fix the $ref, or define what it names in the definitions fragment"


class References:
    """A document, the `$ref`s followed in it so far, and the issues found on the way."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.issues: list[Issue] = []
        self._refs_seen: set[Path] = set()
        self._cycles: set[Path] = set()
        self._lookups: dict[str, tuple[Any, Path] | None] = {}

    def resolve(self, value: Any, path: Path) -> tuple[Any, Path] | None:
        """The value with `$ref`s followed, and where it is; None (and an issue) if a `$ref`
        leads nowhere."""
        chain: list[Path] = []
        while isinstance(value, dict) and "$ref" in value:
            ref = value["$ref"]
            if not isinstance(ref, str):
                return None  # the structure check says so
            site = (*path, "$ref")
            if path in chain:
                if site not in self._cycles:
                    self._cycles.add(site)
                    self._issue(
                        "ref",
                        f"$ref {ref!r} is part of a loop of $refs that never reaches a value",
                        site,
                        hint=_REF_HINT,
                    )
                return None
            chain.append(path)
            found = self.lookup(ref)
            if site not in self._refs_seen:
                self._refs_seen.add(site)
                if found is None:
                    self._issue("ref", f"$ref {ref!r} points to nothing", site, hint=_REF_HINT)
            if found is None:
                return None
            value, path = found
        return value, path

    def lookup(self, ref: str) -> tuple[Any, Path] | None:
        """What a local `$ref` names, as the `referencing` library reads a JSON pointer."""
        if ref not in self._lookups:
            self._lookups[ref] = self._lookup(ref)
        return self._lookups[ref]

    def _lookup(self, ref: str) -> tuple[Any, Path] | None:
        if not ref.startswith("#"):
            return None
        fragment = unquote(ref[1:])
        if fragment and not fragment.startswith("/"):
            return None
        value: Any = self.document
        path: list[str | int] = []
        for segment in fragment.split("/")[1:]:
            key: str | int = segment.replace("~1", "/").replace("~0", "~")
            if isinstance(value, list):
                try:
                    key = int(key)
                    value = value[key]
                except (ValueError, IndexError):
                    return None
            elif isinstance(value, dict) and key in value:
                value = value[key]
            else:
                return None
            path.append(key)
        return value, tuple(path)

    def every_ref(self, document: Any) -> None:
        # Every $ref of the document, not only those the reference's walk reaches; examples
        # and extensions are data, not references. Only containers are pushed, tested by
        # exact type: this visits every value of the spec, and is most of the walk's time.
        stack: list[tuple[Any, Path]] = [(document, ())]
        push = stack.append
        while stack:
            value, path = stack.pop()
            if type(value) is dict:
                if type(value.get("$ref")) is str and (*path, "$ref") not in self._refs_seen:
                    self.resolve(value, path)
                for key, item in reversed(value.items()):
                    kind = type(item)
                    if (kind is dict or kind is list) and not (
                        type(key) is str and (key == "example" or key.startswith("x-"))
                    ):
                        push((item, (*path, key)))
            else:
                for index in range(len(value) - 1, -1, -1):
                    kind = type(value[index])
                    if kind is dict or kind is list:
                        push((value[index], (*path, index)))

    def items(self, value: Any, path: Path) -> Iterator[tuple[Any, Any, Path]]:
        """(key, resolved value, its path) of a mapping, the mapping itself resolved."""
        found = self.resolve(value, path)
        if found is None or not isinstance(found[0], dict):
            return
        mapping, path = found
        for key, item in mapping.items():
            resolved = self.resolve(item, (*path, key))
            if resolved is not None:
                yield key, resolved[0], resolved[1]

    def sequence(self, value: Any, path: Path) -> Iterator[tuple[Any, Path, Path]]:
        """(resolved item, where it is written, where it resolves to) of a sequence."""
        found = self.resolve(value, path)
        if found is None or not isinstance(found[0], list):
            return
        sequence, path = found
        for index, item in enumerate(sequence):
            resolved = self.resolve(item, (*path, index))
            if resolved is not None:
                yield resolved[0], (*path, index), resolved[1]

    def _issue(
        self,
        check: str,
        message: str,
        at: Path,
        *,
        hint: str | None = None,
        first: Path | None = None,
        reported: Path = (),
    ) -> None:
        self.issues.append(Issue(check, message, at, reported, hint, first))
