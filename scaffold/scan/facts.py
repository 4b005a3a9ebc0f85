"""What every reader of the scan shares: where a fact stands, paths compared by shape and
read below the API prefix, and the files the layout names that must be there."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import NamedTuple

from scaffold.errors import RepoLayoutError
from scaffold.model.layout import RepoLayout


class Location(NamedTuple):
    """Where a fact stands. A named tuple, as the other facts of which a repo has thousands
    (a test and its status checks): the cache loads them three times faster than dataclasses."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def shape(path: str) -> str:
    """A path with its parameter names erased: `/users/{user_id}` → `/users/{}`."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def params_of(path: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\{([^}]*)\}", path))


def shared_prefix(a: list[str], b: list[str]) -> int:
    """How many leading segments two paths, split at `/`, have in common."""
    return len(os.path.commonprefix([a, b]))


def under_prefix(path: str, prefix: str) -> str | None:
    """`path` relative to the API prefix (`/api/v4/users` → `/users`); None when it is not
    under it."""
    return path[len(prefix) :] if path.startswith(prefix + "/") else None


def required_file(read: Callable[[str], str | None], layout: RepoLayout, key: str) -> str:
    """The text of the file `[server] key` names (`routes`, `driver`): one that is not there
    is scaffold.toml's to fix."""
    path = getattr(layout, key)
    text = read(path)
    if text is None:
        raise RepoLayoutError(
            f"{path} does not exist", hint=f"fix [server] {key} in scaffold.toml", path=layout.config_path
        )
    return text
