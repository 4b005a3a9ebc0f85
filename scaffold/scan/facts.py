"""What every reader of the scan shares: where a fact stands, and paths compared by shape."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
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
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count
