"""Change sets: what a command would write, as data. A dry run only prints one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Literal

Action = Literal["create", "update", "delete"]


@dataclass(frozen=True)
class Change:
    """One file's text before and after; `None` means the file does not exist."""

    path: str
    before: str | None
    after: str | None

    @property
    def action(self) -> Action:
        if self.before is None:
            return "create"
        if self.after is None:
            return "delete"
        return "update"

    def diff(self) -> str:
        """The unified diff of this change, as `git diff` would show it."""
        before = [] if self.before is None else self.before.splitlines(keepends=True)
        after = [] if self.after is None else self.after.splitlines(keepends=True)
        lines = difflib.unified_diff(
            before,
            after,
            fromfile="/dev/null" if self.before is None else f"a/{self.path}",
            tofile="/dev/null" if self.after is None else f"b/{self.path}",
        )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)

    def counts(self) -> tuple[int, int]:
        """Lines added and removed."""
        added = removed = 0
        for line in self.diff().splitlines():
            if line.startswith("+") and not line.startswith("+++"):
                added += 1
            elif line.startswith("-") and not line.startswith("---"):
                removed += 1
        return added, removed


@dataclass
class ChangeSet:
    """The changes of one command, applied together or not at all."""

    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def diff(self) -> str:
        return "".join(change.diff() for change in self.changes)

    @property
    def paths(self) -> list[str]:
        return [change.path for change in self.changes]
