"""Change sets: what a command would write, as data. A dry run only prints one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from scaffold.errors import RepoLayoutError
from scaffold.sources import disk_reader

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


class Workspace:
    """An in-memory view of a repo that planners read and edit; disk is never written.

    Planners edit files one after another (a route line, then a handler, in one module), so
    each sees the others' edits; `change_set()` compares the end state with disk.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._read = disk_reader(root)
        self._original: dict[str, str | None] = {}
        self._current: dict[str, str | None] = {}

    def _load(self, path: str) -> None:
        if path in self._original:
            return
        target = self.root / path
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise RepoLayoutError(
                f"{path} resolves outside the repo (a symlink?)",
                hint="replace the link with the file itself",
                path=target,
            )
        # Read keeping \r\n as it is: the rest of the file must stay byte-identical.
        text = self._read(path)
        self._original[path] = text
        self._current[path] = text

    def exists(self, path: str) -> bool:
        self._load(path)
        return self._current[path] is not None

    def read(self, path: str) -> str:
        """The current text of a file (with edits planned so far)."""
        self._load(path)
        text = self._current[path]
        if text is None:
            raise RepoLayoutError(
                f"{path} does not exist", hint="check the paths in scaffold.toml", path=self.root / path
            )
        return text

    def read_or_none(self, path: str) -> str | None:
        self._load(path)
        return self._current[path]

    def write(self, path: str, text: str | None) -> None:
        self._load(path)
        self._current[path] = text

    def original(self, path: str) -> str | None:
        self._load(path)
        return self._original[path]

    def change_set(self, warnings: list[str] | None = None) -> ChangeSet:
        changes = [
            Change(path, self._original[path], self._current[path])
            for path in self._current
            if self._current[path] != self._original[path]
        ]
        return ChangeSet(changes, list(warnings or []))
