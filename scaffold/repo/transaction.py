"""Apply a change set as one transaction: all files change, or none does.

The steps, under the repo lock: finish rolling back a run that was killed while writing (its
journal is still there); check that every file is still what the plan read; validate every
result; check again (validating takes a while); record what is about to happen in a journal;
write each new text, and a backup of each old one, to temporary files beside their targets;
`os.replace` the new texts one by one; run the post-checks (the edited server imports); commit
by removing the journal, then the backups.

Any failure on the way — an error, a full disk, Ctrl-C — puts the backups back and removes every
created file, temporary file and directory, so the repo is byte-identical to before. Putting a
backup back is a rename, so it needs no disk space. A run killed outright (kill -9, a power cut)
leaves its journal; the next command that loads the repo rolls it back the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import ScaffoldError, StaleRepoError
from scaffold.model.changes import ChangeSet

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_NAME = ".scaffold.lock"
JOURNAL_NAME = ".scaffold.journal"
#: Temporary files beside a target: its new text, and the backup of its old one.
NEW_SUFFIX = ".scaffold-new.tmp"
OLD_SUFFIX = ".scaffold-old.tmp"

#: A check of the planned result: receives the change set, raises ScaffoldError.
Check = Callable[[ChangeSet], None]


class ApplyError(ScaffoldError):
    """Writing the change set failed; the repo was restored (or the message says what was not)."""


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
        lock = _lock(self.root)
        if lock is None:
            raise ScaffoldError(
                "another scaffold command is changing this repo",
                hint=f"wait for it to finish; the lock is {self.root / LOCK_NAME}",
            )
        try:
            recovered = _recover_locked(self.root)
            try:
                self._check_unchanged(recovered)
                for validate in self.validators:
                    validate(self.changes)
                # Someone may have saved a file while the validators ran.
                self._check_unchanged(recovered)
            except OSError as err:
                raise ApplyError(
                    f"could not check the changes: {err}",
                    hint="nothing was changed; fix the cause and run the command again",
                ) from err
            self._write()
        finally:
            lock.release()
            _remove_quietly(self.root / LOCK_NAME)

    def _check_unchanged(self, recovered: list[str]) -> None:
        for change in self.changes.changes:
            if _sha_of_file(self.root / change.path) != _sha(change.before):
                hint = "nothing was written; run the command again"
                if recovered:
                    hint = (
                        "a scaffold command killed while writing had left the repo half-written; "
                        f"its changes to {', '.join(recovered)} were rolled back. " + hint
                    )
                raise StaleRepoError("changed on disk since the plan was made", hint=hint, path=change.path)

    def _journal(self) -> Journal:
        entries = [JournalEntry(c.path, _sha(c.before), _sha(c.after)) for c in self.changes.changes]
        dirs: list[str] = []
        for change in self.changes.changes:
            if change.after is None:
                continue
            for parent in reversed(Path(change.path).parents):
                name = parent.as_posix()
                if name != "." and name not in dirs and not (self.root / name).exists():
                    dirs.append(name)
        return Journal(entries, dirs)

    def _write(self) -> None:
        journal = self._journal()
        _write_journal(self.root, journal)
        try:
            for directory in journal.dirs:
                (self.root / directory).mkdir()
            for change in self.changes.changes:
                target = self.root / change.path
                if change.before is not None:
                    stage_text(target, change.before, OLD_SUFFIX)
                if change.after is not None:
                    stage_text(target, change.after, NEW_SUFFIX)
            for change in self.changes.changes:
                target = self.root / change.path
                if change.after is not None:
                    replace_file(_temp(target, NEW_SUFFIX), target)
                else:
                    delete_file(target)
            for check in self.post_checks:
                check(self.changes)
        except BaseException as err:
            failed = roll_back(self.root, journal)
            if failed:
                raise ApplyError(
                    f"{_describe(err)}, and restoring failed for {', '.join(failed)}",
                    hint=f"{JOURNAL_NAME} and the backups are kept: the next scaffold command "
                    "in this repo finishes the restore",
                ) from err
            _remove_quietly(self.root / JOURNAL_NAME)
            if isinstance(err, ScaffoldError | KeyboardInterrupt):
                raise
            raise ApplyError(
                f"could not write the changes: {err}",
                hint="nothing was changed; fix the cause and run the command again",
            ) from err
        # The commit: once the journal is gone, nothing will roll these changes back.
        _remove_quietly(self.root / JOURNAL_NAME)
        for change in self.changes.changes:
            _remove_quietly(_temp(self.root / change.path, OLD_SUFFIX))


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


def recover(root: Path) -> list[str]:
    """Roll back what a scaffold command killed while writing left behind; return the files
    restored. Does nothing while a live command holds the lock (the journal is its own)."""
    if not (root / JOURNAL_NAME).exists():
        return []
    lock = _lock(root)
    if lock is None:
        return []
    try:
        return _recover_locked(root)
    finally:
        lock.release()
        _remove_quietly(root / LOCK_NAME)


def _lock(root: Path) -> FileLock | None:
    """The repo lock, taken; None while another command holds it."""
    # Imported here: commands that only read a repo never lock it.
    from filelock import FileLock, Timeout

    lock = FileLock(str(root / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return None
    except OSError as err:
        raise ScaffoldError(
            f"cannot take the lock {LOCK_NAME}: {err.strerror or err}",
            hint=f"{LOCK_NAME} must be a plain file (or absent): delete it",
            path=root / LOCK_NAME,
        ) from None
    return lock


def _recover_locked(root: Path) -> list[str]:
    path = root / JOURNAL_NAME
    if path.is_symlink():
        raise ScaffoldError(
            f"{JOURNAL_NAME} is a symlink; scaffold never writes one",
            hint=f"delete {JOURNAL_NAME}",
            path=path,
        )
    try:
        journal = Journal.load(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return []
    except (ValueError, KeyError, TypeError):
        raise ScaffoldError(
            f"{JOURNAL_NAME} is not a journal scaffold wrote",
            hint=f"check `git status` for half-written files, then delete {JOURNAL_NAME}",
            path=path,
        ) from None
    restored = [entry.path for entry in journal.files if _differs(root, entry)]
    failed = roll_back(root, journal)
    if failed:
        raise ApplyError(
            f"a scaffold command was killed while writing, and restoring {', '.join(failed)} failed",
            hint=f"restore them from git (or the {OLD_SUFFIX} backups beside them), then delete {JOURNAL_NAME}",
            path=root / JOURNAL_NAME,
        )
    _remove_quietly(root / JOURNAL_NAME)
    return restored


def roll_back(root: Path, journal: Journal) -> list[str]:
    """Undo a transaction, as far as it went; return the paths that could not be restored.

    Idempotent, and safe at any point of the transaction: a target still holding its old text
    was never replaced, so its backup (perhaps half-written) is dropped rather than put back.
    Every file is attempted even if one fails or Ctrl-C arrives (it is re-raised as a failure).
    """
    failed: list[str] = []
    for entry in reversed(journal.files):
        try:
            _roll_back_file(root, entry)
        except BaseException:  # noqa: BLE001 - even Ctrl-C: restore the other files, then report
            failed.append(entry.path)
    for directory in reversed(journal.dirs):
        try:
            (root / directory).rmdir()
        except OSError:
            pass
    return failed


def _roll_back_file(root: Path, entry: JournalEntry) -> None:
    target = root / entry.path
    new, old = _temp(target, NEW_SUFFIX), _temp(target, OLD_SUFFIX)
    current = _sha_of_file(target)
    if entry.before is None:
        # Created by the transaction: remove it if it is ours (a file someone else put there
        # since is not).
        if current is not None and current == entry.after:
            target.unlink()
    elif current == entry.before:
        # Never replaced (or already restored): the backup may be half-written; drop it.
        _remove_quietly(old)
    elif current in (entry.after, None) and old.exists():
        replace_file(old, target)
    else:
        raise StaleRepoError("changed by someone else after the failed write", path=entry.path)
    _remove_quietly(new)


def _differs(root: Path, entry: JournalEntry) -> bool:
    return _sha_of_file(root / entry.path) != entry.before


def _describe(err: BaseException) -> str:
    if isinstance(err, KeyboardInterrupt):
        return "interrupted"
    if isinstance(err, ScaffoldError):
        return err.message
    return f"could not write the changes: {err}"


def _write_journal(root: Path, journal: Journal) -> None:
    target = root / JOURNAL_NAME
    try:
        stage_text(target, journal.dump(), NEW_SUFFIX)
        replace_file(_temp(target, NEW_SUFFIX), target)
    except BaseException as err:
        _remove_quietly(_temp(target, NEW_SUFFIX))
        if isinstance(err, KeyboardInterrupt):
            raise
        raise ApplyError(
            f"could not write the changes: {err}",
            hint="nothing was changed; fix the cause and run the command again",
        ) from err


# The file operations are module-level functions so that tests can make any one of them fail.


def stage_text(target: Path, text: str, suffix: str = NEW_SUFFIX) -> Path:
    """Write `text` to the temporary file beside `target` named by `suffix`; return its path."""
    name = _temp(target, suffix)
    # A leftover of a killed run is replaced, never written through (it could be a symlink).
    _remove_quietly(name)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
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
        _remove_quietly(name)
        raise
    return name


def replace_file(temp: Path, target: Path) -> None:
    os.replace(temp, target)


def delete_file(target: Path) -> None:
    target.unlink()


def _temp(target: Path, suffix: str) -> Path:
    return target.parent / f".{target.name}{suffix}"


def _sha(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sha_of_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
