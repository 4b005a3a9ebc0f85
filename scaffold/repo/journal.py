"""The journal of a transaction: what it is about to write, enough to undo it after a crash.

A journal is read back only after a command was killed while writing, by whatever command
opens the repo next — `check` in CI included. So it is read as hostile input: every path it
names must lead to a file inside the repo, links followed, before anything is touched.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scaffold.errors import ScaffoldError

JOURNAL_NAME = ".scaffold.journal"
#: Temporary files beside a target: its new text, and the backup of its old one.
NEW_SUFFIX = ".scaffold-new.tmp"
OLD_SUFFIX = ".scaffold-old.tmp"


def temp_path(target: Path, suffix: str) -> Path:
    return target.parent / f".{target.name}{suffix}"


@dataclass(frozen=True)
class JournalEntry:
    """One file of a transaction: its path and the sha256 of its text before and after."""

    path: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Journal:
    """What a transaction is about to write: enough to undo it after a crash."""

    files: list[JournalEntry]
    #: directories the transaction creates, outermost first
    dirs: list[str] = field(default_factory=list)

    def dump(self) -> str:
        return json.dumps({"files": [asdict(entry) for entry in self.files], "dirs": self.dirs}, indent=1)

    @classmethod
    def load(cls, text: str) -> Journal:
        """Read a journal back; ValueError unless it is one this module wrote."""
        data = json.loads(text)
        journal = cls([JournalEntry(**entry) for entry in data["files"]], list(data["dirs"]))
        for path in [entry.path for entry in journal.files] + journal.dirs:
            if not isinstance(path, str) or Path(path).is_absolute() or ".." in Path(path).parts:
                raise ValueError(f"{path!r} is not a path inside the repo")
        return journal


def check_contained(root: Path, journal: Journal) -> None:
    """Refuse a journal that names anything outside the repo once links are followed, or a
    temporary file that is a link (scaffold only ever writes plain ones): restoring it would
    delete or overwrite a file elsewhere. Nothing has been touched when this raises."""
    inside = root.resolve()
    paths = [*journal.dirs]
    for entry in journal.files:
        paths.append(entry.path)
        for suffix in (NEW_SUFFIX, OLD_SUFFIX):
            temp = temp_path(root / entry.path, suffix)
            if temp.is_symlink():
                _refuse(root, temp.relative_to(root).as_posix(), "is a symlink; scaffold never writes one")
    for path in paths:
        try:
            resolved = (root / path).resolve()
        except (OSError, RuntimeError):  # a loop of links
            resolved = None
        if resolved is None or not resolved.is_relative_to(inside):
            _refuse(root, path, "leads outside the repo through a symlink")


def _refuse(root: Path, path: str, why: str) -> None:
    raise ScaffoldError(
        f"names {path}, which {why}: the killed command it records was not rolled back",
        hint=f"nothing was changed; check `git status` for half-written files, then delete {JOURNAL_NAME}",
        path=root / JOURNAL_NAME,
    )


@dataclass(frozen=True)
class Recovery:
    """What opening a repo undid of a command killed while writing."""

    #: files put back as they were before the killed command (removed, if it had created them)
    restored: tuple[str, ...] = ()
    #: what it had left and was removed: temporary files, new directories, its journal and lock
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.restored or self.removed)

    def describe(self) -> str:
        """One sentence for the user: nothing is ever undone silently."""
        removed = f"removed what it had left: {', '.join(self.removed)}" if self.removed else ""
        if self.restored:
            text = f"rolled back: a scaffold command was killed while writing; restored {', '.join(self.restored)}"
            return f"{text}; {removed}" if removed else text
        return f"cleaned up: a scaffold command was killed before it changed any file; {removed}"
