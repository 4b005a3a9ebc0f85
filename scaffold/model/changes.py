"""Change sets: what a command would write, as data. A dry run only prints one."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from typing import Literal

Action = Literal["create", "update", "delete"]


#: Unchanged lines shown around each hunk (git's default, and difflib's).
_CONTEXT = 3
_HUNK = re.compile(r"@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def _shift_hunk(line: str, offset: int) -> str:
    """A hunk header of a diff of lines from `offset` on, numbered as in the whole file."""
    if not line.startswith("@@"):
        return line
    header = _HUNK.match(line)
    assert header is not None  # difflib writes every header this way
    old, old_length, new, new_length = header.groups()
    return (
        f"@@ -{int(old) + offset}{old_length or ''} +{int(new) + offset}{new_length or ''} @@"
        + line[header.end() :]
    )


@dataclass(frozen=True)
class Change:
    """One file's text before and after; `None` means the file does not exist."""

    path: str
    before: str | None
    after: str | None
    #: `after` is a module that parsed with whole top-level statements taken out: it compiles
    #: as that module did (no syntax check needs to compile it again)
    compiles_as_before: bool = False

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
        # Lines both sides share at the start and the end are left out, save the context
        # a hunk shows: difflib matches whole files in time that grows with their length,
        # and an edit of a 16,000-line module touches a few dozen.
        same = len(os.path.commonprefix([before, after]))
        # The suffix is counted after the whole prefix: the two never share a line, and each
        # hunk keeps its context on both sides.
        skip = max(same - _CONTEXT, 0)
        end = max(len(os.path.commonprefix([before[same:][::-1], after[same:][::-1]])) - _CONTEXT, 0)
        lines = difflib.unified_diff(
            before[skip : len(before) - end],
            after[skip : len(after) - end],
            fromfile="/dev/null" if self.before is None else f"a/{self.path}",
            tofile="/dev/null" if self.after is None else f"b/{self.path}",
            n=_CONTEXT,
        )
        if skip:
            lines = (_shift_hunk(line, skip) for line in lines)
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
