"""Apply a change set as one transaction: all files change, or none does.

The steps: take the repo lock; check that every file is still what the plan read; validate
every result; write each new text to a temporary file beside its target; `os.replace` them one
by one; run the post-checks (the edited server imports). Any failure on the way — an error, a
full disk, Ctrl-C — restores every file already replaced and removes every temporary file, so
the repo is byte-identical to before.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from scaffold.changes import Change, ChangeSet
from scaffold.errors import ScaffoldError, StaleRepoError

LOCK_NAME = ".scaffold.lock"

#: A check of the planned result: receives the change set, raises ScaffoldError.
Check = Callable[[ChangeSet], None]


class ApplyError(ScaffoldError):
    """Writing the change set failed; the repo was restored."""


@dataclass
class Transaction:
    """Applies one change set to a repo."""

    root: Path
    changes: ChangeSet
    #: checks run on the planned texts before anything is written
    validators: list[Check] = field(default_factory=list)
    #: checks run after the files are in place; a failure restores them
    post_checks: list[Check] = field(default_factory=list)

    def run(self) -> None:
        lock = FileLock(str(self.root / LOCK_NAME), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise ScaffoldError(
                "another scaffold command is changing this repo",
                hint=f"wait for it to finish; the lock is {self.root / LOCK_NAME}",
            ) from None
        try:
            self._check_unchanged()
            for validate in self.validators:
                validate(self.changes)
            self._write()
        finally:
            lock.release()
            _remove_quietly(self.root / LOCK_NAME)

    def _check_unchanged(self) -> None:
        for change in self.changes.changes:
            target = self.root / change.path
            try:
                current: str | None = _read_exact(target)
            except FileNotFoundError:
                current = None
            if current != change.before:
                raise StaleRepoError(
                    "changed on disk since the plan was made",
                    hint="nothing was written; run the command again",
                    path=change.path,
                )

    def _write(self) -> None:
        staged: list[tuple[Change, Path]] = []
        replaced: list[Change] = []
        created_dirs: list[Path] = []
        try:
            for change in self.changes.changes:
                if change.after is not None:
                    created_dirs += _make_parents(self.root / change.path)
                    staged.append((change, stage_text(self.root / change.path, change.after)))
            for change, temp in staged:
                replace_file(temp, self.root / change.path)
                replaced.append(change)
            for change in self.changes.changes:
                if change.after is None:
                    delete_file(self.root / change.path)
                    replaced.append(change)
            for check in self.post_checks:
                check(self.changes)
        except BaseException as err:
            self._restore(replaced, [temp for _, temp in staged], created_dirs)
            if isinstance(err, ScaffoldError | KeyboardInterrupt):
                raise
            raise ApplyError(
                f"could not write the changes: {err}",
                hint="nothing was changed; fix the cause and run the command again",
            ) from err

    def _restore(self, replaced: Iterable[Change], temps: Iterable[Path], dirs: list[Path]) -> None:
        # Restoring must not be interrupted half-way, and uses the texts held in memory.
        for change in replaced:
            target = self.root / change.path
            if change.before is None:
                _remove_quietly(target)
            else:
                replace_file(stage_text(target, change.before), target)
        for temp in temps:
            _remove_quietly(temp)
        for directory in reversed(dirs):
            try:
                directory.rmdir()
            except OSError:
                pass


def apply_changes(
    root: Path,
    changes: ChangeSet,
    *,
    validators: Iterable[Check] = (),
    post_checks: Iterable[Check] = (),
) -> None:
    """Apply `changes` to the repo at `root`, all or nothing."""
    if changes:
        Transaction(root, changes, list(validators), list(post_checks)).run()


# The file operations are module-level functions so that tests can make any one of them fail.


def stage_text(target: Path, text: str) -> Path:
    """Write `text` to a new temporary file beside `target` and return its path."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(name, target.stat().st_mode & 0o7777)
        else:
            os.chmod(name, 0o644)
    except BaseException:
        _remove_quietly(Path(name))
        raise
    return Path(name)


def replace_file(temp: Path, target: Path) -> None:
    os.replace(temp, target)


def delete_file(target: Path) -> None:
    target.unlink()


def _read_exact(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _make_parents(path: Path) -> list[Path]:
    """Create the missing parent directories of `path`; return them, outermost first."""
    missing = [p for p in reversed(path.parents) if not p.exists()]
    for directory in missing:
        directory.mkdir()
    return missing


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
